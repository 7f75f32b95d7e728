package identity

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/okno/okno/storetest"
)

// TestNoPlaintextOnDisk writes an account with a known e-mail, phone, СНИЛС,
// passport and address, then reads the raw SQLite files (database and WAL)
// and fails if any of them appears in any common spelling.
func TestNoPlaintextOnDisk(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := newEnv(t, db)
	ctx := context.Background()
	e.citizen("ivan.petrov@mail.ru", "correct horse battery")
	uid := e.standard("+7 916 123-45-67", "112-233-445 95", "45 06 123456")
	if err := e.svc.RequestPostCode(ctx, uid, "170100, г. Тверь, ул. Советская, д. 1"); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if _, err := e.svc.FindBySNILS(ctx, operator, "11223344595"); err != nil {
		t.Fatal(err)
	}

	var disk []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(db.Path() + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		disk = append(disk, b...)
	}
	// The display name is stored in plaintext on purpose: finding it proves
	// the scan reads what was written.
	if !bytes.Contains(disk, []byte("Иван")) {
		t.Fatal("display name not found on disk: the scan reads the wrong files")
	}
	for _, secret := range []string{
		"ivan.petrov@mail.ru", "ivan.petrov",
		"+79161234567", "79161234567", "9161234567", "916 123-45-67",
		"11223344595", "112-233-445 95", "112233445",
		"4506123456", "45 06 123456",
		"Петров", "Сергеевич", "1985-03-21", "Советская",
	} {
		if bytes.Contains(disk, []byte(secret)) {
			t.Errorf("%q found in the database files", secret)
		}
	}
}
