-- Appeals about local problems (сообщения о проблемах). Package appeal owns
-- these tables; the case itself (state, clocks, timeline, sealed form data)
-- lives in cases, and appeals holds what the feature adds to it.
--
-- Taxonomy: categories (15 in Saint Petersburg) and their reasons (~125,
-- each with a plain-language hint for the citizen). code is stable and
-- ASCII: a reason's code is its Open311 service_code. legal_period, when not
-- '', overrides the process's legal clock ("8w": 8 working days; "30d").
CREATE TABLE appeal_categories (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    title_en      TEXT NOT NULL DEFAULT '',
    legal_period  TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE appeal_reasons (
    id            INTEGER PRIMARY KEY,
    category_id   INTEGER NOT NULL REFERENCES appeal_categories (id),
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    title_en      TEXT NOT NULL DEFAULT '',
    hint          TEXT NOT NULL DEFAULT '',
    keywords      TEXT NOT NULL DEFAULT '',
    legal_period  TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX appeal_reasons_category ON appeal_reasons (category_id, position);
-- Canned replies (шаблоны ответов) an official starts an answer from.
CREATE TABLE appeal_replies (
    id         INTEGER PRIMARY KEY,
    reason_id  INTEGER NOT NULL REFERENCES appeal_reasons (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX appeal_replies_reason ON appeal_replies (reason_id, position);

-- The routing table: (category or reason) × territory → organisation and
-- position. A rule is never changed: changing one closes it (valid_to) and
-- inserts its successor, so every appeal's route_id keeps pointing at the
-- rule it was routed by (FixMyStreet's contacts history). reason_id NULL:
-- every reason of the category; territory_id NULL: anywhere.
CREATE TABLE appeal_routes (
    id            INTEGER PRIMARY KEY,
    category_id   INTEGER NOT NULL REFERENCES appeal_categories (id),
    reason_id     INTEGER REFERENCES appeal_reasons (id),
    territory_id  INTEGER REFERENCES territories (id),
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    position_id   INTEGER REFERENCES positions (id),
    valid_from    TIMESTAMP NOT NULL,
    valid_to      TIMESTAMP,
    created_by    TEXT NOT NULL
);
CREATE INDEX appeal_routes_current ON appeal_routes (category_id, reason_id, territory_id) WHERE valid_to IS NULL;

-- One row per appeal case. public_text is the text as moderation published
-- it (personal data of others masked) and NULL until then: only published
-- appeals are on the map. The author's own data (name, contacts, a caller's
-- phone) is in the case's sealed data; author_key is a blind index (HMAC) of
-- who wrote — "citizen:ID", "caller:PHONE", "apikey:ID:EMAIL" — for rate
-- limits and counting distinct authors, never reversible.
--
-- status is the public status: moderation, open (review, interim,
-- info_requested), answered, fixed, fixed_auto, not_fixed, rejected.
-- state mirrors the case's state; org_id its organisation (reroutes follow).
-- due_at is the legal deadline; answered_at the first answer;
-- answered_on_time whether that came by due_at. flags (JSON) are what the
-- automatic screening and the classifier found, for moderators.
-- cell is a coarse grid cell of the point (see appeal/geo.go) so that map
-- queries by bounding box and clustering read an index.
CREATE TABLE appeals (
    case_id           INTEGER PRIMARY KEY REFERENCES cases (id),
    ref               TEXT NOT NULL,
    category_id       INTEGER NOT NULL REFERENCES appeal_categories (id),
    reason_id         INTEGER NOT NULL REFERENCES appeal_reasons (id),
    territory_id      INTEGER REFERENCES territories (id),
    route_id          INTEGER REFERENCES appeal_routes (id),
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    lat               DOUBLE PRECISION NOT NULL,
    lon               DOUBLE PRECISION NOT NULL,
    cell              BIGINT NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    public_text       TEXT,
    anonymous         BOOLEAN NOT NULL DEFAULT FALSE,
    author_key        TEXT NOT NULL,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    state             TEXT NOT NULL,
    outcome           TEXT NOT NULL DEFAULT '',
    photos            INTEGER NOT NULL DEFAULT 0,
    supporters        INTEGER NOT NULL DEFAULT 0,
    duplicate_of      INTEGER REFERENCES appeals (case_id),
    reroutes          INTEGER NOT NULL DEFAULT 0,
    recategorised     INTEGER NOT NULL DEFAULT 0,
    reopened          INTEGER NOT NULL DEFAULT 0,
    flags             TEXT NOT NULL DEFAULT '',
    suggested_reason_id INTEGER REFERENCES appeal_reasons (id),
    suggested_confidence DOUBLE PRECISION NOT NULL DEFAULT 0,
    token             TEXT,
    external_id       TEXT,
    created_at        TIMESTAMP NOT NULL,
    published_at      TIMESTAMP,
    due_at            TIMESTAMP NOT NULL,
    answered_at       TIMESTAMP,
    answered_on_time  BOOLEAN,
    closed_at         TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX appeals_token ON appeals (token) WHERE token IS NOT NULL;
CREATE UNIQUE INDEX appeals_external ON appeals (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX appeals_created ON appeals (created_at, case_id);
CREATE INDEX appeals_updated ON appeals (updated_at, case_id);
CREATE INDEX appeals_cell ON appeals (cell, status);
CREATE INDEX appeals_territory ON appeals (territory_id, category_id, created_at);
CREATE INDEX appeals_org ON appeals (org_id, created_at);
CREATE INDEX appeals_author ON appeals (author_key, created_at);
CREATE INDEX appeals_reason_open ON appeals (reason_id, cell) WHERE closed_at IS NULL;

-- Citizens who joined an appeal instead of filing a duplicate.
CREATE TABLE appeal_supporters (
    case_id     INTEGER NOT NULL REFERENCES appeals (case_id),
    author_key  TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, author_key)
);
