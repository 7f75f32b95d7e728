-- Payments through a payment provider (package payment).
--
-- payments is one row per attempt to pay an accrual (by its УИН). It is
-- written before the provider is called (status created, provider_id NULL)
-- so that a retry with the same (payer, idempotency key) finds it and asks
-- the provider again with the same key instead of charging twice. status
-- only moves forward: created → pending → succeeded | failed | cancelled,
-- then partially_refunded → refunded. accrual_marked is TRUE once the
-- accrual was marked paid for this payment: the guard that makes that
-- happen exactly once whatever the notifications do. needs_refund is TRUE
-- when the money arrived for an accrual that could no longer take it (it
-- was annulled meanwhile). paid_at is the provider's time of the payment,
-- the day reconciliation compares. No personal data is kept here.
CREATE TABLE payments (
    id                INTEGER PRIMARY KEY,
    uin               TEXT NOT NULL,
    case_id           INTEGER REFERENCES cases (id),
    payee_org_id      INTEGER REFERENCES organisations (id),
    payer_user_id     INTEGER NOT NULL REFERENCES users (id),
    idempotency_key   TEXT NOT NULL,
    amount            BIGINT NOT NULL CHECK (amount > 0),
    refunded          BIGINT NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    status            TEXT NOT NULL,
    provider_id       TEXT UNIQUE,
    confirmation_url  TEXT NOT NULL DEFAULT '',
    accrual_marked    BOOLEAN NOT NULL DEFAULT FALSE,
    needs_refund      BOOLEAN NOT NULL DEFAULT FALSE,
    paid_at           TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX payments_idempotency ON payments (payer_user_id, idempotency_key);
CREATE INDEX payments_uin ON payments (uin, id);
CREATE INDEX payments_paid_at ON payments (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX payments_payer ON payments (payer_user_id, created_at, id);
CREATE INDEX payments_created ON payments (created_at, id);
CREATE INDEX payments_status ON payments (status, created_at, id);

-- payment_notifications remembers every signed notification taken, by the
-- provider's notification ID, so that a repeated one changes nothing.
-- applied says whether it moved the payment (FALSE: it arrived after a
-- later state, out of order).
CREATE TABLE payment_notifications (
    notification_id  TEXT PRIMARY KEY,
    payment_id       INTEGER NOT NULL REFERENCES payments (id),
    event            TEXT NOT NULL,
    applied          BOOLEAN NOT NULL,
    received_at      TIMESTAMP NOT NULL
);
CREATE INDEX payment_notifications_payment ON payment_notifications (payment_id);

-- payment_refunds is one row per refund the provider made, by its ID:
-- the refund API's answer and the refund notification are the same row.
CREATE TABLE payment_refunds (
    id                  INTEGER PRIMARY KEY,
    payment_id          INTEGER NOT NULL REFERENCES payments (id),
    provider_refund_id  TEXT NOT NULL UNIQUE,
    amount              BIGINT NOT NULL CHECK (amount > 0),
    refunded_at         TIMESTAMP NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);
CREATE INDEX payment_refunds_day ON payment_refunds (refunded_at);

-- payment_reconciliations keeps each comparison of our payments with the
-- provider's statement of a day (YYYY-MM-DD, Moscow time): the counts, and
-- the differences as JSON (provider IDs, amounts, statuses; no personal
-- data).
CREATE TABLE payment_reconciliations (
    id              INTEGER PRIMARY KEY,
    day             TEXT NOT NULL,
    matched         INTEGER NOT NULL,
    missing_ours    INTEGER NOT NULL,
    missing_theirs  INTEGER NOT NULL,
    mismatched      INTEGER NOT NULL,
    report          TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX payment_reconciliations_day ON payment_reconciliations (day, id);
