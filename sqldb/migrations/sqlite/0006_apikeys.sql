-- API keys (package identity): other systems act for an organisation with a
-- key "okno_<prefix>_<secret>". Only the SHA-256 of the whole key is kept;
-- the prefix is stored in the clear so that people can tell keys apart in
-- lists and logs without the secret.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL UNIQUE,
    key_hash      BLOB NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);
