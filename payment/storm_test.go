package payment_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

// countingDoor counts the MarkPaidTx calls that committed, and their
// amounts: what "paid exactly once" is checked against.
type countingDoor struct {
	accrualDoor
	mu    sync.Mutex
	calls int
	sum   int64
}

func (d *countingDoor) MarkPaidTx(ctx context.Context, tx *sqldb.Tx, uin string, amount int64, ref string) error {
	if err := d.accrualDoor.MarkPaidTx(ctx, tx, uin, amount, ref); err != nil {
		return err
	}
	tx.AfterCommit(func() {
		d.mu.Lock()
		d.calls++
		d.sum += amount
		d.mu.Unlock()
	})
	return nil
}

// storm is n pending payments and the notifications about them: three
// per payment (pending, then succeeded — 90% — or failed, then the
// success resent under a new ID or a cancellation after the failure),
// shuffled, with 20% of them sent a second time.
type storm struct {
	db        *sqldb.DB
	svc       *payment.Service
	door      *countingDoor
	clock     *testClock
	notes     [][]byte
	succeeded int   // payments that succeed
	sum       int64 // their amounts
}

func newStorm(tb testing.TB, db *sqldb.DB, n int, seed uint64) *storm {
	tb.Helper()
	ctx := context.Background()
	keys, err := vault.Load(tb.TempDir(), "")
	if err != nil {
		tb.Fatal(err)
	}
	s := &storm{db: db, clock: &testClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}}
	log := audittest.New(db, s.clock.Now)
	accruals := accrual.New(accrual.Deps{DB: db, Sealer: keys, Audit: log, Now: s.clock.Now, UINPrefix: "03100643"})
	s.door = &countingDoor{accrualDoor: accrualDoor{accruals}}
	s.svc = payment.New(payment.Deps{DB: db, Audit: log, Outbox: outbox.New(db, nil, s.clock.Now), Accruals: s.door,
		NotifySecret: notifySecret, Now: s.clock.Now})

	now := sqldb.Now(s.clock.Now())
	var user int64
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO users (kind, password_hash, created_at, updated_at)
			VALUES ('citizen', 'x', ?, ?) RETURNING id`, now, now).Scan(&user)
	})
	if err != nil {
		tb.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(seed, 1))
	for from := 0; from < n; from += 1000 {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for i := from; i < min(from+1000, n); i++ {
				amount := int64(10000 + rnd.IntN(500000))
				a, err := accruals.IssueTx(ctx, tx, accrual.Draft{Fee: "storm", Payer: accrual.Payer{UserID: user},
					Purpose: "Госпошлина", Amount: amount})
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO payments (uin, payer_user_id, idempotency_key, amount, status,
					provider_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
					a.UIN, user, fmt.Sprint("storm-", i), amount, fmt.Sprint("pd_storm_", i), now, now); err != nil {
					return err
				}
				s.addNotes(i, amount, rnd)
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	rnd.Shuffle(len(s.notes), func(i, j int) { s.notes[i], s.notes[j] = s.notes[j], s.notes[i] })
	for k := len(s.notes) / 5; k > 0; k-- {
		s.notes = append(s.notes, s.notes[rnd.IntN(len(s.notes))])
	}
	rnd.Shuffle(len(s.notes), func(i, j int) { s.notes[i], s.notes[j] = s.notes[j], s.notes[i] })
	return s
}

// addNotes makes payment i's three notifications.
func (s *storm) addNotes(i int, amount int64, rnd *rand.Rand) {
	pid := fmt.Sprint("pd_storm_", i)
	note := func(suffix, event string) []byte {
		return notification(fmt.Sprintf("ntf-%d-%s", i, suffix), event, pid, amount)
	}
	s.notes = append(s.notes, note("p", payment.EventPending))
	if rnd.IntN(10) == 0 {
		s.notes = append(s.notes, note("f", payment.EventFailed), note("c", payment.EventCancelled))
		return
	}
	s.succeeded++
	s.sum += amount
	s.notes = append(s.notes, note("s", payment.EventSucceeded), note("s2", payment.EventSucceeded))
}

// run hands every notification to the service from workers goroutines,
// as concurrent webhook requests would, and returns the first error.
func (s *storm) run(workers int) error {
	ctx := context.Background()
	ch := make(chan []byte)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range ch {
				if _, err := s.svc.HandleNotification(ctx, body, signed(notifySecret, s.clock.Now(), body)); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, b := range s.notes {
		ch <- b
	}
	close(ch)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// check verifies that no payment was counted twice or missed.
func (s *storm) check(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	if s.door.calls != s.succeeded || s.door.sum != s.sum {
		tb.Errorf("MarkPaidTx committed %d times for %d kopecks; want %d times for %d (one per successful payment)",
			s.door.calls, s.door.sum, s.succeeded, s.sum)
	}
	var rows, paid, succeeded int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM accrual_payments`).Scan(&rows, &paid); err != nil {
		tb.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments WHERE status = 'succeeded' AND accrual_marked`).Scan(&succeeded); err != nil {
		tb.Fatal(err)
	}
	if rows != int64(s.succeeded) || paid != s.sum || succeeded != int64(s.succeeded) {
		tb.Errorf("accrual payments %d for %d kopecks, succeeded payments %d; want %d for %d", rows, paid, succeeded, s.succeeded, s.sum)
	}
}

func TestNotificationStormCountsEachPaymentOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		s := newStorm(t, db, 300, 1)
		if err := s.run(4); err != nil {
			t.Fatal(okno.AsError(err))
		}
		s.check(t)
	})
}
