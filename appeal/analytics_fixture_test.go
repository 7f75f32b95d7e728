package appeal

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
)

// anWorld is the analytics tests' region, written with plain SQL so that
// analytics is tested on the appeals table alone: a region government
// with two district administrations, each serving its district, two
// categories, and appeals added row by row.
type anWorld struct {
	db         *sqldb.DB
	svc        *Service
	audit      *audittest.Log
	now        time.Time
	region     int64 // organisation
	orgA, orgB int64
	terrA      int64 // territory served by orgA
	terrB      int64
	catRoads   int64
	catYards   int64
	reasons    map[int64]int64 // category → a reason of it
	process    int64
	next       int64
}

// anOrgs is the organisations tree the scope asks about.
type anOrgs struct{ w *anWorld }

func (o anOrgs) Get(_ context.Context, id int64) (org.Organisation, error) {
	switch id {
	case o.w.region:
		return org.Organisation{ID: id, Kind: org.KindRegionGovernment, Name: "Правительство"}, nil
	case o.w.orgA, o.w.orgB:
		return org.Organisation{ID: id, Kind: org.KindDistrictAdministration, ParentID: o.w.region}, nil
	}
	return org.Organisation{}, okno.Errorf(okno.ENOTFOUND, "org.not_found")
}

func (o anOrgs) Positions(context.Context, int64) ([]org.Position, error) { return nil, nil }

func (o anOrgs) Subtree(ctx context.Context, id int64) ([]org.Organisation, error) {
	x, err := o.Get(ctx, id)
	return []org.Organisation{x}, err
}

func (o anOrgs) Territories(_ context.Context, id int64) ([]int64, error) {
	switch id {
	case o.w.orgA:
		return []int64{o.w.terrA}, nil
	case o.w.orgB:
		return []int64{o.w.terrB}, nil
	}
	return nil, nil
}

// newAnWorld builds the world on db at a fixed clock: 15 March 2021,
// 12:00 Moscow time.
func newAnWorld(t testing.TB, db *sqldb.DB) *anWorld {
	t.Helper()
	ctx := context.Background()
	w := &anWorld{db: db, now: time.Date(2021, 3, 15, 9, 0, 0, 0, time.UTC), reasons: map[int64]int64{}}
	clock := func() time.Time { return w.now }
	w.audit = audittest.New(db, clock)
	at := sqldb.Now(w.now)
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return tx.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id) }); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	w.region = exec(`INSERT INTO organisations (kind, name, created_at, updated_at) VALUES ('region_government', 'Правительство', ?, ?)`, at, at)
	w.orgA = exec(`INSERT INTO organisations (kind, name, parent_id, created_at, updated_at) VALUES ('district_administration', 'Администрация Центрального района', ?, ?, ?)`, w.region, at, at)
	w.orgB = exec(`INSERT INTO organisations (kind, name, parent_id, created_at, updated_at) VALUES ('district_administration', 'Администрация Выборгского района', ?, ?, ?)`, w.region, at, at)
	terr := func(name string) int64 {
		return exec(`INSERT INTO territories (name, level, geometry, min_lon, min_lat, max_lon, max_lat, created_at, updated_at)
			VALUES (?, 'district', '[]', 30, 59, 31, 60, ?, ?)`, name, at, at)
	}
	w.terrA, w.terrB = terr("Центральный район"), terr("Выборгский район")
	cat := func(code, title string) int64 {
		id := exec(`INSERT INTO appeal_categories (code, title) VALUES (?, ?)`, code, title)
		w.reasons[id] = exec(`INSERT INTO appeal_reasons (category_id, code, title) VALUES (?, ?, ?)`, id, code+"-r", title+": причина")
		return id
	}
	w.catRoads, w.catYards = cat("roads", "Дороги"), cat("yards", "Благоустройство")
	w.process = exec(`INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
		VALUES ('appeal', 1, 'appeal', '', 'x', ?, 'system')`, at)
	w.svc = New(Deps{DB: db, Audit: w.audit, Orgs: anOrgs{w}, Now: clock})
	return w
}

// anAppeal is an appeal as a test writes it; zero fields take defaults.
type anAppeal struct {
	Territory int64 // -1: none
	Category  int64
	Org       int64
	Author    string
	Created   time.Time
	Status    Status
	Answered  time.Time
	OnTime    bool
	Due       time.Time
	Closed    time.Time
	Reroutes  int
	Reopened  int
	Text      string
	Lat, Lon  float64
}

// add writes an appeal and its case and returns its case ID.
func (w *anWorld) add(t testing.TB, a anAppeal) int64 {
	t.Helper()
	if a.Territory == 0 {
		a.Territory = w.terrA
	}
	if a.Category == 0 {
		a.Category = w.catRoads
	}
	if a.Org == 0 {
		a.Org = w.orgA
	}
	if a.Author == "" {
		a.Author = "author-1"
	}
	if a.Created.IsZero() {
		a.Created = w.now.Add(-time.Hour)
	}
	if a.Status == "" {
		a.Status = StatusOpen
	}
	if a.Due.IsZero() {
		a.Due = a.Created.Add(30 * 24 * time.Hour)
	}
	if a.Lat == 0 {
		a.Lat, a.Lon = 59.93, 30.33
	}
	var terr any = a.Territory
	if a.Territory < 0 {
		terr = nil
	}
	w.next++
	ref := fmt.Sprintf("A-%06d", w.next)
	created := sqldb.Now(a.Created)
	var text any
	if a.Text != "" {
		text = a.Text
	}
	ctx := context.Background()
	var id int64
	err := w.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO cases (ref, kind, process_id, state, version, org_id, subject, channel, legal_period,
			legal_due_at, created_by, created_at, updated_at) VALUES (?, 'appeal', ?, 'review', 1, ?, 'Обращение', 'web', '30d', ?, 'system', ?, ?) RETURNING id`,
			ref, w.process, a.Org, sqldb.Now(a.Due), created, created).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO appeals (case_id, ref, category_id, reason_id, territory_id, org_id, lat, lon, cell, public_text,
			author_key, channel, status, state, reroutes, reopened, created_at, due_at, answered_at, answered_on_time, closed_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'web', ?, 'review', ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, ref, a.Category, w.reasons[a.Category], terr, a.Org, a.Lat, a.Lon, text, a.Author, a.Status, a.Reroutes, a.Reopened,
			created, sqldb.Now(a.Due), anNullTime(a.Answered), anNullBool(!a.Answered.IsZero(), a.OnTime), anNullTime(a.Closed), sqldb.Now(w.now))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func anNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return sqldb.Now(t)
}

func anNullBool(valid, v bool) any {
	if !valid {
		return nil
	}
	return v
}

// exec runs a statement the test needs (an update, a count).
func (w *anWorld) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := w.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *anWorld) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := w.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The cast of the scope.
func (w *anWorld) regionAdmin() okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: w.region, Roles: []okno.Role{okno.RoleAdmin}}
}

func (w *anWorld) supervisorA() okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: 2, OrgID: w.orgA, Roles: []okno.Role{okno.RoleSupervisor}}
}
