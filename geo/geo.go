// Package geo keeps territories — the region, cities, districts and
// municipalities as polygons — and answers which territories hold a point,
// so that an appeal placed on a map reaches the body serving that place.
//
// Shapes come from GeoJSON (ParseGeoJSON, Import) and are kept as GeoJSON
// text with their bounding boxes in columns. Lookups run against an
// in-memory index rebuilt when territories change. The package knows nothing
// of organisations; package org links them to territories. It must never
// import a feature package or net/http.
package geo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// Level says what kind of territory a polygon is.
type Level string

// The levels, from the widest to the narrowest.
const (
	LevelRegion       Level = "region"       // субъект РФ
	LevelCity         Level = "city"         // город, городской округ
	LevelDistrict     Level = "district"     // район (of Saint Petersburg: an administrative district)
	LevelMunicipality Level = "municipality" // муниципальное образование
)

// Levels lists the levels from the widest to the narrowest; Lookup orders
// its results the same way.
var Levels = []Level{LevelRegion, LevelCity, LevelDistrict, LevelMunicipality}

// Valid reports whether l is one of the known levels.
func (l Level) Valid() bool { return l.rank() >= 0 }

func (l Level) rank() int {
	for i, k := range Levels {
		if k == l {
			return i
		}
	}
	return -1
}

