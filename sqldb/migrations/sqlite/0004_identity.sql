-- Accounts of citizens and staff. Personal data is sealed by package vault
-- (the *_enc columns) and found through HMAC blind indexes (the *_bidx columns).
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
    email_enc       BLOB,
    email_bidx      BLOB,
    phone_enc       BLOB,
    phone_bidx      BLOB,
    display_name    TEXT NOT NULL DEFAULT '',
    password_hash   TEXT NOT NULL,
    assurance       TEXT NOT NULL DEFAULT 'none' CHECK (assurance IN ('none', 'simplified', 'standard', 'confirmed')),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_bidx ON users (kind, email_bidx) WHERE email_bidx IS NOT NULL;
CREATE UNIQUE INDEX users_phone_bidx ON users (kind, phone_bidx) WHERE phone_bidx IS NOT NULL;
