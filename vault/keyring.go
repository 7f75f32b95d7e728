package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A sealed value ("blob") describes itself, so that any holder of the key
// file can open it and rotation can rewrap it without knowing where it lives:
//
//	version  1 byte   blobVersion
//	key id   4 bytes  big-endian id of the master key that wrapped the data key
//	wrapped  60 bytes nonce (12) || AES-256-GCM(master key, data key) (32+16),
//	                  with version||key id as additional data
//	nonce    12 bytes for the data
//	sealed   n+16     AES-256-GCM(data key, plaintext), with the caller's aad
//
// The overhead is 93 bytes per value. The data's additional data is only the
// caller's aad, not the header, so rotation can replace the header and the
// wrapped key while the data bytes stay as they are.
const (
	blobVersion = 1
	headerSize  = 1 + 4
	nonceSize   = 12
	tagSize     = 16
	wrappedSize = nonceSize + keySize + tagSize
	dataOffset  = headerSize + wrappedSize
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = dataOffset + nonceSize + tagSize
)

// Errors that Open returns, for errors.Is. None of them says anything about
// the plaintext.
var (
	// ErrMalformed means the bytes are not a sealed value of a known version
	// (truncated, empty, or from another format).
	ErrMalformed = errors.New("vault: not a sealed value")
	// ErrUnknownKey means the value was sealed under a master key that this
	// key file does not hold (e.g. another installation's, or a key file
	// restored from a backup older than the data).
	ErrUnknownKey = errors.New("vault: unknown master key")
	// ErrAuth means authentication failed: the value was altered, or it is
	// opened with a different aad from the one it was sealed with.
	ErrAuth = errors.New("vault: authentication failed")
)

// Keyring holds the master keys and the blind-index key loaded from a key
// file. It is safe for concurrent use; Rotate may run while others seal and
// open.
type Keyring struct {
	path string
	now  func() time.Time
	// rotateBatch is DefaultRotateBatch; tests lower it to interrupt a
	// rotation between batches.
	rotateBatch int

	mu     sync.RWMutex
	file   *keyFile // as on disk; replaced, never mutated in place
	active uint32
	aeads  map[uint32]cipher.AEAD // master key id → AES-GCM
	index  []byte

	rotating sync.Mutex // one Rotate at a time
}

// newKeyring builds a keyring from a validated key file.
func newKeyring(path string, kf *keyFile, now func() time.Time) (*Keyring, error) {
	k := &Keyring{path: path, now: now, rotateBatch: DefaultRotateBatch}
	if err := k.install(kf); err != nil {
		return nil, err
	}
	return k, nil
}

// install makes kf the keyring's state.
func (k *Keyring) install(kf *keyFile) error {
	aeads := make(map[uint32]cipher.AEAD, len(kf.Keys))
	for _, mk := range kf.Keys {
		a, err := newGCM(mk.Key)
		if err != nil {
			return fmt.Errorf("vault: master key %d: %w", mk.ID, err)
		}
		aeads[mk.ID] = a
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.file, k.active, k.aeads, k.index = kf, kf.Active, aeads, kf.IndexKey
	return nil
}

// ActiveKeyID is the id of the master key that new values are sealed under.
func (k *Keyring) ActiveKeyID() uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.active
}

// Path is the key file the keyring was loaded from; rotation rewrites it.
func (k *Keyring) Path() string { return k.path }

// Seal encrypts plaintext under a fresh data key bound to aad and returns a
// self-describing blob (see the layout above). aad must not be empty: every
// sealed value has a place ("users.email_enc:42"), and naming it is what stops
// a value from being copied to another row.
//
// An empty or nil plaintext is sealed like any other: the blob proves that
// the value at that place is empty, and Open returns an empty, non-nil slice.
// A value that is absent should be SQL NULL, never Seal(nil): rotation and
// queries can then tell "none" from "empty".
func (k *Keyring) Seal(plaintext []byte, aad string) ([]byte, error) {
	if aad == "" {
		return nil, errors.New("vault: seal: empty aad")
	}
	k.mu.RLock()
	id, master := k.active, k.aeads[k.active]
	k.mu.RUnlock()

	dk := make([]byte, keySize)
	out := make([]byte, dataOffset+nonceSize, Overhead+len(plaintext))
	out[0] = blobVersion
	binary.BigEndian.PutUint32(out[1:headerSize], id)
	// One read fills the wrapping nonce, the data key and the data nonce.
	buf := make([]byte, nonceSize+keySize+nonceSize)
	if _, err := rand.Read(buf); err != nil {
		return nil, fmt.Errorf("vault: seal: random: %w", err)
	}
	copy(out[headerSize:], buf[:nonceSize])
	copy(dk, buf[nonceSize:nonceSize+keySize])
	copy(out[dataOffset:], buf[nonceSize+keySize:])
	clear(buf)
	defer clear(dk)

	// A random 96-bit nonce under one master key is safe for about 2^32
	// wraps (NIST SP 800-38D); rotation starts a new key long before that.
	master.Seal(out[headerSize+nonceSize:headerSize+nonceSize], out[headerSize:headerSize+nonceSize], dk, out[:headerSize])
	data, err := newGCM(dk)
	if err != nil {
		return nil, fmt.Errorf("vault: seal: %w", err)
	}
	// A data key seals exactly one value, so its random nonce never repeats.
	return data.Seal(out, out[dataOffset:dataOffset+nonceSize], plaintext, []byte(aad)), nil
}

