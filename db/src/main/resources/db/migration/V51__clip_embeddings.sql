-- The clip embedding a PROBE sends (1280-d, the object detector's MobileNetV2 backbone features, unit length), kept as
-- the truth the Elasticsearch clip index is rebuilt from; embedding_indexed says whether the index has it yet.
alter table source_assets add column embedding real[];
alter table source_assets add column embedding_indexed boolean not null default false;
create index source_assets_embedding_unindexed on source_assets (id)
    where kind = 'CLIP' and embedding is not null and not embedding_indexed;
