-- Pre-trial complaints (package complaint) and quality ratings (package
-- rating).
--
-- complaints links a complaint's own case (on process "complaint") to the
-- case it complains about. grounds are the codes of 210-ФЗ art. 11.1,
-- comma-separated; the complaint's text and the original case's history
-- live in the complaint case (sealed data and a sealed document), never
-- here; the two reference numbers are kept for lists (they are not
-- personal data). (filed_by, idempotency_key) makes a double click one complaint.
CREATE TABLE complaints (
    complaint_case_id  BIGINT PRIMARY KEY REFERENCES cases (id),
    complaint_ref      TEXT NOT NULL,
    original_case_id   BIGINT NOT NULL REFERENCES cases (id),
    original_ref       TEXT NOT NULL,
    grounds            TEXT NOT NULL,
    filed_by           BIGINT NOT NULL REFERENCES users (id),
    idempotency_key    TEXT NOT NULL,
    at                 TIMESTAMPTZ NOT NULL
);
CREATE INDEX complaints_original ON complaints (original_case_id, at);
CREATE UNIQUE INDEX complaints_idempotency ON complaints (filed_by, idempotency_key);

-- ratings holds one rating per case (its applicant's), changed in place
-- within the change window. service is the catalogue service's code, ''
-- for cases that are not applications of one. comment_enc is sealed: a
-- citizen may write anything there, personal data included.
CREATE TABLE ratings (
    case_id      BIGINT PRIMARY KEY REFERENCES cases (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    service      TEXT NOT NULL DEFAULT '',
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    timeliness   INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    courtesy     INTEGER NOT NULL CHECK (courtesy BETWEEN 1 AND 5),
    comfort      INTEGER NOT NULL CHECK (comfort BETWEEN 1 AND 5),
    information  INTEGER NOT NULL CHECK (information BETWEEN 1 AND 5),
    convenience  INTEGER NOT NULL CHECK (convenience BETWEEN 1 AND 5),
    problems     TEXT NOT NULL DEFAULT '',
    comment_enc  BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- The aggregates dashboards read instead of ratings: a count and the sum
-- of each criterion, kept in the rating's transaction (a change adds the
-- difference). One row per service code, one per organisation.
CREATE TABLE rating_service_stats (
    service      TEXT PRIMARY KEY,
    n            BIGINT NOT NULL,
    timeliness   BIGINT NOT NULL,
    courtesy     BIGINT NOT NULL,
    comfort      BIGINT NOT NULL,
    information  BIGINT NOT NULL,
    convenience  BIGINT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE rating_org_stats (
    org_id       BIGINT PRIMARY KEY REFERENCES organisations (id),
    n            BIGINT NOT NULL,
    timeliness   BIGINT NOT NULL,
    courtesy     BIGINT NOT NULL,
    comfort      BIGINT NOT NULL,
    information  BIGINT NOT NULL,
    convenience  BIGINT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