// Open decrypts a blob made by Seal under any master key in the key file.
// It fails with ErrMalformed, ErrUnknownKey or ErrAuth (errors.Is); a blob
// sealed with a different aad fails with ErrAuth.
func (k *Keyring) Open(blob []byte, aad string) ([]byte, error) {
	dk, err := k.unwrap(blob)
	if err != nil {
		return nil, err
	}
	defer clear(dk)
	data, err := newGCM(dk)
	if err != nil {
		return nil, fmt.Errorf("vault: open: %w", err)
	}
	pt, err := data.Open(make([]byte, 0, len(blob)-Overhead), blob[dataOffset:dataOffset+nonceSize], blob[dataOffset+nonceSize:], []byte(aad))
	if err != nil {
		return nil, ErrAuth
	}
	return pt, nil
}

// unwrap checks the blob's shape and returns its data key.
func (k *Keyring) unwrap(blob []byte) ([]byte, error) {
	id, err := keyIDOf(blob)
	if err != nil {
		return nil, err
	}
	k.mu.RLock()
	master := k.aeads[id]
	k.mu.RUnlock()
	if master == nil {
		return nil, fmt.Errorf("%w %d", ErrUnknownKey, id)
	}
	dk, err := master.Open(make([]byte, 0, keySize), blob[headerSize:headerSize+nonceSize], blob[headerSize+nonceSize:dataOffset], blob[:headerSize])
	if err != nil {
		return nil, ErrAuth
	}
	return dk, nil
}

// rewrap returns blob with its data key wrapped by the active master key; the
// data nonce and ciphertext are copied unchanged. It reports false when the
// blob is already under the active key.
func (k *Keyring) rewrap(blob []byte) ([]byte, bool, error) {
	id, err := keyIDOf(blob)
	if err != nil {
		return nil, false, err
	}
	k.mu.RLock()
	active, master := k.active, k.aeads[k.active]
	k.mu.RUnlock()
	if id == active {
		return nil, false, nil
	}
	dk, err := k.unwrap(blob)
	if err != nil {
		return nil, false, err
	}
	defer clear(dk)
	out := make([]byte, headerSize+nonceSize, len(blob))
	out[0] = blobVersion
	binary.BigEndian.PutUint32(out[1:headerSize], active)
	if _, err := rand.Read(out[headerSize:]); err != nil {
		return nil, false, fmt.Errorf("vault: rewrap: random: %w", err)
	}
	out = master.Seal(out, out[headerSize:headerSize+nonceSize], dk, out[:headerSize])
	return append(out, blob[dataOffset:]...), true, nil
}

// keyIDOf returns the master key id of a well-formed blob.
func keyIDOf(blob []byte) (uint32, error) {
	if len(blob) < Overhead {
		return 0, fmt.Errorf("%w: %d bytes, fewer than %d", ErrMalformed, len(blob), Overhead)
	}
	if blob[0] != blobVersion {
		return 0, fmt.Errorf("%w: format version %d", ErrMalformed, blob[0])
	}
	return binary.BigEndian.Uint32(blob[1:headerSize]), nil
}

// BlindIndex returns HMAC-SHA-256(index key, domain || 0x00 || value): equal
// for equal (domain, value) pairs, so a unique index or a lookup can use it,
// and useless to anyone without the index key. The zero byte keeps
// ("ab", "c") and ("a", "bc") apart; domains never contain one.
func (k *Keyring) BlindIndex(domain, value string) []byte {
	k.mu.RLock()
	key := k.index
	k.mu.RUnlock()
	m := hmac.New(sha256.New, key)
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
