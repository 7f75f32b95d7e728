package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestEveryAcrossRestarts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clk := newClock() // 09:30:15
		start := func() (*outbox.Queue, *[]time.Time) {
			q := outbox.New(db, nil, clk.Now)
			var slots []time.Time
			q.Register("audit.checkpoint", func(ctx context.Context, m outbox.Message) error {
				slots = append(slots, m.RunAt.UTC())
				return nil
			})
			if err := q.Every(ctx, "audit.checkpoint", time.Hour); err != nil {
				t.Fatal(err)
			}
			return q, &slots
		}
		at := func(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, time.UTC) }

		q, slots := start()
		start() // a second node starting at the same time
		processDue(t, q, 1)
		q, _ = start() // a restart within the same slot
		processDue(t, q, 0)
		clk.Advance(30 * time.Minute) // 10:00:15
		q, slots = start()            // a restart once the next slot is due
		processDue(t, q, 1)
		processDue(t, q, 0)
		if diff := cmp.Diff([]time.Time{at(10, 0)}, *slots); diff != "" {
			t.Fatalf("slots run after restart (-want +got):\n%s", diff)
		}

		want := []row{
			{Topic: "audit.checkpoint", Key: "every:1h0m0s:2026-11-22T09:00:00Z", State: "done", Attempts: 1, RunAt: at(9, 0)},
			{Topic: "audit.checkpoint", Key: "every:1h0m0s:2026-11-22T10:00:00Z", State: "done", Attempts: 1, RunAt: at(10, 0)},
			{Topic: "audit.checkpoint", Key: "every:1h0m0s:2026-11-22T11:00:00Z", State: "pending", RunAt: at(11, 0)},
		}
		if diff := cmp.Diff(want, rows(t, db)); diff != "" {
			t.Fatalf("rows (-want +got):\n%s", diff)
		}
	})
}

func TestEveryGoesOnAfterDeadRunAndSkipsMissedSlots(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clk := newClock() // 09:30:15
		q := outbox.New(db, nil, clk.Now)
		q.Register("deadline.scan", func(context.Context, outbox.Message) error {
			return outbox.Permanent(errors.New("bad"))
		})
		if err := q.Every(ctx, "deadline.scan", 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		clk.Advance(5 * time.Hour) // every node was down
		processDue(t, q, 1)
		got := rows(t, db)
		var states []string
		for _, r := range got {
			states = append(states, r.State+" "+r.RunAt.Format("15:04"))
		}
		if diff := cmp.Diff([]string{"dead 09:30", "pending 14:40"}, states); diff != "" {
			t.Fatalf("slots (-want +got):\n%s", diff)
		}
	})
}

func TestEveryNewIntervalReplacesOld(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clk := newClock() // 09:30:15
		q := outbox.New(db, nil, clk.Now)
		q.Register("audit.checkpoint", func(context.Context, outbox.Message) error { return nil })
		if err := q.Every(ctx, "audit.checkpoint", time.Hour); err != nil {
			t.Fatal(err)
		}
		processDue(t, q, 1) // 09:00 done, 10:00 pending
		if err := q.Every(ctx, "audit.checkpoint", 15*time.Minute); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		processDue(t, q, 1) // 09:30 runs and schedules 10:45
		var got []string
		for _, r := range rows(t, db) {
			got = append(got, r.Key+" "+r.State)
		}
		want := []string{
			"every:1h0m0s:2026-11-22T09:00:00Z done",
			"every:15m0s:2026-11-22T09:30:00Z done",
			"every:15m0s:2026-11-22T10:45:00Z pending",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("slots (-want +got):\n%s", diff)
		}
	})
}

func TestEveryRejectsBadArguments(t *testing.T) {
	db := storetest.OpenSQLite(t)
	q := outbox.New(db, nil, newClock().Now)
	if err := q.Every(context.Background(), "x", time.Millisecond); err == nil {
		t.Error("Every with a 1 ms interval succeeded")
	}
	if err := q.Every(context.Background(), "", time.Hour); err == nil {
		t.Error("Every without a topic succeeded")
	}
}
