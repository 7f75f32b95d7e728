package appeal_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// testClock is the injected clock: tests move it, nothing sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// quiet stands in for notify: appeals' effects are casework's to test.
type quiet struct{}

func (quiet) Notify(context.Context, *sqldb.Tx, notify.Notice) error { return nil }
func (quiet) Emit(context.Context, *sqldb.Tx, notify.Event) error    { return nil }

// fixtureStart is a Monday morning in Moscow.
var fixtureStart = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

// fixture is the feedback platform on a real case engine: real audit log,
// outbox, process registry with the shipped definitions, production
// calendar, organisations, territories, vault and blob store, and the
// shipped taxonomy with a small routing table.
//
// The world: the region's government (controller) with a roads committee
// and a call centre (moderators: operators); the Central district's
// administration (supervisor) above a housing agency (supervisor,
// officials); the Northern district's administration (official). The
// Central and Northern districts lie side by side in a city; a
// municipality lies inside the Central one. Litter (blag) goes to the
// housing agency's officials anywhere, road puddles to the roads
// committee, heating in the Northern district to its administration;
// street trade has no rule.
type fixture struct {
	t     testing.TB
	db    *sqldb.DB
	clock *testClock
	log   *audittest.Log
	q     *outbox.Queue
	keys  *vault.Keyring
	orgs  *org.Service
	geo   *geo.Service
	cases *casework.Service
	s     *appeal.Service

	region, roads, callCentre, central, housing, northern org.Organisation
	specPos, bossPos                                      org.Position

	city, centralD, northernD, muni int64 // territories

	citizen, citizen2, spec, boss, moderator, controller, roadsman, northOfficial int64
}

// The test's reasons.
const (
	litter   = "blag-litter-yard"
	puddles  = "blag-puddles-road"
	heating  = "heating-cold-flat"
	trade    = "street-trade-illegal"
	litterCt = "blag"
)

// Points: in the Central district (inside its municipality), in the
// Northern district, and in the sea.
var (
	centralPt  = [2]float64{59.925, 30.35}
	northernPt = [2]float64{59.975, 30.35}
	seaPt      = [2]float64{59.95, 29.5}
)

func newFixture(t testing.TB, db *sqldb.DB, limits appeal.Limits, opts ...func(*appeal.Deps)) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, clock: &testClock{t: fixtureStart}}
	now := f.clock.Now
	f.log = audittest.New(db, now)
	f.q = outbox.New(db, nil, now)
	procs := process.NewRegistry(db, f.log, now)
	if err := procs.PublishShipped(ctx); err != nil {
		t.Fatalf("publish shipped processes: %v", err)
	}
	cal, err := calendar.New(db, f.log, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.keys, err = vault.Load(t.TempDir(), ""); err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(t.TempDir(), f.keys)
	if err != nil {
		t.Fatal(err)
	}
	f.orgs = org.New(db, f.log, now)
	f.geo = geo.New(db, f.log, now)
	f.world()
	f.cases = casework.New(casework.Deps{DB: db, Sealer: f.keys, Audit: f.log, Outbox: f.q, Processes: procs,
		Calendars: cal, Orgs: f.orgs, Blobs: blobs, Notices: quiet{}, Webhooks: quiet{}, Now: now})
	f.cases.Register(f.q)
	deps := appeal.Deps{DB: db, Audit: f.log, Outbox: f.q, Cases: f.cases, Territories: f.geo, Orgs: f.orgs,
		Admins: f.orgs, Index: f.keys, Calendars: cal, Limits: limits, Now: now}
	for _, o := range opts {
		o(&deps)
	}
	f.s = appeal.New(deps)
	if _, err := f.s.SeedTaxonomy(ctx); err != nil {
		t.Fatalf("seed taxonomy: %v", err)
	}
	f.routes()
	return f
}

// square is a rectangle as a territory's shape.
func square(minLat, minLon, maxLat, maxLon float64) geo.MultiPolygon {
	return geo.MultiPolygon{geo.Polygon{geo.Ring{{Lat: minLat, Lon: minLon}, {Lat: minLat, Lon: maxLon},
		{Lat: maxLat, Lon: maxLon}, {Lat: maxLat, Lon: minLon}, {Lat: minLat, Lon: minLon}}}}
}

