package application_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
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

// quiet stands in for notify: notifying is casework's to test.
type quiet struct{}

func (quiet) Notify(context.Context, *sqldb.Tx, notify.Notice) error { return nil }
func (quiet) Emit(context.Context, *sqldb.Tx, notify.Event) error    { return nil }

// profiles stands in for identity's accounts: the profile of each test
// citizen.
type profiles map[int64]identity.Profile

func (p profiles) Profile(_ context.Context, id int64) (identity.Profile, error) {
	pr, ok := p[id]
	if !ok {
		return identity.Profile{}, okno.Errorf(okno.ENOTFOUND, "identity.not_found")
	}
	return pr, nil
}

// failingAudit is the real audit log that fails to append one action once
// armed, standing in for a process killed before its transaction commits.
type failingAudit struct {
	*audittest.Log
	mu     sync.Mutex
	action string
}

func (a *failingAudit) arm(action string) { a.mu.Lock(); defer a.mu.Unlock(); a.action = action }

func (a *failingAudit) Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (int64, error) {
	a.mu.Lock()
	fail := a.action != "" && a.action == e.Action
	if fail {
		a.action = ""
	}
	a.mu.Unlock()
	if fail {
		return 0, errors.New("killed")
	}
	return a.Log.Append(ctx, tx, e)
}

// fixtureStart is a Monday morning in Moscow.
var fixtureStart = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

// The test catalogue's services.
const (
	allowance = "child-allowance"   // the allowance form with documents; needs consent, standard accounts
	confirmed = "confirmed-only"    // needs a confirmed account
	inPerson  = "in-person-service" // applied for at an office only
)

// fixture is applications on a real case engine, catalogue, audit log,
// outbox, process registry, calendar, organisations, vault and blob store;
// only the citizens' profiles are a stand-in.
type fixture struct {
	t     testing.TB
	db    *sqldb.DB
	clock *testClock
	log   *failingAudit
	cases *casework.Service
	cat   *catalog.Catalog
	s     *application.Service
	prof  profiles
	body  org.Organisation

	anna, boris, weak int64 // citizens: two with standard accounts, one simplified
}

func newFixture(t testing.TB, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, clock: &testClock{t: fixtureStart}, prof: profiles{}}
	now := f.clock.Now
	f.log = &failingAudit{Log: audittest.New(db, now)}
	q := outbox.New(db, nil, now)
	procs := process.NewRegistry(db, f.log, now)
	if err := procs.PublishShipped(ctx); err != nil {
		t.Fatalf("publish shipped processes: %v", err)
	}
	cal, err := calendar.New(db, f.log, now, nil)
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
	orgs := org.New(db, f.log, now)
	region, err := orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство"}, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	if f.body, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindCommittee, Name: "Комитет по социальной политике", ParentID: region.ID}, okno.System); err != nil {
		t.Fatal(err)
	}
	f.cases = casework.New(casework.Deps{DB: db, Sealer: keys, Audit: f.log, Outbox: q, Processes: procs,
		Calendars: cal, Orgs: orgs, Blobs: blobs, Notices: quiet{}, Webhooks: quiet{}, Now: now,
		Limits: casework.Limits{MaxFilesPerCall: application.MaxFiles}})
	f.cases.Register(q)
	f.cat = catalog.New(catalog.Deps{DB: db, Audit: f.log, Orgs: orgs, Blobs: blobs, Now: now})
	if err := f.cat.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.services()
	f.anna = f.citizen("Анна", identity.AssuranceStandard)
	f.boris = f.citizen("Борис", identity.AssuranceStandard)
	f.weak = f.citizen("Вера", identity.AssuranceSimplified)
	f.s = application.New(application.Deps{DB: db, Keys: keys, Blobs: blobs, Audit: f.log, Catalog: f.cat,
		Cases: f.cases, Profiles: f.prof, Now: now})
	return f
}

