-- Appointments (записи на приём, package appointment): each office's
-- schedule, and the bookings citizens hold.
--
-- Slots are computed from the schedule, the office's hours and the
-- production calendar, never stored ahead. What stops two people holding
-- the same time at the same desk (окно приёма) is appointment_cells: a
-- booking writes one row per cell (the office's grid step) it covers, and
-- the primary key (office_id, starts_at, desk) refuses a second writer,
-- whatever the concurrency and whatever the slot lengths sharing a desk.

-- An office's reception: how many desks, the grid step every slot length
-- is a multiple of, how far ahead one may book, and daily breaks (JSON
-- []org.Interval) on top of the lunch the office's hours already leave out.
CREATE TABLE appointment_offices (
    office_id     INTEGER PRIMARY KEY REFERENCES offices (id),
    desks         INTEGER NOT NULL CHECK (desks BETWEEN 1 AND 100),
    cell_minutes  INTEGER NOT NULL CHECK (cell_minutes BETWEEN 5 AND 240),
    horizon_days  INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 366),
    breaks        TEXT NOT NULL DEFAULT '[]',
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    TIMESTAMP NOT NULL
);

-- The services an office receives for, each with its slot length and the
-- desks (JSON list of numbers) that serve it: read whole with the schedule.
CREATE TABLE appointment_services (
    office_id     INTEGER NOT NULL REFERENCES appointment_offices (office_id),
    service_id    INTEGER NOT NULL REFERENCES services (id),
    slot_minutes  INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
    desks         TEXT NOT NULL,
    PRIMARY KEY (office_id, service_id)
);
-- Which offices take bookings for a service (the citizen's first choice).
CREATE INDEX appointment_services_service ON appointment_services (service_id, office_id);

-- Days an office keeps other hours than usual (JSON []org.Interval; an
-- empty list: closed), e.g. a sanitary day. day is "2026-03-09".
CREATE TABLE appointment_exceptions (
    office_id  INTEGER NOT NULL REFERENCES appointment_offices (office_id),
    day        TEXT NOT NULL,
    hours      TEXT NOT NULL DEFAULT '[]',
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (office_id, day)
);

-- case_id names the citizen's case the visit belongs to ("bring the
-- originals"); the booking asks casework, which owns cases, that it is the
-- citizen's own. No foreign key: this table must not depend on how
-- casework keeps its rows, and cases are never deleted.
CREATE TABLE appointments (
    id               INTEGER PRIMARY KEY,
    office_id        INTEGER NOT NULL REFERENCES offices (id),
    service_id       INTEGER NOT NULL REFERENCES services (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    case_id          INTEGER,
    desk             INTEGER NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    ends_at          TIMESTAMP NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    idempotency_key  TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX appointments_idempotency ON appointments (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- A citizen's list, limits and overlaps.
CREATE INDEX appointments_user ON appointments (user_id, starts_at, id);
-- An office's queue of the day.
CREATE INDEX appointments_queue ON appointments (office_id, starts_at, id) WHERE status = 'booked';

-- The cells a booking holds; deleted when it is cancelled or moved, and
-- once their day has passed (Prune): only the future needs guarding.
CREATE TABLE appointment_cells (
    office_id       INTEGER NOT NULL REFERENCES offices (id),
    starts_at       TIMESTAMP NOT NULL,
    desk            INTEGER NOT NULL,
    appointment_id  INTEGER NOT NULL REFERENCES appointments (id),
    PRIMARY KEY (office_id, starts_at, desk)
);
CREATE INDEX appointment_cells_appointment ON appointment_cells (appointment_id);

-- One row per citizen who booked, touched first by every booking change:
-- on PostgreSQL its row lock makes one citizen's changes take turns, so
-- the per-citizen limits hold under concurrency (SQLite has one writer).
CREATE TABLE appointment_holders (
    user_id  INTEGER PRIMARY KEY REFERENCES users (id),
    changes  INTEGER NOT NULL DEFAULT 0
);
