-- Search indexer: an outbox event that failed waits before its next attempt (exponential backoff), so one poison
-- event never blocks the ones behind it; processed events are found by time for reindex catch-up and pruning.
alter table outbox add column next_attempt_at timestamptz;
create index outbox_processed_idx on outbox (processed_at) where processed_at is not null;
