-- The service catalogue (package catalog): service cards, categories, life
-- situations, offices and the directories forms refer to.
--
-- Texts in the product's languages (catalog.Text) are JSON objects
-- {"ru": ..., "en": ...}; title_ru repeats the Russian title for lists
-- read by people looking at the database. Lists and the card's tabs are
-- JSON too: they are read and written whole with their service, never
-- queried inside. Searching and listing run over an in-memory index built
-- from the published rows, so SQL only fetches rows by key.
CREATE TABLE service_categories (
    code      TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE service_situations (
    code      TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    summary   TEXT NOT NULL DEFAULT '{}',
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE services (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    title_ru          TEXT NOT NULL,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL DEFAULT '{}',
    keywords          TEXT NOT NULL DEFAULT '[]',
    level             TEXT NOT NULL CHECK (level IN ('federal', 'regional', 'municipal')),
    recipients        TEXT NOT NULL DEFAULT '[]',
    kind              TEXT NOT NULL CHECK (kind IN ('application', 'instant', 'in_person')),
    assurance         TEXT NOT NULL,
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    complaint_org_id  INTEGER REFERENCES organisations (id),
    category          TEXT NOT NULL DEFAULT '',
    process           TEXT NOT NULL DEFAULT '',
    legal_period      TEXT NOT NULL DEFAULT '',
    instant_rule      TEXT NOT NULL DEFAULT '',
    needs_consent     BOOLEAN NOT NULL DEFAULT FALSE,
    fee_kopecks       BIGINT NOT NULL DEFAULT 0,
    fee_text          TEXT NOT NULL DEFAULT '{}',
    card              TEXT NOT NULL DEFAULT '{}',
    owner_name        TEXT NOT NULL DEFAULT '',
    owner_position    TEXT NOT NULL DEFAULT '',
    owner_photo       TEXT NOT NULL DEFAULT '',
    owner_user_id     INTEGER REFERENCES users (id),
    form_schema       TEXT NOT NULL DEFAULT '',
    form_layout       TEXT NOT NULL DEFAULT '',
    published         BOOLEAN NOT NULL DEFAULT FALSE,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX services_published ON services (published, id);
CREATE INDEX services_org ON services (org_id);
CREATE INDEX services_owner ON services (owner_user_id) WHERE owner_user_id IS NOT NULL;

-- A life situation's services in the order a citizen needs them. The
-- service is named by code without a foreign key so that a situation may
-- be written before its services (the catalogue is loaded in any order);
-- pages show only the published services it names.
CREATE TABLE situation_services (
    situation_code  TEXT NOT NULL REFERENCES service_situations (code),
    service_code    TEXT NOT NULL,
    position        INTEGER NOT NULL,
    PRIMARY KEY (situation_code, service_code)
);
CREATE INDEX situation_services_service ON situation_services (service_code);

-- Offices: where an organisation receives people (its reception, an МФЦ).
-- hours is JSON (org.WorkingHours).
CREATE TABLE offices (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '{}',
    lat         DOUBLE PRECISION NOT NULL DEFAULT 0,
    lon         DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX offices_org ON offices (org_id, id);

CREATE TABLE service_offices (
    service_id  INTEGER NOT NULL REFERENCES services (id),
    office_id   INTEGER NOT NULL REFERENCES offices (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (service_id, office_id)
);
CREATE INDEX service_offices_office ON service_offices (office_id);

-- Directories that form fields refer to with x-directory; parent is the
-- parent item's value ('' at the top).
CREATE TABLE directories (
    code        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE directory_items (
    directory_code  TEXT NOT NULL REFERENCES directories (code),
    value           TEXT NOT NULL,
    title           TEXT NOT NULL,
    parent          TEXT NOT NULL DEFAULT '',
    position        INTEGER NOT NULL,
    PRIMARY KEY (directory_code, value)
);
