package casework_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"
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
)

// msk is the calendar's time zone; deadlines are Moscow midnights.
var msk = calendar.DefaultLocation()

// at is a Moscow wall-clock time.
func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, msk) }

// midnight is the start of a Moscow day, in UTC as the engine keeps it.
func midnight(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, msk).UTC() }

// testClock is the injected clock: tests move it, nothing sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// contacts and sender stand in for identity and the channels: deliveries
// are recorded by notify's fan-out and never sent (see fanOut).
type contacts struct{}

func (contacts) Contact(context.Context, int64, notify.Channel) (string, error) { return "", nil }
func (contacts) Language(context.Context, int64) string                         { return "ru" }

type sender struct{}

func (sender) Send(context.Context, notify.Message) error { return nil }

// testTemplates are the notices of the test's own processes.
var testTemplates = fstest.MapFS{"test.json": {Data: []byte(`{
	"complex.opened": {"applicant": {"default": {
		"ru": {"subject": "Заявление {{.ref}}", "body": "Принято: {{.process}}, срок до {{.deadline}}. {{.link}}"}}}},
	"stubborn.opened": {"applicant": {"default": {
		"ru": {"subject": "Заявление {{.ref}}", "body": "Принято. {{.link}}"}}}}}`)}}

// hookURL is where the region's control centre hears of every event.
const hookURL = "https://cur.example/okno"

// people are the test world's accounts.
type people struct {
	citizen, otherCitizen                         int64
	spec, spec2, boss, districtHead, districtSpec int64
	governor, controller, operator, otherOfficial int64
}

// positions are the test world's positions.
type positions struct {
	governor, controller, districtHead, districtSpec, boss, spec, operator, other org.Position
}

// fixture is a real engine on db: real audit log, outbox, process
// registry (with the shipped definitions and the test's own), production
// calendar, organisations, vault and blob store; notify is the recorder.
//
// The world: the region's government (governor, controller) above a
// district administration (head, chief specialist) above a housing agency
// (boss, reporting to the district's head; two specialists reporting to
// the boss); a call centre (operator) and another district (official)
// under the government.
type fixture struct {
	t       testing.TB
	db      *sqldb.DB
	clock   *testClock
	log     *audittest.Log
	q       *outbox.Queue
	fanq    *outbox.Queue // runs notify's fan-out only: see fanOut
	procs   *process.Registry
	cal     *calendar.Service
	orgs    *org.Service
	keys    *vault.Keyring
	blobs   *blob.FS
	blobDir string
	deps    casework.Deps
	s       *casework.Service

	region, district, housing, callCentre, other org.Organisation
	pos                                          positions
	u                                            people
}

func newFixture(t testing.TB, db *sqldb.DB, start time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, clock: &testClock{t: start}}
	now := f.clock.Now
	f.log = audittest.New(db, now)
	f.q = outbox.New(db, nil, now)
	f.procs = process.NewRegistry(db, f.log, now)
	if err := f.procs.PublishShipped(ctx); err != nil {
		t.Fatalf("publish shipped processes: %v", err)
	}
	for _, src := range []string{childProcess("tax_request"), childProcess("land_request"), complexProcess, stubbornProcess} {
		if _, _, err := f.procs.Publish(ctx, okno.System, []byte(src)); err != nil {
			t.Fatalf("publish test process: %v: %v", err, process.ProblemsOf(err))
		}
	}
	var err error
	if f.cal, err = calendar.New(db, f.log, now, nil); err != nil {
		t.Fatal(err)
	}
	if f.keys, err = vault.Load(t.TempDir(), ""); err != nil {
		t.Fatal(err)
	}
	f.blobDir = t.TempDir()
	if f.blobs, err = blob.NewFS(f.blobDir, f.keys); err != nil {
		t.Fatal(err)
	}
	f.orgs = org.New(db, f.log, now)
	f.world()
	ns, w := f.notifications(), f.subscribed()
	f.deps = casework.Deps{DB: db, Sealer: f.keys, Audit: f.log, Outbox: f.q, Processes: f.procs, Calendars: f.cal,
		Orgs: f.orgs, Blobs: f.blobs, Notices: ns, Webhooks: w, Now: now}
	f.fanq = outbox.New(db, nil, now)
	ns.Register(f.fanq)
	w.Register(f.fanq)
	// The deliveries are recorded, never sent: their messages are dropped.
	drop := func(context.Context, outbox.Message) error { return nil }
	f.fanq.Register(notify.DeliverTopic, drop)
	f.fanq.Register(notify.WebhookTopic, drop)
	f.s = f.restart()
	return f
}

