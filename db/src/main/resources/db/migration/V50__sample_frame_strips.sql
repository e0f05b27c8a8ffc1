-- Frames across the clip for the judge: the runner's GENERATE uploads contact sheets of N source frames and the edited
-- frames at the same indices (and the edit's mask where it used one); the sample keeps their blob keys as the
-- runner's FrameStrips JSON ({"frames":[0,24,48,72],"tileWidth":320,"tileHeight":184,"source":{...},"edited":{...},
-- "mask":{...}|null}). Null for samples from runners that predate it: the judge then sees the key frames only.
alter table samples add column frame_strips jsonb;
