package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/okno/okno/sqldb"
)

// Stats is the queue's state for metrics and health pages.
type Stats struct {
	Pending int64         // not finished: scheduled, due or running
	Due     int64         // due and waiting for a worker (including topics no node handles)
	Running int64         // claimed, with a lease that has not expired
	Dead    int64         // given up on; need an operator
	Lag     time.Duration // how long the oldest due message has waited; 0 when none
}

// Stats counts messages by state. Only pending and dead rows are read
// (through their partial indexes), so done rows, however many, cost nothing.
func (q *Queue) Stats(ctx context.Context) (Stats, error) {
	now := sqldb.Now(q.now())
	var s Stats
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN run_at <= ? AND (locked_until IS NULL OR locked_until <= ?) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN locked_until > ? THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE state = 'pending'`, now, now, now).Scan(&s.Pending, &s.Due, &s.Running)
	if err != nil {
		return Stats{}, fmt.Errorf("outbox: stats: %w", err)
	}
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE state = 'dead'`).Scan(&s.Dead); err != nil {
		return Stats{}, fmt.Errorf("outbox: stats: %w", err)
	}
	// ORDER BY … LIMIT 1 rather than MIN(): it walks the due index, and SQLite
	// keeps the column's TIMESTAMP type only for a plain column.
	var oldest time.Time
	err = q.db.QueryRowContext(ctx, `SELECT run_at FROM outbox
		WHERE state = 'pending' AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
		ORDER BY run_at LIMIT 1`, now, now).Scan(&oldest)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return Stats{}, fmt.Errorf("outbox: stats: %w", err)
	default:
		s.Lag = now.Sub(oldest)
	}
	return s, nil
}
