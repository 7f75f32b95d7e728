-- Cases (дела): every application, appeal and complaint moving through a
-- published process version. Package casework owns these tables.
--
-- version is the optimistic-concurrency counter: every change bumps it and
-- is made with "WHERE version = expected", so two officials acting at once
-- cannot both win.
--
-- Assignment: org_id is the responsible organisation; position_id, when
-- set, the position whose inbox holds it (NULL: the organisation's role
-- inbox); assignee_id, when set, the person working on it.
--
-- Escalation: escalation_level counts the ladder's steps taken in the
-- current state (0: none); escalated_org_id / escalated_position_id name
-- who the case is escalated to now; the case stays with org_id.
--
-- Clocks: legal_* is the clock of the whole case, which never resets;
-- step_* the clock of the current state. A clock's due_at is when it runs
-- out; paused_at is set while it is paused (waiting for the citizen) and the
-- due time is pushed on when it resumes; legal_met_at is set when the case
-- reaches a state that stops the legal clock (answered, decided).
-- next_due_at is the earliest moment the scheduler must look at the case
-- (the running step clock's due time, or a state's timeout), NULL when there
-- is nothing to do: the partial index on it holds only such rows, so a
-- scan reads only due cases however many are open. lease_until is the
-- scheduler's claim on a due case.
--
-- data_enc is the case's form data (JSON) sealed by package vault: it may
-- hold personal data. subject is a plain title (service or category name)
-- that by convention holds none, so that inboxes can show and search it.
CREATE TABLE cases (
    id                     INTEGER PRIMARY KEY,
    ref                    TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    process_id             INTEGER NOT NULL REFERENCES process_versions (id),
    state                  TEXT NOT NULL,
    version                INTEGER NOT NULL,
    applicant_id           INTEGER REFERENCES users (id),
    org_id                 INTEGER NOT NULL REFERENCES organisations (id),
    position_id            INTEGER REFERENCES positions (id),
    assignee_id            INTEGER REFERENCES users (id),
    escalation_level       INTEGER NOT NULL DEFAULT 0,
    escalated_org_id       INTEGER REFERENCES organisations (id),
    escalated_position_id  INTEGER REFERENCES positions (id),
    parent_id              INTEGER REFERENCES cases (id),
    subject                TEXT NOT NULL,
    channel                TEXT NOT NULL,
    data_enc               BLOB,
    legal_period           TEXT NOT NULL,
    legal_due_at           TIMESTAMP NOT NULL,
    legal_paused_at        TIMESTAMP,
    legal_met_at           TIMESTAMP,
    step_period            TEXT NOT NULL DEFAULT '',
    step_due_at            TIMESTAMP,
    step_paused_at         TIMESTAMP,
    next_due_at            TIMESTAMP,
    lease_until            TIMESTAMP,
    outcome                TEXT NOT NULL DEFAULT '',
    idempotency_key        TEXT,
    created_by             TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    closed_at              TIMESTAMP
);
CREATE UNIQUE INDEX cases_ref ON cases (ref);
CREATE UNIQUE INDEX cases_idempotency ON cases (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The scheduler's scan: only cases with something due are in this index.
CREATE INDEX cases_next_due ON cases (next_due_at) WHERE next_due_at IS NOT NULL;
-- Inboxes (casework/inbox.go). Each view reads its page in (legal_due_at,
-- id) order from an index holding exactly its rows, so a page costs the
-- same however many cases there are:
--   org, overdue, due today                cases_org_open
--   unassigned                             cases_unassigned
--   mine: my own                           cases_assignee
--   mine: my positions' with nobody        cases_position
--   escalated to my organisation           cases_escalated
--   closed                                 cases_org_closed
-- cases_org_open also holds what decides whether a clock ran out or runs
-- out today, so that the due-today view and the supervisor's counts test
-- it without reading table rows; closed_at, always NULL in it, is there
-- because SQLite does not count a partial index's own condition as a
-- column the index covers.
CREATE INDEX cases_org_open ON cases (org_id, legal_due_at, id, closed_at, legal_met_at, legal_paused_at, step_due_at, step_paused_at)
    WHERE closed_at IS NULL;
CREATE INDEX cases_unassigned ON cases (org_id, legal_due_at, id) WHERE closed_at IS NULL AND assignee_id IS NULL;
CREATE INDEX cases_assignee ON cases (assignee_id, legal_due_at, id) WHERE closed_at IS NULL;
CREATE INDEX cases_position ON cases (position_id, legal_due_at, id) WHERE closed_at IS NULL AND assignee_id IS NULL;
CREATE INDEX cases_escalated ON cases (escalated_org_id, legal_due_at, id) WHERE escalated_org_id IS NOT NULL;
CREATE INDEX cases_org_closed ON cases (org_id, legal_due_at, id) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_applicant ON cases (applicant_id, id);
CREATE INDEX cases_parent ON cases (parent_id) WHERE parent_id IS NOT NULL;

-- The timeline: every action on a case, append-only. seq is the case's
-- version after the event. comment_enc and fields_enc are sealed (an
-- official's answer or a citizen's reply may hold personal data).
-- citizen_visible marks what the citizen's timeline shows.
CREATE TABLE case_events (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases (id),
    seq              INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    action           TEXT NOT NULL DEFAULT '',
    from_state       TEXT NOT NULL DEFAULT '',
    to_state         TEXT NOT NULL DEFAULT '',
    actor            TEXT NOT NULL,
    actor_name       TEXT NOT NULL DEFAULT '',
    comment_enc      BLOB,
    fields_enc       BLOB,
    citizen_visible  BOOLEAN NOT NULL,
    at               TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX case_events_case_seq ON case_events (case_id, seq);

-- Documents of a case: the citizen's attachments, officials' documents and
-- result documents. blob is the content address in the blob store; the
-- file name is sealed (names often carry a person's name).
CREATE TABLE case_documents (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases (id),
    event_id         INTEGER REFERENCES case_events (id),
    kind             TEXT NOT NULL,
    blob             TEXT NOT NULL,
    name_enc         BLOB NOT NULL,
    media_type       TEXT NOT NULL,
    size             INTEGER NOT NULL,
    is_result        BOOLEAN NOT NULL DEFAULT FALSE,
    citizen_visible  BOOLEAN NOT NULL,
    uploaded_by      TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, id);
