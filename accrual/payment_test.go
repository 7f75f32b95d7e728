package accrual

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// pay runs MarkPaidTx in a transaction of its own.
func (f *fixture) pay(u string, amount int64, ref string) (PaymentResult, error) {
	var res PaymentResult
	err := f.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		var err error
		res, err = f.svc.MarkPaidTx(context.Background(), tx, u, amount, ref)
		return err
	})
	return res, err
}

func TestMarkPaid(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		annulled := fine(2, "9912345678")
		annulled.Kind = ChangeAnnul
		if _, err := f.push(t, "gibdd", gibddSecret, fine(1, "9912345678"), annulled, fine(3, "9912345678")); err != nil {
			t.Fatal(err)
		}
		type step struct {
			name     string
			uin      string
			amount   int64
			ref      string
			at       time.Time
			code     okno.ErrorCode
			dup      bool
			status   Status
			paid     int64
			overpaid int64
		}
		inDiscount := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
		late := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC)
		steps := []step{
			{"part of the discounted amount", uin(1), 10000, "p1", inDiscount, "", false, StatusPartly, 10000, 0},
			{"the same payment again", uin(1), 10000, "p1", inDiscount, "", true, StatusPartly, 10000, 0},
			{"the same reference for another amount", uin(1), 999, "p1", inDiscount, okno.EINVALID, false, "", 0, 0},
			{"the rest of the discounted amount", uin(1), 15000, "p2", inDiscount, "", false, StatusPaid, 25000, 0},
			{"an over-payment is kept", uin(1), 30000, "p3", inDiscount, "", false, StatusPaid, 55000, 5000},
			{"annulled is refused", uin(2), 25000, "p4", inDiscount, okno.ECONFLICT, false, "", 0, 0},
			{"half after the discount expired is partial", uin(3), 25000, "p5", late, "", false, StatusPartly, 25000, 0},
			{"unknown УИН", uin(99), 100, "p6", late, okno.ENOTFOUND, false, "", 0, 0},
			{"bad УИН", "123", 100, "p7", late, okno.EINVALID, false, "", 0, 0},
			{"zero amount", uin(3), 0, "p8", late, okno.EINVALID, false, "", 0, 0},
			{"no reference", uin(3), 100, "", late, okno.EINVALID, false, "", 0, 0},
		}
		for _, s := range steps {
			f.clock.Set(s.at)
			res, err := f.pay(s.uin, s.amount, s.ref)
			if got := okno.ErrorCodeOf(err); got != s.code {
				t.Fatalf("%s: code %q (%v), want %q", s.name, got, err, s.code)
			}
			if err != nil {
				continue
			}
			a := res.Accrual
			if res.Duplicate != s.dup || a.Status != s.status || a.Paid != s.paid || a.Overpaid() != s.overpaid {
				t.Errorf("%s: got dup %v %s paid %d overpaid %d, want dup %v %s paid %d overpaid %d", s.name,
					res.Duplicate, a.Status, a.Paid, a.Overpaid(), s.dup, s.status, s.paid, s.overpaid)
			}
		}
		st, _, _ := f.state(t, uin(2))
		if st != StatusAnnulled {
			t.Errorf("annulled fine is %s after a refused payment", st)
		}
		var payments int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM accrual_payments WHERE accrual_id = (SELECT id FROM accruals WHERE uin = ?)`, uin(2)).Scan(&payments); err != nil || payments != 0 {
			t.Errorf("payments of the annulled fine = %d, %v; want 0", payments, err)
		}
	})
}

func TestMarkPaidExactlyOnceUnderRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		if _, err := f.push(t, "gibdd", gibddSecret, fine(1, "9912345678")); err != nil {
			t.Fatal(err)
		}
		// 8 payments of 1000 kopecks, each notified 4 times at once.
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for i := range 32 {
			wg.Go(func() {
				_, err := f.pay(uin(1), 1000, fmt.Sprintf("ref-%d", i%8))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		a, err := f.svc.ByUIN(context.Background(), uin(1))
		if err != nil {
			t.Fatal(err)
		}
		if a.Paid != 8000 || a.Status != StatusPartly {
			t.Errorf("paid %d %s, want 8000 partially_paid", a.Paid, a.Status)
		}
		if got := f.count(t, "accrual_payments"); got != 8 {
			t.Errorf("payments = %d, want 8", got)
		}
	})
}
