-- The queue's hot path: every claim sets jobs.lease_owner, and the foreign key to runners made PostgreSQL check
-- it with SELECT … FOR KEY SHARE on the runner's row, which writes a row lock (and WAL) into that row on every
-- claim, only to prove what the claim statement already knows: the runner is registered (the server resolves the
-- bearer token to that runner before it claims). Runners are never deleted (a revoked runner keeps its row), so
-- the reference cannot dangle; lease_owner keeps its meaning and the index-free column stays cheap to update.
alter table jobs drop constraint if exists jobs_lease_owner_fkey;
