package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func createGroupTable(t testing.TB, db *sqldb.DB) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(),
		`CREATE TABLE group_units (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
}

func countUnits(t testing.TB, db *sqldb.DB) map[string]int {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT k, n FROM group_units`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		m[k] = n
	}
	return m
}

// TestInTxGroupIsolatesUnits runs many units at once, some of which fail
// half-way (after writing) or violate a constraint: every successful unit
// is committed whole, every failed one leaves nothing, each caller gets
// its own error, and AfterCommit runs exactly for the committed units.
func TestInTxGroupIsolatesUnits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		createGroupTable(t, db)
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `INSERT INTO group_units (k, n) VALUES ('taken', 0)`); err != nil {
			t.Fatal(err)
		}
		const n = 300
		errBoom := errors.New("boom")
		var after atomic.Int64
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.InTxGroup(ctx, func(tx *sqldb.Tx) error {
					k := fmt.Sprintf("u%03d", i)
					if i%10 == 7 {
						k = "taken" // a constraint violation: only this unit fails
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO group_units (k, n) VALUES (?, ?)`, k, i); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO group_units (k, n) VALUES (?, ?)`, k+"-b", i); err != nil {
						return err
					}
					if i%10 == 3 {
						return errBoom // after writing: its rows must vanish
					}
					tx.AfterCommit(func() { after.Add(1) })
					return nil
				})
			}()
		}
		wg.Wait()
		got := countUnits(t, db)
		want := 0
		for i, err := range errs {
			k := fmt.Sprintf("u%03d", i)
			switch i % 10 {
			case 3:
				if !errors.Is(err, errBoom) {
					t.Errorf("unit %d: err %v, want boom", i, err)
				}
				if _, ok := got[k]; ok {
					t.Errorf("unit %d failed but its row is there", i)
				}
			case 7:
				if sqldb.ViolationOf(err) != sqldb.Unique {
					t.Errorf("unit %d: err %v, want a unique violation", i, err)
				}
			default:
				want++
				if err != nil {
					t.Errorf("unit %d: %v", i, err)
				}
				if got[k] != i || got[k+"-b"] != i {
					t.Errorf("unit %d: rows %v/%v missing", i, got[k], got[k+"-b"])
				}
			}
		}
		if int(after.Load()) != want {
			t.Errorf("AfterCommit ran %d times, want %d", after.Load(), want)
		}
		if len(got) != 1+2*want {
			t.Errorf("%d rows, want %d", len(got), 1+2*want)
		}
	})
}

// TestInTxGroupPanics re-raises a unit's panic in its caller and leaves
// the other units alone.
func TestInTxGroupPanics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		createGroupTable(t, db)
		ctx := context.Background()
		func() {
			defer func() {
				if p := recover(); p != "unit panic" {
					t.Errorf("recovered %v, want the unit's panic", p)
				}
			}()
			_ = db.InTxGroup(ctx, func(tx *sqldb.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO group_units (k, n) VALUES ('p', 1)`); err != nil {
					return err
				}
				panic("unit panic")
			})
		}()
		if err := db.InTxGroup(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO group_units (k, n) VALUES ('q', 2)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := countUnits(t, db); len(got) != 1 || got["q"] != 2 {
			t.Errorf("rows %v, want only q", got)
		}
	})
}

// TestInTxGroupAfterClose refuses work once the database is closed, and a
// cancelled context before queueing changes nothing.
func TestInTxGroupAfterClose(t *testing.T) {
	db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	createGroupTable(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.InTxGroup(ctx, func(tx *sqldb.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if err := db.InTxGroup(context.Background(), func(tx *sqldb.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.InTxGroup(context.Background(), func(tx *sqldb.Tx) error { return nil }); err == nil {
		t.Error("a unit ran after Close")
	}
}

// BenchmarkInTxGroup is the group commit's throughput: b.N one-row units
// from 64 concurrent callers, each durable before it returns. Compare with
// BenchmarkInTxParallel (one transaction per unit).
func BenchmarkInTxGroup(b *testing.B) {
	benchGroup(b, true)
}

// BenchmarkInTxParallel is the baseline: the same units, each its own
// transaction.
func BenchmarkInTxParallel(b *testing.B) {
	benchGroup(b, false)
}

func benchGroup(b *testing.B, group bool) {
	run := func(b *testing.B, db *sqldb.DB) {
		createGroupTable(b, db)
		ctx := context.Background()
		var seq atomic.Int64
		b.SetParallelism(32) // 64 callers on 2 cores
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				k := fmt.Sprintf("k%d", seq.Add(1))
				fn := func(tx *sqldb.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO group_units (k, n) VALUES (?, 1)`, k)
					return err
				}
				var err error
				if group {
					err = db.InTxGroup(ctx, fn)
				} else {
					err = db.InTx(ctx, fn)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "units/s")
	}
	b.Run("sqlite-FULL", func(b *testing.B) {
		db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		run(b, db)
	})
	b.Run("postgres", func(b *testing.B) { run(b, storetest.OpenPostgres(b)) })
}
