-- Instant services (package instant): every request a citizen makes of an
-- instant service, with its result sealed (personal data: fines, debts,
-- queues), and the meter readings accepted.
--
-- Reads: a citizen's history newest first (instant_requests_user), the
-- hourly rate limit per citizen and service (instant_requests_rate).
CREATE TABLE instant_requests (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    service     TEXT NOT NULL,
    status      TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    result_enc  BLOB,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX instant_requests_user ON instant_requests (user_id, created_at, id);
CREATE INDEX instant_requests_rate ON instant_requests (user_id, service, created_at);

-- Meter readings: one per personal account (a blind index, never the
-- number), meter and month ("2026-11"); a reading sent again within the
-- month replaces the row. Values in thousandths of the unit.
CREATE TABLE meter_readings (
    id           INTEGER PRIMARY KEY,
    account_key  TEXT NOT NULL,
    meter        TEXT NOT NULL,
    month        TEXT NOT NULL,
    value_milli  INTEGER NOT NULL,
    request_id   INTEGER NOT NULL REFERENCES instant_requests (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (account_key, meter, month)
);
CREATE INDEX meter_readings_request ON meter_readings (request_id);
