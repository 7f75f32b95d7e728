package appeal_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

// importWorld is a real appeals service on db with two districts, each
// with its administration, and the housing agency of one of them, which
// the history names as the body that answered.
type importWorld struct {
	db                      *sqldb.DB
	log                     *audittest.Log
	orgs                    *org.Service
	geos                    *geo.Service
	cases                   *casework.Service
	s                       *appeal.Service
	primorsky, nevsky       int64 // territories
	adminP, adminN, housing int64 // organisations
}

const importHousing = "СПб ГКУ ЖА Приморского района"

// importSquares are two districts, one north of the other.
const importSquares = `{"type": "FeatureCollection", "features": [
	{"type": "Feature", "properties": {"name": "Приморский район"}, "geometry": {"type": "Polygon",
		"coordinates": [[[30.0, 59.95], [30.4, 59.95], [30.4, 60.2], [30.0, 60.2], [30.0, 59.95]]]}},
	{"type": "Feature", "properties": {"name": "Невский район"}, "geometry": {"type": "Polygon",
		"coordinates": [[[30.3, 59.8], [30.6, 59.8], [30.6, 59.95], [30.3, 59.95], [30.3, 59.8]]]}}]}`

func newImportWorld(t *testing.T, db *sqldb.DB) *importWorld {
	t.Helper()
	ctx := context.Background()
	w := newImportServices(t, db)
	fc, err := geo.ParseGeoJSON(strings.NewReader(importSquares), geo.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.geos.Import(ctx, fc, geo.LevelDistrict, okno.System); err != nil {
		t.Fatal(err)
	}
	ts, err := w.geos.List(ctx, geo.ListQuery{Level: geo.LevelDistrict})
	if err != nil || len(ts) != 2 {
		t.Fatalf("territories %v: %v", ts, err)
	}
	for _, tr := range ts {
		switch tr.Name {
		case "Приморский район":
			w.primorsky = tr.ID
		case "Невский район":
			w.nevsky = tr.ID
		}
	}
	mk := func(kind org.Kind, name string, parent int64) int64 {
		t.Helper()
		o, err := w.orgs.CreateOrganisation(ctx, org.Organisation{Kind: kind, Name: name, ParentID: parent}, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	region := mk(org.KindRegionGovernment, "Правительство", 0)
	w.adminP = mk(org.KindDistrictAdministration, "Администрация Приморского района", region)
	w.adminN = mk(org.KindDistrictAdministration, "Администрация Невского района", region)
	w.housing = mk(org.KindHousingAgency, importHousing, w.adminP)
	return w
}

// newImportServices builds the services on db, with the shipped
// processes and taxonomy and no organisations or territories yet.
func newImportServices(tb testing.TB, db *sqldb.DB) *importWorld {
	tb.Helper()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2021, 5, 1, 12, 0, 0, 0, time.UTC) }
	w := &importWorld{db: db, log: audittest.New(db, now)}
	procs := process.NewRegistry(db, w.log, now)
	if err := procs.PublishShipped(ctx); err != nil {
		tb.Fatal(err)
	}
	cal, err := calendar.New(db, w.log, now, nil)
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := vault.Load(tb.TempDir(), "")
	if err != nil {
		tb.Fatal(err)
	}
	w.orgs, w.geos = org.New(db, w.log, now), geo.New(db, w.log, now)
	w.cases = casework.New(casework.Deps{DB: db, Sealer: keys, Audit: w.log, Outbox: outbox.New(db, nil, now),
		Processes: procs, Calendars: cal, Orgs: w.orgs, Now: now})
	w.s = appeal.New(appeal.Deps{DB: db, Audit: w.log, Outbox: outbox.New(db, nil, now), Cases: w.cases,
		Territories: w.geos, Orgs: w.orgs, Admins: w.orgs, Index: keys, Calendars: cal, Now: now})
	if _, err := w.s.SeedTaxonomy(ctx); err != nil {
		tb.Fatal(err)
	}
	return w
}

func (w *importWorld) options() appeal.ImportOptions {
	return appeal.ImportOptions{Orgs: map[string]int64{importHousing: w.housing},
		DistrictOrgs: map[int64]int64{w.primorsky: w.adminP, w.nevsky: w.adminN}, BatchSize: 3}
}

func (w *importWorld) run(t *testing.T, data []byte, opts appeal.ImportOptions) appeal.ImportReport {
	t.Helper()
	rep, err := w.s.Import(context.Background(), bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("import: %v (report %+v)", err, rep)
	}
	return rep
}

// importedRow is what the test reads back of an imported appeal.
type importedRow struct {
	State, Status, Outcome string
	Org, Territory         int64
	Published, Answered    bool
	OnTime                 bool
	Closed                 bool
	Photos, Reopened       int
	Public                 string
	Channel                string
}

func (w *importWorld) row(t *testing.T, externalID string) (int64, importedRow) {
	t.Helper()
	var id int64
	var r importedRow
	var territory sql.NullInt64
	var public sql.NullString
	var published, answered, closed sql.NullTime
	var onTime sql.NullBool
	err := w.db.QueryRowContext(context.Background(), `SELECT case_id, state, status, outcome, org_id, territory_id,
		published_at, answered_at, answered_on_time, closed_at, photos, reopened, public_text, channel
		FROM appeals WHERE external_id = ?`, externalID).Scan(&id, &r.State, &r.Status, &r.Outcome, &r.Org, &territory,
		&published, &answered, &onTime, &closed, &r.Photos, &r.Reopened, &public, &r.Channel)
	if err != nil {
		t.Fatalf("appeal %s: %v", externalID, err)
	}
	r.Territory, r.Public = territory.Int64, public.String
	r.Published, r.Answered, r.OnTime, r.Closed = published.Valid, answered.Valid, onTime.Bool, closed.Valid
	return id, r
}

// TestImport: the synthetic history becomes appeal cases in the states,
// with the outcomes, organisations and timelines the portal left them
// in; bad lines are reported with their numbers and the rest imported;
// a re-run, gzip-compressed, imports nothing again.
func TestImport(t *testing.T) {
	data, err := os.ReadFile("testdata/import-small.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newImportWorld(t, db)
		// The routing table sends litter on lawns in Nevsky to the
		// district's administration.
		var route int64
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO appeal_routes (category_id, reason_id, territory_id, org_id, valid_from, created_by)
				SELECT category_id, id, ?, ?, ?, 'system' FROM appeal_reasons WHERE title LIKE 'Мусор на газонах вдоль%'
				RETURNING id`, w.nevsky, w.adminN, sqldb.Now(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))).Scan(&route)
		})
		if err != nil {
			t.Fatal(err)
		}
		rep := w.run(t, data, w.options())
		if rep.Read != 9 || rep.Imported != 5 || rep.Open != 2 || rep.Skipped != 1 || rep.Failed != 3 {
			t.Errorf("report %+v: want 9 read, 5 imported (2 open), 1 skipped, 3 failed", rep)
		}
		if rep.OrgByAnswer != 3 || rep.OrgByRoute != 1 || rep.OrgByDistrict != 1 {
			t.Errorf("organisations by answer %d, by route %d, by district %d; want 3, 1, 1", rep.OrgByAnswer, rep.OrgByRoute, rep.OrgByDistrict)
		}
		var routed sql.NullInt64
		if err := db.QueryRowContext(ctx, `SELECT route_id FROM appeals WHERE external_id = 'spb:1002'`).Scan(&routed); err != nil || routed.Int64 != route {
			t.Errorf("spb:1002 routed by %v (%v), want rule %d", routed, err, route)
		}
		if d := cmp.Diff(map[string]int{"Загадочный статус": 1}, rep.Unmapped); d != "" {
			t.Errorf("unmapped statuses (-want +got):\n%s", d)
		}
		type problem struct {
			Line      int
			ID, Field string
			Key       string
			Invalid   bool
		}
		var got []problem
		for _, p := range rep.Problems {
			var e *okno.Error
			if !errors.As(p.Err, &e) {
				t.Fatalf("line %d: %v is not an okno error", p.Line, p.Err)
			}
			pr := problem{Line: p.Line, ID: p.ID, Key: e.Key, Invalid: e.Code == okno.EINVALID}
			if len(e.Fields) > 0 {
				pr.Field, pr.Key = e.Fields[0].Field, e.Fields[0].Key
			}
			got = append(got, pr)
		}
		want := []problem{
			{Line: 5, Key: "appeal.import_json", Invalid: true},
			{Line: 6, ID: "spb:1006", Field: "subcategory", Key: "appeal.import_reason_unknown", Invalid: true},
			{Line: 7, ID: "spb:1007", Field: "lat", Key: "appeal.import_point_invalid", Invalid: true},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("problems (-want +got):\n%s", d)
		}

		fixedID, fixed := w.row(t, "spb:1001")
		wantFixed := importedRow{State: "closed_fixed", Status: "fixed", Outcome: "fixed", Org: w.housing, Territory: w.primorsky,
			Published: true, Answered: true, OnTime: true, Closed: true, Photos: 3,
			Public: "В парадной разбито окно на 3 этаже.", Channel: "import"}
		if d := cmp.Diff(wantFixed, fixed); d != "" {
			t.Errorf("spb:1001 (-want +got):\n%s", d)
		}
		pub, err := w.s.Public(ctx, fixedID)
		if err != nil || pub.Status != appeal.StatusFixed || pub.Text != wantFixed.Public || pub.ExternalID != "spb:1001" {
			t.Errorf("public view of spb:1001: %+v, %v", pub, err)
		}
		_, auto := w.row(t, "spb:1002")
		if auto.State != "closed_auto" || auto.Status != "fixed_auto" || auto.Org != w.adminN || auto.Territory != w.nevsky {
			t.Errorf("spb:1002: %+v; want closed automatically, with Nevsky's administration", auto)
		}
		openID, open := w.row(t, "spb:1003")
		if open.State != "review" || open.Status != "open" || open.Closed || open.Answered || open.Org != w.adminP {
			t.Errorf("spb:1003: %+v; want open under review with Primorsky's administration", open)
		}
		_, again := w.row(t, "spb:1008")
		if again.State != "answered" || again.Status != "answered" || again.Reopened != 1 || again.Closed {
			t.Errorf("spb:1008: %+v; want answered again after one refute", again)
		}
		_, people := w.row(t, "spb:1010")
		if people.State != "closed_fixed" {
			t.Errorf("spb:1010: state %s, want closed_fixed (a people's controller confirmed)", people.State)
		}

		var nextDue [2]sql.NullTime
		for i, id := range []int64{fixedID, openID} {
			if err := db.QueryRowContext(ctx, `SELECT next_due_at FROM cases WHERE id = ?`, id).Scan(&nextDue[i]); err != nil {
				t.Fatal(err)
			}
		}
		if nextDue[0].Valid || !nextDue[1].Valid {
			t.Errorf("next_due_at: closed %v, open %v; want NULL and set", nextDue[0], nextDue[1])
		}

		tl, err := w.cases.Timeline(ctx, okno.System, fixedID)
		if err != nil {
			t.Fatal(err)
		}
		type step struct{ Action, To, By, Comment string }
		var steps []step
		for _, e := range tl {
			steps = append(steps, step{e.Action, e.ToState, e.ActorName, e.Comment})
		}
		wantSteps := []step{{"", "moderation", "", ""}, {"publish", "review", "", ""},
			{"answer", "answered", importHousing, "Окно заменено."}, {"confirm", "closed_fixed", "", ""}}
		if d := cmp.Diff(wantSteps, steps); d != "" {
			t.Errorf("timeline of spb:1001 (-want +got):\n%s", d)
		}

		// No plaintext of the author's key, nothing enqueued for history.
		var keys int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM appeals WHERE author_key LIKE '%spb:%'`).Scan(&keys); err != nil || keys != 0 {
			t.Errorf("%d appeals keep the external id in author_key (%v)", keys, err)
		}
		var queued int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&queued); err != nil || queued != 0 {
			t.Errorf("%d outbox messages after an import, want none (%v)", queued, err)
		}

		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(data)
		zw.Close()
		rerun := w.run(t, gz.Bytes(), w.options())
		if rerun.Imported != 0 || rerun.Skipped != 6 || rerun.Failed != 3 {
			t.Errorf("re-run (gzip) %+v: want 0 imported, 6 skipped, 3 failed", rerun)
		}
	})
}

