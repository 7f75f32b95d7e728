-- Outbox: side effects written in the same transaction as the change that
-- causes them, carried out later by workers (package outbox). A row is pending
-- until a handler succeeds (done) or gives up (dead). A pending row whose
-- locked_until lies in the future is being run; one whose lease has expired
-- was abandoned (a crashed worker) and is claimed again.
-- Times are UTC with microsecond precision (sqldb.Now), so text comparison on
-- SQLite orders them as PostgreSQL does.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL,
    key          TEXT,                            -- idempotency key, unique per topic; NULL when none
    payload      BLOB,                            -- handler input; never logged
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
    run_at       TIMESTAMP NOT NULL,              -- when it is next due
    every_us     INTEGER NOT NULL DEFAULT 0,      -- recurring interval in microseconds; 0 for a one-off
    attempts     INTEGER NOT NULL DEFAULT 0,      -- runs started, counted at claim time
    last_error   TEXT NOT NULL DEFAULT '',
    locked_by    TEXT,                            -- claim token of the worker running it
    locked_until TIMESTAMP,                       -- lease end; after it the claim is void
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE UNIQUE INDEX outbox_topic_key ON outbox (topic, key) WHERE key IS NOT NULL;
CREATE INDEX outbox_due ON outbox (run_at, id) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead';
