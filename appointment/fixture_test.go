package appointment_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// msk is the region's time zone in the tests.
var msk = calendar.DefaultLocation()

// start is Friday 20 February 2026, noon in Moscow: the next days are a
// weekend, Defender of the Fatherland Day (Monday 23rd, a holiday), then
// Tuesday 24th, a working day.
var start = time.Date(2026, 2, 20, 12, 0, 0, 0, msk)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// cases is the test's casework door: a case belongs to the citizen the
// map names; anyone else gets not_found, as casework answers.
type cases map[int64]int64

func (cs cases) Get(_ context.Context, actor okno.Actor, id int64) (casework.Case, error) {
	if owner, ok := cs[id]; ok && actor.UserID == owner {
		return casework.Case{ID: id, ApplicantID: owner}, nil
	}
	return casework.Case{}, okno.Errorf(okno.ENOTFOUND, "casework.not_found")
}

// nobody is notify's contacts and sender for notices that are never fanned
// out in these tests: Notify only writes the outbox message.
type nobody struct{}

func (nobody) Contact(context.Context, int64, notify.Channel) (string, error) { return "", nil }
func (nobody) Language(context.Context, int64) string                         { return "ru" }
func (nobody) Send(context.Context, notify.Message) error                     { return nil }

// world is a database with the test catalogue, an office schedule and
// citizens.
type world struct {
	t        testing.TB
	db       *sqldb.DB
	clock    *clock
	s        *appointment.Service
	q        *outbox.Queue
	orgs     *org.Service
	f        catalogtest.Fixture
	office   int64 // the office with a schedule
	bare     int64 // an office taking no bookings
	citizens []int64
	operator okno.Actor // an operator of the office's organisation
	stranger okno.Actor // an operator of another organisation
}

// schedule is the office's schedule in most tests: two desks, a 15-minute
// grid, the allowance every 15 minutes at both desks, the meter readings
// every 30 minutes at desk 2, and a sanitary day on Thursday 26th.
func schedule(office int64) appointment.Schedule {
	return appointment.Schedule{
		OfficeID: office, Desks: 2, CellMinutes: 15, HorizonDays: 30,
		Services: []appointment.ServiceSlot{
			{Service: catalogtest.Allowance, SlotMinutes: 15},
			{Service: catalogtest.Meters, SlotMinutes: 30, Desks: []int{2}},
		},
		Exceptions: []appointment.Exception{{Day: calendar.Date{Year: 2026, Month: 2, Day: 26}, Note: "Санитарный день"}},
	}
}

// newWorld builds the world with n citizens and limits l.
func newWorld(t testing.TB, db *sqldb.DB, n int, l appointment.Limits) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, db: db, clock: &clock{t: start}}
	now := w.clock.Now
	log := audittest.New(db, now)
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(t.TempDir(), keys)
	if err != nil {
		t.Fatal(err)
	}
	w.orgs = org.New(db, log, now)
	cat := catalog.New(catalog.Deps{DB: db, Audit: log, Orgs: w.orgs, Admins: w.orgs, Blobs: blobs, Now: now})
	if err := cat.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if w.f, err = catalogtest.Load(ctx, cat, w.orgs, catalogtest.Options{}); err != nil {
		t.Fatalf("load the test catalogue: %v", err)
	}
	w.office = w.f.Office.ID
	bare := w.f.Office
	bare.ID, bare.Address = 0, "Санкт-Петербург, Садовая ул., 2"
	if bare, err = cat.PutOffice(ctx, okno.System, bare); err != nil {
		t.Fatal(err)
	}
	w.bare = bare.ID
	cals, err := calendar.New(db, log, now, msk)
	if err != nil {
		t.Fatal(err)
	}
	w.q = outbox.New(db, nil, now)
	tmpl, err := notify.LoadTemplates(notify.TemplateFiles(), appointment.TemplateFiles())
	if err != nil {
		t.Fatal(err)
	}
	notices, err := notify.NewNotices(notify.NoticesConfig{DB: db, Outbox: w.q, Templates: tmpl, Contacts: nobody{}, Sender: nobody{},
		BaseURL: "https://okno.example", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	w.citizens = w.users(n, "citizen")
	staff := w.users(2, "staff")
	w.s = appointment.New(appointment.Deps{DB: db, Audit: log, Outbox: w.q, Catalog: cat, Calendars: cals,
		Cases: cases{77: w.citizens[0]}, Admins: w.orgs, Notices: notices, Limits: l, Now: now})
	w.s.Register(w.q)
	if _, err := w.s.SetSchedule(ctx, okno.System, schedule(w.office)); err != nil {
		t.Fatalf("schedule: %v", err)
	}
	w.operator = okno.Actor{Kind: okno.ActorStaff, UserID: staff[0], OrgID: w.f.Committee.ID, Roles: []okno.Role{okno.RoleOperator}, Name: "operator"}
	w.stranger = okno.Actor{Kind: okno.ActorStaff, UserID: staff[1], OrgID: w.f.Region.ID, Roles: []okno.Role{okno.RoleOperator}, Name: "stranger"}
	return w
}

// users makes n accounts of a kind in one transaction.
func (w *world) users(n int, kind string) []int64 {
	w.t.Helper()
	ctx := context.Background()
	ids := make([]int64, n)
	err := w.db.InTx(ctx, func(tx *sqldb.Tx) error {
		at := sqldb.Now(start)
		for i := range ids {
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at) VALUES (?, ?, '', ?, ?) RETURNING id`,
				kind, fmt.Sprintf("%s %d", kind, i), at, at).Scan(&ids[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return ids
}

// citizen is the i-th citizen as an actor.
func (w *world) citizen(i int) okno.Actor {
	return okno.Actor{Kind: okno.ActorCitizen, UserID: w.citizens[i], Name: fmt.Sprintf("citizen %d", i)}
}

// count is the number of rows of a table.
func (w *world) count(table string) int {
	w.t.Helper()
	var n int
	if err := w.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// rows counts what a booking may change, to prove a refusal changed nothing.
func (w *world) rows() [4]int {
	w.t.Helper()
	var out [4]int
	for i, table := range []string{"appointments", "appointment_cells", "audit_entries", "outbox"} {
		out[i] = w.count(table)
	}
	return out
}

// at is a time on a day of February 2026 in Moscow.
func at(day, hour, min int) time.Time { return time.Date(2026, 2, day, hour, min, 0, 0, msk) }

// book books the allowance at t for citizen i, failing the test on error.
func (w *world) book(i int, service string, t time.Time) appointment.Appointment {
	w.t.Helper()
	a, err := w.s.Book(context.Background(), w.citizen(i), appointment.BookInput{OfficeID: w.office, Service: service, Start: t})
	if err != nil {
		w.t.Fatalf("book %s at %v for citizen %d: %v", service, t, i, err)
	}
	return a
}

// calendarDate is a day of February 2026.
func calendarDate(day int) calendar.Date { return calendar.Date{Year: 2026, Month: 2, Day: day} }

func itoa(n int64) string { return fmt.Sprint(n) }
