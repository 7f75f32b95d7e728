package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// Group commit.
//
// A durable commit costs an fsync (SQLite with synchronous=FULL) or a WAL
// flush (PostgreSQL), and on SQLite every writer waits for the one writer
// connection. When many independent units of work arrive at once — citizens
// submitting appeals, Open311 clients posting requests — committing each on
// its own makes the disk the limit. InTxGroup lets concurrent callers share
// one transaction: a committer takes whatever units are queued, runs each in
// its own SAVEPOINT (so one unit's failure undoes only that unit), and
// commits them all with one flush. Nobody waits for a batch to fill: a
// unit that arrives while the disk is busy simply rides with the next
// commit, so an idle system commits each unit at once and a busy one
// batches as much as the load brings.
//
// Every caller still returns only after its own unit is durable, with its
// own error, and its AfterCommit functions run only if the commit succeeded.

// maxGroup bounds the units one commit carries, so one commit's latency
// stays bounded under any load.
const maxGroup = 128

// groupUnit is one caller's unit of work waiting for a committer.
type groupUnit struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan groupResult
}

type groupResult struct {
	err    error
	panicV any // a panic in fn, re-raised in the caller's goroutine
}

// grouper is a DB's queue of units and its committers.
type grouper struct {
	mu     sync.RWMutex // held for reading while queueing, for writing while closing
	closed bool
	once   sync.Once
	queue  chan *groupUnit
	stop   chan struct{}
	wg     sync.WaitGroup
}

// committers is how many batches may be in flight at once: SQLite has one
// writer; PostgreSQL commits in parallel on separate connections.
func (db *DB) committers() int {
	if db.dialect == Postgres {
		return 4
	}
	return 1
}

// errClosed is what units get when the database closes before they run.
var errClosed = errors.New("sqldb: database closed")

// InTxGroup is InTx for independent units of work that may share a commit
// with other callers' units (see "Group commit" above). fn must not depend
// on running in a transaction of its own: it runs inside a savepoint of a
// transaction that may hold other units, sees their writes, and must not
// begin or end transactions itself. Use it for high-rate inserts whose
// callers wait for durability; use InTx for everything else.
func (db *DB) InTxGroup(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g := &db.group
	g.once.Do(func() { db.startGroup() })
	u := &groupUnit{ctx: ctx, fn: fn, done: make(chan groupResult, 1)}
	g.mu.RLock()
	if g.closed || g.queue == nil {
		g.mu.RUnlock()
		return errClosed
	}
	select {
	case g.queue <- u:
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	g.mu.RUnlock()
	// Once queued, the unit runs or fails with the batch: the caller waits
	// for its result even if its context ends, because the unit may already
	// be committed and the caller must learn so.
	r := <-u.done
	if r.panicV != nil {
		panic(r.panicV)
	}
	return r.err
}

func (db *DB) startGroup() {
	g := &db.group
	g.queue = make(chan *groupUnit, maxGroup*4)
	g.stop = make(chan struct{})
	for i := 0; i < db.committers(); i++ {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			db.commitLoop()
		}()
	}
}

// stopGroup ends the committers after they finish what is queued; called
// by Close.
func (db *DB) stopGroup() {
	g := &db.group
	g.once.Do(func() {}) // no committers start after Close
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	if g.stop != nil {
		close(g.stop)
		g.wg.Wait()
	}
}

func (db *DB) commitLoop() {
	g := &db.group
	batch := make([]*groupUnit, 0, maxGroup)
	for {
		batch = batch[:0]
		select {
		case u := <-g.queue:
			batch = append(batch, u)
		case <-g.stop:
			// Nobody queues after closed is set: drain what is queued so
			// that no caller waits forever.
			for {
				select {
				case u := <-g.queue:
					db.runBatch([]*groupUnit{u})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < maxGroup {
			select {
			case u := <-g.queue:
				batch = append(batch, u)
			default:
				break fill
			}
		}
		db.runBatch(batch)
	}
}

// runBatch runs the units in one transaction, each in its savepoint, and
// commits. A unit whose fn fails is rolled back to its savepoint and gets
// its error; a failed commit fails every unit that had succeeded.
func (db *DB) runBatch(batch []*groupUnit) {
	// The transaction outlives any one caller's context: a caller that
	// gives up must not roll back the others' work.
	stx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("sqldb: begin: %w", classify(err))
		for _, u := range batch {
			u.done <- groupResult{err: err}
		}
		return
	}
	type ok struct {
		u  *groupUnit
		tx *Tx
	}
	var passed []ok
	for i, u := range batch {
		if err := u.ctx.Err(); err != nil {
			u.done <- groupResult{err: err}
			continue
		}
		sp := "okno_unit_" + strconv.Itoa(i)
		if _, err := stx.ExecContext(context.Background(), "SAVEPOINT "+sp); err != nil {
			// The transaction itself is broken: fail everything.
			_ = stx.Rollback()
			err = fmt.Errorf("sqldb: savepoint: %w", classify(err))
			for _, p := range passed {
				p.u.done <- groupResult{err: err}
			}
			for _, rest := range batch[i:] {
				rest.done <- groupResult{err: err}
			}
			return
		}
		tx := &Tx{tx: stx, db: db}
		res := runUnit(u, tx)
		if res.err != nil || res.panicV != nil {
			if _, rerr := stx.ExecContext(context.Background(), "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
				_ = stx.Rollback()
				rerr = fmt.Errorf("sqldb: rollback to savepoint: %w", classify(rerr))
				u.done <- res
				for _, p := range passed {
					p.u.done <- groupResult{err: rerr}
				}
				for _, rest := range batch[i+1:] {
					rest.done <- groupResult{err: rerr}
				}
				return
			}
			u.done <- res
			continue
		}
		// RELEASE keeps the savepoint stack shallow; the work stays in the
		// enclosing transaction.
		if _, err := stx.ExecContext(context.Background(), "RELEASE SAVEPOINT "+sp); err != nil {
			_ = stx.Rollback()
			err = fmt.Errorf("sqldb: release savepoint: %w", classify(err))
			u.done <- groupResult{err: err}
			for _, p := range passed {
				p.u.done <- groupResult{err: err}
			}
			for _, rest := range batch[i+1:] {
				rest.done <- groupResult{err: err}
			}
			return
		}
		passed = append(passed, ok{u, tx})
	}
	if len(passed) == 0 {
		_ = stx.Rollback()
		return
	}
	if err := stx.Commit(); err != nil {
		err = fmt.Errorf("sqldb: commit: %w", classify(err))
		for _, p := range passed {
			p.u.done <- groupResult{err: err}
		}
		return
	}
	for _, p := range passed {
		for _, f := range p.tx.afterCommit {
			f()
		}
		p.u.done <- groupResult{}
	}
}

// runUnit runs one unit's fn, turning a panic into a result for its caller.
func runUnit(u *groupUnit, tx *Tx) (res groupResult) {
	defer func() {
		if p := recover(); p != nil {
			res = groupResult{panicV: p}
		}
	}()
	return groupResult{err: u.fn(tx)}
}