// Territory is a named area with a shape.
type Territory struct {
	ID        int64
	Name      string
	Level     Level
	ParentID  int64 // 0 when it has none
	Code      string
	Geometry  MultiPolygon
	BBox      BBox
	Source    string // where the shape came from, e.g. "OpenStreetMap, ODbL 1.0"
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Service stores territories and looks points up in them.
type Service struct {
	db  *sqldb.DB
	log audit.Appender
	now func() time.Time

	// IndexMaxAge bounds how long this process trusts its lookup index.
	// Changes made through this Service invalidate it at once; the age
	// bound is for changes made by other replicas sharing the database.
	IndexMaxAge time.Duration

	gen    atomic.Uint64         // bumped by every committed change
	index  atomic.Pointer[index] // nil until first lookup
	loadMu sync.Mutex            // one index load at a time
}

// New returns a Service on db that audits its changes through log. now is the
// clock (time.Now in production, a fixed time in tests).
func New(db *sqldb.DB, log audit.Appender, now func() time.Time) *Service {
	return &Service{db: db, log: log, now: now, IndexMaxAge: 5 * time.Minute}
}

// ImportResult says what Import did; IDs are the territories' ids in the
// order of the collection's features.
type ImportResult struct {
	Created, Updated, Unchanged int
	IDs                         []int64
}

// Import upserts every feature of fc as a territory of the given level,
// matched by (level, name), in one transaction with one audit entry per
// created or changed territory. Importing the same collection again changes
// nothing and audits nothing. The parent of an existing territory is kept.
//
// Only the system or an administrator may import; which administrators
// (region-wide ones) is the door's decision through package org.
func (s *Service) Import(ctx context.Context, fc *FeatureCollection, level Level, actor okno.Actor) (ImportResult, error) {
	if actor.Kind != okno.ActorSystem && !actor.Has(okno.RoleAdmin) {
		return ImportResult{}, okno.Errorf(okno.EFORBIDDEN, "geo.import_forbidden")
	}
	var fe okno.FieldErrors
	if !level.Valid() {
		fe.Add("level", "geo.level_invalid")
	}
	if fc == nil || len(fc.Features) == 0 {
		fe.Add(docField+".features", "geo.no_features")
	}
	if err := fe.Err(); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		res = ImportResult{IDs: make([]int64, 0, len(fc.Features))}
		for i, f := range fc.Features {
			id, change, err := s.upsert(ctx, tx, f, level, fc.Source, actor)
			if err != nil {
				return fmt.Errorf("geo: import features[%d] %q: %w", i, f.Name, err)
			}
			res.IDs = append(res.IDs, id)
			switch change {
			case created:
				res.Created++
			case updated:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		if res.Created+res.Updated > 0 {
			tx.AfterCommit(s.invalidate)
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

type change int

const (
	unchanged change = iota
	created
	updated
)

// stored is the part of a territory that an import may change and the
// audit log digests.
type stored struct {
	Name     string `json:"name"`
	Level    Level  `json:"level"`
	Code     string `json:"code"`
	Geometry string `json:"geometry"`
	Source   string `json:"source"`
}

func (s *Service) upsert(ctx context.Context, tx *sqldb.Tx, f Feature, level Level, source string, actor okno.Actor) (int64, change, error) {
	want := stored{Name: f.Name, Level: level, Code: f.Code, Geometry: f.Geometry.GeoJSON(), Source: source}
	b := f.Geometry.BBox()
	now := sqldb.Now(s.now())
	var id int64
	have := stored{Name: f.Name, Level: level}
	err := tx.QueryRowContext(ctx, `SELECT id, code, geometry, source FROM territories WHERE level = ? AND name = ?`,
		level, f.Name).Scan(&id, &have.Code, &have.Geometry, &have.Source)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO territories
			(name, level, code, geometry, min_lon, min_lat, max_lon, max_lat, source, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			want.Name, want.Level, want.Code, want.Geometry, b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, want.Source, now, now).Scan(&id)
		if err != nil {
			return 0, 0, err
		}
		return id, created, s.audit(ctx, tx, actor, "geo.territory.create", id, nil, want)
	case err != nil:
		return 0, 0, err
	case have == want:
		return id, unchanged, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE territories SET code = ?, geometry = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?,
		source = ?, updated_at = ? WHERE id = ?`,
		want.Code, want.Geometry, b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, want.Source, now, id); err != nil {
		return 0, 0, err
	}
	return id, updated, s.audit(ctx, tx, actor, "geo.territory.update", id, &have, want)
}

func (s *Service) audit(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, id int64, before *stored, after stored) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "territory", ObjectID: fmt.Sprint(id), After: audit.Digest(after)}
	if before != nil {
		e.Before = audit.Digest(*before)
	}
	if _, err := s.log.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("geo: audit %s: %w", action, err)
	}
	return nil
}

// invalidate drops the lookup index; the next Lookup rebuilds it.
func (s *Service) invalidate() {
	s.gen.Add(1)
	s.index.Store(nil)
}

const territoryColumns = `id, name, level, parent_id, code, geometry, min_lon, min_lat, max_lon, max_lat, source, created_at, updated_at`

func scanTerritory(sc interface{ Scan(...any) error }) (Territory, error) {
	var t Territory
	var parent sql.NullInt64
	var geom string
	if err := sc.Scan(&t.ID, &t.Name, &t.Level, &parent, &t.Code, &geom,
		&t.BBox.MinLon, &t.BBox.MinLat, &t.BBox.MaxLon, &t.BBox.MaxLat, &t.Source, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return Territory{}, err
	}
	t.ParentID = parent.Int64
	mp, err := ParseGeometry(geom)
	if err != nil {
		return Territory{}, fmt.Errorf("geo: territory %d has bad geometry: %w", t.ID, err)
	}
	t.Geometry = mp
	return t, nil
}

// Get returns the territory with the given id, or an ENOTFOUND error.
func (s *Service) Get(ctx context.Context, id int64) (Territory, error) {
	t, err := scanTerritory(s.db.QueryRowContext(ctx, `SELECT `+territoryColumns+` FROM territories WHERE id = ?`, id))
	if err != nil {
		return Territory{}, sqldb.NotFound(err, "geo.territory_not_found")
	}
	return t, nil
}

// ListQuery selects a page of territories, ordered by id.
type ListQuery struct {
	Level   Level // "" for every level
	AfterID int64 // keyset cursor: the last id of the previous page
	Limit   int   // default 100, at most 1000
}

// List returns a page of territories; pass the last one's ID as AfterID for
// the next page. An empty page is the end.
func (s *Service) List(ctx context.Context, q ListQuery) ([]Territory, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+territoryColumns+` FROM territories
		WHERE id > ? AND (? = '' OR level = ?) ORDER BY id LIMIT ?`, q.AfterID, string(q.Level), string(q.Level), q.Limit)
	if err != nil {
		return nil, fmt.Errorf("geo: list territories: %w", err)
	}
	defer rows.Close()
	var ts []Territory
	for rows.Next() {
		t, err := scanTerritory(rows)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}
