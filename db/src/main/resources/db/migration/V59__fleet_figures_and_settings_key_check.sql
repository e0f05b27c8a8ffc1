-- The overview counts thousands of runners and lists a page of them, most recently heard from first: the runners
-- that are not revoked, by last_seen_at (the alive ones are a range of it, the first page its first rows).
create index runners_recent_idx on runners (last_seen_at desc nulls last, id) where revoked_at is null;

-- Servers sharing this database must encrypt secret settings with one key, which is never stored here: one row holds
-- a fixed text encrypted with the key of the first server that started, and a server whose key cannot read it does
-- not start.
create table settings_key_check (
    one        boolean     primary key default true check (one),
    probe      text        not null,
    created_at timestamptz not null default now()
);
