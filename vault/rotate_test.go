package vault

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// rotateTable makes a small table of sealed values for rotation tests: rows
// 1..n sealed by k, and one row with NULL, which rotation must leave alone.
func rotateTable(t *testing.T, db *sqldb.DB, k *Keyring, n int) []Column {
	t.Helper()
	ctx := context.Background()
	blob := "BLOB"
	if db.Dialect() == sqldb.Postgres {
		blob = "BYTEA"
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE vault_rotate_test (id BIGINT PRIMARY KEY, secret `+blob+`)`); err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= n; id++ {
		v, err := k.Seal(fmt.Appendf(nil, "secret %d", id), aadOf(id))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO vault_rotate_test (id, secret) VALUES (?, ?)`, id, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO vault_rotate_test (id, secret) VALUES (?, NULL)`, n+1); err != nil {
		t.Fatal(err)
	}
	return []Column{{Table: "vault_rotate_test", IDColumn: "id", Column: "secret"}}
}

func aadOf(id int) string { return fmt.Sprintf("vault_rotate_test.secret:%d", id) }

// readSecrets returns the sealed values by id (NULL rows left out).
func readSecrets(t *testing.T, db *sqldb.DB) map[int][]byte {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT id, secret FROM vault_rotate_test WHERE secret IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[int][]byte{}
	for rows.Next() {
		var id int
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		m[id] = b
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkSecrets fails unless every value opens under k, and reports how many
// values sit under each master key.
func checkSecrets(t *testing.T, db *sqldb.DB, k *Keyring) map[uint32]int {
	t.Helper()
	byKey := map[uint32]int{}
	for id, b := range readSecrets(t, db) {
		pt, err := k.Open(b, aadOf(id))
		if err != nil {
			t.Fatalf("row %d: %v", id, err)
		}
		if want := fmt.Sprintf("secret %d", id); string(pt) != want {
			t.Fatalf("row %d = %q, want %q", id, pt, want)
		}
		byKey[binary.BigEndian.Uint32(b[1:5])]++
	}
	return byKey
}

func TestRotate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		k := mustLoad(t)
		k.rotateBatch = 3
		cols := rotateTable(t, db, k, 7)
		before := readSecrets(t, db)
		old, err := k.Seal([]byte("kept elsewhere"), "t.c:1")
		if err != nil {
			t.Fatal(err)
		}

		rep, err := k.Rotate(ctx, db, cols)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(RotateReport{KeyID: 2, Rewrapped: 7}, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[uint32]int{2: 7}, checkSecrets(t, db, k)); diff != "" {
			t.Errorf("values per master key (-want +got):\n%s", diff)
		}
		// Rewrapping leaves the data (nonce and ciphertext) as it was.
		for id, b := range readSecrets(t, db) {
			if !bytes.Equal(b[dataOffset:], before[id][dataOffset:]) {
				t.Errorf("row %d: data bytes changed; want only the key rewrapped", id)
			}
		}
		// Old keys stay, so a value the rotation never saw still opens; new
		// values go under the new key.
		if _, err := k.Open(old, "t.c:1"); err != nil {
			t.Errorf("value under the old key: %v", err)
		}
		if got := k.ActiveKeyID(); got != 2 {
			t.Errorf("ActiveKeyID = %d, want 2", got)
		}

		// The key file on disk holds the new state: a fresh load opens everything.
		reloaded, err := Load("", k.Path())
		if err != nil {
			t.Fatal(err)
		}
		checkSecrets(t, db, reloaded)
		if reloaded.file.RewrapPending {
			t.Error("key file still marks a pending rewrap")
		}
	})
}

func TestRotateResumesAfterInterruption(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		k := mustLoad(t)
		k.rotateBatch = 3
		cols := rotateTable(t, db, k, 7)

		// Row 5 is under a master key this keyring lacks, so the rotation
		// stops in the second batch, after the first batch has committed.
		saved := readSecrets(t, db)[5]
		bad := bytes.Clone(saved)
		binary.BigEndian.PutUint32(bad[1:5], 99)
		if _, err := db.ExecContext(ctx, `UPDATE vault_rotate_test SET secret = ? WHERE id = 5`, bad); err != nil {
			t.Fatal(err)
		}
		rep, err := k.Rotate(ctx, db, cols)
		if !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("interrupted Rotate: err = %v, want ErrUnknownKey", err)
		}
		if diff := cmp.Diff(RotateReport{KeyID: 2, Rewrapped: 3}, rep); diff != "" {
			t.Errorf("interrupted report (-want +got):\n%s", diff)
		}
		reloaded, err := Load("", k.Path())
		if err != nil {
			t.Fatal(err)
		}
		if !reloaded.file.RewrapPending || reloaded.ActiveKeyID() != 2 {
			t.Errorf("after interruption: pending %v, active %d; want pending, active 2", reloaded.file.RewrapPending, reloaded.ActiveKeyID())
		}

		// Re-run from a fresh process: no new key; the first batch is skipped.
		if _, err := db.ExecContext(ctx, `UPDATE vault_rotate_test SET secret = ? WHERE id = 5`, saved); err != nil {
			t.Fatal(err)
		}
		reloaded.rotateBatch = 3
		rep, err = reloaded.Rotate(ctx, db, cols)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(RotateReport{KeyID: 2, Resumed: true, Rewrapped: 4, Skipped: 3}, rep); diff != "" {
			t.Errorf("resumed report (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[uint32]int{2: 7}, checkSecrets(t, db, reloaded)); diff != "" {
			t.Errorf("values per master key (-want +got):\n%s", diff)
		}

		// Once finished, the next Rotate is a new rotation with a new key.
		rep, err = reloaded.Rotate(ctx, db, cols)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(RotateReport{KeyID: 3, Rewrapped: 7}, rep); diff != "" {
			t.Errorf("next rotation report (-want +got):\n%s", diff)
		}
		if got := len(reloaded.file.Keys); got != 3 {
			t.Errorf("master keys = %d, want 3 (old ones kept)", got)
		}
	})
}

func TestRotateRefusesBadIdentifiers(t *testing.T) {
	db := storetest.OpenSQLite(t)
	k := mustLoad(t)
	for _, c := range []Column{
		{Table: "users; DROP TABLE users", IDColumn: "id", Column: "email_enc"},
		{Table: "users", IDColumn: `"id"`, Column: "email_enc"},
		{Table: "users", IDColumn: "id", Column: ""},
	} {
		if _, err := k.Rotate(context.Background(), db, []Column{c}); err == nil {
			t.Errorf("Rotate(%+v) succeeded, want an error", c)
		}
	}
	if got := k.ActiveKeyID(); got != 1 {
		t.Errorf("ActiveKeyID = %d after refused rotations, want 1 (no key added)", got)
	}
}