// services puts the test catalogue: its directories and services.
func (f *fixture) services() {
	t, ctx := f.t, context.Background()
	for _, d := range []catalog.Directory{
		{Code: "spb-districts", Title: catalog.Text{"ru": "Районы"}, Items: []catalog.DirItem{
			{Value: "Приморский", Title: catalog.Text{"ru": "Приморский"}}, {Value: "Центральный", Title: catalog.Text{"ru": "Центральный"}}}},
		{Code: "banks", Title: catalog.Text{"ru": "Банки"}, Items: []catalog.DirItem{
			{Value: "044030653", Title: catalog.Text{"ru": "Северо-Западный банк"}}}},
	} {
		if err := f.cat.PutDirectory(ctx, okno.System, d); err != nil {
			t.Fatalf("directory %s: %v", d.Code, err)
		}
	}
	schema, err := os.ReadFile("testdata/allowance.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := os.ReadFile("testdata/allowance.layout.json")
	if err != nil {
		t.Fatal(err)
	}
	form := catalog.Form{Schema: schema, Layout: layout}
	base := catalog.Service{Level: catalog.LevelRegional, Recipients: []catalog.Recipient{catalog.RecipientCitizen},
		Kind: catalog.KindApplication, Assurance: identity.AssuranceStandard, OrgID: f.body.ID, Process: "application",
		Form: form, Published: true}
	allow := base
	allow.Code, allow.Title, allow.LegalPeriod, allow.NeedsConsent = allowance,
		catalog.Text{"ru": "Выплата при рождении ребёнка", "en": "Child birth allowance"}, "10w", true
	conf := base
	conf.Code, conf.Title, conf.Assurance = confirmed, catalog.Text{"ru": "Услуга для подтверждённых"}, identity.AssuranceConfirmed
	office := catalog.Service{Code: inPerson, Title: catalog.Text{"ru": "Услуга в офисе"}, Level: catalog.LevelRegional,
		Recipients: []catalog.Recipient{catalog.RecipientCitizen}, Kind: catalog.KindInPerson, OrgID: f.body.ID, Published: true}
	for _, s := range []catalog.Service{allow, conf, office} {
		if _, err := f.cat.Put(ctx, okno.System, s); err != nil {
			t.Fatalf("service %s: %v", s.Code, err)
		}
	}
}

// citizen makes a citizen's account and their profile.
func (f *fixture) citizen(name string, level identity.Assurance) int64 {
	t, ctx := f.t, context.Background()
	var id int64
	err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
		n := sqldb.Now(f.clock.Now())
		return tx.QueryRowContext(ctx, `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at)
			VALUES ('citizen', ?, '', ?, ?) RETURNING id`, name, n, n).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.prof[id] = identity.Profile{UserID: id, Kind: identity.KindCitizen, Assurance: level, LastName: "Иванова",
		FirstName: name, MiddleName: "Сергеевна", BirthDate: "1994-03-12", SNILS: "11223344595",
		Phone: "+79211234567", Email: "ivanova@mail.ru"}
	return id
}

// as is the actor of a citizen.
func as(id int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: "citizen " + strconv.FormatInt(id, 10)}
}

// count returns the number of rows of table.
func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// validAnswers are the answers of a complete allowance form, page by page.
func validAnswers() map[string]map[string]any {
	return map[string]map[string]any{
		"applicant": {"/applicant/lastName": "Иванова", "/applicant/firstName": "Мария", "/applicant/middleName": "Сергеевна",
			"/applicant/birthDate": "1994-03-12", "/applicant/snils": "112-233-445 95", "/applicant/passport": "40 14 123456",
			"/applicant/district": "Приморский"},
		"contacts": {"/applicant/phone": "+7 (921) 123-45-67", "/applicant/email": "ivanova@mail.ru"},
		"children": {"/children/0/fullName": "Иванов Пётр Андреевич", "/children/0/birthDate": "2026-01-20",
			"/children/0/certificate/series": "IV-АК", "/children/0/certificate/number": "123456",
			"/children/0/certificate/issued": "2026-01-30"},
		"payment": {"/payment/method": "bank", "/payment/bik": "044030653", "/payment/account": "40817810099910004312"},
		"consent": {"/consent": true},
	}
}

// ready starts a draft of the allowance for citizen and fills it in
// completely, with the passport scan attached; it returns the draft as
// last saved.
func (f *fixture) ready(citizen int64) application.Draft {
	f.t.Helper()
	return f.readyFor(citizen, allowance)
}

// readyFor is ready for a service with the allowance's form.
func (f *fixture) readyFor(citizen int64, service string) application.Draft {
	f.t.Helper()
	ctx := context.Background()
	d, err := f.s.Start(ctx, as(citizen), service)
	if err != nil {
		f.t.Fatalf("start: %v", err)
	}
	for _, page := range []string{"applicant", "contacts", "children", "payment", "consent"} {
		got, probs, err := f.s.Save(ctx, as(citizen), d.ID, d.Version, page, validAnswers()[page])
		if err != nil {
			f.t.Fatalf("save %s: %v", page, err)
		}
		if len(probs) > 0 {
			f.t.Fatalf("save %s: problems %+v", page, probs)
		}
		d = got
	}
	if _, err := f.s.Attach(ctx, as(citizen), d.ID, "/passportScan", "паспорт.png", pngBytes(f.t, 4)); err != nil {
		f.t.Fatalf("attach: %v", err)
	}
	d, err = f.s.Draft(ctx, as(citizen), d.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// pngBytes is a small PNG image, side pixels square.
func pngBytes(t testing.TB, side int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, side, side))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfBytes is the start of a PDF document, enough to be told by content.
var pdfBytes = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// problems returns the Problems an error carries.
func problems(t testing.TB, err error) application.Problems {
	t.Helper()
	var p application.Problems
	if !errors.As(err, &p) {
		t.Fatalf("error %v carries no problems", err)
	}
	return p
}

// jsonOf is v as JSON, for comparing data in messages.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
