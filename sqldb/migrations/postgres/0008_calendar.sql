-- The production calendar's corrections (package calendar). The facts of
-- 2020–2027 are embedded in the binary; a row here overrides the fact of
-- its day: an administrator's correction, or a day of an imported year
-- (an import writes every day of its year that differs from the embedded
-- facts, including days that revert to the five-day week). day is
-- 'YYYY-MM-DD', so ranges compare as text; moved_from is '' or the date a
-- moved day off came from; updated_by is an okno.Actor.Ref().
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY CHECK (length(day) = 10),
    kind       TEXT NOT NULL CHECK (kind IN ('workday', 'weekend', 'holiday', 'short')),
    title      TEXT NOT NULL DEFAULT '',
    moved_from TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL
);
