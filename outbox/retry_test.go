package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		q.SetSeed(1)
		var attempts []int
		q.Register("registry.ask", func(ctx context.Context, m outbox.Message) error {
			attempts = append(attempts, m.Attempt)
			if m.Attempt < 2 {
				return errors.New("registry unavailable")
			}
			return nil
		}, outbox.Backoff(time.Minute, time.Hour))
		enqueue(t, db, q, outbox.Message{Topic: "registry.ask"})

		// Each failure waits between half and all of base·2^(n-1).
		for n, full := range []time.Duration{time.Minute, 2 * time.Minute} {
			failedAt := sqldb.Now(clk.Now())
			processDue(t, q, 1)
			r := rows(t, db)[0]
			if r.State != "pending" || r.Attempts != n+1 || r.LastError != "registry unavailable" || r.Locked {
				t.Fatalf("after failure %d: %+v", n+1, r)
			}
			if wait := r.RunAt.Sub(failedAt); wait < full/2 || wait > full {
				t.Fatalf("after failure %d: retry in %s, want between %s and %s", n+1, wait, full/2, full)
			}
			processDue(t, q, 0) // not due yet
			clk.Advance(r.RunAt.Sub(clk.Now()))
		}
		processDue(t, q, 1)
		if diff := cmp.Diff([]int{0, 1, 2}, attempts); diff != "" {
			t.Fatalf("attempts seen (-want +got):\n%s", diff)
		}
		r := rows(t, db)[0]
		if r.State != "done" || r.Attempts != 3 || r.Locked {
			t.Fatalf("after success: %+v", r)
		}
	})
}

func TestMaxAttemptsMakesDead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		runs := 0
		q.Register("notify.send", func(ctx context.Context, m outbox.Message) error {
			runs++
			return errors.New("gateway down")
		}, outbox.MaxAttempts(3), outbox.Backoff(time.Second, time.Second))
		enqueue(t, db, q, outbox.Message{Topic: "notify.send"})
		for range 3 {
			processDue(t, q, 1)
			clk.Advance(time.Second)
		}
		processDue(t, q, 0)
		if runs != 3 {
			t.Fatalf("runs = %d, want 3", runs)
		}
		r := rows(t, db)[0]
		if diff := cmp.Diff(row{Topic: "notify.send", State: "dead", Attempts: 3, LastError: "gateway down", RunAt: r.RunAt}, r); diff != "" {
			t.Fatalf("row (-want +got):\n%s", diff)
		}
	})
}

func TestPermanentMakesDeadAtOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		runs := 0
		q.Register("notify.send", func(ctx context.Context, m outbox.Message) error {
			runs++
			return fmt.Errorf("send: %w", outbox.Permanent(errors.New("no such recipient")))
		})
		enqueue(t, db, q, outbox.Message{Topic: "notify.send"})
		processDue(t, q, 1)
		clk.Advance(24 * time.Hour)
		processDue(t, q, 0)
		want := row{Topic: "notify.send", State: "dead", Attempts: 1, LastError: "send: permanent: no such recipient", RunAt: sqldb.Now(testNow)}
		if diff := cmp.Diff(want, rows(t, db)[0]); diff != "" {
			t.Fatalf("row (-want +got):\n%s", diff)
		}
		if runs != 1 {
			t.Fatalf("runs = %d, want 1", runs)
		}
	})
}

func TestPanicIsRetried(t *testing.T) {
	db := storetest.OpenSQLite(t)
	q := outbox.New(db, nil, newClock().Now)
	q.Register("boom", func(context.Context, outbox.Message) error { panic("boom") })
	enqueue(t, db, q, outbox.Message{Topic: "boom"})
	processDue(t, q, 1)
	r := rows(t, db)[0]
	if r.State != "pending" || r.LastError != "handler panicked: boom" {
		t.Fatalf("row after panic: %+v", r)
	}
}

