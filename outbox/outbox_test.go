package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestEnqueueInRolledBackTxLeavesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		q := outbox.New(db, nil, newClock().Now)
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := q.Enqueue(ctx, tx, outbox.Message{Topic: "notify.send", Key: "k"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		if got := rows(t, db); len(got) != 0 {
			t.Fatalf("rows after rollback = %v, want none", got)
		}
		// The same key is still free.
		enqueue(t, db, q, outbox.Message{Topic: "notify.send", Key: "k"})
		if got := len(rows(t, db)); got != 1 {
			t.Fatalf("rows = %d, want 1", got)
		}
	})
}

func TestEnqueueDuplicateKeyIsNoop(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		enqueue(t, db, q,
			outbox.Message{Topic: "notify.send", Key: "case:1"},
			outbox.Message{Topic: "notify.send", Key: "case:1"},  // same tx
			outbox.Message{Topic: "registry.ask", Key: "case:1"}, // other topic
			outbox.Message{Topic: "notify.send"},                 // no key: never a duplicate
			outbox.Message{Topic: "notify.send"},
		)
		var seen []string
		q.Register("notify.send", func(ctx context.Context, m outbox.Message) error {
			seen = append(seen, m.Key)
			return nil
		})
		processDue(t, q, 3)
		// A duplicate of a message already done is still a no-op.
		enqueue(t, db, q, outbox.Message{Topic: "notify.send", Key: "case:1"})
		processDue(t, q, 0)

		now := sqldb.Now(clk.Now())
		want := []row{
			{Topic: "notify.send", Key: "case:1", State: "done", Attempts: 1, RunAt: now},
			{Topic: "registry.ask", Key: "case:1", State: "pending", RunAt: now},
			{Topic: "notify.send", State: "done", Attempts: 1, RunAt: now},
			{Topic: "notify.send", State: "done", Attempts: 1, RunAt: now},
		}
		if diff := cmp.Diff(want, rows(t, db)); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"case:1", "", ""}, seen); diff != "" {
			t.Errorf("handled keys (-want +got):\n%s", diff)
		}
	})
}

func TestSuccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		var got []outbox.Message
		q.Register("notify.send", func(ctx context.Context, m outbox.Message) error {
			got = append(got, m)
			return nil
		})
		later := clk.Now().Add(time.Hour)
		enqueue(t, db, q,
			outbox.Message{Topic: "notify.send", Key: "a", Payload: json.RawMessage(`{"case": 7}`)},
			outbox.Message{Topic: "notify.send", Key: "scheduled", RunAt: later},
		)
		processDue(t, q, 1)
		want := []outbox.Message{{ID: 1, Topic: "notify.send", Key: "a", Payload: json.RawMessage(`{"case": 7}`), RunAt: sqldb.Now(testNow)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("handled (-want +got):\n%s", diff)
		}

		// The scheduled job waits for its time, then runs.
		clk.Advance(time.Hour - time.Microsecond)
		processDue(t, q, 0)
		clk.Advance(time.Microsecond)
		processDue(t, q, 1)
		want = append(want, outbox.Message{ID: 2, Topic: "notify.send", Key: "scheduled", RunAt: sqldb.Now(later)})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("handled (-want +got):\n%s", diff)
		}
		processDue(t, q, 0)
	})
}

func TestEnqueueRejectsMessageWithoutTopic(t *testing.T) {
	db := storetest.OpenSQLite(t)
	q := outbox.New(db, nil, newClock().Now)
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return q.Enqueue(context.Background(), tx, outbox.Message{Key: "k"})
	})
	if err == nil {
		t.Fatal("Enqueue without a topic succeeded")
	}
}

func TestUnknownTopicStaysPending(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		q := outbox.New(db, nil, newClock().Now)
		q.Register("known", func(context.Context, outbox.Message) error { return nil })
		enqueue(t, db, q, outbox.Message{Topic: "from.newer.node"})
		processDue(t, q, 0)
		if diff := cmp.Diff("pending", rows(t, db)[0].State); diff != "" {
			t.Fatalf("state (-want +got):\n%s", diff)
		}
		// A node that knows the topic runs it.
		newer := outbox.New(db, nil, newClock().Now)
		newer.Register("from.newer.node", func(context.Context, outbox.Message) error { return nil })
		processDue(t, newer, 1)
		if diff := cmp.Diff("done", rows(t, db)[0].State); diff != "" {
			t.Fatalf("state (-want +got):\n%s", diff)
		}
	})
}

func TestStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clk := newClock()
		q := outbox.New(db, nil, clk.Now)
		q.Register("work", func(context.Context, outbox.Message) error { return nil })
		q.Register("fail", func(context.Context, outbox.Message) error { return outbox.Permanent(errors.New("no")) })
		enqueue(t, db, q,
			outbox.Message{Topic: "fail"},
			outbox.Message{Topic: "work", RunAt: clk.Now().Add(time.Hour)},
		)
		processDue(t, q, 1)
		clk.Advance(10 * time.Second)
		enqueue(t, db, q, outbox.Message{Topic: "work"}, outbox.Message{Topic: "work"}, outbox.Message{Topic: "other"})
		clk.Advance(5 * time.Second)
		if _, err := q.Claim(ctx, 1); err != nil {
			t.Fatal(err)
		}
		got, err := q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := outbox.Stats{Pending: 4, Due: 2, Running: 1, Dead: 1, Lag: 5 * time.Second}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Stats (-want +got):\n%s", diff)
		}
	})
}
