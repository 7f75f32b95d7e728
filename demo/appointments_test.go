package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestLoadAppointments gives the demo offices their schedules: every
// office that receives a service gets one, every МФЦ office among them,
// each has free slots in its first fortnight, and a second load writes
// nothing and keeps an administrator's edit.
func TestLoadAppointments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newCatalogWorld(t, db)
		now := func() time.Time { return testNow }
		log := audittest.New(db, now)
		cals, err := calendar.New(db, log, now, calendar.DefaultLocation())
		if err != nil {
			t.Fatal(err)
		}
		appts := appointment.New(appointment.Deps{DB: db, Audit: log, Catalog: w.c, Calendars: cals, Admins: w.orgs, Now: now})
		n, err := demo.LoadAppointments(ctx, w.c, appts)
		if err != nil {
			t.Fatalf("LoadAppointments: %v", err)
		}
		if offices := w.count(t, "offices"); n < 6 || n > offices {
			t.Errorf("%d schedules for %d offices, want one for each office receiving a service, the 6 МФЦ at least", n, offices)
		}
		if got := w.count(t, "appointment_offices"); got != n {
			t.Errorf("%d schedules stored, want %d", got, n)
		}
		services, err := demo.DemoServices()
		if err != nil {
			t.Fatal(err)
		}
		booked := 0
		for _, s := range services {
			offices, err := appts.OfficesFor(ctx, s.Code)
			if err != nil {
				t.Fatalf("OfficesFor(%s): %v", s.Code, err)
			}
			for _, o := range offices {
				slots, err := appts.Available(ctx, o.ID, s.Code, testNow, testNow.Add(14*24*time.Hour))
				if err != nil {
					t.Fatalf("Available(%d, %s): %v", o.ID, s.Code, err)
				}
				if len(slots) == 0 {
					t.Errorf("%s at %s: no free slot in a fortnight", s.Code, o.Name.In("ru"))
				}
				booked++
			}
		}
		if booked == 0 {
			t.Fatal("no demo service takes bookings anywhere")
		}

		// An administrator's edit survives a second load, which writes nothing.
		var office int64
		if err := db.QueryRowContext(ctx, `SELECT MIN(office_id) FROM appointment_offices`).Scan(&office); err != nil {
			t.Fatal(err)
		}
		sc, err := appts.Schedule(ctx, office)
		if err != nil {
			t.Fatal(err)
		}
		sc.Desks = 7
		if _, err := appts.SetSchedule(ctx, okno.System, sc); err != nil {
			t.Fatal(err)
		}
		audits := w.count(t, "audit_entries")
		if n, err := demo.LoadAppointments(ctx, w.c, appts); err != nil || n != 0 {
			t.Errorf("second LoadAppointments wrote %d schedules (%v), want 0", n, err)
		}
		if got := w.count(t, "audit_entries"); got != audits {
			t.Errorf("the second load audited %d entries, want none", got-audits)
		}
		if sc, err := appts.Schedule(ctx, office); err != nil || sc.Desks != 7 {
			t.Errorf("after the second load the edited office has %d desks (%v), want 7", sc.Desks, err)
		}
	})
}
