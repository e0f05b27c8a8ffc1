-- The judge claims a sample with a lease and calls the model server outside any transaction: no row lock is held
-- while a remote vision model answers. A lease that runs out (the server died mid-call) lets another server, or
-- this one after a restart, take the sample over; attempts bound a sample that keeps killing its judge.
alter table samples add column judge_lease_owner text;
alter table samples add column judge_lease_until timestamptz;
alter table samples add column judge_attempts int not null default 0 check (judge_attempts >= 0);
