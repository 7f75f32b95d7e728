package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/okno/okno"
	"github.com/okno/okno/keyfile"
)

// MaxObjectSize is the largest object a store accepts, whatever a feature
// allows: a bound on memory per request (objects are held whole to be
// sealed) that no configuration can lift by mistake.
const MaxObjectSize = 64 << 20

// sealSlack is what a sealed object may exceed MaxObjectSize by on disk
// (vault adds 93 bytes); a larger file is not one of ours and is not read.
const sealSlack = 64 << 10

// ErrCorrupt means a stored object or preview failed to open or does not
// hash to its address: it was altered on disk, truncated, or sealed under a
// key this installation lacks. Errors reporting it are EINTERNAL okno
// errors; test for it with errors.Is.
var ErrCorrupt = errors.New("blob: stored object is corrupt")

// Sealer encrypts objects at rest; *vault.Keyring implements it. aad binds
// a sealed object to its address, so a file copied to another address
// fails to open.
type Sealer interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(sealed []byte, aad string) ([]byte, error)
}

// FS is a Store on the local file system: each object is one sealed file,
// named by its address and sharded by its first two bytes
// (dir/ab/cd/abcd…), so that each directory holds 256 subdirectories or a
// 65,536th of the objects; previews live under dir/previews the same way. Replicas may share
// dir over a network file system: writes are atomic and never overwrite.
//
// vault.Rotate rewraps database columns, not these files: they stay sealed
// under the master key of their day, which the key file keeps.
type FS struct {
	dir    string
	sealer Sealer
	making chan struct{} // a slot per preview being made, previewSlots of them
}

var _ Store = (*FS)(nil)

// NewFS returns a store keeping its objects under dir, which it creates
// (0700) if needed. Objects are sealed with sealer.
func NewFS(dir string, sealer Sealer) (*FS, error) {
	if dir == "" || sealer == nil {
		return nil, errors.New("blob: NewFS needs a directory and a sealer")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if err := mkdirDurable(dir); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	return &FS{dir: dir, sealer: sealer, making: make(chan struct{}, previewSlots)}, nil
}

// Put stores content and describes it. Storing content that is already
// there does nothing. The object becomes visible under its address whole or
// not at all, and is on stable storage when Put returns.
func (s *FS) Put(ctx context.Context, content []byte) (Object, error) {
	if err := ctx.Err(); err != nil {
		return Object{}, err
	}
	if len(content) == 0 {
		return Object{}, okno.Errorf(okno.EINVALID, "blob.empty")
	}
	if len(content) > MaxObjectSize {
		return Object{}, okno.Errorf(okno.EINVALID, "blob.too_large", MaxObjectSize>>20)
	}
	sum := sha256.Sum256(content)
	obj := Object{Address: hex.EncodeToString(sum[:]), Size: int64(len(content)), MediaType: Sniff(content)}
	if err := s.write(s.objectPath(obj.Address), content, obj.Address); err != nil {
		return Object{}, err
	}
	return obj, nil
}

// Get returns the content stored at address, after checking that it hashes
// to the address: it never returns altered bytes. An unknown or malformed
// address is an ENOTFOUND error.
func (s *FS) Get(ctx context.Context, address string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validAddress(address) {
		return nil, notFound(address)
	}
	content, err := s.read(s.objectPath(address), address, address)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(content); hex.EncodeToString(sum[:]) != address {
		return nil, corrupt(address, errors.New("content does not hash to its address"))
	}
	return content, nil
}

// write seals plaintext under aad and stores it at path unless a file is
// there already. keyfile.Create writes a synced temporary file beside path
// and links it into place, so a crash leaves either nothing or the whole
// file under path (and perhaps a hidden temporary file beside it, which
// nothing reads), and a concurrent writer of the same object is harmless.
func (s *FS) write(path string, plaintext []byte, aad string) error {
	if _, err := os.Lstat(path); err == nil {
		return nil
	}
	if err := mkdirDurable(filepath.Dir(path)); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	sealed, err := s.sealer.Seal(plaintext, aad)
	if err != nil {
		return fmt.Errorf("blob: seal %s: %w", aad, err)
	}
	if _, err := keyfile.Create(path, sealed); err != nil {
		return fmt.Errorf("blob: write %s: %w", path, err)
	}
	return nil
}

// read opens the sealed file at path with aad. A missing file is an
// ENOTFOUND error about address; an unopenable one is corrupt.
func (s *FS) read(path, address, aad string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(address)
	} else if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > MaxObjectSize+sealSlack {
		return nil, corrupt(address, fmt.Errorf("%s is not a sealed object (mode %v, %d bytes)", path, fi.Mode(), fi.Size()))
	}
	sealed := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, sealed); err != nil {
		return nil, corrupt(address, err)
	}
	plain, err := s.sealer.Open(sealed, aad)
	if err != nil {
		return nil, corrupt(address, err)
	}
	return plain, nil
}

// objectPath is where the object at a valid address lives.
func (s *FS) objectPath(address string) string {
	return filepath.Join(s.dir, address[:2], address[2:4], address)
}

// previewPath is where the preview of the object at a valid address lives.
func (s *FS) previewPath(address string) string {
	return filepath.Join(s.dir, "previews", address[:2], address[2:4], address)
}

// validAddress reports whether address is 64 lowercase hex digits: the
// only strings that may become part of a path.
func validAddress(address string) bool {
	if len(address) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(address); i++ {
		if c := address[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// notFound is the error for an address the store does not hold. A
// malformed address is quoted only in the cause, shortened.
func notFound(address string) error {
	if len(address) > 2*sha256.Size {
		address = address[:2*sha256.Size] + "…"
	}
	return okno.Wrap(okno.ENOTFOUND, "blob.not_found", fmt.Errorf("blob: no object %q", address))
}

// corrupt is the error for a stored object that cannot be trusted.
func corrupt(address string, cause error) error {
	return okno.Wrap(okno.EINTERNAL, "blob.corrupt", fmt.Errorf("%w: %s: %w", ErrCorrupt, address, cause))
}

// mkdirDurable creates dir and any missing parents (0700), syncing each
// parent it adds an entry to, so that a file synced inside dir cannot be
// lost with its directory in a crash.
func mkdirDurable(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirDurable(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir makes the entries of dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}