func (f *fixture) world() {
	t, ctx := f.t, context.Background()
	imp := func(level geo.Level, name string, shape geo.MultiPolygon) int64 {
		t.Helper()
		res, err := f.geo.Import(ctx, &geo.FeatureCollection{Source: "test",
			Features: []geo.Feature{{Name: name, Geometry: shape}}}, level, okno.System)
		if err != nil {
			t.Fatalf("territory %s: %v", name, err)
		}
		return res.IDs[0]
	}
	f.city = imp(geo.LevelCity, "Город", square(59.8, 30.2, 60.1, 30.5))
	f.centralD = imp(geo.LevelDistrict, "Центральный район", square(59.9, 30.3, 59.95, 30.4))
	f.northernD = imp(geo.LevelDistrict, "Северный район", square(59.95, 30.3, 60.0, 30.4))
	f.muni = imp(geo.LevelMunicipality, "Округ Литейный", square(59.92, 30.34, 59.93, 30.36))

	mkOrg := func(kind org.Kind, name string, parent int64) org.Organisation {
		t.Helper()
		o, err := f.orgs.CreateOrganisation(ctx, org.Organisation{Kind: kind, Name: name, ParentID: parent}, okno.System)
		if err != nil {
			t.Fatalf("organisation %s: %v", name, err)
		}
		return o
	}
	mkPos := func(o org.Organisation, title string, role okno.Role, up int64) org.Position {
		t.Helper()
		p, err := f.orgs.CreatePosition(ctx, org.Position{OrgID: o.ID, Title: title, Role: role, ReportsTo: up}, okno.System)
		if err != nil {
			t.Fatalf("position %s: %v", title, err)
		}
		return p
	}
	mkUser := func(kind, name string, ps ...org.Position) int64 {
		t.Helper()
		var id int64
		err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
			n := sqldb.Now(f.clock.Now())
			return tx.QueryRowContext(ctx, `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at)
				VALUES (?, ?, '', ?, ?) RETURNING id`, kind, name, n, n).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if err := f.orgs.AssignStaff(ctx, id, p.ID, okno.System); err != nil {
				t.Fatalf("staff %s: %v", name, err)
			}
		}
		return id
	}
	f.region = mkOrg(org.KindRegionGovernment, "Правительство", 0)
	f.roads = mkOrg(org.KindAgency, "Комитет по дорогам", f.region.ID)
	f.callCentre = mkOrg(org.KindAgency, "Городской контакт-центр", f.region.ID)
	f.central = mkOrg(org.KindDistrictAdministration, "Администрация Центрального района", f.region.ID)
	f.housing = mkOrg(org.KindHousingAgency, "Жилищное агентство", f.central.ID)
	f.northern = mkOrg(org.KindDistrictAdministration, "Администрация Северного района", f.region.ID)
	governor := mkPos(f.region, "Губернатор", okno.RoleSupervisor, 0)
	ctl := mkPos(f.region, "Контролёр", okno.RoleController, governor.ID)
	head := mkPos(f.central, "Глава администрации", okno.RoleSupervisor, 0)
	f.bossPos = mkPos(f.housing, "Начальник", okno.RoleSupervisor, head.ID)
	f.specPos = mkPos(f.housing, "Специалист", okno.RoleOfficial, f.bossPos.ID)
	mod := mkPos(f.callCentre, "Модератор", okno.RoleOperator, 0)
	road := mkPos(f.roads, "Специалист", okno.RoleOfficial, 0)
	north := mkPos(f.northern, "Специалист", okno.RoleOfficial, 0)
	f.citizen = mkUser("citizen", "Иван Петров")
	f.citizen2 = mkUser("citizen", "Пётр Иванов")
	f.spec = mkUser("staff", "Анна Смирнова", f.specPos)
	f.boss = mkUser("staff", "Вера Начальникова", f.bossPos)
	f.moderator = mkUser("staff", "Зоя Модераторова", mod)
	f.controller = mkUser("staff", "Жанна Контролёва", ctl)
	f.roadsman = mkUser("staff", "Дмитрий Дорожный", road)
	f.northOfficial = mkUser("staff", "Илья Северный", north)
}

