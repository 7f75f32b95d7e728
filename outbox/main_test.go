package outbox_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 123456789, time.UTC)

// clock is a fake time source that moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: testNow} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// row is what a test checks of one stored message.
type row struct {
	Topic     string
	Key       string
	State     string
	Attempts  int
	LastError string
	RunAt     time.Time
	Locked    bool
}

// rows returns every stored message in id order.
func rows(t *testing.T, db *sqldb.DB) []row {
	t.Helper()
	rs, err := db.QueryContext(context.Background(), `SELECT topic, key, state, attempts, last_error, run_at, locked_by
		FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		var key, lockedBy sql.NullString
		if err := rs.Scan(&r.Topic, &key, &r.State, &r.Attempts, &r.LastError, &r.RunAt, &lockedBy); err != nil {
			t.Fatal(err)
		}
		r.Key, r.Locked = key.String, lockedBy.Valid
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// enqueue commits one transaction holding ms.
func enqueue(t testing.TB, db *sqldb.DB, q *outbox.Queue, ms ...outbox.Message) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		for _, m := range ms {
			if err := q.Enqueue(context.Background(), tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// processDue runs one ProcessDue pass and checks how many messages it ran.
func processDue(t *testing.T, q *outbox.Queue, want int) {
	t.Helper()
	got, err := q.ProcessDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("ProcessDue ran %d messages, want %d", got, want)
	}
}

// logBuffer collects a test's log output, so tests can check what is logged
// and, above all, what is not.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLogger returns a logger that keeps every level in the returned buffer.
func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}
