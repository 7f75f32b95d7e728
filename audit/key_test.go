package audit

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadOrCreateKeyKeepsOneKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %v, want 0600", perm)
	}
	again, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equal(again) {
		t.Fatal("the second LoadOrCreateKey made a new key")
	}
	got, err := ReadPublicKey(filepath.Join(dir, PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.Public().(ed25519.PublicKey), got); diff != "" {
		t.Fatalf("public key file (-want +got):\n%s", diff)
	}
	// Checkpoints signed with the key verify with the published half.
	if _, _, err := openCheckpoint(signCheckpoint(first, 1, make([]byte, 32)), got); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOrCreateKeyRefusesAKeyOthersCanRead(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreateKey(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("err = %v, want a refusal of a world-readable key", err)
	}
}

func TestVerifierKeyRejectsAMismatchedHash(t *testing.T) {
	vk := verifierKey(testPub())
	if _, err := parseVerifierKey(vk); err != nil {
		t.Fatalf("own verifier key %q: %v", vk, err)
	}
	parts := strings.Split(vk, "+")
	parts[1] = "00000000"
	if _, err := parseVerifierKey(strings.Join(parts, "+")); err == nil {
		t.Fatal("a verifier key with a wrong key hash was accepted")
	}
}
