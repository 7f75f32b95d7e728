package appointment_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestSetSchedule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1, appointment.Limits{})
		admin := okno.Actor{Kind: okno.ActorStaff, UserID: w.operator.UserID, OrgID: w.f.Committee.ID, Roles: []okno.Role{okno.RoleAdmin}, Name: "admin"}

		sc := schedule(w.office)
		sc.Desks = 3
		sc.Breaks = []org.Interval{{From: "11:00", To: "11:15"}}
		got, err := w.s.SetSchedule(ctx, admin, sc)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 {
			t.Errorf("version %d, want 2", got.Version)
		}
		read, err := w.s.Schedule(ctx, w.office)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, read, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("schedule read back (-want +got):\n%s", diff)
		}

		for _, tc := range []struct {
			name  string
			actor okno.Actor
			edit  func(*appointment.Schedule)
			code  okno.ErrorCode
			field string
		}{
			{"an operator", w.operator, func(*appointment.Schedule) {}, okno.EFORBIDDEN, ""},
			{"a citizen", w.citizen(0), func(*appointment.Schedule) {}, okno.EFORBIDDEN, ""},
			{"an unknown office", admin, func(s *appointment.Schedule) { s.OfficeID = 999999 }, okno.ENOTFOUND, "office_id"},
			{"an unknown service", admin, func(s *appointment.Schedule) { s.Services[1].Service = "nothing" }, okno.EINVALID, "services[1].service"},
			{"a bad slot", admin, func(s *appointment.Schedule) { s.Services[0].SlotMinutes = 7 }, okno.EINVALID, "services[0].slot_minutes"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := [2]int{w.count("audit_entries"), w.count("appointment_services")}
				sc := schedule(w.office)
				tc.edit(&sc)
				_, err := w.s.SetSchedule(ctx, tc.actor, sc)
				e := okno.AsError(err)
				if e.Code != tc.code {
					t.Fatalf("SetSchedule = %v, want %s", err, tc.code)
				}
				if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
					t.Errorf("fields = %+v, want %s", e.Fields, tc.field)
				}
				if after := [2]int{w.count("audit_entries"), w.count("appointment_services")}; after != before {
					t.Errorf("rows = %v, want %v", after, before)
				}
			})
		}
	})
}

func TestMine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1, appointment.Limits{MaxPerService: 5})
		var want []int64
		for _, tm := range []time.Time{at(24, 9, 0), at(24, 10, 0), at(24, 11, 0), at(24, 12, 0), at(24, 15, 3)} {
			want = append([]int64{w.book(0, catalogtest.Allowance, tm).ID}, want...)
		}
		var got []int64
		after := ""
		for range 10 {
			p, err := w.s.Mine(ctx, w.citizen(0), after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Items {
				got = append(got, a.ID)
			}
			if after = p.Next; after == "" {
				break
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Mine, latest first (-want +got):\n%s", diff)
		}
		// The sixth is over the default limit of five future bookings.
		if _, err := w.s.Book(ctx, w.citizen(0), appointment.BookInput{OfficeID: w.office, Service: catalogtest.Meters, Start: at(25, 9, 0)}); okno.AsError(err).Key != "appointment.limit_future" {
			t.Errorf("a sixth booking = %v, want appointment.limit_future", err)
		}
		if _, err := w.s.Mine(ctx, okno.Actor{}, "", 0); !okno.IsCode(err, okno.EUNAUTHORIZED) {
			t.Errorf("Mine anonymous = %v, want unauthorized", err)
		}
	})
}

func TestOfficesForAndPrune(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2, appointment.Limits{})
		offices, err := w.s.OfficesFor(ctx, catalogtest.Meters)
		if err != nil || len(offices) != 1 || offices[0].ID != w.office {
			t.Errorf("OfficesFor(meters) = %+v, %v; want the office", offices, err)
		}
		if offices, err := w.s.OfficesFor(ctx, catalogtest.Stall); err != nil || len(offices) != 0 {
			t.Errorf("OfficesFor(stall) = %+v, %v; want none", offices, err)
		}
		if _, err := w.s.OfficesFor(ctx, "nothing"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("OfficesFor(nothing) = %v, want not_found", err)
		}

		w.book(0, catalogtest.Meters, at(24, 9, 0))    // two cells
		w.book(1, catalogtest.Allowance, at(27, 9, 0)) // one cell
		w.clock.Set(at(26, 0, 0))
		n, err := w.s.Prune(ctx)
		if err != nil || n != 2 {
			t.Errorf("Prune = %d, %v; want the 24th's 2 cells", n, err)
		}
		if got := [2]int{w.count("appointments"), w.count("appointment_cells")}; got != [2]int{2, 1} {
			t.Errorf("rows (appointments, cells) = %v, want [2 1]", got)
		}
	})
}
