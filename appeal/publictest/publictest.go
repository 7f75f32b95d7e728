// Package publictest writes published appeals straight into the database
// for tests and benchmarks of the public map, pages and responsiveness:
// the rows the appeals projection would hold, without going through
// submission and moderation. It must never be imported by non-test code.
package publictest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/okno/okno/sqldb"
)

// Author is the personal data of the test world's author: tests assert
// none of it appears in any public output.
var Author = struct{ Name, Phone, Email string }{"Зинаида Пантелеймоновна Скворцова", "+79119876543", "skvortsova.z@example.org"}

// World is what Seed made: two categories with a reason each, two
// districts, two bodies, and the appeal process version cases run on.
type World struct {
	Process                 int64
	Roads, Yards            int64 // categories
	Pothole, Litter         int64 // reasons
	PotholeCode, LitterCode string
	North, South            int64 // districts (territories)
	Roads1, Housing         int64 // organisations
}

// Seed makes the world on db. Names are unlikely to clash with a real
// deployment's (the live app's demo and taxonomy).
func Seed(tb testing.TB, db *sqldb.DB, now time.Time) World {
	tb.Helper()
	ctx := context.Background()
	now = sqldb.Now(now)
	var w World
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		w = seed(ctx, tb, tx, now)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func seed(ctx context.Context, tb testing.TB, tx *sqldb.Tx, now time.Time) World {
	tb.Helper()
	var w World
	id := func(q string, args ...any) int64 {
		tb.Helper()
		var id int64
		if err := tx.QueryRowContext(ctx, q+` RETURNING id`, args...).Scan(&id); err != nil {
			tb.Fatalf("seed: %v", err)
		}
		return id
	}
	err := tx.QueryRowContext(ctx, `SELECT id FROM process_versions WHERE name = 'appeal' ORDER BY version DESC LIMIT 1`).Scan(&w.Process)
	if err != nil {
		w.Process = id(`INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
			VALUES ('appeal', 1, 'appeal', '', 'test', ?, 'system')`, now)
	}
	w.Roads = id(`INSERT INTO appeal_categories (code, title, title_en, position) VALUES ('pt_roads', 'Дороги (тест)', 'Roads (test)', 1)`)
	w.Yards = id(`INSERT INTO appeal_categories (code, title, title_en, position) VALUES ('pt_yards', 'Дворы (тест)', 'Yards (test)', 2)`)
	w.PotholeCode, w.LitterCode = "pt_pothole", "pt_litter"
	w.Pothole = id(`INSERT INTO appeal_reasons (category_id, code, title, title_en) VALUES (?, ?, 'Яма на дороге', 'Pothole')`, w.Roads, w.PotholeCode)
	w.Litter = id(`INSERT INTO appeal_reasons (category_id, code, title, title_en) VALUES (?, ?, 'Мусор во дворе', 'Litter')`, w.Yards, w.LitterCode)
	geom := func(lat0, lon0 float64) string {
		return fmt.Sprintf(`{"type":"MultiPolygon","coordinates":[[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]]}`,
			lon0, lat0, lon0+0.2, lat0, lon0+0.2, lat0+0.1, lon0, lat0+0.1, lon0, lat0)
	}
	w.North = id(`INSERT INTO territories (name, level, geometry, min_lon, min_lat, max_lon, max_lat, created_at, updated_at)
		VALUES ('Северный район (тест)', 'district', ?, 30.2, 60.0, 30.4, 60.1, ?, ?)`, geom(60.0, 30.2), now, now)
	w.South = id(`INSERT INTO territories (name, level, geometry, min_lon, min_lat, max_lon, max_lat, created_at, updated_at)
		VALUES ('Южный район (тест)', 'district', ?, 30.2, 59.8, 30.4, 59.9, ?, ?)`, geom(59.8, 30.2), now, now)
	w.Roads1 = id(`INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('committee', 'Комитет по дорогам (тест)', ?, ?)`, now, now)
	w.Housing = id(`INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('housing_agency', 'Жилкомсервис (тест)', ?, ?)`, now, now)
	return w
}

// Row is one appeal to insert. Zero fields take the defaults noted.
type Row struct {
	Category, Reason, Territory, Org int64
	Lat, Lon                         float64
	Address                          string
	Text                             string // public text; "" with Unpublished
	Unpublished                      bool   // still in moderation: public_text NULL
	Anonymous                        bool
	Status                           string // default "open"
	State                            string // default from Status
	Created                          time.Time
	Due                              time.Time // default Created + 30 days
	Answered                         time.Time
	OnTime                           bool
	Closed                           time.Time
	Updated                          time.Time // default the latest of the above
	Reroutes, Reopened, Supporters   int
	Token                            string
	// Events are appended to the case's timeline in order: action → the
	// state it led to, at the given times.
	Events []Event
}

// Event is one timeline entry of a Row.
type Event struct {
	Action, To string
	At         time.Time
	Hidden     bool // not citizen-visible
}

var stateOf = map[string]string{"moderation": "moderation", "open": "review", "answered": "answered", "fixed": "closed_fixed",
	"fixed_auto": "closed_auto", "not_fixed": "closed_not_fixed", "rejected": "rejected"}

// Insert writes r as a case and its appeals row and returns the case id.
// The case's sealed data is left empty: the author's data lives only in
// author_key here, a value tests can look for.
func Insert(tb testing.TB, db *sqldb.DB, w World, r Row) int64 {
	tb.Helper()
	var id int64
	if err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		id = insert(tb, tx, w, r)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return id
}

func insert(tb testing.TB, db *sqldb.Tx, w World, r Row) int64 {
	tb.Helper()
	ctx := context.Background()
	if r.Status == "" {
		r.Status = "open"
	}
	if r.State == "" {
		r.State = stateOf[r.Status]
	}
	if r.Created.IsZero() {
		r.Created = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	if r.Due.IsZero() {
		r.Due = r.Created.Add(30 * 24 * time.Hour)
	}
	if r.Updated.IsZero() {
		r.Updated = r.Created
		for _, t := range []time.Time{r.Answered, r.Closed} {
			if t.After(r.Updated) {
				r.Updated = t
			}
		}
		for _, e := range r.Events {
			if e.At.After(r.Updated) {
				r.Updated = e.At
			}
		}
	}
	nt := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return sqldb.Now(t)
	}
	var text, token, onTime any
	if !r.Unpublished {
		text = r.Text
	}
	if r.Token != "" {
		token = r.Token
	}
	if !r.Answered.IsZero() {
		onTime = r.OnTime
	}
	var caseID int64
	ref := "PT-" + strconv.FormatInt(rand.Int64N(1<<60), 36)
	err := db.QueryRowContext(ctx, `INSERT INTO cases (ref, kind, process_id, state, version, org_id, subject, channel,
		legal_period, legal_due_at, created_by, created_at, updated_at, closed_at, outcome)
		VALUES (?, 'appeal', ?, ?, ?, ?, 'Сообщение о проблеме', 'web', '30d', ?, 'citizen:1', ?, ?, ?, '') RETURNING id`,
		ref, w.Process, r.State, 1+len(r.Events), r.Org, sqldb.Now(r.Due), sqldb.Now(r.Created), sqldb.Now(r.Updated), nt(r.Closed)).Scan(&caseID)
	if err != nil {
		tb.Fatalf("insert case: %v", err)
	}
	var territory any
	if r.Territory != 0 {
		territory = r.Territory
	}
	_, err = db.ExecContext(ctx, `INSERT INTO appeals (case_id, ref, category_id, reason_id, territory_id, org_id, lat, lon, cell,
		address, public_text, anonymous, author_key, channel, status, state, photos, supporters, reroutes, reopened, token,
		created_at, published_at, due_at, answered_at, answered_on_time, closed_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'web', ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		caseID, ref, r.Category, r.Reason, territory, r.Org, r.Lat, r.Lon, Cell(r.Lat, r.Lon),
		r.Address, text, r.Anonymous, "author:"+Author.Phone, r.Status, r.State, r.Supporters, r.Reroutes, r.Reopened, token,
		sqldb.Now(r.Created), nt(r.Created), sqldb.Now(r.Due), nt(r.Answered), onTime, nt(r.Closed), sqldb.Now(r.Updated))
	if err != nil {
		tb.Fatalf("insert appeal: %v", err)
	}
	from := "moderation"
	for i, e := range r.Events {
		if _, err := db.ExecContext(ctx, `INSERT INTO case_events (case_id, seq, kind, action, from_state, to_state, actor, citizen_visible, at)
			VALUES (?, ?, 'action', ?, ?, ?, 'staff:1', ?, ?)`, caseID, i+2, e.Action, from, e.To, !e.Hidden, sqldb.Now(e.At)); err != nil {
			tb.Fatalf("insert event: %v", err)
		}
		from = e.To
	}
	return caseID
}

// Cell is appeals.cell of a point: the 0.01° grid of appeal/place.go.
func Cell(lat, lon float64) int64 {
	row := int64((lat + 90) / 0.01)
	col := int64((lon + 180) / 0.01)
	return row*36000 + col
}

// Bulk inserts n published appeals spread over the world's two districts
// and the year before end, with a realistic mix of statuses, in batches
// of raw SQL: the volume behind the benchmarks.
func Bulk(tb testing.TB, db *sqldb.DB, w World, n int, end time.Time) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	statuses := []string{"open", "open", "answered", "fixed", "fixed", "fixed_auto", "not_fixed"}
	const batch = 500
	for start := 0; start < n; start += batch {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				created := end.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
				st := statuses[rng.IntN(len(statuses))]
				r := Row{Category: w.Roads, Reason: w.Pothole, Territory: w.North, Org: w.Roads1,
					Lat: 60.0 + rng.Float64()*0.1, Lon: 30.2 + rng.Float64()*0.2, Text: "Яма на дороге у дома " + strconv.Itoa(i),
					Status: st, Created: created}
				if i%3 == 0 {
					r.Category, r.Reason, r.Territory, r.Org = w.Yards, w.Litter, w.South, w.Housing
					r.Lat = 59.8 + rng.Float64()*0.1
				}
				if st != "open" {
					r.Answered = created.Add(time.Duration(rng.Int64N(int64(40 * 24 * time.Hour))))
					r.OnTime = r.Answered.Before(created.Add(30 * 24 * time.Hour))
					if st != "answered" {
						r.Closed = r.Answered.Add(48 * time.Hour)
					}
				}
				insert(tb, tx, w, r)
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}
