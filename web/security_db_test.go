package web_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/okno/okno/sqldb"
)

// dbTables lists the application's tables on either engine.
func dbTables(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.Dialect() != sqldb.SQLite {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.QueryContext(context.Background(), q)
	mustOK(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		mustOK(t, rows.Scan(&n))
		out = append(out, n)
	}
	mustOK(t, rows.Err())
	if len(out) < 20 {
		t.Fatalf("found %d tables, the schema has many more: the listing is wrong", len(out))
	}
	return out
}

// dbCell is one value of one row: its column and its bytes as stored
// (text as UTF-8, numbers and times in their text form).
type dbCell struct {
	col string
	val []byte
}

// dumpTable reads every row of table, every column as raw bytes.
func dumpTable(t *testing.T, db *sqldb.DB, table string) [][]dbCell {
	t.Helper()
	// Table names come from the catalogue, never from input.
	rows, err := db.QueryContext(context.Background(), `SELECT * FROM `+table)
	mustOK(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	mustOK(t, err)
	var out [][]dbCell
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		mustOK(t, rows.Scan(ptrs...))
		row := make([]dbCell, len(cols))
		for i, v := range vals {
			row[i] = dbCell{col: cols[i], val: cellBytes(v)}
		}
		out = append(out, row)
	}
	mustOK(t, rows.Err())
	return out
}

func cellBytes(v any) []byte {
	switch v := v.(type) {
	case nil:
		return nil
	case []byte:
		return v
	case string:
		return []byte(v)
	case sql.RawBytes:
		return v
	}
	return []byte(fmt.Sprint(v))
}

// dbSnapshot is a digest of each table's rows, in an order that does not
// depend on how the engine stores them.
type dbSnapshot map[string]string

// snapshotDB digests every table but those in skip (tables a refused
// request may legitimately touch, each named with its reason by callers).
func snapshotDB(t *testing.T, db *sqldb.DB, skip ...string) dbSnapshot {
	t.Helper()
	snap := dbSnapshot{}
	for _, table := range dbTables(t, db) {
		if slices.Contains(skip, table) {
			continue
		}
		var lines []string
		for _, row := range dumpTable(t, db, table) {
			var b strings.Builder
			for _, c := range row {
				b.WriteString(c.col + "=" + hex.EncodeToString(c.val) + ";")
			}
			lines = append(lines, b.String())
		}
		slices.Sort(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		snap[table] = fmt.Sprintf("%d rows %x", len(lines), sum[:8])
	}
	return snap
}

// changedTables names the tables whose digests differ between a and b.
func changedTables(a, b dbSnapshot) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k+" ("+v+" → "+b[k]+")")
		}
	}
	slices.Sort(out)
	return out
}

// volatileTables change when a signed-in person merely makes a request:
// sessions record when they were last seen (idle timeout), API keys when
// last used, and throttles count refused attempts. None holds what a
// person asked for.
var volatileTables = []string{"sessions", "api_keys", "throttles"}
