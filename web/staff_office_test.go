package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// office is the back office on a real case engine, served over HTTP on a
// loopback port: the real audit log, outbox, process registry (with the
// shipped definitions), production calendar, organisations, vault and
// blob store, and the web server with its real route table. Sessions are
// the one fake: a token per member of staff, acting for their
// organisation with the roles org says they hold there.
//
// The world: a district administration (A) with a head (supervisor) and
// two specialists (officials) reporting to the head; another district
// (B) with an official; a citizen who reports problems.
type office struct {
	t     testing.TB
	db    *sqldb.DB
	clock *officeClock
	cases *casework.Service
	orgs  *org.Service
	live  *webtest.Live
	web   http.Handler // the server's handler, for benchmarks that skip the network

	a, b                            org.Organisation
	head, spec                      org.Position
	citizen                         int64
	headUser, specUser, spec2, bOff int64
	sessions                        officeSessions
}

// officeStart is a Monday morning in Moscow.
var officeStart = time.Date(2026, 3, 2, 10, 0, 0, 0, calendar.DefaultLocation())

// officeClock is the injected clock: tests move it, nothing sleeps.
type officeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *officeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *officeClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// officeSessions authenticates the world's staff by token.
type officeSessions map[string]web.Session

func (s officeSessions) Authenticate(_ context.Context, token string) (web.Session, error) {
	ss, ok := s[token]
	if !ok {
		return web.Session{}, okno.Errorf(okno.EUNAUTHORIZED, "error.unauthorized")
	}
	return ss, nil
}

// quiet takes notices and webhook events and does nothing with them:
// these tests are about the pages.
type quiet struct{}

func (quiet) Notify(context.Context, *sqldb.Tx, notify.Notice) error { return nil }
func (quiet) Emit(context.Context, *sqldb.Tx, notify.Event) error    { return nil }

