package sqldb_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestChunks(t *testing.T) {
	got := sqldb.Chunks(23, 8)
	want := []sqldb.Span{{0, 8}, {8, 8}, {16, 4}, {20, 2}, {22, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Chunks(23, 8) = %v, want %v", got, want)
	}
	if got := sqldb.Chunks(0, 8); len(got) != 0 {
		t.Errorf("Chunks(0, 8) = %v", got)
	}
	if got := sqldb.Placeholders(2, 3); got != "(?, ?, ?), (?, ?, ?)" {
		t.Errorf("Placeholders(2, 3) = %q", got)
	}
	if got := sqldb.Placeholders(3, 1); got != "?, ?, ?" {
		t.Errorf("Placeholders(3, 1) = %q", got)
	}
}

// TestInsertRows inserts more rows than one statement may carry.
func TestInsertRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE bulk_rows (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		const n = 1000
		args := make([]any, 0, 2*n)
		for i := range n {
			args = append(args, i, "v")
		}
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return sqldb.InsertRows(ctx, tx, `INSERT INTO bulk_rows (k, v) VALUES `, 2, args)
		}); err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bulk_rows`).Scan(&got); err != nil || got != n {
			t.Fatalf("%d rows (%v), want %d", got, err, n)
		}
	})
}
