package vault

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoadCreatesKeyFileOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "okno-data") // not there yet
	k1, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DefaultKeyFile)
	if got := k1.Path(); got != path {
		t.Errorf("Path = %q, want %q", got, path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("key file mode = %04o, want 0600", got)
	}
	var kf map[string]any
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &kf); err != nil {
		t.Fatal(err)
	}
	fields := slices.Sorted(maps.Keys(kf))
	if diff := cmp.Diff([]string{"active", "index_key", "master_keys", "version"}, fields); diff != "" {
		t.Errorf("key file fields (-want +got):\n%s", diff)
	}
	if !k1.file.Keys[0].Created.Equal(k1.file.Keys[0].Created.Truncate(time.Second)) || k1.file.Keys[0].Created.IsZero() {
		t.Errorf("created = %v, want a whole second", k1.file.Keys[0].Created)
	}
	if string(k1.index) == string(k1.file.Keys[0].Key) {
		t.Error("index key equals the master key")
	}

	// A second start reads the same keys instead of making new ones.
	blob, err := k1.Seal([]byte("x"), "t.c:1")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k2.Open(blob, "t.c:1"); err != nil {
		t.Fatalf("second Load cannot open the first one's value: %v", err)
	}
	left, err := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if err != nil || len(left) != 0 {
		t.Errorf("temporary files left: %v %v", left, err)
	}
}

func TestLoadRefusesLoosePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits on Windows")
	}
	dir := t.TempDir()
	if _, err := Load(dir, ""); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DefaultKeyFile)
	for _, mode := range []fs.FileMode{0o640, 0o604, 0o620, 0o602, 0o644, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir, ""); err == nil {
			t.Errorf("Load with mode %04o succeeded, want refusal", mode)
		}
		if _, err := Load("", path); err == nil {
			t.Errorf("Load of named key file with mode %04o succeeded, want refusal", mode)
		}
	}
	for _, mode := range []fs.FileMode{0o600, 0o400} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir, ""); err != nil {
			t.Errorf("Load with mode %04o: %v", mode, err)
		}
	}
}

func TestLoadRefusesMalformedKeyFile(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	good := `{"version":1,"active":1,"master_keys":[{"id":1,"key":"` + key + `","created":"2026-01-01T00:00:00Z"}],"index_key":"` + key + `"}`
	tests := []struct{ name, json string }{
		{"not json", `master key`},
		{"empty", ``},
		{"wrong version", strings.Replace(good, `"version":1`, `"version":2`, 1)},
		{"no keys", `{"version":1,"active":1,"master_keys":[],"index_key":"` + key + `"}`},
		{"short master key", strings.Replace(good, `"key":"`+key, `"key":"`+short, 1)},
		{"short index key", strings.Replace(good, `"index_key":"`+key, `"index_key":"`+short, 1)},
		{"no index key", `{"version":1,"active":1,"master_keys":[{"id":1,"key":"` + key + `"}]}`},
		{"active missing", strings.Replace(good, `"active":1`, `"active":2`, 1)},
		{"id zero", strings.Replace(strings.Replace(good, `"id":1`, `"id":0`, 1), `"active":1`, `"active":0`, 1)},
		{"duplicate id", strings.Replace(good, `}],`, `},{"id":1,"key":"`+key+`"}],`, 1)},
		{"unknown field", strings.Replace(good, `"active":1`, `"activ":1,"active":1`, 1)},
		{"trailing data", good + `{}`},
		{"bad base64", strings.Replace(good, `"key":"`+key, `"key":"***`, 1)},
	}
	// The good file loads, so each failure below is the one named.
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load("", path); err != nil {
		t.Fatalf("good key file: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "key.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load("", path); err == nil {
				t.Fatal("Load succeeded, want an error")
			}
		})
	}
}

func TestLoadUsesMasterKeyFileEnv(t *testing.T) {
	// The operator keeps the key file outside the data directory.
	secret := filepath.Join(t.TempDir(), "okno-master.key")
	made, err := Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(made.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secret, b, 0o400); err != nil {
		t.Fatal(err)
	}
	blob, err := made.Seal([]byte("x"), "t.c:1")
	if err != nil {
		t.Fatal(err)
	}

	t.Setenv(KeyFileEnv, secret)
	dataDir := t.TempDir()
	k, err := Load(dataDir, os.Getenv(KeyFileEnv))
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Path(); got != secret {
		t.Errorf("Path = %q, want %q", got, secret)
	}
	if _, err := k.Open(blob, "t.c:1"); err != nil {
		t.Errorf("Open with the named key file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, DefaultKeyFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data directory got a key file (stat err %v), want none", err)
	}

	// A named key file that is missing is an error, not a fresh key.
	missing := filepath.Join(t.TempDir(), "absent.key")
	t.Setenv(KeyFileEnv, missing)
	if _, err := Load(dataDir, os.Getenv(KeyFileEnv)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of missing named key file: err = %v, want ErrNotExist", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing key file was created (stat err %v)", err)
	}
}
