package outbox

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/okno/okno/sqldb"
)

// claimed is a message this worker holds a lease on.
type claimed struct {
	Message
	every time.Duration // recurring interval; 0 for a one-off
	token string        // locked_by of this claim
}

// finishTimeout bounds recording a run's outcome. The write runs on a context
// detached from Run's, so a shutdown does not throw away a finished run.
const finishTimeout = 30 * time.Second

// maxProcessDue bounds one ProcessDue pass.
const maxProcessDue = 100

// Run carries out due messages with up to workers handlers at a time until
// ctx is cancelled. It then stops claiming, waits for the handlers in flight
// to finish (they keep running on a context that is not cancelled, bounded
// by their timeout) and returns nil. Database errors are logged and retried
// at the poll interval: a restarting database does not stop the workers.
func (q *Queue) Run(ctx context.Context, workers int) error {
	if workers < 1 {
		return fmt.Errorf("outbox: run: workers must be at least 1, not %d", workers)
	}
	busy := make(chan struct{}, workers) // one token per running handler
	var wg sync.WaitGroup
	defer wg.Wait()
	detached := context.WithoutCancel(ctx)
	poll := time.NewTimer(q.poll)
	defer poll.Stop()
	for {
		n := acquire(ctx, busy)
		if n == 0 {
			return nil
		}
		ms, err := q.claim(ctx, n)
		if err != nil && ctx.Err() == nil {
			q.log.Error("outbox: claim failed", "error", err)
		}
		for range n - len(ms) {
			<-busy
		}
		for _, c := range ms {
			wg.Go(func() {
				defer func() { <-busy }()
				q.handle(detached, c)
			})
		}
		if err == nil && len(ms) == n {
			continue // a full batch: more may be due
		}
		if err == nil && len(ms) == 0 {
			q.warnUnknown(ctx)
		}
		poll.Reset(q.poll)
		select {
		case <-ctx.Done():
			return nil
		case <-q.wake:
		case <-poll.C:
		}
	}
}

