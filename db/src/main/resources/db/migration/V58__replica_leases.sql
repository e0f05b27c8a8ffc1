-- Several servers on one database: a publication and a release build are held by one server through a lease that
-- it renews (compared with PostgreSQL's now()); when the lease runs out, the next server that polls takes the work
-- over. build_request keeps what a build was asked for that the row did not hold (notes, the sim2real option), so
-- another server can build it again.
alter table publications
    add column lease_owner text,
    add column lease_until timestamptz;
create index publications_unfinished_idx on publications (id) where state in ('QUEUED', 'RUNNING');

alter table releases
    add column lease_owner text,
    add column lease_until timestamptz,
    add column build_request jsonb not null default '{}';
create index releases_building_idx on releases (id) where state = 'BUILDING';
