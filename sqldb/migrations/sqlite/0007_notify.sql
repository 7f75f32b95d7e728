-- Cabinet inbox: notifications a citizen reads on the portal. Subject and body
-- are plain text and by convention hold no personal data (they name a case
-- and what happened; the case holds the details behind authorisation).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
-- The inbox lists newest first and counts unread per user.
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Demo mailbox (DEMO/DEVELOPMENT ONLY): e-mail, SMS and post that an
-- installation without a relay or gateway cannot send, shown on the demo page.
-- Recipient and body are sealed by package vault and bound to the row id;
-- recipient_bidx is the recipient's HMAC blind index for lookups.
CREATE TABLE demo_mailbox (
    id             INTEGER PRIMARY KEY,
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'post')),
    recipient_enc  BLOB NOT NULL,
    recipient_bidx BLOB NOT NULL,
    subject        TEXT NOT NULL,
    body_enc       BLOB NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX demo_mailbox_recipient ON demo_mailbox (recipient_bidx, id);