// notifications is the real notify.Notices with the engine's templates.
func (f *fixture) notifications() *notify.Notices {
	f.t.Helper()
	cases, err := fs.Sub(casework.Templates, "templates")
	if err != nil {
		f.t.Fatal(err)
	}
	tmpl, err := notify.LoadTemplates(notify.TemplateFiles(), cases, testTemplates)
	if err != nil {
		f.t.Fatal(err)
	}
	ns, err := notify.NewNotices(notify.NoticesConfig{DB: f.db, Outbox: f.q, Templates: tmpl, Contacts: contacts{},
		Sender: sender{}, BaseURL: "https://okno.example", Now: f.clock.Now})
	if err != nil {
		f.t.Fatal(err)
	}
	return ns
}

// subscribed is the real notify.Webhooks, with the region subscribed to
// every event of every organisation under it.
func (f *fixture) subscribed() *notify.Webhooks {
	f.t.Helper()
	ctx := context.Background()
	w := notify.NewWebhooks(notify.WebhooksConfig{DB: f.db, Outbox: f.q, Sealer: f.keys, Audit: f.log, Admins: f.orgs,
		Ancestors: func(ctx context.Context, id int64) ([]int64, error) {
			os, err := f.orgs.Ancestors(ctx, id)
			ids := make([]int64, len(os))
			for i, o := range os {
				ids[i] = o.ID
			}
			return ids, err
		}, Now: f.clock.Now})
	if _, _, err := w.Subscribe(ctx, okno.System, f.region.ID, hookURL, []string{"*"}); err != nil {
		f.t.Fatalf("subscribe: %v", err)
	}
	return w
}

// restart builds a new Service on the same database and outbox, as a
// restarted node would.
func (f *fixture) restart() *casework.Service {
	s := casework.New(f.deps)
	s.Register(f.q)
	return s
}

func (f *fixture) world() {
	t, ctx := f.t, context.Background()
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
	f.district = mkOrg(org.KindDistrictAdministration, "Администрация района", f.region.ID)
	f.housing = mkOrg(org.KindHousingAgency, "Жилищное агентство", f.district.ID)
	f.callCentre = mkOrg(org.KindAgency, "Городской контакт-центр", f.region.ID)
	f.other = mkOrg(org.KindDistrictAdministration, "Администрация другого района", f.region.ID)
	p := &f.pos
	p.governor = mkPos(f.region, "Губернатор", okno.RoleSupervisor, 0)
	p.controller = mkPos(f.region, "Контролёр", okno.RoleController, p.governor.ID)
	p.districtHead = mkPos(f.district, "Глава администрации", okno.RoleSupervisor, 0)
	p.districtSpec = mkPos(f.district, "Главный специалист", okno.RoleOfficial, p.districtHead.ID)
	p.boss = mkPos(f.housing, "Начальник", okno.RoleSupervisor, p.districtHead.ID)
	p.spec = mkPos(f.housing, "Специалист", okno.RoleOfficial, p.boss.ID)
	p.operator = mkPos(f.callCentre, "Оператор", okno.RoleOperator, 0)
	p.other = mkPos(f.other, "Специалист", okno.RoleOfficial, 0)
	u := &f.u
	u.citizen = mkUser("citizen", "Иван Петров")
	u.otherCitizen = mkUser("citizen", "Пётр Иванов")
	u.spec = mkUser("staff", "Анна Смирнова", p.spec)
	u.spec2 = mkUser("staff", "Борис Козлов", p.spec)
	u.boss = mkUser("staff", "Вера Начальникова", p.boss)
	u.districtHead = mkUser("staff", "Глеб Главин", p.districtHead)
	u.districtSpec = mkUser("staff", "Дарья Районова", p.districtSpec)
	u.governor = mkUser("staff", "Егор Губернов", p.governor)
	u.controller = mkUser("staff", "Жанна Контролёва", p.controller)
	u.operator = mkUser("staff", "Зоя Операторова", p.operator)
	u.otherOfficial = mkUser("staff", "Илья Чужой", p.other)
}

// staff is a staff actor acting for o with roles.
func staff(user int64, o org.Organisation, roles ...okno.Role) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: user, OrgID: o.ID, Roles: roles, Name: "staff " + o.Name}
}

func citizen(user int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorCitizen, UserID: user, Name: "Иван"}
}

// The actors of the world.
func (f *fixture) specActor() okno.Actor  { return staff(f.u.spec, f.housing, okno.RoleOfficial) }
func (f *fixture) spec2Actor() okno.Actor { return staff(f.u.spec2, f.housing, okno.RoleOfficial) }
func (f *fixture) bossActor() okno.Actor  { return staff(f.u.boss, f.housing, okno.RoleSupervisor) }
func (f *fixture) operatorActor() okno.Actor {
	return staff(f.u.operator, f.callCentre, okno.RoleOperator)
}
func (f *fixture) citizenActor() okno.Actor { return citizen(f.u.citizen) }

// openAppeal opens an appeal of the citizen to the housing agency's
// specialists' position.
func (f *fixture) openAppeal(subject string) casework.Case {
	f.t.Helper()
	c, err := f.s.Open(context.Background(), f.citizenActor(), casework.NewCase{Process: "appeal",
		OrgID: f.housing.ID, PositionID: f.pos.spec.ID, Subject: subject, Data: map[string]any{"address": "ул. Садовая, 1"}})
	if err != nil {
		f.t.Fatalf("open appeal: %v", err)
	}
	return c
}

