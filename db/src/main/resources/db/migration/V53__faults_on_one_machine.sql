-- Faults on one machine (issue 23).
--
-- Campaign writing is owned by a lease, like the judge's (V11): the server writing a campaign heartbeats
-- lease_until; a RUNNING campaign whose lease ran out (its server was killed, or lost PostgreSQL for longer than
-- the lease) is taken over by the next server that polls, this one after a restart or another one. sources_done is
-- the campaign's cursor into its selection: it advances in the same transaction that writes a source's
-- instructions, samples and jobs, so a takeover continues at the first source not yet written, never twice.
-- RUNNING campaigns of before this migration have no lease and are taken over at once.
alter table campaigns add column lease_owner text;
alter table campaigns add column lease_until timestamptz;
alter table campaigns add column sources_done int not null default 0 check (sources_done >= 0);
create index campaigns_claimable_idx on campaigns (id) where status in ('QUEUED', 'RUNNING');

-- A job's attempts count only its own failures. A lease lost because its runner died, or a job handed back by a
-- runner that shut down, requeues the job without using an attempt (max_attempts grows with attempts, so the
-- attempt number stays the lease's epoch); runner_losses counts those, and a job that loses more runners than
-- ditto.runner.max-runner-losses is parked (a job that kills its runners).
alter table jobs add column runner_losses int not null default 0 check (runner_losses >= 0);
