-- Personal API tokens (issue 22): REST clients authenticate with "Authorization: Bearer dtu_…". Only the sha256 of
-- the token is stored, with its first characters so a person can tell tokens apart; the token itself is shown once.
create table api_tokens (
    id           bigint generated always as identity primary key,
    user_id      bigint      not null references users (id) on delete cascade,  -- whose token it is
    name         text        not null,
    role         text        not null check (role in ('VIEWER', 'CURATOR', 'ADMIN')), -- at most the owner's role
    token_hash   text        not null unique,
    token_prefix text        not null,
    created_by   bigint      references users (id) on delete set null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   bigint      references users (id) on delete set null
);
create index api_tokens_user_idx on api_tokens (user_id, id desc);

-- Failed sign-ins in a row per account ("account:<username>") and per client address ("address:<ip>"), and their
-- lockouts (LoginThrottle): kept here so that every server on this database sees the same counts and lockouts.
create table login_throttle (
    key          text        primary key,
    failures     integer     not null default 0,
    lockouts     integer     not null default 0,
    last_failure timestamptz not null default 'epoch',
    locked_until timestamptz
);
