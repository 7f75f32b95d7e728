package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFineSources(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "gibdd.secret")
	short := filepath.Join(dir, "short.secret")
	if err := os.WriteFile(good, []byte("  0123456789abcdef0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(short, []byte("tiny"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := fineSources("gibdd=" + good + ", ampp=" + good)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Code != "gibdd" || got[1].Code != "ampp" || string(got[0].Secret) != "0123456789abcdef0123" {
		t.Errorf("sources %+v", got)
	}
	if got, err := fineSources(""); err != nil || len(got) != 0 {
		t.Errorf("empty spec: %v, %v", got, err)
	}
	for spec, want := range map[string]string{
		"gibdd":                            "want code=secret-file",
		"GIBDD=" + good:                    "want code=secret-file",
		"gibdd=" + short:                   "need at least 16",
		"gibdd=" + dir + "/none":           "no such file",
		"gibdd=" + good + ",gibdd=" + good: "named twice",
	} {
		if _, err := fineSources(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("fineSources(%q) = %v, want an error saying %q", spec, err, want)
		}
	}
}
