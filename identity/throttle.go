package identity

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/okno/okno/sqldb"
)

// limit is a fixed-window rule: at most max hits per window; reaching max
// blocks the key for lock (or, when lock is zero, until the window ends).
// Counters live in the database, so limits hold across restarts and nodes.
type limit struct {
	scope  string // what is counted, part of the key: "signin:citizen", "signin-ip", "send-minute"
	max    int
	window time.Duration
	lock   time.Duration
}

// key turns what is counted into the row key: a blind index, so the table
// holds neither contacts nor client addresses.
func (s *Service) throttleKey(l limit, subject string) []byte {
	return s.vault.BlindIndex("identity.throttle", l.scope+"\x00"+subject)
}

// blocked returns how long the key stays blocked, or 0.
func (s *Service) blocked(ctx context.Context, q sqldb.Querier, l limit, subject string) (time.Duration, error) {
	var until sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT blocked_until FROM throttles WHERE key = ?`, s.throttleKey(l, subject)).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !until.Valid) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return max(until.Time.Sub(s.clock()), 0), nil
}

// hit counts one event against the key and returns the count in the current
// window and how long the key is now blocked (0 if it is not). The upsert takes the row lock on PostgreSQL, so
// concurrent hits on one key queue instead of losing counts.
func (s *Service) hit(ctx context.Context, tx *sqldb.Tx, l limit, subject string) (int, time.Duration, error) {
	now := s.clock()
	key := s.throttleKey(l, subject)
	var hits int
	var start time.Time
	err := tx.QueryRowContext(ctx, `INSERT INTO throttles (key, hits, window_start) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET hits = throttles.hits + 1
		RETURNING hits, window_start`, key, now).Scan(&hits, &start)
	if err != nil {
		return 0, 0, err
	}
	if !now.Before(start.Add(l.window)) { // the old window is over: this hit opens a new one
		hits, start = 1, now
		if _, err := tx.ExecContext(ctx, `UPDATE throttles SET hits = 1, window_start = ?, blocked_until = NULL WHERE key = ?`, now, key); err != nil {
			return 0, 0, err
		}
	}
	if hits < l.max {
		return hits, 0, nil
	}
	until := start.Add(l.window)
	if l.lock > 0 {
		until = now.Add(l.lock)
	}
	// The count restarts with the block, so that after it ends a person has
	// the full allowance again instead of being blocked by the next slip.
	_, err = tx.ExecContext(ctx, `UPDATE throttles SET hits = 0, window_start = ?, blocked_until = ? WHERE key = ?`, until, until, key)
	return hits, until.Sub(now), err
}

// forget clears the key: a successful sign-in forgives earlier slips.
func (s *Service) forget(ctx context.Context, tx *sqldb.Tx, l limit, subject string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM throttles WHERE key = ?`, s.throttleKey(l, subject))
	return err
}

// PurgeExpired deletes what has expired — sessions, used and expired codes,
// throttle rows whose window and block are over — and returns how many rows
// went. Schedule it (e.g. hourly) as an outbox job; correctness never
// depends on it, only table size.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	now := s.clock()
	var total int64
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM sessions WHERE expires_at < ?`, []any{now}},
			{`DELETE FROM user_codes WHERE expires_at < ? OR used_at IS NOT NULL`, []any{now}},
			// A window is at most a day long; an hour-old block is long over.
			{`DELETE FROM throttles WHERE window_start < ? AND (blocked_until IS NULL OR blocked_until < ?)`, []any{now.Add(-24 * time.Hour), now}},
		} {
			res, err := tx.ExecContext(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	return total, err
}
