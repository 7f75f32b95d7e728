-- Territories (package geo) and organisations, their positions and staff
-- (package org). Territories live here because organisations serve them.
--
-- A territory's geometry is GeoJSON text (Polygon or MultiPolygon, WGS84);
-- its bounding box is kept in columns so that SQL can filter by it without
-- parsing geometry, which neither engine can do without extensions.
CREATE TABLE territories (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('region', 'city', 'municipality', 'district')),
    parent_id   INTEGER REFERENCES territories (id),
    code        TEXT NOT NULL DEFAULT '',
    geometry    TEXT NOT NULL,
    min_lon     DOUBLE PRECISION NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX territories_level_name ON territories (level, name);
CREATE INDEX territories_parent ON territories (parent_id);
CREATE INDEX territories_bbox ON territories (min_lat, max_lat, min_lon, max_lon);

-- Organisations: bodies of power, subordinate institutions, housing agencies,
-- controlling bodies, in one hierarchy by parent_id. hours is JSON
-- (org.WorkingHours). code is an optional stable external key.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('region_government', 'municipality', 'district_administration',
                    'committee', 'agency', 'institution', 'housing_agency', 'controlling_body')),
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    code        TEXT,
    inn         TEXT NOT NULL DEFAULT '',
    ogrn        TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '{}',
    parent_id   INTEGER REFERENCES organisations (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisations_code ON organisations (code) WHERE code IS NOT NULL;
CREATE INDEX organisations_parent ON organisations (parent_id, name);
CREATE INDEX organisations_kind ON organisations (kind, id);

-- The territories an organisation serves (a district administration its
-- district, a housing agency its part of it).
CREATE TABLE organisation_territories (
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    territory_id     INTEGER NOT NULL REFERENCES territories (id),
    PRIMARY KEY (organisation_id, territory_id)
);
CREATE INDEX organisation_territories_territory ON organisation_territories (territory_id);

-- Positions carry roles; reports_to is the escalation ladder.
CREATE TABLE positions (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    title            TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('operator', 'official', 'supervisor', 'owner', 'controller', 'admin')),
    reports_to       INTEGER REFERENCES positions (id),
    created_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX positions_org_title ON positions (organisation_id, title);

-- Who holds which position, since when.
CREATE TABLE staff (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    position_id  INTEGER NOT NULL REFERENCES positions (id),
    since        TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, position_id)
);
CREATE INDEX staff_position ON staff (position_id);