func newOffice(t testing.TB, db *sqldb.DB) *office {
	t.Helper()
	ctx := context.Background()
	o := &office{t: t, db: db, clock: &officeClock{t: officeStart}, sessions: officeSessions{}}
	now := o.clock.Now
	log := audittest.New(db, now)
	q := outbox.New(db, nil, now)
	procs := process.NewRegistry(db, log, now)
	if err := procs.PublishShipped(ctx); err != nil {
		t.Fatal(err)
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
	o.orgs = org.New(db, log, now)
	o.world()
	o.cases = casework.New(casework.Deps{DB: db, Sealer: keys, Audit: log, Outbox: q, Processes: procs, Calendars: cal,
		Orgs: o.orgs, Blobs: blobs, Notices: quiet{}, Webhooks: quiet{}, Now: now})
	srv := web.New(webtest.Config(), web.Deps{Sessions: o.sessions, Roles: o.orgs, Orgs: o.orgs, Cases: o.cases, Now: now})
	o.web = srv.Handler()
	hs := httptest.NewServer(o.web)
	t.Cleanup(hs.Close)
	o.live = &webtest.Live{URL: hs.URL}
	return o
}

func (o *office) world() {
	t, ctx := o.t, context.Background()
	mkOrg := func(name string) org.Organisation {
		t.Helper()
		g, err := o.orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: name}, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	mkPos := func(g org.Organisation, title string, role okno.Role, up int64) org.Position {
		t.Helper()
		p, err := o.orgs.CreatePosition(ctx, org.Position{OrgID: g.ID, Title: title, Role: role, ReportsTo: up}, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	o.a, o.b = mkOrg("Администрация Центрального района"), mkOrg("Администрация Выборгского района")
	o.head = mkPos(o.a, "Глава администрации", okno.RoleSupervisor, 0)
	o.spec = mkPos(o.a, "Специалист", okno.RoleOfficial, o.head.ID)
	bPos := mkPos(o.b, "Специалист", okno.RoleOfficial, 0)
	o.citizen = o.user("citizen", "Иван Петров")
	o.headUser = o.user("staff", "Вера Главина", o.head)
	o.specUser = o.user("staff", "Анна Смирнова", o.spec)
	o.spec2 = o.user("staff", "Борис Козлов", o.spec)
	o.bOff = o.user("staff", "Илья Чужой", bPos)
	o.sessions["head"] = web.Session{UserID: o.headUser, Kind: okno.ActorStaff, OrgID: o.a.ID, CSRF: "csrf-head", Name: "Вера Главина"}
	o.sessions["spec"] = web.Session{UserID: o.specUser, Kind: okno.ActorStaff, OrgID: o.a.ID, CSRF: "csrf-spec", Name: "Анна Смирнова"}
	o.sessions["spec2"] = web.Session{UserID: o.spec2, Kind: okno.ActorStaff, OrgID: o.a.ID, CSRF: "csrf-spec2", Name: "Борис Козлов"}
	o.sessions["other"] = web.Session{UserID: o.bOff, Kind: okno.ActorStaff, OrgID: o.b.ID, CSRF: "csrf-other", Name: "Илья Чужой"}
	o.sessions["citizen"] = web.Session{UserID: o.citizen, Kind: okno.ActorCitizen, Assurance: web.AssuranceSimplified, CSRF: "csrf-citizen", Name: "Иван"}
}

// user makes an account holding positions ps.
func (o *office) user(kind, name string, ps ...org.Position) int64 {
	o.t.Helper()
	ctx := context.Background()
	var id int64
	err := o.db.InTx(ctx, func(tx *sqldb.Tx) error {
		n := sqldb.Now(o.clock.Now())
		return tx.QueryRowContext(ctx, `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at)
			VALUES (?, ?, '', ?, ?) RETURNING id`, kind, name, n, n).Scan(&id)
	})
	if err != nil {
		o.t.Fatal(err)
	}
	for _, p := range ps {
		if err := o.orgs.AssignStaff(ctx, id, p.ID, okno.System); err != nil {
			o.t.Fatal(err)
		}
	}
	return id
}

// visitor is a browser signed in as the world's member name.
func (o *office) visitor(name string) *webtest.Visitor {
	return o.live.NewVisitor(o.t).SignedIn(name)
}

// get fetches path as the world's member name, without following
// redirects or reading it as a page.
func (o *office) get(name, path string) (int, http.Header, []byte) {
	o.t.Helper()
	req, err := http.NewRequest("GET", o.live.URL+path, nil)
	if err != nil {
		o.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "okno_session", Value: name})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		o.t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// openAppeal is the citizen's report to A's specialists.
func (o *office) openAppeal(subject string) casework.Case {
	o.t.Helper()
	c, err := o.cases.Open(context.Background(), okno.Actor{Kind: okno.ActorCitizen, UserID: o.citizen, Name: "Иван"},
		casework.NewCase{Process: "appeal", OrgID: o.a.ID, PositionID: o.spec.ID, Subject: subject, Channel: casework.ChannelWeb,
			Data: map[string]any{"address": "Невский проспект, 1", "entrance": 3}})
	if err != nil {
		o.t.Fatalf("open appeal: %v", err)
	}
	return c
}

// act takes an action through the engine, behind the pages' back.
func (o *office) act(as string, c casework.Case, action, comment string) casework.Case {
	o.t.Helper()
	ss := o.sessions[as]
	roles, err := o.orgs.RolesOf(context.Background(), ss.UserID, ss.OrgID)
	if err != nil {
		o.t.Fatal(err)
	}
	a := okno.Actor{Kind: ss.Kind, UserID: ss.UserID, OrgID: ss.OrgID, Roles: roles, Name: ss.Name}
	got, err := o.cases.Act(context.Background(), a, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: action, Comment: comment})
	if err != nil {
		o.t.Fatalf("%s: %v", action, err)
	}
	return got
}