func TestAbandonedClaimRunsAgain(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clk := newClock()
		crashed := outbox.New(db, nil, clk.Now)
		crashed.Register("notify.send", func(context.Context, outbox.Message) error { return nil })
		enqueue(t, db, crashed, outbox.Message{Topic: "notify.send", Key: "k"})
		// The worker claims and dies before finishing (kill -9).
		ms, err := crashed.Claim(ctx, 10)
		if err != nil || len(ms) != 1 {
			t.Fatalf("Claim = %v, %v; want one message", ms, err)
		}

		var seen []outbox.Message
		survivor := outbox.New(db, nil, clk.Now)
		survivor.Register("notify.send", func(ctx context.Context, m outbox.Message) error {
			seen = append(seen, m)
			return nil
		})
		processDue(t, survivor, 0) // the lease still holds
		clk.Advance(crashed.Lease() - time.Microsecond)
		processDue(t, survivor, 0)
		clk.Advance(time.Microsecond)
		processDue(t, survivor, 1)
		want := []outbox.Message{{ID: ms[0].ID, Topic: "notify.send", Key: "k", RunAt: sqldb.Now(testNow), Attempt: 1}}
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Fatalf("rerun (-want +got):\n%s", diff)
		}
		if r := rows(t, db)[0]; r.State != "done" || r.Attempts != 2 {
			t.Fatalf("row: %+v", r)
		}
	})
}

func TestRepeatedCrashesMakeDead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		runs := 0
		q.Register("poison", func(context.Context, outbox.Message) error { runs++; return nil }, outbox.MaxAttempts(2))
		enqueue(t, db, q, outbox.Message{Topic: "poison"})
		for range 2 { // each run kills its worker
			if ms, err := q.Claim(ctx, 1); err != nil || len(ms) != 1 {
				t.Fatalf("Claim = %v, %v", ms, err)
			}
			clk.Advance(q.Lease())
		}
		processDue(t, q, 1)
		if runs != 0 {
			t.Fatalf("runs = %d, want 0: a message that exhausted its attempts must not run again", runs)
		}
		if r := rows(t, db)[0]; r.State != "dead" || r.LastError != "gave up after 2 runs; the last never finished" {
			t.Fatalf("row: %+v", r)
		}
	})
}

func TestLateFinishAfterTakeoverIsIgnored(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		slow := outbox.New(db, nil, clk.Now)
		fast := outbox.New(db, nil, clk.Now)
		var fastRuns int
		fast.Register("job", func(context.Context, outbox.Message) error { fastRuns++; return nil })
		// slow's handler outlives its lease: while it hangs, fast takes the
		// message over and finishes it; then slow's failure arrives late.
		slow.Register("job", func(ctx context.Context, m outbox.Message) error {
			clk.Advance(slow.Lease())
			processDue(t, fast, 1)
			return errors.New("too late")
		})
		enqueue(t, db, slow, outbox.Message{Topic: "job"})
		processDue(t, slow, 1)
		if r := rows(t, db)[0]; r.State != "done" || r.LastError != "" || fastRuns != 1 {
			t.Fatalf("row: %+v, fast runs %d", r, fastRuns)
		}
	})
}

func TestBackoffOptions(t *testing.T) {
	db := storetest.OpenSQLite(t)
	clk := newClock()
	q := outbox.New(db, nil, clk.Now)
	q.Register("x", func(context.Context, outbox.Message) error { return errors.New("no") },
		outbox.Backoff(time.Second, 4*time.Second), outbox.MaxAttempts(100))
	enqueue(t, db, q, outbox.Message{Topic: "x"})
	// Delays double from the base and stop at the cap.
	for n, full := range []time.Duration{1, 2, 4, 4, 4} {
		full *= time.Second
		start := sqldb.Now(clk.Now())
		processDue(t, q, 1)
		wait := rows(t, db)[0].RunAt.Sub(start)
		if wait < full/2 || wait > full {
			t.Fatalf("failure %d: retry in %s, want between %s and %s", n+1, wait, full/2, full)
		}
		clk.Advance(wait)
	}
}

func TestLogsNeverHoldPayloads(t *testing.T) {
	db := storetest.OpenSQLite(t)
	log, logs := newLogger()
	clk := newClock()
	q := outbox.New(db, log, clk.Now)
	q.Register("notify.send", func(ctx context.Context, m outbox.Message) error {
		if m.Attempt == 0 {
			return errors.New("gateway down")
		}
		return outbox.Permanent(errors.New("rejected"))
	})
	enqueue(t, db, q, outbox.Message{Topic: "notify.send", Key: "k", Payload: []byte(`{"phone":"+79161234567"}`)})
	processDue(t, q, 1)
	clk.Advance(time.Hour)
	processDue(t, q, 1)
	got := logs.String()
	for _, want := range []string{"topic=notify.send", "id=1", "attempt=1", "gateway down", "rejected"} {
		if !strings.Contains(got, want) {
			t.Errorf("logs lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "79161234567") {
		t.Errorf("logs hold the payload:\n%s", got)
	}
}
