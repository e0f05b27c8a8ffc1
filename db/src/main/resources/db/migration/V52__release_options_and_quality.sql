-- Release options and quality report. options: what a release was built with beyond its selection, e.g.
-- {"sim2real": {"categories": ["GLOBAL_STYLE"], "prompt": "...", "pairs": 120}} when it also ships the reverse
-- (stylised -> real) pairs. quality: the release's quality report (judge criteria, runner metrics, acceptance and
-- rejection reasons, per category and overall), as quality_report.json holds it; null until the release is built.
alter table releases
    add column options jsonb not null default '{}',
    add column quality jsonb;
