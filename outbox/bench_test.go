package outbox_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// benchEngines runs fn on SQLite with synchronous FULL (the durable default)
// and on PostgreSQL when OKNO_TEST_POSTGRES is set.
func benchEngines(b *testing.B, fn func(b *testing.B, db *sqldb.DB)) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: b.TempDir(), Synchronous: "FULL"})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		fn(b, db)
	})
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, storetest.OpenPostgres(b)) })
	}
}

// BenchmarkEnqueue measures one committed transaction per message, as a user
// action that emits one side effect pays for it.
func BenchmarkEnqueue(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *sqldb.DB) {
		ctx := context.Background()
		q := outbox.New(db, nil, time.Now)
		payload := []byte(`{"case":123456,"event":"status_changed"}`)
		b.ReportAllocs()
		for b.Loop() {
			err := db.InTx(ctx, func(tx *sqldb.Tx) error {
				return q.Enqueue(ctx, tx, outbox.Message{Topic: "notify.send", Payload: payload})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDrain measures how fast Run with 8 workers carries out a backlog
// with a handler that does nothing: the queue's own cost per message.
func BenchmarkDrain(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *sqldb.DB) {
		ctx := context.Background()
		q := outbox.New(db, nil, time.Now)
		var handled atomic.Int64
		all := make(chan struct{})
		n := int64(b.N)
		q.Register("noop", func(context.Context, outbox.Message) error {
			if handled.Add(1) == n {
				close(all)
			}
			return nil
		})
		for i := 0; i < b.N; i += 1000 {
			ms := make([]outbox.Message, 0, 1000)
			for j := i; j < min(i+1000, b.N); j++ {
				ms = append(ms, outbox.Message{Topic: "noop", Payload: []byte(`{"n":1}`)})
			}
			enqueue(b, db, q, ms...)
		}
		b.ResetTimer()
		start := time.Now()
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- q.Run(runCtx, 8) }()
		<-all
		cancel()
		if err := <-done; err != nil { // waits for the last outcomes to be written
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		s, err := q.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if s.Pending != 0 {
			b.Fatalf("%d messages still pending", s.Pending)
		}
	})
}
