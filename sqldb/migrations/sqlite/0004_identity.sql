-- Accounts of citizens and staff (package identity). Personal data is sealed
-- by package vault (the *_enc columns) and found through HMAC blind indexes
-- (the *_bidx columns); nothing here holds it in plaintext except
-- display_name, the name a person chose to be greeted by.
--
-- person_enc seals the standard-level record as one JSON value (full name,
-- birth date, passport, СНИЛС): it is always written and read together.
-- snils_bidx lets an operator find a person by СНИЛС, and its unique index
-- keeps one СНИЛС to one account.
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
    person_enc      BLOB,
    snils_bidx      BLOB,
    address_enc     BLOB,
    confirmed_via   TEXT CHECK (confirmed_via IN ('post', 'operator')),
    confirmed_by    TEXT,
    confirmed_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_bidx ON users (kind, email_bidx) WHERE email_bidx IS NOT NULL;
CREATE UNIQUE INDEX users_phone_bidx ON users (kind, phone_bidx) WHERE phone_bidx IS NOT NULL;
CREATE UNIQUE INDEX users_snils_bidx ON users (snils_bidx) WHERE snils_bidx IS NOT NULL;

-- One-time codes: confirming a contact at sign-up ('contact') and the letter
-- sent by post for the confirmed level ('post'). Only a keyed MAC of the code
-- is kept: six digits are too few to survive a plain hash.
CREATE TABLE user_codes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('contact', 'post')),
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'post')),
    code_mac    BLOB NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX user_codes_user ON user_codes (user_id, purpose, id);

-- Sessions: only the SHA-256 of the bearer token is stored. org_id is the
-- organisation a staff member chose to act for; it has no foreign key
-- because organisations are created by a later migration (0005_org).
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    org_id        INTEGER,
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Throttles: fixed-window counters for sign-in failures and code sends,
-- keyed by a blind index of what is counted (an account's contact, a client
-- address), so that the table reveals neither, and so that unknown accounts
-- are throttled exactly like known ones.
CREATE TABLE throttles (
    key            BLOB PRIMARY KEY,
    hits           INTEGER NOT NULL,
    window_start   TIMESTAMP NOT NULL,
    blocked_until  TIMESTAMP
);