// TestImportResume: an import stopped after its first batch leaves that
// batch stored, and the next run imports the rest.
func TestImportResume(t *testing.T) {
	data, err := os.ReadFile("testdata/import-small.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newImportWorld(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		opts := w.options()
		opts.Progress = func(appeal.ImportReport) { cancel() } // killed after the first batch
		first, err := w.s.Import(ctx, bytes.NewReader(data), opts)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped import: %v, want cancelled", err)
		}
		rest := w.run(t, data, w.options())
		if first.Imported == 0 || first.Imported+rest.Imported != 5 {
			t.Errorf("imported %d then %d, want 5 in all", first.Imported, rest.Imported)
		}
	})
}

// TestImportLimits: a line over the limit is reported and skipped; input
// over the size limit stops the import with a translated error.
func TestImportLimits(t *testing.T) {
	data, err := os.ReadFile("testdata/import-small.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newImportWorld(t, db)
		opts := w.options()
		opts.MaxLine = 1500 // record 8, with three answers, is longer
		rep := w.run(t, data, opts)
		var long []int
		for _, p := range rep.Problems {
			if okno.IsCode(p.Err, okno.EINVALID) && strings.Contains(p.Err.Error(), "appeal.import_line_too_long") {
				long = append(long, p.Line)
			}
		}
		if d := cmp.Diff([]int{8}, long); d != "" {
			t.Errorf("lines too long (-want +got):\n%s", d)
		}
		if rep.Imported != 4 {
			t.Errorf("imported %d, want the other 4", rep.Imported)
		}

		opts = w.options()
		opts.MaxBytes = 1000
		_, err := w.s.Import(context.Background(), bytes.NewReader(data), opts)
		var e *okno.Error
		if !errors.As(err, &e) || e.Key != "appeal.import_too_large" {
			t.Errorf("import of %d bytes with a limit of 1000: %v, want appeal.import_too_large", len(data), err)
		}
	})
}