// acquire waits for one free worker, then takes every other free one without
// waiting, so one claim fetches as many messages as there are idle workers.
// It returns how many it took, or 0 once ctx is done.
func acquire(ctx context.Context, busy chan struct{}) int {
	select {
	case busy <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < cap(busy) {
		select {
		case busy <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

// ProcessDue runs due messages one at a time in the caller's goroutine until
// none is due (or 100 have run, so a handler that enqueues due work cannot
// keep the caller busy forever) and returns how many it ran. Tests and CLI
// commands use it instead of Run.
func (q *Queue) ProcessDue(ctx context.Context) (int, error) {
	for n := 0; n < maxProcessDue; n++ {
		ms, err := q.claim(ctx, 1)
		if err != nil {
			return n, err
		}
		if len(ms) == 0 {
			if n == 0 {
				q.warnUnknown(ctx)
			}
			return n, nil
		}
		q.handle(ctx, ms[0])
	}
	return maxProcessDue, nil
}

// claim leases up to n due messages of the registered topics to one new
// token, for the longest handler timeout plus a grace period. On PostgreSQL the
// inner SELECT skips rows other claimers have locked; on SQLite the single
// writer makes the statement atomic by itself.
func (q *Queue) claim(ctx context.Context, n int) ([]claimed, error) {
	names, lease := q.registered()
	if len(names) == 0 {
		return nil, nil
	}
	now := sqldb.Now(q.now())
	token := q.node + "#" + strconv.FormatInt(q.seq.Add(1), 10)
	args := []any{token, now.Add(lease), now, now}
	for _, name := range names {
		args = append(args, name)
	}
	args = append(args, n)
	lock := ""
	if q.db.Dialect() == sqldb.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	query := `UPDATE outbox SET locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM outbox
			WHERE state = 'pending' AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
				AND topic IN (?` + strings.Repeat(", ?", len(names)-1) + `)
			ORDER BY run_at, id
			LIMIT ?` + lock + `)
		RETURNING id, topic, key, payload, run_at, attempts, every_us`
	var ms []claimed
	err := q.db.InTx(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := claimed{token: token}
			var key sql.NullString
			var payload []byte
			var everyUS int64
			if err := rows.Scan(&c.ID, &c.Topic, &key, &payload, &c.RunAt, &c.Attempt, &everyUS); err != nil {
				return err
			}
			c.Key, c.Payload, c.RunAt = key.String, payload, c.RunAt.UTC()
			c.Attempt-- // the column counts this run; Attempt counts the ones before it
			c.every = time.Duration(everyUS) * time.Microsecond
			ms = append(ms, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: claim: %w", err)
	}
	// RETURNING promises no order; run the oldest first.
	slices.SortFunc(ms, func(a, b claimed) int {
		if c := a.RunAt.Compare(b.RunAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ms, nil
}

// handle runs one claimed message and records the outcome.
func (q *Queue) handle(ctx context.Context, c claimed) {
	t, ok := q.handler(c.Topic)
	if !ok {
		// Unreachable: claims name only registered topics, and topics are never
		// unregistered. Let the lease expire rather than guess.
		return
	}
	if c.Attempt >= t.retry.maxAttempts {
		// The last run never reported back: its worker died mid-run, and it
		// was the last one allowed.
		q.finish(ctx, c, "dead", fmt.Sprintf("gave up after %d runs; the last never finished", c.Attempt))
		return
	}
	err := q.call(ctx, t, c.Message)
	switch {
	case err == nil:
		q.finish(ctx, c, "done", "")
	case IsPermanent(err) || c.Attempt+1 >= t.retry.maxAttempts:
		q.finish(ctx, c, "dead", err.Error())
	default:
		q.mu.Lock()
		delay := t.retry.backoff(c.Attempt+1, q.rand.Int64N)
		q.mu.Unlock()
		q.retry(ctx, c, err, sqldb.Now(q.now().Add(delay)))
	}
}

// call runs the handler with its timeout, turning a panic into an error so a
// faulty handler costs one message a retry, not the whole process.
func (q *Queue) call(ctx context.Context, t topic, m Message) (err error) {
	ctx, cancel := context.WithTimeout(ctx, t.retry.timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
			q.log.Error("outbox: handler panicked", "topic", m.Topic, "id", m.ID, "attempt", m.Attempt,
				"error", err, "stack", string(debug.Stack()))
		}
	}()
	return t.handler(ctx, m)
}

// errLeaseLost rolls back an outcome whose claim was taken over.
var errLeaseLost = errors.New("lease lost")

// finish marks a message done or dead. A recurring job's next slot is
// enqueued in the same transaction, so the chain survives any crash.
func (q *Queue) finish(ctx context.Context, c claimed, state, lastError string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	now := sqldb.Now(q.now())
	err := q.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var res sql.Result
		var err error
		if state == "done" {
			res, err = tx.ExecContext(ctx, `UPDATE outbox
				SET state = 'done', finished_at = ?, locked_by = NULL, locked_until = NULL
				WHERE id = ? AND locked_by = ?`, now, c.ID, c.token)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE outbox
				SET state = 'dead', finished_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
				WHERE id = ? AND locked_by = ?`, now, truncate(lastError), c.ID, c.token)
		}
		if err := owned(res, err); err != nil {
			return err
		}
		if c.every > 0 {
			return q.enqueueNextSlot(ctx, tx, c.Topic, c.every, now)
		}
		return nil
	})
	q.logOutcome(c, state, lastError, err)
}

// retry releases a failed message to run again at at.
func (q *Queue) retry(ctx context.Context, c claimed, cause error, at time.Time) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	res, err := q.db.ExecContext(ctx, `UPDATE outbox
		SET run_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
		WHERE id = ? AND locked_by = ?`, at, truncate(cause.Error()), c.ID, c.token)
	err = owned(res, err)
	switch {
	case errors.Is(err, errLeaseLost):
		q.log.Warn("outbox: lease lost before the run failed", "topic", c.Topic, "id", c.ID, "attempt", c.Attempt, "error", cause)
	case err != nil:
		q.log.Error("outbox: cannot record a failed run; it runs again when its lease expires",
			"topic", c.Topic, "id", c.ID, "attempt", c.Attempt, "error", cause, "record_error", err)
	default:
		q.log.Warn("outbox: handler failed; will retry", "topic", c.Topic, "id", c.ID, "attempt", c.Attempt,
			"error", cause, "retry_at", at)
	}
}

// owned turns an UPDATE that matched no row into errLeaseLost: the lease
// expired and another worker claimed the message meanwhile.
func owned(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errLeaseLost
	}
	return nil
}

func (q *Queue) logOutcome(c claimed, state, lastError string, err error) {
	attrs := []any{"topic", c.Topic, "id", c.ID, "attempt", c.Attempt}
	switch {
	case errors.Is(err, errLeaseLost):
		q.log.Warn("outbox: lease lost before the run finished; another worker holds it", attrs...)
	case err != nil:
		q.log.Error("outbox: cannot record a finished run; it runs again when its lease expires",
			append(attrs, "state", state, "error", err)...)
	case state == "dead":
		q.log.Error("outbox: message is dead", append(attrs, "error", lastError)...)
	default:
		q.log.Debug("outbox: done", attrs...)
	}
}

// truncate keeps stored errors short: a handler may wrap a whole response body.
func truncate(s string) string {
	const n = 2000
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// unknownCheckEvery spaces out the reminders about topics no handler knows.
const unknownCheckEvery = time.Minute

// warnUnknown logs, at most once a minute, the due messages whose topic has
// no handler here. They are left pending (a newer node may know them), but
// someone should hear about them.
func (q *Queue) warnUnknown(ctx context.Context) {
	now := sqldb.Now(q.now())
	q.mu.Lock()
	if !q.lastUnknown.IsZero() && now.Sub(q.lastUnknown) < unknownCheckEvery {
		q.mu.Unlock()
		return
	}
	q.lastUnknown = now
	q.mu.Unlock()
	names, _ := q.registered()
	args := []any{now}
	notIn := ""
	if len(names) > 0 {
		notIn = " AND topic NOT IN (?" + strings.Repeat(", ?", len(names)-1) + ")"
		for _, n := range names {
			args = append(args, n)
		}
	}
	rows, err := q.db.QueryContext(ctx, `SELECT topic, COUNT(*) FROM outbox
		WHERE state = 'pending' AND run_at <= ?`+notIn+` GROUP BY topic`, args...)
	if err != nil {
		if ctx.Err() == nil {
			q.log.Error("outbox: look for unknown topics", "error", err)
		}
		return
	}
	defer rows.Close()
	for rows.Next() {
		var topic string
		var n int64
		if err := rows.Scan(&topic, &n); err != nil {
			q.log.Error("outbox: look for unknown topics", "error", err)
			return
		}
		q.log.Error("outbox: no handler for topic on this node; its messages stay pending", "topic", topic, "due", n)
	}
}
