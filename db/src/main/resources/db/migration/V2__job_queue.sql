-- The job queue's runtime: wake-ups for long-polling runners, uploaded artefacts per job, statistics.
--
-- lease_owner keeps the runner of the latest attempt after the lease ends (lease_expires_at is null then,
-- which V1's check allows): a repeated completion or failure of that attempt is recognised and answered OK.

-- Uploaded artefacts, by name: {"edited.mp4": {"key": "…", "size": 123, "attempt": 2, "runner": 7}}.
alter table jobs add column artifacts jsonb not null default '{}';

-- Long-polling claims wait for this notification instead of polling; the channel is per schema, so
-- several platforms (or test schemas) in one database never wake each other.
create function jobs_notify_queued() returns trigger language plpgsql as $$
begin
    perform pg_notify('ditto_jobs_' || tg_table_schema, new.type);
    return null;
end
$$;

create trigger jobs_queued_insert after insert on jobs
    for each row when (new.status = 'QUEUED') execute function jobs_notify_queued();
create trigger jobs_queued_update after update of status on jobs
    for each row when (new.status = 'QUEUED' and old.status is distinct from 'QUEUED') execute function jobs_notify_queued();

-- Queue statistics (counts by type and status) by index-only scan.
create index jobs_status_type_idx on jobs (status, type);

-- Claims of one type (most runners run one kind of work) scan only that type's queue, in claim order.
create index jobs_claim_type_idx on jobs (type, priority desc, id) where status = 'QUEUED';
