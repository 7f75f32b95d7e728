// Package outbox carries out Okno's side effects durably. A side effect
// (send a notification, call a registry, escalate a case) is a message row
// written in the same transaction as the state change that causes it; workers
// claim due messages, run their topic's handler, retry with backoff, and mark
// them done. Scheduled jobs are messages with a future due time; recurring
// jobs (Every) re-enqueue their next slot when a run finishes. Nothing is
// lost on a crash: an unfinished claim expires and the message runs again, so
// handlers must be idempotent, keyed by the message's ID or Key.
//
// The package never logs payloads (they may hold sealed personal data), never
// runs a handler inside a database transaction, and keeps no truth in memory:
// every schedule is a row.
package outbox

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"sync/atomic"
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

// DefaultPollInterval is how often idle workers look for due messages that
// no local commit announced: scheduled jobs coming due, messages enqueued by
// another node, retries whose backoff has passed.
const DefaultPollInterval = time.Second

// leaseGrace is added to a handler's timeout to make its lease, so a handler
// that returns right at its deadline can still record the outcome before
// another worker may claim the message again.
const leaseGrace = 30 * time.Second

// Queue is the outbox of one database: it enqueues messages and runs the
// handlers registered on it. One Queue per process; Run it once.
type Queue struct {
	db   *sqldb.DB
	log  *slog.Logger
	now  func() time.Time
	poll time.Duration

	// node names this process in claim tokens (locked_by), so an operator can
	// see who holds a message; seq makes each claim's token unique, so a
	// worker whose lease was taken over cannot finish the new claim.
	node string
	seq  atomic.Int64

	// wake has room for one signal: a commit that enqueued due work leaves
	// one there, and an idle worker loop takes it instead of waiting to poll.
	wake chan struct{}

	mu          sync.Mutex
	topics      map[string]topic
	rand        *rand.Rand // jitter source, seeded per Queue; guarded by mu
	lastUnknown time.Time  // when unknown topics were last looked for; guarded by mu
}

// New returns a queue on db. now is the clock used for due times, leases and
// backoff (time.Now in production, a fake in tests); log receives one line per
// failure and never a payload. A nil log discards.
func New(db *sqldb.DB, log *slog.Logger, now func() time.Time) *Queue {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var seed [16]byte
	crand.Read(seed[:]) // never fails (crypto/rand panics rather than return an error)
	return &Queue{
		db:     db,
		log:    log,
		now:    now,
		poll:   DefaultPollInterval,
		node:   nodeName(seed[:4]),
		wake:   make(chan struct{}, 1),
		topics: map[string]topic{},
		rand:   rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:]))),
	}
}

// nodeName is host/pid/random, unique per Queue even when two run in one process.
func nodeName(r []byte) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(r))
}

// Register makes h the handler of topic on this node. Messages of topics no
// handler is registered for stay pending: a newer node may know them.
// Registering a topic again replaces its handler and options.
func (q *Queue) Register(topicName string, h Handler, opts ...Option) {
	if topicName == "" || h == nil {
		panic("outbox: Register needs a topic and a handler")
	}
	t := topic{handler: h, retry: defaultRetry}
	for _, o := range opts {
		o(&t.retry)
	}
	q.mu.Lock()
	q.topics[topicName] = t
	q.mu.Unlock()
}

// handler returns the topic's registration.
func (q *Queue) handler(name string) (topic, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	t, ok := q.topics[name]
	return t, ok
}

// registered returns the known topic names, sorted so claim queries are the
// same text each time, and the lease a claim of any of them needs.
func (q *Queue) registered() (names []string, lease time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for name, t := range q.topics {
		names = append(names, name)
		lease = max(lease, t.retry.timeout)
	}
	sort.Strings(names)
	return names, lease + leaseGrace
}

// Enqueue writes m in the caller's transaction, so it is carried out if and
// only if that transaction commits. A non-empty Key already used for the
// topic makes this a silent no-op. Keys starting with "every:" are reserved
// for recurring jobs.
func (q *Queue) Enqueue(ctx context.Context, tx *sqldb.Tx, m Message) error {
	if m.Topic == "" {
		return errors.New("outbox: enqueue: message has no topic")
	}
	now := sqldb.Now(q.now())
	runAt := now
	if !m.RunAt.IsZero() {
		runAt = sqldb.Now(m.RunAt)
	}
	if err := insert(ctx, tx, m.Topic, m.Key, m.Payload, runAt, 0, now); err != nil {
		return fmt.Errorf("outbox: enqueue %s: %w", m.Topic, err)
	}
	if !runAt.After(now) {
		tx.AfterCommit(q.wakeUp)
	}
	return nil
}

// insert writes one pending message; a duplicate (topic, key) is skipped.
// The conflict target names the partial index's predicate, which both
// engines need to match it.
func insert(ctx context.Context, tx *sqldb.Tx, topic, key string, payload []byte, runAt time.Time, every time.Duration, now time.Time) error {
	var k any
	if key != "" {
		k = key
	}
	if len(payload) == 0 {
		payload = nil // stored as NULL, read back as a nil RawMessage
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (topic, key, payload, run_at, every_us, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (topic, key) WHERE key IS NOT NULL DO NOTHING`,
		topic, k, payload, runAt, every.Microseconds(), now)
	return err
}

// wakeUp tells an idle worker loop that due work was committed. It never
// blocks: one pending signal is enough, as a claim takes everything due.
func (q *Queue) wakeUp() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
