-- Admin-edited settings that override the configuration file (ditto.<key>); absent = the configured value.
create table settings (
    key         text        primary key,
    value       text        not null,
    updated_by  text        not null,
    updated_at  timestamptz not null default now()
);
