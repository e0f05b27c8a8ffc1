-- "Decide all N matches of a query": one batch decision of a curator, run by the server in pages over a snapshot of
-- the matching sample ids taken when the batch was created (keyset on sample_id), so it survives a restart and acts
-- on exactly what matched, not on what a later search would find.
create table decision_batches (
    id                bigint generated always as identity primary key,
    created_by        bigint      not null references users (id),
    query             jsonb       not null,          -- the search request as the curator gave it
    match             text        not null check (match in ('WORDS', 'AS_SHOWN')),
    label             text        not null,          -- the query in words, for lists and the audit log
    decision          text        not null check (decision in ('ACCEPT', 'REJECT')),
    reason_code       text,
    note              text,
    matched           integer     not null,          -- ids in the snapshot
    state             text        not null check (state in ('RUNNING', 'DONE', 'UNDOING', 'UNDONE', 'FAILED')),
    processed         integer     not null default 0, -- snapshot ids handled so far (decided or skipped)
    decided           integer     not null default 0,
    skipped           integer     not null default 0,
    undone            integer     not null default 0,
    cursor_id         bigint      not null default 0, -- keyset position of the decide pass
    undo_cursor_id    bigint      not null default 0, -- keyset position of the undo pass
    error             text,
    lease_owner       text,
    lease_expires_at  timestamptz,
    created_at        timestamptz not null default now(),
    finished_at       timestamptz,
    undo_requested_at timestamptz,
    undone_at         timestamptz,
    check (decision <> 'REJECT' or reason_code is not null)
);
create index decision_batches_active_idx on decision_batches (id) where state in ('RUNNING', 'UNDOING');

create table decision_batch_samples (
    batch_id  bigint not null references decision_batches (id) on delete cascade,
    sample_id bigint not null,
    -- null: not handled yet; DECIDED: the batch's review was written; SKIPPED: left alone, detail says why;
    -- UNDONE: the batch's review was undone by the batch's undo
    outcome   text check (outcome in ('DECIDED', 'SKIPPED', 'UNDONE')),
    detail    text,
    review_id bigint,
    primary key (batch_id, sample_id)
);
create index decision_batch_samples_skipped_idx on decision_batch_samples (batch_id, sample_id) where outcome = 'SKIPPED';
