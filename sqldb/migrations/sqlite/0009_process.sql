-- Published process definitions (административные регламенты as code).
-- A row is immutable once written: publishing a changed definition adds the
-- next version, and a case keeps the version it started on. source is the
-- definition exactly as published (YAML or JSON); digest is the SHA-256 of
-- source in hex, so that publishing the same text twice is recognised.
CREATE TABLE process_versions (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    source        TEXT NOT NULL,
    digest        TEXT NOT NULL,
    published_at  TIMESTAMP NOT NULL,
    published_by  TEXT NOT NULL
);
CREATE UNIQUE INDEX process_versions_name_version ON process_versions (name, version);
CREATE INDEX process_versions_digest ON process_versions (name, digest);
