-- The first data model of DESIGN.md. PostgreSQL is the single source of truth; Elasticsearch is derived.

create table users (
    id            bigint generated always as identity primary key,
    username      text        not null,
    display_name  text,
    password_hash text        not null,
    role          text        not null check (role in ('VIEWER', 'CURATOR', 'ADMIN')),
    enabled       boolean     not null default true,
    created_at    timestamptz not null default now(),
    last_login_at timestamptz
);
create unique index users_username_uq on users (lower(username));

create table runners (
    id           bigint generated always as identity primary key,
    name         text        not null,
    token_hash   text        not null unique,          -- sha256 of the bearer token; the token itself is never stored
    token_hint   text        not null,                 -- first characters, so a person can tell tokens apart
    host         text,
    capabilities jsonb       not null default '{}',
    stages       text[]      not null default '{}',
    version      text,
    created_by   bigint references users (id),
    created_at   timestamptz not null default now(),
    registered_at timestamptz,
    last_seen_at timestamptz,
    revoked_at   timestamptz,
    jobs_done    bigint      not null default 0,
    jobs_failed  bigint      not null default 0
);
create unique index runners_name_uq on runners (lower(name)) where revoked_at is null;

create table sources (
    id            bigint generated always as identity primary key,
    origin        text        not null check (origin in ('UPLOAD', 'FOLDER', 'URL', 'DEMO', 'API')),
    origin_ref    text,                                -- file name, folder path or URL it came from
    original_name text        not null,
    blob_key      text        not null,
    size_bytes    bigint      not null check (size_bytes >= 0),
    sha256        text        not null,
    status        text        not null default 'NEW'
                  check (status in ('NEW', 'PROBING', 'READY', 'FAILED', 'DUPLICATE', 'ARCHIVED')),
    duration_s    double precision,
    fps           double precision,
    width         int,
    height        int,
    codec         text,
    caption       text,
    tags          text[]      not null default '{}',
    scores        jsonb       not null default '{}',  -- aggregated over clips: motion, brisque, people, faces, text_overlay
    error         text,
    duplicate_of  bigint references sources (id),
    created_by    bigint references users (id),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index sources_sha256_uq on sources (sha256);
create index sources_status_idx on sources (status, id);

-- Artefacts derived from a source once, at PROBE, and reused by every GENERATE job of that source.
create table source_assets (
    id            bigint generated always as identity primary key,
    source_id     bigint      not null references sources (id) on delete cascade,
    kind          text        not null check (kind in ('CLIP', 'KEY_FRAME', 'THUMBNAIL', 'FLOW', 'MASK', 'DEPTH')),
    parent_id     bigint references source_assets (id) on delete cascade, -- key frame / thumbnail of a clip
    clip_index    int,
    blob_key      text        not null,
    size_bytes    bigint      not null check (size_bytes >= 0),
    content_type  text        not null,
    start_s       double precision,
    end_s         double precision,
    width         int,
    height        int,
    frames        int,
    fps           double precision,
    scores        jsonb       not null default '{}',
    phash         text,
    created_at    timestamptz not null default now()
);
create unique index source_assets_clip_uq on source_assets (source_id, clip_index) where kind = 'CLIP';
create index source_assets_source_idx on source_assets (source_id, kind);
create index source_assets_parent_idx on source_assets (parent_id);

create table campaigns (
    id            bigint generated always as identity primary key,
    name          text        not null,
    selection     jsonb       not null,              -- how the sources were chosen (ids, filter or search)
    per_source    int         not null check (per_source between 1 and 1000),
    category_mix  jsonb       not null,
    engine        text        not null,
    seed          bigint      not null default 0,
    status        text        not null default 'QUEUED'
                  check (status in ('QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')),
    written       int         not null default 0,
    deduplicated  int         not null default 0,
    failed_items  int         not null default 0,
    diversity     jsonb       not null default '{}',
    error         text,
    created_by    bigint references users (id),
    created_at    timestamptz not null default now(),
    finished_at   timestamptz
);

create table instructions (
    id             bigint generated always as identity primary key,
    source_id      bigint      not null references sources (id) on delete cascade,
    clip_id        bigint references source_assets (id) on delete cascade,
    campaign_id    bigint references campaigns (id),
    category       text        not null check (category in ('GLOBAL_STYLE', 'GLOBAL_FREEFORM', 'LOCAL_ATTRIBUTE',
                                                            'LOCAL_ADD', 'LOCAL_REMOVE', 'LOCAL_REPLACE', 'BACKGROUND')),
    text           text        not null check (length(btrim(text)) > 0),
    edit_spec      jsonb       not null,
    engine         text        not null,
    model          text        not null,
    prompt_version text        not null,
    seed           bigint      not null default 0,
    embedding      real[],                            -- 384-d MiniLM of the instruction, kept to rebuild the index
    created_at     timestamptz not null default now()
);
create unique index instructions_text_per_clip_uq on instructions (clip_id, lower(text));
create index instructions_source_idx on instructions (source_id);
create index instructions_campaign_idx on instructions (campaign_id);

create table jobs (
    id               bigint generated always as identity primary key,
    type             text        not null check (type in ('PROBE', 'GENERATE')),
    payload          jsonb       not null,
    payload_version  int         not null default 1,
    status           text        not null default 'QUEUED'
                     check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'PARKED', 'CANCELLED')),
    priority         int         not null default 0,
    attempts         int         not null default 0 check (attempts >= 0),
    max_attempts     int         not null default 3 check (max_attempts > 0),
    lease_owner      bigint references runners (id),
    lease_expires_at timestamptz,
    available_at     timestamptz not null default now(),   -- retry backoff
    stage            text,
    progress         real,
    last_error       text,
    result           jsonb,
    timings          jsonb       not null default '{}',
    source_id        bigint references sources (id) on delete cascade,
    sample_id        bigint,
    created_at       timestamptz not null default now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    check ((status = 'RUNNING') = (lease_owner is not null and lease_expires_at is not null))
);
-- The claim query: next QUEUED job of the wanted types by priority, oldest first (FOR UPDATE SKIP LOCKED).
create index jobs_claim_idx on jobs (priority desc, id) where status = 'QUEUED';
create index jobs_lease_idx on jobs (lease_expires_at) where status = 'RUNNING';
create index jobs_source_idx on jobs (source_id);
create index jobs_sample_idx on jobs (sample_id);

