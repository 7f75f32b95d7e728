package rating_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/rating"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// quiet stands in for notify: the case engine's effects are its own to test.
type quiet struct{}

func (quiet) Notify(context.Context, *sqldb.Tx, notify.Notice) error { return nil }
func (quiet) Emit(context.Context, *sqldb.Tx, notify.Event) error    { return nil }

// services stands in for package application's ServiceOf.
type services map[int64]catalog.Service

func (s services) ServiceOf(_ context.Context, caseID int64) (catalog.Service, error) {
	if svc, ok := s[caseID]; ok {
		return svc, nil
	}
	return catalog.Service{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
}

// owners stands in for the catalogue's OwnedBy.
type owners map[int64][]string

func (o owners) OwnedBy(_ context.Context, userID int64) ([]string, error) { return o[userID], nil }

var fixtureStart = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

// fixture is ratings on a real case engine: two agencies with an
// official each, two citizens, a service owner and a supervisor.
type fixture struct {
	t     testing.TB
	db    *sqldb.DB
	clock *testClock
	cases *casework.Service
	apps  services
	own   owners
	s     *rating.Service

	region, agency, other                      org.Organisation
	citizen, citizen2, official, other2, owner int64
}

func newFixture(t testing.TB, db *sqldb.DB, minToFlag int64) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, clock: &testClock{t: fixtureStart}, apps: services{}, own: owners{}}
	now := f.clock.Now
	log := audittest.New(db, now)
	q := outbox.New(db, nil, now)
	procs := process.NewRegistry(db, log, now)
	if err := procs.PublishShipped(ctx); err != nil {
		t.Fatalf("publish shipped processes: %v", err)
	}
	cal, err := calendar.New(db, log, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(t.TempDir(), keys)
	if err != nil {
		t.Fatal(err)
	}
	orgs := org.New(db, log, now)
	f.world(orgs)
	f.cases = casework.New(casework.Deps{DB: db, Sealer: keys, Audit: log, Outbox: q, Processes: procs,
		Calendars: cal, Orgs: orgs, Blobs: blobs, Notices: quiet{}, Webhooks: quiet{}, Now: now})
	f.s = rating.New(rating.Deps{DB: db, Cases: f.cases, Applications: f.apps, Owners: f.own, Sealer: keys,
		Audit: log, MinToFlag: minToFlag, Now: now})
	return f
}

func (f *fixture) world(orgs *org.Service) {
	t, ctx := f.t, context.Background()
	mkOrg := func(name string, parent int64) org.Organisation {
		t.Helper()
		o, err := orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindAgency, Name: name, ParentID: parent}, okno.System)
		if err != nil {
			t.Fatalf("organisation %s: %v", name, err)
		}
		return o
	}
	mkUser := func(kind, name string, o org.Organisation, role okno.Role) int64 {
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
		if role != "" {
			p, err := orgs.CreatePosition(ctx, org.Position{OrgID: o.ID, Title: string(role), Role: role}, okno.System)
			if err != nil {
				t.Fatal(err)
			}
			if err := orgs.AssignStaff(ctx, id, p.ID, okno.System); err != nil {
				t.Fatalf("staff %s: %v", name, err)
			}
		}
		return id
	}
	f.region = mkOrg("Правительство", 0)
	f.agency = mkOrg("Жилищное агентство", f.region.ID)
	f.other = mkOrg("Комитет по транспорту", f.region.ID)
	f.citizen = mkUser("citizen", "Иван Петров", org.Organisation{}, "")
	f.citizen2 = mkUser("citizen", "Пётр Иванов", org.Organisation{}, "")
	f.official = mkUser("staff", "Анна Смирнова", f.agency, okno.RoleOfficial)
	f.other2 = mkUser("staff", "Олег Транспортов", f.other, okno.RoleOfficial)
	f.owner = mkUser("staff", "Ольга Владелец", f.agency, okno.RoleOwner)
}

func citizen(id int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: "Иван"}
}

func staff(id int64, o org.Organisation, roles ...okno.Role) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: id, OrgID: o.ID, Roles: roles, Name: "Сотрудник: " + o.Name}
}

// apply opens an application of citizen userID at o for service code
// ("" for none).
func (f *fixture) apply(userID int64, o org.Organisation, code string) casework.Case {
	f.t.Helper()
	c, err := f.cases.Open(context.Background(), citizen(userID), casework.NewCase{Process: "application", OrgID: o.ID,
		Subject: "Разрешение на парковку"})
	if err != nil {
		f.t.Fatalf("open application: %v", err)
	}
	if code != "" {
		f.apps[c.ID] = catalog.Service{Code: code, OrgID: o.ID}
	}
	return c
}

// refused is a closed application of citizen userID at o for service code.
func (f *fixture) refused(userID int64, o org.Organisation, code string) casework.Case {
	f.t.Helper()
	c := f.apply(userID, o, code)
	off := staff(f.official, f.agency, okno.RoleOfficial)
	if o.ID == f.other.ID {
		off = staff(f.other2, f.other, okno.RoleOfficial)
	}
	ctx := context.Background()
	c, err := f.cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "register"})
	if err != nil {
		f.t.Fatalf("register: %v", err)
	}
	c, err = f.cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "refuse",
		Comment: "Нет права на услугу", Fields: map[string]string{"ground": "not_entitled"}})
	if err != nil {
		f.t.Fatalf("refuse: %v", err)
	}
	return c
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// scores builds Scores in the order of rating.Criteria.
func scores(v ...int) rating.Scores {
	s := rating.Scores{}
	for i, c := range rating.Criteria {
		if i < len(v) {
			s[c] = v[i]
		}
	}
	return s
}
