package complaint_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/process"
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

// services is a stand-in for package application's ServiceOf: which
// catalogue service a case was opened for.
type services map[int64]catalog.Service

func (s services) ServiceOf(_ context.Context, caseID int64) (catalog.Service, error) {
	if svc, ok := s[caseID]; ok {
		return svc, nil
	}
	return catalog.Service{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
}

// fixtureStart is a Monday morning in Moscow.
var fixtureStart = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

// fixture is complaints on a real case engine. The world: the region's
// government (a controller) above the Central district's administration
// (a supervisor) above a housing agency (an official); a committee of
// the region names itself as the controlling body of one service.
type fixture struct {
	t     testing.TB
	db    *sqldb.DB
	clock *testClock
	cal   *calendar.Service
	cases *casework.Service
	apps  services
	s     *complaint.Service

	region, committee, district, agency           org.Organisation
	citizen, citizen2, official, controller, ctl2 int64
}

func newFixture(t testing.TB, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, clock: &testClock{t: fixtureStart}, apps: services{}}
	now := f.clock.Now
	log := audittest.New(db, now)
	q := outbox.New(db, nil, now)
	procs := process.NewRegistry(db, log, now)
	if err := procs.PublishShipped(ctx); err != nil {
		t.Fatalf("publish shipped processes: %v", err)
	}
	var err error
	if f.cal, err = calendar.New(db, log, now, nil); err != nil {
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
		Calendars: f.cal, Orgs: orgs, Blobs: blobs, Notices: quiet{}, Webhooks: quiet{}, Now: now})
	f.s = complaint.New(complaint.Deps{DB: db, Cases: f.cases, Applications: f.apps, Orgs: orgs, Audit: log, Now: now})
	return f
}

func (f *fixture) world(orgs *org.Service) {
	t, ctx := f.t, context.Background()
	mkOrg := func(kind org.Kind, name string, parent int64) org.Organisation {
		t.Helper()
		o, err := orgs.CreateOrganisation(ctx, org.Organisation{Kind: kind, Name: name, ParentID: parent}, okno.System)
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
	f.region = mkOrg(org.KindRegionGovernment, "Правительство", 0)
	f.committee = mkOrg(org.KindAgency, "Комитет по контролю", f.region.ID)
	f.district = mkOrg(org.KindDistrictAdministration, "Администрация Центрального района", f.region.ID)
	f.agency = mkOrg(org.KindHousingAgency, "Жилищное агентство", f.district.ID)
	f.citizen = mkUser("citizen", "Иван Петров", org.Organisation{}, "")
	f.citizen2 = mkUser("citizen", "Пётр Иванов", org.Organisation{}, "")
	f.official = mkUser("staff", "Анна Смирнова", f.agency, okno.RoleOfficial)
	f.controller = mkUser("staff", "Жанна Контролёва", f.district, okno.RoleController)
	f.ctl2 = mkUser("staff", "Олег Комитетов", f.committee, okno.RoleController)
}

func citizen(id int64) okno.Actor {
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id, Name: "Иван"}
}

func staff(id int64, o org.Organisation, roles ...okno.Role) okno.Actor {
	return okno.Actor{Kind: okno.ActorStaff, UserID: id, OrgID: o.ID, Roles: roles, Name: "Сотрудник: " + o.Name}
}

// apply opens an application of citizen userID at organisation o.
func (f *fixture) apply(userID int64, o org.Organisation) casework.Case {
	f.t.Helper()
	c, err := f.cases.Open(context.Background(), citizen(userID), casework.NewCase{Process: "application", OrgID: o.ID,
		Subject: "Разрешение на парковку", Data: map[string]any{"snils": "112-233-445 95"}})
	if err != nil {
		f.t.Fatalf("open application: %v", err)
	}
	return c
}

