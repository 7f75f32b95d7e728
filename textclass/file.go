package textclass

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// LoadFile reads a model file written by SaveFile or Save. A missing file
// gives an error for which errors.Is(err, fs.ErrNotExist) holds.
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Load(f)
}

// SaveFile writes the model to path atomically: to a temporary file beside
// it, synced, then renamed over it, so that a reader (another node, a
// restarted server) sees the old model or the new one, never half of one.
func (m *Model) SaveFile(path string) (err error) {
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("textclass: save: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("textclass: save: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("textclass: save: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("textclass: save: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("textclass: save: %w", err)
	}
	return nil
}
