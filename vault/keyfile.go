package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/okno/okno/keyfile"
)

// KeyFileEnv names the environment variable that points at a key file kept
// outside the data directory (e.g. a mounted secret). The caller reads it and
// passes its value to Load; this package reads no environment itself.
const KeyFileEnv = "OKNO_MASTER_KEY_FILE"

// DefaultKeyFile is the key file's name inside the data directory.
const DefaultKeyFile = "master.key"

// keyFileVersion is the version of the key file's JSON layout.
const keyFileVersion = 1

// keySize is the size of every key: master, data and blind-index (256 bits).
const keySize = 32

// keyFile is the JSON stored in the key file.
type keyFile struct {
	Version int         `json:"version"`
	Active  uint32      `json:"active"`
	Keys    []masterKey `json:"master_keys"`
	// IndexKey keys every blind index. It is separate from the master keys
	// because it is never rotated with them (see Rotate).
	IndexKey []byte `json:"index_key"`
	// RewrapPending is set while a rotation has added the active key but not
	// yet rewrapped every value, so that re-running Rotate resumes the same
	// rotation instead of adding yet another key.
	RewrapPending bool `json:"rewrap_pending,omitempty"`
}

// masterKey is one version of the master key. Old versions are kept so that
// values not yet rewrapped (or restored from a backup) still open.
type masterKey struct {
	ID      uint32    `json:"id"`
	Key     []byte    `json:"key"` // base64 in JSON
	Created time.Time `json:"created"`
}

// Load reads the key file and returns a keyring. keyFile is the value of
// OKNO_MASTER_KEY_FILE as the caller found it: when empty, the key file is
// <dataDir>/master.key and is created (random master and blind-index keys,
// mode 0600) on first start. A named keyFile must already exist: a missing
// mounted secret must stop the server rather than quietly start a fresh key
// under which new data would be sealed and later lost.
//
// Load refuses a key file that is readable or writable by group or others,
// and one that is malformed, with an error that says which and where.
func Load(dataDir, keyFile string) (*Keyring, error) {
	path := keyFile
	if path == "" {
		if dataDir == "" {
			return nil, errors.New("vault: no data directory and no key file: set the data directory or " + KeyFileEnv)
		}
		path = filepath.Join(dataDir, DefaultKeyFile)
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("vault: create data directory: %w", err)
		}
		if err := createKeyFile(path, time.Now()); err != nil {
			return nil, err
		}
	}
	kf, err := readKeyFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && keyFile != "" {
			return nil, fmt.Errorf("vault: key file %s named by %s does not exist: %w", path, KeyFileEnv, err)
		}
		return nil, err
	}
	return newKeyring(path, kf, time.Now)
}

// createKeyFile writes a fresh key file at path unless one is already there.
// keyfile.Create writes it whole or not at all, and of two processes starting
// at once the loser reads the winner's file.
func createKeyFile(path string, now time.Time) error {
	if _, err := os.Lstat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil // exists (or is unreadable, which readKeyFile reports)
	}
	mk, err := newKey()
	if err != nil {
		return err
	}
	ik, err := newKey()
	if err != nil {
		return err
	}
	b, err := encodeKeyFile(&keyFile{
		Version:  keyFileVersion,
		Active:   1,
		Keys:     []masterKey{{ID: 1, Key: mk, Created: now.UTC().Truncate(time.Second)}},
		IndexKey: ik,
	})
	if err != nil {
		return err
	}
	if _, err := keyfile.Create(path, b); err != nil {
		return fmt.Errorf("vault: create key file %s: %w", path, err)
	}
	return nil
}

// replaceKeyFile atomically replaces the key file at path with kf.
func replaceKeyFile(path string, kf *keyFile) error {
	b, err := encodeKeyFile(kf)
	if err != nil {
		return err
	}
	if err := keyfile.Replace(path, b); err != nil {
		return fmt.Errorf("vault: replace key file %s: %w", path, err)
	}
	return nil
}

func encodeKeyFile(kf *keyFile) ([]byte, error) {
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("vault: encode key file: %w", err)
	}
	return append(b, '\n'), nil
}

// readKeyFile reads, checks and decodes the key file; keyfile.Read refuses
// one that group or others may access.
func readKeyFile(path string) (*keyFile, error) {
	b, err := keyfile.Read(path)
	if err != nil {
		return nil, fmt.Errorf("vault: key file: %w", err)
	}
	kf, err := parseKeyFile(b)
	if err != nil {
		return nil, fmt.Errorf("vault: key file %s is malformed: %w", path, err)
	}
	return kf, nil
}

// parseKeyFile decodes and validates the key file's JSON. Unknown fields are
// refused: a misspelt field must not silently drop a key.
func parseKeyFile(b []byte) (*keyFile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var kf keyFile
	if err := dec.Decode(&kf); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	if kf.Version != keyFileVersion {
		return nil, fmt.Errorf("version %d, want %d", kf.Version, keyFileVersion)
	}
	if len(kf.IndexKey) != keySize {
		return nil, fmt.Errorf("index_key has %d bytes, want %d", len(kf.IndexKey), keySize)
	}
	if len(kf.Keys) == 0 {
		return nil, errors.New("no master_keys")
	}
	seen := map[uint32]bool{}
	for _, k := range kf.Keys {
		if k.ID == 0 {
			return nil, errors.New("master key with id 0")
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("master key id %d appears twice", k.ID)
		}
		seen[k.ID] = true
		if len(k.Key) != keySize {
			return nil, fmt.Errorf("master key %d has %d bytes, want %d", k.ID, len(k.Key), keySize)
		}
	}
	if !seen[kf.Active] {
		return nil, fmt.Errorf("active master key %d is not among master_keys", kf.Active)
	}
	return &kf, nil
}

// newKey returns a random 256-bit key. crypto/rand.Read never fails on the
// systems Go supports (it panics rather than return weak bytes); the error is
// checked anyway so that a future change cannot turn into a zero key.
func newKey() ([]byte, error) {
	k := make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("vault: random key: %w", err)
	}
	return k, nil
}
