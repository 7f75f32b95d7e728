-- Settings: small key/value facts about this installation (e.g. when demo data
-- was loaded). Keys are namespaced by the owning package: "demo.loaded".
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
