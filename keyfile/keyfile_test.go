package keyfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateReadReplace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	if _, err := Read(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read of a missing file = %v, want fs.ErrNotExist", err)
	}
	created, err := Create(path, []byte("first"))
	if err != nil || !created {
		t.Fatalf("Create = %v, %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode = %04o, want 0600", got)
	}
	created, err = Create(path, []byte("second"))
	if err != nil || created {
		t.Fatalf("second Create = %v, %v; want the first file kept", created, err)
	}
	if b, err := Read(path); err != nil || string(b) != "first" {
		t.Fatalf("Read = %q, %v; want first", b, err)
	}
	if err := Replace(path, []byte("third")); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(path); err != nil || string(b) != "third" {
		t.Fatalf("Read after Replace = %q, %v", b, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key (temporary files removed)", len(entries))
	}
}

func TestReadRefusesLoosePermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(path, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil {
		t.Fatal("Read of a group-readable secret succeeded")
	}
	if _, err := Read(filepath.Dir(path)); err == nil {
		t.Fatal("Read of a directory succeeded")
	}
}