// refuse registers case c and refuses it, with an internal note between.
func (f *fixture) refuse(c casework.Case) casework.Case {
	f.t.Helper()
	ctx, off := context.Background(), staff(f.official, f.agency, okno.RoleOfficial)
	c, err := f.cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "register"})
	if err != nil {
		f.t.Fatalf("register: %v", err)
	}
	if c, err = f.cases.Note(ctx, off, c.ID, c.Version, "внутренняя заметка: заявитель звонил дважды"); err != nil {
		f.t.Fatalf("note: %v", err)
	}
	c, err = f.cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "refuse",
		Comment: "Не представлена выписка из домовой книги", Fields: map[string]string{"ground": "incomplete_documents"}})
	if err != nil {
		f.t.Fatalf("refuse: %v", err)
	}
	return c
}

// count counts rows of a query.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

var (
	bfchar = regexp.MustCompile(`<([0-9A-F]{4})> <([0-9A-F]{4,8})>`)
	shown  = regexp.MustCompile(`<([0-9A-F]*)> Tj`)
)

var streamRE = regexp.MustCompile(`<< /Length (\d+) ([^>]*)>>\nstream\n`)

// inflated is the PDF with its compressed streams (all but the font's)
// written out plain, for the tests to read.
func inflated(t *testing.T, pdf []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	rest := pdf
	for {
		loc := streamRE.FindSubmatchIndex(rest)
		if loc == nil {
			out.Write(rest)
			return out.Bytes()
		}
		n, _ := strconv.Atoi(string(rest[loc[2]:loc[3]]))
		dict := string(rest[loc[4]:loc[5]])
		data := rest[loc[1] : loc[1]+n]
		out.Write(rest[:loc[1]])
		if strings.Contains(dict, "/FlateDecode") && !strings.Contains(dict, "/Length1") {
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			data = plain
		}
		out.Write(data)
		rest = rest[loc[1]+n:]
	}
}

// pdfText reads back the text of a PDF complaint.history wrote: glyphs
// through the ToUnicode map, line by line, as a reader copying it would.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	pdf = inflated(t, pdf)
	uni := map[string]string{}
	for _, m := range bfchar.FindAllSubmatch(pdf, -1) {
		var r []uint16
		for i := 0; i+4 <= len(m[2]); i += 4 {
			v, _ := strconv.ParseUint(string(m[2][i:i+4]), 16, 16)
			r = append(r, uint16(v))
		}
		uni[string(m[1])] = string(utf16.Decode(r))
	}
	var b strings.Builder
	for _, m := range shown.FindAllSubmatch(pdf, -1) {
		for i := 0; i+4 <= len(m[1]); i += 4 {
			s, ok := uni[string(m[1][i:i+4])]
			if !ok {
				t.Fatalf("glyph %s has no Unicode mapping", m[1][i:i+4])
			}
			b.WriteString(s)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

var xrefEntry = regexp.MustCompile(`(?m)^(\d{10}) 00000 n $`)

// checkXref checks the PDF's cross-reference table: object i starts
// where its entry says, so that readers find every object.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	start := strings.LastIndex(string(pdf), "startxref\n")
	if start < 0 || !strings.HasPrefix(string(pdf), "%PDF-1.7\n") || !strings.HasSuffix(string(pdf), "%%EOF\n") {
		t.Fatal("not a whole PDF")
	}
	xref, err := strconv.Atoi(strings.Fields(string(pdf[start+len("startxref\n"):]))[0])
	if err != nil || !strings.HasPrefix(string(pdf[xref:]), "xref\n") {
		t.Fatalf("startxref does not point at the table: %v", err)
	}
	entries := xrefEntry.FindAllSubmatch(pdf[xref:], -1)
	if len(entries) < 8 {
		t.Fatalf("%d objects in the table, want the catalogue, pages, font and a page at least", len(entries))
	}
	for i, m := range entries {
		off, _ := strconv.Atoi(string(m[1]))
		if want := strconv.Itoa(i+1) + " 0 obj\n"; !strings.HasPrefix(string(pdf[off:]), want) {
			t.Errorf("object %d is not at offset %d", i+1, off)
		}
	}
}
