-- Probe filters that act (docs/source-filters.md): a probed source whose scores break a threshold is QUARANTINED with
-- the reasons instead of READY, until an admin releases (READY) or archives it. Clip perceptual hashes are stored as
-- 64-bit integers split into four 16-bit bands, each indexed: two hashes within Hamming distance k share at least one
-- band within distance floor(k/4) (pigeonhole), so neighbours are found by band look-ups, then verified exactly.

alter table sources drop constraint sources_status_check;
alter table sources add constraint sources_status_check
    check (status in ('NEW', 'PROBING', 'READY', 'QUARANTINED', 'FAILED', 'DUPLICATE', 'ARCHIVED'));

alter table sources
    add column quarantine_reasons text[] not null default '{}',
    add column released_by text,
    add column released_at timestamptz;

alter table source_assets add column phash64 bigint;
update source_assets set phash64 = ('x' || lower(phash))::bit(64)::bigint
 where kind = 'CLIP' and phash ~ '^[0-9a-fA-F]{16}$';

alter table source_assets
    add column phash_b0 int generated always as (((phash64 >> 48) & 65535)::int) stored,
    add column phash_b1 int generated always as (((phash64 >> 32) & 65535)::int) stored,
    add column phash_b2 int generated always as (((phash64 >> 16) & 65535)::int) stored,
    add column phash_b3 int generated always as ((phash64 & 65535)::int) stored;

create index source_assets_phash_b0_idx on source_assets (phash_b0) where phash64 is not null;
create index source_assets_phash_b1_idx on source_assets (phash_b1) where phash64 is not null;
create index source_assets_phash_b2_idx on source_assets (phash_b2) where phash64 is not null;
create index source_assets_phash_b3_idx on source_assets (phash_b3) where phash64 is not null;

-- The gallery filters on tags server-side.
create index sources_tags_idx on sources using gin (tags);