// routes sets the test's routing table as the system would.
func (f *fixture) routes() {
	t, ctx := f.t, context.Background()
	tax := f.taxonomy()
	set := func(code string, whole bool, territory int64, o org.Organisation, pos int64) {
		t.Helper()
		r, c, ok := tax.Reason(code)
		if !ok {
			t.Fatalf("reason %s is not in the shipped taxonomy", code)
		}
		in := appeal.RouteInput{CategoryID: c.ID, ReasonID: r.ID, TerritoryID: territory, OrgID: o.ID, PositionID: pos}
		if whole {
			in.ReasonID = 0
		}
		if _, err := f.s.SetRoute(ctx, okno.System, in); err != nil {
			t.Fatalf("route %s: %v", code, err)
		}
	}
	set(litter, true, 0, f.housing, f.specPos.ID)
	set(puddles, false, 0, f.roads, 0)
	set(heating, true, f.northernD, f.northern, 0)
	set(heating, true, f.centralD, f.housing, 0)
}

func (f *fixture) taxonomy() *appeal.Taxonomy {
	f.t.Helper()
	tax, err := f.s.Taxonomy(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return tax
}

// The actors.
func citizen(id int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: "Иван"}
}
func staff(id int64, o org.Organisation, roles ...okno.Role) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: id, OrgID: o.ID, Roles: roles, Name: "staff " + o.Name}
}
func (f *fixture) citizenA() okno.Actor   { return citizen(f.citizen) }
func (f *fixture) citizenB() okno.Actor   { return citizen(f.citizen2) }
func (f *fixture) specA() okno.Actor      { return staff(f.spec, f.housing, okno.RoleOfficial) }
func (f *fixture) bossA() okno.Actor      { return staff(f.boss, f.housing, okno.RoleSupervisor) }
func (f *fixture) moderatorA() okno.Actor { return staff(f.moderator, f.callCentre, okno.RoleOperator) }
func (f *fixture) controllerA() okno.Actor {
	return staff(f.controller, f.region, okno.RoleController)
}
func (f *fixture) apiKey(id int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorAPIKey, APIKeyID: id, OrgID: f.callCentre.ID, Name: "Мобильное приложение"}
}

// report is a citizen's ordinary submission about litter at the central
// point.
func report(text string) appeal.Submission {
	return appeal.Submission{ReasonCode: litter, Text: text, HasPoint: true, Lat: centralPt[0], Lon: centralPt[1],
		Address: "ул. Литейная, 10"}
}

// submit files in as actor and fails the test on an error.
func (f *fixture) submit(actor okno.Actor, in appeal.Submission) appeal.Appeal {
	f.t.Helper()
	a, err := f.s.Submit(context.Background(), actor, in)
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return a
}

// act takes an action on an appeal's case and fails the test on an error.
func (f *fixture) act(actor okno.Actor, caseID int64, action, comment string, fields map[string]string) casework.Case {
	f.t.Helper()
	ctx := context.Background()
	c, err := f.cases.Get(ctx, okno.System, caseID)
	if err != nil {
		f.t.Fatal(err)
	}
	c, err = f.cases.Act(ctx, actor, casework.ActionInput{CaseID: caseID, Version: c.Version, Action: action,
		Comment: comment, Fields: fields})
	if err != nil {
		f.t.Fatalf("%s on case %d (state %s): %v", action, caseID, c.State, err)
	}
	return c
}

// count returns how many rows a table holds.
func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// counts is what every bad input must leave unchanged.
func (f *fixture) counts() map[string]int {
	f.t.Helper()
	m := map[string]int{}
	for _, t := range []string{"appeals", "cases", "case_events", "case_documents", "audit_entries", "outbox", "appeal_supporters"} {
		m[t] = f.count(t)
	}
	return m
}

// row reads raw columns of an appeals row.
func (f *fixture) row(caseID int64, cols string, dest ...any) {
	f.t.Helper()
	if err := f.db.QueryRowContext(context.Background(), `SELECT `+cols+` FROM appeals WHERE case_id = ?`, caseID).Scan(dest...); err != nil {
		f.t.Fatalf("appeals row %d: %v", caseID, err)
	}
}

// The smallest images of each kind blob.Sniff tells apart.
var (
	jpegPhoto = append([]byte("\xFF\xD8\xFF\xE0"), make([]byte, 64)...)
	pngPhoto  = append([]byte("\x89PNG\r\n\x1A\n"), make([]byte, 64)...)
	pdfFile   = []byte("%PDF-1.7\n%%EOF\n")
)
