package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/okno/okno/keyfile"
)

// The files LoadOrCreateKey keeps in the data directory.
const (
	// KeyFile holds the checkpoint signing key (PKCS #8, PEM), readable by
	// its owner only.
	KeyFile = "audit-signing.key"
	// PublicKeyFile holds the verifier key in the signed-note format,
	// "okno-audit+<key hash>+<base64 key>", to hand to anyone who checks
	// checkpoints; ReadPublicKey reads it.
	PublicKeyFile = "audit-signing.pub"
)

// LoadOrCreateKey returns the checkpoint signing key kept in dataDir,
// creating it on first use, and (re)writes its public half for verifiers.
// Every node appending to one log must use the same key: on several nodes,
// provision the file rather than letting each node create its own.
func LoadOrCreateKey(dataDir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dataDir, KeyFile)
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(dataDir, path)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: signing key: %w", err)
	}
	if err := writePublicKey(dataDir, key.Public().(ed25519.PublicKey)); err != nil {
		return nil, fmt.Errorf("audit: signing key: %w", err)
	}
	return key, nil
}

func readKey(path string) (ed25519.PrivateKey, error) {
	// keyfile.Read refuses a key others may read: anyone who can read it can
	// sign a forged history.
	b, err := keyfile.Read(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: no PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an Ed25519 key", path, k)
	}
	return key, nil
}

// createKey writes a new key to a temporary file and links it into place, so
// the key file is either absent or whole, and of two processes starting at
// once one wins and the other reads the winner's key.
func createKey(dataDir, path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	created, err := keyfile.Create(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		return nil, err
	}
	if !created {
		return readKey(path) // another process made it first
	}
	return key, nil
}

// writePublicKey writes the verifier key unless the file already says it.
func writePublicKey(dataDir string, pub ed25519.PublicKey) error {
	path := filepath.Join(dataDir, PublicKeyFile)
	want := []byte(verifierKey(pub) + "\n")
	if got, err := os.ReadFile(path); err == nil && bytes.Equal(got, want) {
		return nil
	}
	if err := keyfile.Replace(path, want); err != nil {
		return err
	}
	// Verifiers may read the public half.
	return os.Chmod(path, 0o644)
}

// verifierKey is pub in the signed-note verifier key format.
func verifierKey(pub ed25519.PublicKey) string {
	return keyName + "+" + hex.EncodeToString(keyHash(pub)) + "+" +
		base64.StdEncoding.EncodeToString(append([]byte{sigAlgEd25519}, pub...))
}

// ReadPublicKey reads a verifier key written by LoadOrCreateKey (the file
// PublicKeyFile), for Verify on a machine that must not hold the private key.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: public key: %w", err)
	}
	pub, err := parseVerifierKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("audit: public key %s: %w", path, err)
	}
	return pub, nil
}

func parseVerifierKey(s string) (ed25519.PublicKey, error) {
	parts := strings.SplitN(s, "+", 3)
	if len(parts) != 3 || parts[0] != keyName {
		return nil, fmt.Errorf("not an %s verifier key", keyName)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != sigAlgEd25519 {
		return nil, errors.New("malformed Ed25519 key")
	}
	pub := ed25519.PublicKey(raw[1:])
	if parts[1] != hex.EncodeToString(keyHash(pub)) {
		return nil, errors.New("key hash does not match the key")
	}
	return pub, nil
}
