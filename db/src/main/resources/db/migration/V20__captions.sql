-- Dense captions for every source (docs/captions.md). The caption itself stays in sources.caption; these columns say
-- which engine wrote it, where captioning stands, and hold the worker's lease so the model is called outside any
-- transaction: claim (CAPTIONING, lease token and expiry), call the captioner, then write only if the lease still holds.
--   PENDING     waits for the captioner (caption_lease_until, when set, is "not before": a retry's back-off)
--   CAPTIONING  claimed by a worker until caption_lease_until; an expired lease is claimed again
--   DONE        captioned by caption_engine / caption_model
--   REFUSED     the vision model's answer was refused (garbage, a refusal, instruction-like text): caption_error says
--               why, and the caption is the built-in one from the probe's measurements
--   FAILED      the vision model could not be reached or timed out on every attempt: same fallback, reason kept
--   EDITED      a person wrote or corrected the caption (audited); no worker overwrites it
-- NULL: the source has not been probed yet.
alter table sources
    add column caption_status        text check (caption_status in ('PENDING', 'CAPTIONING', 'DONE', 'REFUSED', 'FAILED', 'EDITED')),
    add column caption_engine        text,
    add column caption_model         text,
    add column caption_error         text,
    add column caption_attempts      int not null default 0,
    add column caption_lease_token   uuid,
    add column caption_lease_until   timestamptz,
    add column captioned_at          timestamptz;

update sources set caption_status = case when caption is not null then 'DONE' when status = 'READY' then 'PENDING' end;

create index sources_caption_work_idx on sources (id) where caption_status in ('PENDING', 'CAPTIONING');

-- JPEG frames spread across each clip (blob keys, in time order) that the runner's PROBE uploads for the captioner;
-- NULL for clips probed by older runners, which are captioned from their one key frame.
alter table source_assets add column caption_frames text[];
