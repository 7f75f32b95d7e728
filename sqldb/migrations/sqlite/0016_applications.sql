-- Applications for catalogue services (package application): drafts that
-- save as the citizen goes, their documents, the consents given on
-- submit, and which case each submitted draft became.
--
-- data_enc is the draft's form data (JSON) sealed by package vault bound to
-- its row ("drafts.data_enc:ID"); version counts saves (optimistic
-- concurrency); case_id is set, once, when the draft is submitted, in the
-- transaction that opens the case. "Мои заявки" lists open drafts by
-- drafts_open and applications by applications_user.
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    service_id  INTEGER NOT NULL REFERENCES services (id),
    data_enc    BLOB NOT NULL,
    page        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    case_id     INTEGER REFERENCES cases (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX drafts_open ON drafts (user_id, updated_at, id) WHERE case_id IS NULL;
CREATE UNIQUE INDEX drafts_case ON drafts (case_id) WHERE case_id IS NOT NULL;

-- A draft's documents: the blob's address (content-addressed, sealed on
-- disk), the name it came with sealed bound to the row
-- ("draft_files.name_enc:ID"), the type told by content. pointer is the
-- file field of the form it was attached to.
CREATE TABLE draft_files (
    id            INTEGER PRIMARY KEY,
    draft_id      INTEGER NOT NULL REFERENCES drafts (id),
    pointer       TEXT NOT NULL,
    blob          TEXT NOT NULL,
    name_enc      BLOB NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX draft_files_draft ON draft_files (draft_id, id);

-- Consent to personal-data processing as an object: who gave it, for which
-- application and service, to what purpose, when, and which legal text
-- they were shown (its version and the SHA-256 of its Russian wording).
CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    service_id    INTEGER NOT NULL REFERENCES services (id),
    purpose       TEXT NOT NULL,
    text_version  TEXT NOT NULL,
    text_digest   TEXT NOT NULL,
    given_at      TIMESTAMP NOT NULL
);
CREATE INDEX consents_user ON consents (user_id, given_at);
CREATE INDEX consents_case ON consents (case_id);

-- One row per application case: the service it was opened for and the
-- draft it came from.
CREATE TABLE applications (
    case_id     INTEGER PRIMARY KEY REFERENCES cases (id),
    service_id  INTEGER NOT NULL REFERENCES services (id),
    draft_id    INTEGER NOT NULL REFERENCES drafts (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX applications_draft ON applications (draft_id);
CREATE INDEX applications_user ON applications (user_id, case_id);
