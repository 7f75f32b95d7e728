package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno/sqldb"
)

// Every makes topic a recurring job run once per interval, on whichever node
// claims it. Slots are multiples of interval counted from a UTC midnight
// (on the hour for an hourly job, at 00:00 UTC for a daily one), and
// each slot is a message keyed by the interval and the slot time, so calling
// Every on every start of every node enqueues the current slot at most once.
// When a run finishes, done or dead, the next slot after the current time is
// enqueued in the same transaction: slots missed while every node was down
// are not caught up one by one.
//
// Changing the interval takes effect on the next Every call with the new one:
// it deletes the old interval's unclaimed slots, and a chain stops when it
// finds another unclaimed slot of its topic already waiting. The handler must
// be registered on some node; the message has no payload, and its RunAt is
// the slot time (or, on a retry, the retry time).
func (q *Queue) Every(ctx context.Context, topic string, interval time.Duration) error {
	if topic == "" {
		return fmt.Errorf("outbox: every: no topic")
	}
	if interval < time.Second {
		return fmt.Errorf("outbox: every %s: interval %s is shorter than a second", topic, interval)
	}
	interval = interval.Truncate(time.Microsecond) // as precise as every_us
	now := sqldb.Now(q.now())
	slot := now.Truncate(interval)
	err := q.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox
			WHERE topic = ? AND state = 'pending' AND every_us > 0 AND every_us <> ?
				AND (locked_until IS NULL OR locked_until <= ?)`,
			topic, interval.Microseconds(), now); err != nil {
			return err
		}
		// Any pending slot of this interval, even one being run, carries the
		// chain on; a second one would only run the job twice.
		var pending bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox
			WHERE topic = ? AND state = 'pending' AND every_us = ?)`,
			topic, interval.Microseconds()).Scan(&pending); err != nil {
			return err
		}
		if pending {
			return nil
		}
		tx.AfterCommit(q.wakeUp)
		return insert(ctx, tx, topic, slotKey(interval, slot), nil, slot, interval, now)
	})
	if err != nil {
		return fmt.Errorf("outbox: every %s: %w", topic, err)
	}
	return nil
}

// enqueueNextSlot continues a recurring job after a run finished at now,
// unless another unclaimed slot of the topic already waits (the chains of an
// old and a new interval meet there, and only one goes on).
func (q *Queue) enqueueNextSlot(ctx context.Context, tx *sqldb.Tx, topic string, interval time.Duration, now time.Time) error {
	var waiting bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox
		WHERE topic = ? AND state = 'pending' AND every_us > 0
			AND (locked_until IS NULL OR locked_until <= ?))`, topic, now).Scan(&waiting); err != nil {
		return err
	}
	if waiting {
		return nil
	}
	next := now.Truncate(interval).Add(interval)
	return insert(ctx, tx, topic, slotKey(interval, next), nil, next, interval, now)
}

// slotKey names one slot of a recurring job. The interval is part of it so a
// new interval's slots never collide with an old interval's finished ones.
func slotKey(interval time.Duration, slot time.Time) string {
	return "every:" + interval.String() + ":" + slot.UTC().Format(time.RFC3339Nano)
}
