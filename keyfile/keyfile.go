// Package keyfile reads and writes the small secret files of a data
// directory — the personal-data master keys, the audit signing key, the CSRF
// key. A secret file is created atomically with mode 0600 (never half-written,
// never visible to others even for a moment, and of two processes starting at
// once the second reads the first one's file), replaced atomically, and
// refused on reading when group or others may access it.
//
// It knows nothing of what the secrets are; their owners encode them.
package keyfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// maxSize bounds a secret file: they are a few kilobytes at most.
const maxSize = 1 << 20

// Read returns the contents of the secret file at path. It fails with an
// error wrapping fs.ErrNotExist when there is none, and refuses a file that
// is not regular or that group or others may access. Permissions are checked
// on the opened file, so the file read is the file checked.
func Read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	// Windows has no such permission bits; its ACLs are the operator's job.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%s has mode %04o: it must not be accessible by group or others (chmod 600 %s)", path, perm, path)
	}
	return io.ReadAll(io.LimitReader(f, maxSize))
}

// Create writes b as a new secret file at path, creating its directory
// (0700) if needed. When the file exists already it leaves it alone and
// reports false: a concurrent starter won, and the caller should Read it.
func Create(path string, b []byte) (created bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, err
	}
	tmp, err := writeTemp(path, b)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, syncDir(filepath.Dir(path))
}

// Replace atomically replaces the secret file at path with b.
func Replace(path string, b []byte) error {
	tmp, err := writeTemp(path, b)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes b, synced, to a new 0600 file beside path (os.CreateTemp
// makes it 0600) and returns its name.
func writeTemp(path string, b []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a rename or link in dir durable.
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
