-- Releases: a row-level snapshot per release sample (so the diff against the previous version compares what was
-- shipped, not what the sample looks like today), and immutable tar shards of videos shared between versions.

create table release_shards (
    id            bigint generated always as identity primary key,
    release_name  text        not null,
    category      text        not null,              -- 'source' for source clips, else the lower-case edit category
    seq           int         not null check (seq > 0),
    path          text        not null,              -- videos/<category>/<category>-00042.tar
    sha256        text        not null,
    size_bytes    bigint      not null check (size_bytes >= 0),
    entries       int         not null check (entries >= 0),
    first_release_id bigint   not null references releases (id) on delete cascade,
    created_at    timestamptz not null default now()
);
create unique index release_shards_path_uq on release_shards (release_name, path);
create unique index release_shards_seq_uq on release_shards (release_name, category, seq);

alter table release_samples
    add column clip_id         bigint,
    add column instruction     text,
    add column judge_score     real,
    add column verdict_md5     text,
    add column edited_blob_key text,
    add column keyframe_blob_key text,
    add column edited_shard_id bigint references release_shards (id),
    add column source_shard_id bigint references release_shards (id);
create index release_samples_order_idx on release_samples (release_id, category, sample_id);
create index release_samples_clip_idx on release_samples (release_id, clip_id);
