-- Accruals (начисления with a УИН) and fines from several issuers
-- (package accrual).
--
-- accruals holds one row per УИН, whichever channel brought it: the same
-- УИН from two channels or two sources is one accrual. seq is the issuer's
-- sequence of the last change applied; a change with a lower or equal seq
-- arriving late is recorded as stale and never applied. settled is TRUE
-- once the accrual is paid in full or annulled, so a citizen's list shows
-- what is still to pay first. The payer is a citizen (payer_user_id) and/or
-- the documents an issuer names: payer_enc is the sealed documents,
-- licence_bidx and sts_bidx their HMAC blind indexes (vault) for lookups;
-- no document number is stored in plaintext. (case_id, fee) makes a state
-- fee issued by a process action once per case.
CREATE TABLE accruals (
    id              INTEGER PRIMARY KEY,
    uin             TEXT NOT NULL UNIQUE,
    source          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    settled         BOOLEAN NOT NULL DEFAULT FALSE,
    seq             BIGINT NOT NULL,
    payer_user_id   INTEGER REFERENCES users (id),
    payer_enc       BLOB,
    licence_bidx    BLOB,
    sts_bidx        BLOB,
    payee_org_id    INTEGER REFERENCES organisations (id),
    purpose         TEXT NOT NULL,
    article         TEXT NOT NULL DEFAULT '',
    place           TEXT NOT NULL DEFAULT '',
    amount          BIGINT NOT NULL CHECK (amount > 0),
    paid            BIGINT NOT NULL DEFAULT 0,
    discount_kind   TEXT NOT NULL DEFAULT '',
    discount_value  BIGINT NOT NULL DEFAULT 0,
    discount_until  TIMESTAMP,
    bill_date       TIMESTAMP NOT NULL,
    due_date        TIMESTAMP,
    case_id         INTEGER REFERENCES cases (id),
    fee             TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX accruals_licence ON accruals (licence_bidx) WHERE licence_bidx IS NOT NULL;
CREATE INDEX accruals_sts ON accruals (sts_bidx) WHERE sts_bidx IS NOT NULL;
CREATE INDEX accruals_payer ON accruals (payer_user_id) WHERE payer_user_id IS NOT NULL;
CREATE UNIQUE INDEX accruals_case_fee ON accruals (case_id, fee) WHERE case_id IS NOT NULL;

-- accrual_imports is one row per applied batch (a chunk of a file or one
-- push). digest is SHA-256 over the source and the batch's bytes: the same
-- bytes again are a replay and change nothing, which makes an interrupted
-- file import resumable by running it again.
CREATE TABLE accrual_imports (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    digest      BLOB NOT NULL,
    records     INTEGER NOT NULL,
    applied     INTEGER NOT NULL,
    stale       INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accrual_imports_digest ON accrual_imports (source, digest);

-- accrual_changes is the history: every change applied to an accrual (and
-- every payment), in the order applied. import_id is NULL for changes made
-- here (a state fee, a payment).
CREATE TABLE accrual_changes (
    id          INTEGER PRIMARY KEY,
    uin         TEXT NOT NULL,
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    import_id   INTEGER,
    status      TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX accrual_changes_uin ON accrual_changes (uin, id);

-- accrual_payments makes each payment count once: payment_ref is the
-- payment's own reference, so a repeated notification finds its row.
CREATE TABLE accrual_payments (
    payment_ref  TEXT PRIMARY KEY,
    accrual_id   INTEGER NOT NULL REFERENCES accruals (id),
    amount       BIGINT NOT NULL CHECK (amount > 0),
    at           TIMESTAMP NOT NULL
);
CREATE INDEX accrual_payments_accrual ON accrual_payments (accrual_id);

-- accrual_counters numbers the УИНs Okno issues itself, per issuer prefix.
CREATE TABLE accrual_counters (
    prefix  TEXT PRIMARY KEY,
    next    BIGINT NOT NULL
);

-- citizen_documents are the driving licences and vehicle registration
-- certificates a citizen registered to see their fines: sealed numbers and
-- their blind indexes (the same as accruals' licence_bidx / sts_bidx).
CREATE TABLE citizen_documents (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    number_enc  BLOB NOT NULL,
    bidx        BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX citizen_documents_user ON citizen_documents (user_id, kind, bidx);
