-- Team review (issue 21): queues assigned to curators, adjudication of disagreements, review of reviews.

-- A lead adjudicates disagreements, re-checks accepted samples and assigns queues; admins always may.
alter table users add column lead boolean not null default false;

-- The review queue of a campaign or of a category, assigned to one curator: their "next" serves it first, and nobody
-- else is served it; samples no assignment covers stay available to everyone.
create table review_assignments (
    id          bigint generated always as identity primary key,
    assignee_id bigint      not null references users (id) on delete cascade,
    campaign_id bigint references campaigns (id) on delete cascade,
    category    text,
    created_by  bigint references users (id),
    created_at  timestamptz not null default now(),
    check ((campaign_id is null) <> (category is null))
);
create unique index review_assignments_uq on review_assignments (assignee_id, coalesce(campaign_id, 0), coalesce(category, ''));

-- A sample whose reviews disagree waits here (still IN_REVIEW) until a lead decides it; the reviews stay as they were.
create table adjudications (
    sample_id      bigint      primary key references samples (id) on delete cascade,
    opened_at      timestamptz not null default now(),
    adjudicator_id bigint references users (id),
    decision       text check (decision in ('ACCEPT', 'REJECT')),
    reason_code    text,
    note           text,
    decided_at     timestamptz,
    check (decision <> 'REJECT' or reason_code is not null),
    check ((decided_at is null) = (decision is null))
);
create index adjudications_open_idx on adjudications (opened_at) where decided_at is null;

-- Review of reviews: accepted samples a lead drew for a second look; an overturn rejects the sample and counts
-- against the curators who had accepted it (curator_ids).
create table rechecks (
    id           bigint generated always as identity primary key,
    sample_id    bigint      not null references samples (id) on delete cascade,
    curator_ids  bigint[]    not null,
    requested_by bigint references users (id),
    requested_at timestamptz not null default now(),
    checker_id   bigint references users (id),
    outcome      text check (outcome in ('UPHELD', 'OVERTURNED')),
    reason_code  text,
    note         text,
    decided_at   timestamptz,
    check (outcome <> 'OVERTURNED' or reason_code is not null),
    check ((decided_at is null) = (outcome is null))
);
create unique index rechecks_open_uq on rechecks (sample_id) where decided_at is null;
create index rechecks_decided_idx on rechecks (decided_at) where decided_at is not null;
