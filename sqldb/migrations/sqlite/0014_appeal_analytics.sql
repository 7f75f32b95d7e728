-- Analytics of appeals for the region (appeal/analytics*.go). Dashboards
-- read only these pre-aggregates, never the appeals table: a million
-- appeals sum to a few hundred thousand daily rows at most.
--
-- day is a day number (days since 1970-01-01) in the region's time zone
-- (appeal.analyticsOffset, Moscow time): whole days are what dashboards
-- and spike tests count, and an integer is the same on both engines.
-- territory_id 0 holds appeals without a territory. Rejected appeals
-- (spam, obscenity) are not demand and are not counted.
--
-- appeal_stats_daily: appeals filed per day, district and category, and
-- the distinct authors among them (author_key), so that one person filing
-- ten appeals is one author: spikes are tested on authors. WITHOUT ROWID
-- (SQLite only) keeps rows in day order, so a period is one range read.
CREATE TABLE appeal_stats_daily (
    day           INTEGER NOT NULL,
    territory_id  INTEGER NOT NULL,
    category_id   INTEGER NOT NULL,
    appeals       INTEGER NOT NULL,
    authors       INTEGER NOT NULL,
    PRIMARY KEY (day, territory_id, category_id)
) WITHOUT ROWID;
-- The key index covers the counts: the dashboard's sums by district and
-- category read it in order, without sorting and without the table (a
-- year's 100,000 rows: 235 ms without, 65 ms with, on SQLite).
CREATE INDEX appeal_stats_daily_key ON appeal_stats_daily (territory_id, category_id, day, appeals, authors);

-- appeal_stats_monthly: the same by calendar month (month = year × 12 +
-- month − 1), kept from the daily rows, so that a year on the dashboard
-- sums a few thousand rows instead of a hundred thousand. author_days sums
-- the days' distinct authors.
CREATE TABLE appeal_stats_monthly (
    month         INTEGER NOT NULL,
    territory_id  INTEGER NOT NULL,
    category_id   INTEGER NOT NULL,
    appeals       INTEGER NOT NULL,
    author_days   INTEGER NOT NULL,
    PRIMARY KEY (month, territory_id, category_id)
) WITHOUT ROWID;
CREATE INDEX appeal_stats_monthly_key ON appeal_stats_monthly (territory_id, category_id, month, appeals, author_days);

-- appeal_stats_org_daily: what became of the appeals each organisation
-- received, by the day they were filed. overdue counts the unanswered
-- past their due time when the row was last computed (the refresh also
-- recomputes the days of appeals whose due time passed since). answer_hist
-- is a sparse histogram of answer times in 12-hour buckets ("bucket:count"
-- pairs joined by ","), from which medians over any window are read.
CREATE TABLE appeal_stats_org_daily (
    day          INTEGER NOT NULL,
    org_id       INTEGER NOT NULL,
    received     INTEGER NOT NULL,
    answered     INTEGER NOT NULL,
    on_time      INTEGER NOT NULL,
    overdue      INTEGER NOT NULL,
    reroutes     INTEGER NOT NULL,
    reopened     INTEGER NOT NULL,
    fixed        INTEGER NOT NULL,
    not_fixed    INTEGER NOT NULL,
    closed       INTEGER NOT NULL,
    answer_hist  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (day, org_id)
) WITHOUT ROWID;
CREATE INDEX appeal_stats_org_daily_org ON appeal_stats_org_daily (org_id, day);

-- appeal_stats_org_monthly: the same by calendar month, kept from the
-- daily rows (histograms merged), so that a year reads a row a month.
CREATE TABLE appeal_stats_org_monthly (
    month        INTEGER NOT NULL,
    org_id       INTEGER NOT NULL,
    received     INTEGER NOT NULL,
    answered     INTEGER NOT NULL,
    on_time      INTEGER NOT NULL,
    overdue      INTEGER NOT NULL,
    reroutes     INTEGER NOT NULL,
    reopened     INTEGER NOT NULL,
    fixed        INTEGER NOT NULL,
    not_fixed    INTEGER NOT NULL,
    closed       INTEGER NOT NULL,
    answer_hist  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (month, org_id)
) WITHOUT ROWID;

-- appeal_stats_seen: the keys each appeal was last counted under, so that
-- a re-categorised or re-routed appeal's old day rows are recomputed too.
CREATE TABLE appeal_stats_seen (
    case_id       INTEGER PRIMARY KEY,
    territory_id  INTEGER NOT NULL,
    category_id   INTEGER NOT NULL,
    org_id        INTEGER NOT NULL
);

-- The refresh's progress: appeals updated after watermark are looked at
-- again (less a safety overlap, recomputing is idempotent); due_checked is
-- when the due times were last looked at; groups_at when near-duplicate
-- groups were last computed.
CREATE TABLE appeal_analytics_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    watermark     TIMESTAMP NOT NULL,
    due_checked   TIMESTAMP NOT NULL,
    refreshed_at  TIMESTAMP NOT NULL,
    groups_at     TIMESTAMP
);

-- The refresh finds appeals whose due time passed unanswered through this.
CREATE INDEX appeals_unanswered_due ON appeals (due_at) WHERE answered_at IS NULL;

-- Groups of near-duplicate appeals (MinHash/LSH over their public text,
-- within a distance), replaced as a whole each time they are computed.
CREATE TABLE appeal_groups (
    id             INTEGER PRIMARY KEY,
    territory_id   INTEGER NOT NULL,
    category_id    INTEGER NOT NULL,
    size           INTEGER NOT NULL,
    authors        INTEGER NOT NULL,
    similarity     DOUBLE PRECISION NOT NULL,
    lat            DOUBLE PRECISION NOT NULL,
    lon            DOUBLE PRECISION NOT NULL,
    first_at       TIMESTAMP NOT NULL,
    last_at        TIMESTAMP NOT NULL,
    sample_case_id INTEGER NOT NULL,
    computed_at    TIMESTAMP NOT NULL
);
CREATE INDEX appeal_groups_size ON appeal_groups (size, id);
CREATE TABLE appeal_group_members (
    group_id  INTEGER NOT NULL REFERENCES appeal_groups (id) ON DELETE CASCADE,
    case_id   INTEGER NOT NULL,
    PRIMARY KEY (group_id, case_id)
);

-- Initiatives (проекты): a group or a spike turned into a proposal for
-- the region, with its appeals attached. status: proposed, accepted,
-- rejected. org_id is the organisation of whoever proposed it.
CREATE TABLE appeal_initiatives (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    territory_id  INTEGER REFERENCES territories (id),
    category_id   INTEGER REFERENCES appeal_categories (id),
    source        TEXT NOT NULL,
    status        TEXT NOT NULL,
    lat           DOUBLE PRECISION NOT NULL,
    lon           DOUBLE PRECISION NOT NULL,
    appeals       INTEGER NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX appeal_initiatives_created ON appeal_initiatives (created_at, id);
CREATE TABLE appeal_initiative_appeals (
    initiative_id  INTEGER NOT NULL REFERENCES appeal_initiatives (id),
    case_id        INTEGER NOT NULL REFERENCES appeals (case_id),
    PRIMARY KEY (initiative_id, case_id)
);
CREATE INDEX appeal_initiative_appeals_case ON appeal_initiative_appeals (case_id);
