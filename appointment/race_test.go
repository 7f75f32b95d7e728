package appointment_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestRace is the figure's test: 100 citizens, each in its own goroutine,
// race for the last 10 slots of a day (the office keeps 9:00–11:30 that
// day at one desk). Exactly 10 win, one per slot; the 90 others get «слот
// занят» with free slots of the next days to choose from.
func TestRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 100, appointment.Limits{})
		sc := schedule(w.office)
		sc.Desks = 1
		sc.Services = sc.Services[:1]
		// The 24th has ten slots left; the 25th is closed and the 26th
		// a sanitary day, so the alternatives lie on the 27th.
		sc.Exceptions = append(sc.Exceptions, appointment.Exception{Day: calendarDate(24), Hours: hours("09:00", "11:30")},
			appointment.Exception{Day: calendarDate(25)})
		if _, err := w.s.SetSchedule(ctx, okno.System, sc); err != nil {
			t.Fatal(err)
		}
		slots, err := w.s.Available(ctx, w.office, catalogtest.Allowance, at(24, 0, 0), at(25, 0, 0))
		if err != nil || len(slots) != 10 {
			t.Fatalf("Available = %d slots, %v; want the last 10", len(slots), err)
		}

		type result struct {
			a   appointment.Appointment
			err error
		}
		results := make([]result, 100)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				a, err := w.s.Book(ctx, w.citizen(i), appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: slots[i%10].Start})
				results[i] = result{a, err}
			}()
		}
		began := time.Now()
		close(gate)
		wg.Wait()
		t.Logf("100 clients, 10 slots: %v", time.Since(began))

		won := map[time.Time]int{}
		taken := 0
		for i, r := range results {
			var te *appointment.TakenError
			switch {
			case r.err == nil:
				won[r.a.Start]++
			case errors.As(r.err, &te):
				taken++
				if e := okno.AsError(r.err); e.Code != okno.ECONFLICT || e.Key != "appointment.slot_taken" {
					t.Errorf("client %d: %v, want conflict appointment.slot_taken", i, r.err)
				}
				if len(te.Alternatives) == 0 {
					t.Errorf("client %d: no alternatives", i)
				}
				// Alternatives are free when the client loses: some on the
				// 24th, until the race takes them, then the 27th's first.
				for _, alt := range te.Alternatives {
					d := alt.Start.In(msk).Day()
					if alt.Start.Equal(slots[i%10].Start) || (d != 24 && d != 27) || alt.Free != 1 {
						t.Errorf("client %d: alternative %+v", i, alt)
					}
				}
			default:
				t.Errorf("client %d: %v", i, r.err)
			}
		}
		if len(won) != 10 || taken != 90 {
			t.Errorf("%d slots won, %d refused as taken; want 10 and 90", len(won), taken)
		}
		for st, n := range won {
			if n != 1 {
				t.Errorf("slot %v held %d times", st, n)
			}
		}
		if got, want := [2]int{w.count("appointments"), w.count("appointment_cells")}, [2]int{10, 10}; got != want {
			t.Errorf("rows (appointments, cells) = %v, want %v", got, want)
		}
		if slots, err := w.s.Available(ctx, w.office, catalogtest.Allowance, at(24, 0, 0), at(25, 0, 0)); err != nil || len(slots) != 0 {
			t.Errorf("Available after the race = %v, %v; want none", slots, err)
		}
	})
}

func hours(from, to string) []org.Interval { return []org.Interval{{From: from, To: to}} }

// TestRaceOneCitizen: one citizen's concurrent requests take turns, so a
// repeated key makes one booking, and ten different slots at once still
// make one booking of the service (the limit), never more.
func TestRaceOneCitizen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2, appointment.Limits{})
		run := func(i int, in func(k int) appointment.BookInput) ([]appointment.Appointment, []error) {
			out, errs := make([]appointment.Appointment, 10), make([]error, 10)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			for k := range out {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					out[k], errs[k] = w.s.Book(ctx, w.citizen(i), in(k))
				}()
			}
			close(gate)
			wg.Wait()
			return out, errs
		}

		same, errs := run(0, func(int) appointment.BookInput {
			return appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: at(24, 9, 0), IdempotencyKey: "once"}
		})
		for k := range same {
			if errs[k] != nil || same[k].ID != same[0].ID {
				t.Errorf("request %d: %+v, %v; want booking %d", k, same[k], errs[k], same[0].ID)
			}
		}

		booked, limited := 0, 0
		_, errs = run(1, func(k int) appointment.BookInput {
			return appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: at(24, 10, 0).Add(time.Duration(15*k) * time.Minute)}
		})
		for k, err := range errs {
			switch {
			case err == nil:
				booked++
			case okno.AsError(err).Key == "appointment.limit_per_service":
				limited++
			default:
				t.Errorf("request %d: %v", k, err)
			}
		}
		if booked != 1 || limited != 9 {
			t.Errorf("%d booked, %d refused by the limit; want 1 and 9", booked, limited)
		}
		if got := w.count("appointments"); got != 2 {
			t.Errorf("%d bookings, want 2", got)
		}
	})
}
