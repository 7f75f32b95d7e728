package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// The scheduler's sizes: how many due cases one claim leases, how many
// one transaction handles, for how long a lease holds, and how many one
// RunDue handles at most before it returns (the next run goes on).
const (
	claimBatch = 200
	txBatch    = 100
	leaseFor   = 5 * time.Minute
	maxRunDue  = 100_000
)

// claimDue selects due cases whose lease is free, earliest first. The
// partial index cases_next_due holds only cases with something due, so
// the scan reads due rows only, however many cases are open (a test
// checks the plan on both engines).
const claimDue = `SELECT id FROM cases
	WHERE next_due_at IS NOT NULL AND next_due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
	ORDER BY next_due_at LIMIT ?`

// Register registers the service's outbox handlers (the deadline scan,
// child-case completion).
func (s *Service) Register(q *outbox.Queue) {
	q.Register(DeadlinesTopic, func(ctx context.Context, _ outbox.Message) error {
		_, err := s.RunDue(ctx)
		return err
	}, outbox.MaxAttempts(3), outbox.Timeout(10*time.Minute))
	q.Register(ChildDoneTopic, s.handleChildDone)
}

// RunDue is one scan of the scheduler: it claims cases whose step clock or
// timeout is due (with a lease, so that nodes never take the same case)
// and escalates them or takes their timeout action. It returns how many
// cases it handled. It claims until nothing is due; a case whose handling
// fails keeps its lease and is tried again when the lease runs out.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	oc := newOrgCache(s.d.Orgs)
	handled := 0
	for handled < maxRunDue {
		ids, err := s.claim(ctx)
		if err != nil {
			return handled, err
		}
		for i := 0; i < len(ids); i += txBatch {
			n, err := s.runBatch(ctx, ids[i:min(i+txBatch, len(ids))], oc)
			handled += n
			if err != nil {
				return handled, err
			}
		}
		if len(ids) < claimBatch {
			break
		}
	}
	return handled, nil
}

// claim leases up to claimBatch due cases. On PostgreSQL the inner SELECT
// skips rows another node is claiming; on SQLite the single writer makes
// the statement atomic by itself.
func (s *Service) claim(ctx context.Context) ([]int64, error) {
	now := s.now()
	lock := ""
	if s.d.DB.Dialect() == sqldb.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var ids []int64
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE cases SET lease_until = ? WHERE id IN (`+claimDue+lock+`) RETURNING id`,
			now.Add(leaseFor), now, now, claimBatch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("casework: claim due cases: %w", err)
	}
	return ids, nil
}

// runBatch handles claimed cases in one transaction and returns how many
// it handled. It first tries them all at once; should one fail, the
// transaction is rolled back and the batch done again with a savepoint
// around each case, so that the failing one (logged, left to its lease to
// be tried again later) does not hold up the others.
func (s *Service) runBatch(ctx context.Context, ids []int64, oc *orgCache) (int, error) {
	n, err := s.handleBatch(ctx, ids, oc, false)
	if err == nil {
		return n, nil
	}
	n, err = s.handleBatch(ctx, ids, oc, true)
	if err != nil {
		return 0, fmt.Errorf("casework: handle due cases: %w", err)
	}
	return n, nil
}

// handleBatch is one try of runBatch. Without savepoints the first case
// that fails fails the batch; with them it is only logged.
func (s *Service) handleBatch(ctx context.Context, ids []int64, oc *orgCache, savepoints bool) (int, error) {
	n := 0
	err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		n = 0
		rs, err := loadCases(ctx, tx, ids)
		if err != nil {
			return err
		}
		now := s.now()
		for _, r := range rs {
			if r.nextDue.IsZero() || r.nextDue.After(now) {
				continue // moved on since the claim
			}
			if !savepoints {
				if err := s.due(ctx, tx, r, oc); err != nil {
					return err
				}
				n++
				continue
			}
			ok, err := s.dueInSavepoint(ctx, tx, r, oc)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

// dueInSavepoint handles one case within a savepoint, rolling back to it
// (and logging) when the case fails; an error is a failure of the
// transaction itself.
func (s *Service) dueInSavepoint(ctx context.Context, tx *sqldb.Tx, r record, oc *orgCache) (bool, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT due`); err != nil {
		return false, err
	}
	err := s.due(ctx, tx, r, oc)
	if err != nil {
		s.d.Logger.Error("casework: due case not handled", "case", r.ID, "err", err)
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT due`); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT due`); err != nil {
		return false, err
	}
	return err == nil, nil
}

// due handles one case whose step clock ran out: the state's timeout
// action, taken by the system, or else a rung up the ladder.
func (s *Service) due(ctx context.Context, tx *sqldb.Tx, r record, oc *orgCache) error {
	def, err := s.definitionOf(ctx, &r)
	if err != nil {
		return err
	}
	st, ok := def.State(r.State)
	if !ok {
		return fmt.Errorf("casework: case %d is in unknown state %q", r.ID, r.State)
	}
	if st.OnTimeout == "" {
		return s.escalate(ctx, tx, r, def, st, oc)
	}
	a, ok := def.Action(st.OnTimeout)
	if !ok {
		return fmt.Errorf("casework: state %s times out into unknown action %q", st.Name, st.OnTimeout)
	}
	return s.takeAsSystem(ctx, tx, r, def, a, oc)
}
