-- The overview counts thousands of runners and lists a page of them, most recently heard from first: the runners
-- that are not revoked, by last_seen_at (the alive ones are a range of it, the first page its first rows).
create index runners_recent_idx on runners (last_seen_at desc nulls last, id) where revoked_at is null;
