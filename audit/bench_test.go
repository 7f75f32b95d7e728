package audit

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkAppend measures one audited action: a transaction holding one
// Append and its commit, as a user action pays it.
func BenchmarkAppend(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("sqlite-"+strings.ToLower(sync), func(b *testing.B) {
			benchAppend(b, openSQLite(b, sync))
		})
	}
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { benchAppend(b, storetest.OpenPostgres(b)) })
	}
}

func benchAppend(b *testing.B, db *sqldb.DB) {
	l := newTestLog(db)
	e := testEntry(1)
	for b.Loop() {
		appendOne(b, db, l, e)
	}
}

// BenchmarkVerify1M verifies a log of a million entries with a checkpoint
// every 100,000. Building the log takes longer than verifying it, so run it
// once: go test -run '^$' -bench Verify1M -benchtime 1x ./audit/
func BenchmarkVerify1M(b *testing.B) {
	const n, every = 1_000_000, 100_000
	run := func(b *testing.B, db *sqldb.DB) {
		bulkLoad(b, db, n, every)
		for b.Loop() {
			r := verify(b, db)
			if !r.OK || r.Entries != n || r.Checkpoints != n/every {
				b.Fatalf("report %+v", r)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, openSQLite(b, "NORMAL")) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { run(b, storetest.OpenPostgres(b)) })
	}
}

func openSQLite(b *testing.B, synchronous string) *sqldb.DB {
	b.Helper()
	db, err := sqldb.Open(context.Background(), sqldb.Config{DataDir: b.TempDir(), Synchronous: synchronous})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

// bulkLoad writes n entries as Append would, but many rows per statement and
// many statements per transaction, so that a million-entry log builds in
// seconds rather than the hour one transaction per entry would take; it
// checkpoints every every entries.
func bulkLoad(b *testing.B, db *sqldb.DB, n, every int) {
	b.Helper()
	const perStmt, perTx = 100, 20_000
	ctx := context.Background()
	l := newTestLog(db)
	insert := `INSERT INTO audit_entries (seq, at, actor, action, object_type, object_id, before_digest, after_digest, leaf_hash) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?), ", perStmt), ", ")
	var tree compactRange
	for start := 0; start < n; start += perTx {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			args := make([]any, 0, 9*perStmt)
			for i := start; i < start+perTx; i++ {
				e := testEntry(i)
				e.Seq, e.At = int64(i)+1, sqldb.Now(testNow.Add(time.Duration(i)*time.Millisecond))
				lf := leafOf(e)
				h, _ := lf.hash(nil)
				tree.append(h)
				args = append(args, e.Seq, e.At, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Before, e.After, h[:])
				if len(args) == cap(args) {
					if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
						return err
					}
					args = args[:0]
				}
			}
			root := tree.root()
			_, err := tx.ExecContext(ctx, `UPDATE audit_head SET size = ?, frontier = ?, root = ? WHERE id = 1`,
				tree.size, tree.marshal(), root[:])
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if (start+perTx)%every == 0 {
			checkpoint(b, l)
		}
	}
}