// spbAppeals is the shared Saint Petersburg export (53,898 records); the
// benchmark skips without it.
const spbAppeals = "../../shared/data/spb-appeals-dev.jsonl.gz"

// BenchmarkImportSPB imports the whole Saint Petersburg export into a
// fresh database — SQLite (synchronous=FULL) and, with
// OKNO_TEST_POSTGRES, PostgreSQL — holding the demo region's
// organisations and districts, mapped as `okno appeals import --demo`
// maps them; records/s is the figure.
//
//	go test ./appeal/ -run '^$' -bench ImportSPB -benchtime 1x
func BenchmarkImportSPB(b *testing.B) {
	data, err := os.ReadFile(spbAppeals)
	if err != nil {
		b.Skipf("no shared data (%v): run with ../shared/data present", err)
	}
	b.Run("sqlite", func(b *testing.B) { benchImport(b, data, storetest.OpenSQLite) })
	if os.Getenv("OKNO_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { benchImport(b, data, storetest.OpenPostgres) })
	}
}

func benchImport(b *testing.B, data []byte, open func(testing.TB) *sqldb.DB) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		w := newImportServices(b, open(b))
		if _, err := demo.LoadOrganisations(ctx, w.orgs, w.geos, okno.System); err != nil {
			b.Fatal(err)
		}
		names, err := demo.PortalNames(ctx, w.orgs)
		if err != nil {
			b.Fatal(err)
		}
		districts := map[int64]int64{}
		ts, err := w.geos.List(ctx, geo.ListQuery{Level: geo.LevelDistrict})
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range ts {
			admins, err := w.orgs.ServingTerritory(ctx, t.ID, org.KindDistrictAdministration)
			if err != nil || len(admins) == 0 {
				b.Fatalf("district %s: %v", t.Name, err)
			}
			districts[t.ID] = admins[0].ID
		}
		b.StartTimer()
		rep, err := w.s.Import(ctx, bytes.NewReader(data), appeal.ImportOptions{Orgs: names, DistrictOrgs: districts})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if rep.Imported != rep.Read {
			b.Fatalf("imported %d of %d: %+v", rep.Imported, rep.Read, rep.Problems[:min(5, len(rep.Problems))])
		}
		b.ReportMetric(float64(rep.Imported)/rep.Took.Seconds(), "records/s")
	}
}