create table samples (
    id                 bigint generated always as identity primary key,
    source_id          bigint      not null references sources (id) on delete cascade,
    clip_id            bigint      not null references source_assets (id) on delete cascade,
    instruction_id     bigint      not null references instructions (id) on delete cascade,
    campaign_id        bigint references campaigns (id),
    status             text        not null default 'QUEUED'
                       check (status in ('QUEUED', 'GENERATING', 'FAILED', 'JUDGING', 'AUTO_REJECTED',
                                         'IN_REVIEW', 'ACCEPTED', 'REJECTED')),
    category           text        not null,
    edited_blob_key    text,
    edited_size_bytes  bigint,
    keyframe_blob_key  text,
    metrics            jsonb       not null default '{}',
    provenance         jsonb       not null default '{}',
    timings            jsonb       not null default '{}',
    verdict            jsonb,
    judge_score        real,
    judge_engine       text,
    reject_reason      text,
    generated_by       bigint references runners (id),
    generated_attempt  int,
    tags               text[]      not null default '{}',
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    decided_at         timestamptz
);
create unique index samples_source_instruction_uq on samples (source_id, instruction_id);
create index samples_status_idx on samples (status, id);
create index samples_campaign_idx on samples (campaign_id);
alter table jobs add constraint jobs_sample_fk foreign key (sample_id) references samples (id) on delete cascade;

create table reviews (
    id           bigint generated always as identity primary key,
    sample_id    bigint      not null references samples (id) on delete cascade,
    reviewer_id  bigint      not null references users (id),
    decision     text        not null check (decision in ('ACCEPT', 'REJECT', 'SKIP')),
    reason_code  text,
    note         text,
    created_at   timestamptz not null default now(),
    undone_at    timestamptz,
    check (decision <> 'REJECT' or reason_code is not null)
);
create index reviews_sample_idx on reviews (sample_id, created_at);
create index reviews_reviewer_idx on reviews (reviewer_id, created_at);

-- Short leases so two curators don't review the same sample at once.
create table review_leases (
    sample_id        bigint      not null references samples (id) on delete cascade,
    reviewer_id      bigint      not null references users (id),
    lease_expires_at timestamptz not null,
    primary key (sample_id, reviewer_id)
);
create index review_leases_expiry_idx on review_leases (lease_expires_at);

create table releases (
    id               bigint generated always as identity primary key,
    name             text        not null,
    version          text        not null check (version ~ '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'),
    selection        jsonb       not null,
    state            text        not null default 'DRAFT'
                     check (state in ('DRAFT', 'BUILDING', 'BUILT', 'FAILED', 'PUBLISHED')),
    previous_id      bigint references releases (id),
    sample_count     int         not null default 0,
    counts           jsonb       not null default '{}',
    diff             jsonb       not null default '{}',
    manifest_sha256  text,
    manifest_blob_key text,
    notes            text,
    error            text,
    created_by       bigint references users (id),
    created_at       timestamptz not null default now(),
    built_at         timestamptz
);
create unique index releases_name_version_uq on releases (name, version);

create table release_samples (
    release_id  bigint not null references releases (id) on delete cascade,
    sample_id   bigint not null references samples (id),
    category    text   not null,
    primary key (release_id, sample_id)
);
create index release_samples_sample_idx on release_samples (sample_id);

create table publications (
    id            bigint generated always as identity primary key,
    release_id    bigint      not null references releases (id),
    target        text        not null check (target in ('HUB', 'FOLDER')),
    destination   text        not null,              -- org/name on the Hub, or a folder path
    state         text        not null default 'QUEUED'
                  check (state in ('QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')),
    files_total   int         not null default 0,
    files_done    int         not null default 0,
    bytes_total   bigint      not null default 0,
    bytes_done    bigint      not null default 0,
    commit_id     text,
    commit_url    text,
    progress      jsonb       not null default '{}',  -- resumable state: uploaded objects and parts
    error         text,
    created_by    bigint references users (id),
    created_at    timestamptz not null default now(),
    started_at    timestamptz,
    finished_at   timestamptz
);
create index publications_release_idx on publications (release_id);

-- Transactional outbox: written in the same transaction as the change, drained by the indexer.
create table outbox (
    id           bigint generated always as identity primary key,
    aggregate    text        not null check (aggregate in ('SAMPLE', 'SOURCE', 'INSTRUCTION')),
    aggregate_id bigint      not null,
    event        text        not null,
    created_at   timestamptz not null default now(),
    processed_at timestamptz,
    attempts     int         not null default 0,
    last_error   text
);
create index outbox_pending_idx on outbox (id) where processed_at is null;

create table audit_log (
    id          bigint generated always as identity primary key,
    actor_id    bigint references users (id),
    actor_name  text        not null,
    action      text        not null,
    entity      text        not null,
    entity_id   text,
    before      jsonb,
    after       jsonb,
    created_at  timestamptz not null default now()
);
create index audit_log_entity_idx on audit_log (entity, entity_id);
create index audit_log_created_idx on audit_log (created_at desc);
