-- Notifications (package notify): the channels each person chose, the
-- delivery of every templated notice on every channel, and the webhook
-- subscriptions of organisations with their deliveries.

-- Channels a person chose. No row for a channel means its default (cabinet
-- and e-mail on, SMS off); the cabinet is on whatever is stored.
CREATE TABLE notify_channels (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel    TEXT NOT NULL CHECK (channel IN ('cabinet', 'email', 'sms')),
    enabled    BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, channel)
);

-- One row per notice and channel: what is to be said (template, audience,
-- vars, link — never personal data; the address is looked up when sending)
-- and what became of it. last_error never holds personal data either.
-- notice_key is compared byte by byte (COLLATE "C" on PostgreSQL), so that
-- a prefix range over the unique index finds a case's deliveries.
CREATE TABLE notify_deliveries (
    id         INTEGER PRIMARY KEY,
    notice_key TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('cabinet', 'email', 'sms', 'post')),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    template   TEXT NOT NULL,
    audience   TEXT NOT NULL,
    vars       TEXT NOT NULL,
    link       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
CREATE UNIQUE INDEX notify_deliveries_notice ON notify_deliveries (notice_key, channel);
CREATE INDEX notify_deliveries_user ON notify_deliveries (user_id);

-- Webhook subscriptions of an organisation. secret_enc is the signing
-- secret sealed by package vault, bound to the row id; events is a JSON
-- array of event types or patterns ("case.*"). Deleting a subscription
-- clears active and keeps the row for its deliveries' history.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    url        TEXT NOT NULL,
    secret_enc BLOB NOT NULL,
    events     TEXT NOT NULL,
    active     BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id) WHERE active;

-- One row per event and subscription. body is the exact JSON posted on
-- every attempt, so that retries carry the same bytes.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks (id),
    event_key        TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (webhook_id, event_key);
