-- Regenerate: a sample queued again from the recorded payload of its own GENERATE job becomes a new sample that
-- points at the one it repeats, so both videos stay for comparison. A (source, instruction) pair may therefore have
-- one original sample and any number of regenerations.
alter table samples add column regenerated_from bigint references samples (id) on delete set null;
drop index samples_source_instruction_uq;
create unique index samples_source_instruction_uq on samples (source_id, instruction_id) where regenerated_from is null;
create index samples_regenerated_from_idx on samples (regenerated_from) where regenerated_from is not null;
