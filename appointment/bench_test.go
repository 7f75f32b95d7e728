package appointment_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkBook is the bookings-per-second figure: parallel clients, each
// a citizen of its own, book free slots of one office with 100 desks;
// consecutive bookings go to different times, as people choosing from a
// list spread out. Slots lost to a concurrent booking are counted apart.
//
//	go test ./appointment -run '^$' -bench Book -benchtime 2s
func BenchmarkBook(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchBook(b, storetest.OpenSQLite(b)) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { benchBook(b, storetest.OpenPostgres(b)) })
	}
}

func benchBook(b *testing.B, db *sqldb.DB) {
	ctx := context.Background()
	w := newWorld(b, db, b.N, appointment.Limits{})
	sc := schedule(w.office)
	sc.Desks, sc.HorizonDays = 100, 366
	sc.Services = sc.Services[:1]
	if _, err := w.s.SetSchedule(ctx, okno.System, sc); err != nil {
		b.Fatal(err)
	}
	var starts []time.Time
	for from := at(21, 0, 0); len(starts)*100 < b.N; from = from.AddDate(0, 0, appointment.MaxRangeDays) {
		slots, err := w.s.Available(ctx, w.office, catalogtest.Allowance, from, from.AddDate(0, 0, appointment.MaxRangeDays))
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range slots {
			starts = append(starts, s.Start)
		}
	}
	var next, booked, lost atomic.Int64
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := int(next.Add(1) - 1)
			_, err := w.s.Book(ctx, w.citizen(k), appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: starts[k%len(starts)]})
			var taken *appointment.TakenError
			switch {
			case err == nil:
				booked.Add(1)
			case errors.As(err, &taken):
				lost.Add(1)
			default:
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(began)
	b.ReportMetric(float64(booked.Load())/elapsed.Seconds(), "bookings/s")
	b.ReportMetric(float64(lost.Load()), "lost")
}

// BenchmarkRace is the race figure as a benchmark: one op is 100 clients,
// each a goroutine and a citizen, racing for the last 10 slots of a day
// (one desk receiving 9:00–11:30). Every op checks that exactly 10 won.
//
//	go test ./appointment -run '^$' -bench Race -benchtime 2s
func BenchmarkRace(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRace(b, storetest.OpenSQLite(b)) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { benchRace(b, storetest.OpenPostgres(b)) })
	}
}

func benchRace(b *testing.B, db *sqldb.DB) {
	ctx := context.Background()
	// Winners race again the next day, so the limits allow many bookings.
	w := newWorld(b, db, 100, appointment.Limits{MaxPerService: 1000, MaxFuture: 1000})
	sc := schedule(w.office)
	sc.Desks, sc.HorizonDays, sc.Exceptions = 1, 366, nil
	sc.Services = sc.Services[:1]
	sc.Breaks = []org.Interval{{From: "11:30", To: "24:00"}}
	if _, err := w.s.SetSchedule(ctx, okno.System, sc); err != nil {
		b.Fatal(err)
	}
	var days [][]time.Time // each working day's ten slots
	for from := at(21, 0, 0); len(days) < b.N; from = from.AddDate(0, 0, appointment.MaxRangeDays) {
		slots, err := w.s.Available(ctx, w.office, catalogtest.Allowance, from, from.AddDate(0, 0, appointment.MaxRangeDays))
		if err != nil {
			b.Fatal(err)
		}
		if len(slots) == 0 {
			b.Fatalf("%d races need more days than the horizon holds", b.N)
		}
		for i := 0; i+10 <= len(slots); i += 10 {
			day := make([]time.Time, 10)
			for k := range day {
				day[k] = slots[i+k].Start
			}
			days = append(days, day)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		var won, lost atomic.Int64
		var wg sync.WaitGroup
		for c := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := w.s.Book(ctx, w.citizen(c), appointment.BookInput{OfficeID: w.office, Service: catalogtest.Allowance, Start: days[i][c%10]})
				var taken *appointment.TakenError
				switch {
				case err == nil:
					won.Add(1)
				case errors.As(err, &taken) && len(taken.Alternatives) > 0:
					lost.Add(1)
				default:
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 10 || lost.Load() != 90 {
			b.Fatalf("race %d: %d won, %d lost; want 10 and 90", i, won.Load(), lost.Load())
		}
	}
}
