// Package outbox carries out Okno's side effects durably. A side effect
// (send a notification, call a registry, escalate a case) is a message row
// written in the same transaction as the state change that causes it; workers
// claim due messages, run their topic's handler, retry with backoff, and mark
// them done. Scheduled jobs are messages with a future due time. Nothing is
// lost on a crash: an unfinished claim expires and the message runs again, so
// handlers must be idempotent, keyed by the message's ID or Key.
package outbox

import (
	"context"
	"encoding/json"
	"time"

	"github.com/okno/okno/sqldb"
)

// Message is one side effect to carry out.
type Message struct {
	ID      int64
	Topic   string          // handler name, e.g. "notify.send", "audit.checkpoint"
	Key     string          // idempotency key, unique per topic; empty means none. Enqueueing a duplicate key is a no-op.
	Payload json.RawMessage // handler input. Never personal data in plaintext: IDs, or vault-sealed bytes.
	RunAt   time.Time       // zero means now
	Attempt int             // how many times it has been tried before this run (set by the worker)
}

// Enqueuer is what a feature needs to emit side effects; *Queue implements it.
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *sqldb.Tx, m Message) error
}

// Handler carries out one message. Returning an error retries it with backoff;
// returning Permanent(err) gives up at once and marks it dead.
type Handler func(ctx context.Context, m Message) error
