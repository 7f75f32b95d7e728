package outbox_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// waitFor polls cond until it holds or a minute passes (generous: the race
// detector on a busy machine slows fsync-bound SQLite runs a lot). Only Run's
// goroutines make progress meanwhile; correctness never rests on the wait.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runQueue starts q.Run and returns a function that stops it and reports
// Run's result.
func runQueue(t *testing.T, q *outbox.Queue, workers int) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, workers) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func TestManyWorkersRunEachMessageOnceAtATime(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		const messages = 500
		clk := newClock()
		var mu sync.Mutex
		running := map[int64]bool{}
		runs := map[int64]int{}
		var overlaps []int64
		handler := func(ctx context.Context, m outbox.Message) error {
			mu.Lock()
			if running[m.ID] {
				overlaps = append(overlaps, m.ID)
			}
			running[m.ID] = true
			runs[m.ID]++
			mu.Unlock()
			runtime.Gosched() // let other workers in while this one "works"
			mu.Lock()
			delete(running, m.ID)
			mu.Unlock()
			return nil
		}
		// Two nodes with four workers each share the database.
		log, logs := newLogger()
		var queues []*outbox.Queue
		for range 2 {
			q := outbox.New(db, log, clk.Now)
			q.Register("work", handler)
			queues = append(queues, q)
		}
		for i := 0; i < messages; i += 100 {
			var ms []outbox.Message
			for j := i; j < i+100; j++ {
				ms = append(ms, outbox.Message{Topic: "work", Key: fmt.Sprint(j)})
			}
			enqueue(t, db, queues[0], ms...)
		}
		for _, q := range queues {
			runQueue(t, q, 4)
		}
		waitFor(t, "every message to be done", func() bool {
			s, err := queues[0].Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return s.Pending == 0
		})
		mu.Lock()
		defer mu.Unlock()
		if len(overlaps) > 0 {
			t.Errorf("messages run by two workers at once: %v", overlaps)
		}
		if strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("workers reported trouble:\n%s", logs)
		}
		if len(runs) != messages {
			t.Errorf("%d distinct messages ran, want %d", len(runs), messages)
		}
		var states []string
		for _, r := range rows(t, db) {
			if r.State != "done" || r.Attempts != 1 {
				states = append(states, fmt.Sprintf("%s %s attempts=%d", r.Key, r.State, r.Attempts))
			}
		}
		// The clock stands still, so no lease expires: each message runs exactly once.
		if diff := cmp.Diff([]string(nil), states); diff != "" {
			t.Errorf("messages not done once (-want +got):\n%s", diff)
		}
	})
}

func TestRunWaitsForHandlersInFlight(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		q := outbox.New(db, nil, newClock().Now)
		started := make(chan struct{})
		release := make(chan struct{})
		var handlerErr error
		q.Register("slow", func(ctx context.Context, m outbox.Message) error {
			close(started)
			<-release
			handlerErr = ctx.Err()
			return nil
		})
		enqueue(t, db, q, outbox.Message{Topic: "slow"})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- q.Run(ctx, 2) }()
		<-started
		cancel()
		select {
		case err := <-done:
			t.Fatalf("Run returned (%v) while a handler was running", err)
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil after a graceful stop", err)
		}
		if handlerErr != nil {
			t.Errorf("handler context: %v, want it alive through shutdown", handlerErr)
		}
		if got := rows(t, db)[0].State; got != "done" {
			t.Errorf("state after shutdown = %q, want done", got)
		}
	})
}

func TestCommitWakesIdleWorkers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		q := outbox.New(db, nil, newClock().Now)
		q.SetPollInterval(time.Hour) // only a wake-up can explain a prompt run
		ran := make(chan struct{}, 1)
		q.Register("ping", func(context.Context, outbox.Message) error {
			ran <- struct{}{}
			return nil
		})
		runQueue(t, q, 1)
		for i := range 3 {
			enqueue(t, db, q, outbox.Message{Topic: "ping"})
			select {
			case <-ran:
			case <-time.After(10 * time.Second):
				t.Fatalf("message %d not run after its commit", i)
			}
		}
	})
}

func TestRunRejectsNoWorkers(t *testing.T) {
	q := outbox.New(storetest.OpenSQLite(t), nil, newClock().Now)
	if err := q.Run(context.Background(), 0); err == nil {
		t.Fatal("Run with no workers succeeded")
	}
}