// act takes an action and fails the test on an error.
func (f *fixture) act(actor okno.Actor, c casework.Case, action, comment string, fields map[string]string, docs ...casework.Upload) casework.Case {
	f.t.Helper()
	got, err := f.s.Act(context.Background(), actor, casework.ActionInput{CaseID: c.ID, Version: c.Version,
		Action: action, Comment: comment, Fields: fields, Documents: docs})
	if err != nil {
		f.t.Fatalf("%s on case %d (state %s, version %d): %v", action, c.ID, c.State, c.Version, err)
	}
	return got
}

// fanOut runs notify's fan-out of the notices and events enqueued so far,
// as the outbox would moments after each commit, so that their deliveries
// are recorded.
func (f *fixture) fanOut() {
	f.t.Helper()
	for {
		n, err := f.fanq.ProcessDue(context.Background())
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// notices returns what notify recorded to deliver, one per notice (its
// cabinet delivery: the cabinet is always on).
func (f *fixture) notices() []notify.Notice {
	f.t.Helper()
	f.fanOut()
	rows, err := f.db.QueryContext(context.Background(), `SELECT notice_key, user_id, template, audience, vars, link
		FROM notify_deliveries WHERE channel = 'cabinet' ORDER BY id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var ns []notify.Notice
	for rows.Next() {
		var n notify.Notice
		var vars string
		if err := rows.Scan(&n.Key, &n.UserID, &n.Template, &n.Audience, &vars, &n.Link); err != nil {
			f.t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(vars), &n.Vars); err != nil {
			f.t.Fatal(err)
		}
		ns = append(ns, n)
	}
	return ns
}

// webhooks returns the events notify recorded to post to the region's
// subscription.
func (f *fixture) webhooks() []notify.Event {
	f.t.Helper()
	f.fanOut()
	rows, err := f.db.QueryContext(context.Background(), `SELECT event_key, event_type, body FROM webhook_deliveries ORDER BY id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var es []notify.Event
	for rows.Next() {
		var e notify.Event
		var body string
		if err := rows.Scan(&e.Key, &e.Type, &body); err != nil {
			f.t.Fatal(err)
		}
		var b struct{ Data map[string]any }
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			f.t.Fatal(err)
		}
		e.Data = b.Data
		if id, ok := b.Data["org_id"].(float64); ok {
			e.OrgID = int64(id)
		}
		es = append(es, e)
	}
	return es
}

// The test's own processes: a complex service whose parent waits for two
// child cases, and charges a state fee through a hook when it starts.
func childProcess(name string) string {
	return `
name: ` + name + `
kind: application
title: {ru: Межведомственный запрос, en: Interagency request}
legal_clock: {days: 5, unit: working}
states:
  - name: sent
    start: true
    title: {ru: Отправлен, en: Sent}
  - name: answered
    terminal: true
    outcome: answered
    title: {ru: Получен ответ, en: Answered}
actions:
  - name: close
    title: {ru: Получен ответ, en: Answer received}
    from: [sent]
    to: answered
    by: [{role: official}]
`
}

const complexProcess = `
name: complex
kind: application
title: {ru: Комплексная услуга, en: Complex service}
legal_clock: {days: 30, unit: calendar}
states:
  - name: started
    start: true
    title: {ru: Начато, en: Started}
  - name: waiting
    title: {ru: Ждём ответы, en: Waiting for answers}
  - name: done
    terminal: true
    outcome: granted
    title: {ru: Готово, en: Done}
actions:
  - name: spawn
    title: {ru: Отправить запросы, en: Send requests}
    from: [started]
    to: waiting
    by: [{role: official}]
    effects:
      - {kind: children, processes: [tax_request, land_request]}
      - {kind: hook, hook: payment.state_fee, params: {amount: "350"}}
  - name: finish
    title: {ru: Завершить, en: Finish}
    from: [waiting]
    to: done
    by: [{system: true}]
    comment: none
    guards: [has_children, children_done]
`

// stubbornProcess times out into an action whose guard never holds: the
// scheduler cannot take it and must go on with the other due cases.
const stubbornProcess = `
name: stubborn
kind: application
title: {ru: Упрямое дело, en: Stubborn case}
legal_clock: {days: 30, unit: calendar}
states:
  - name: open
    start: true
    title: {ru: Открыто, en: Open}
    step_clock: {days: 1, unit: calendar}
    on_timeout: close
  - name: closed
    terminal: true
    outcome: closed
    title: {ru: Закрыто, en: Closed}
actions:
  - name: close
    title: {ru: Закрыть, en: Close}
    from: [open]
    to: closed
    by: [{system: true}]
    comment: none
    guards: [has_children]
`
