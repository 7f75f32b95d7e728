package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/vault"
)

// newStore returns a store in a temporary data directory, sealed with a
// fresh vault key file, and its directory.
func newStore(t testing.TB) (*FS, string) {
	t.Helper()
	data := t.TempDir()
	k, err := vault.Load(data, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(data, "blobs")
	s, err := NewFS(dir, k)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// plainSealer stores bytes as they are, so a test can write an object that
// opens but holds the wrong content.
type plainSealer struct{}

func (plainSealer) Seal(b []byte, _ string) ([]byte, error) { return bytes.Clone(b), nil }
func (plainSealer) Open(b []byte, _ string) ([]byte, error) { return bytes.Clone(b), nil }

// wantError fails unless err is an okno error with code and key.
func wantError(t *testing.T, err error, code okno.ErrorCode, key string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s %s", code, key)
	}
	e := okno.AsError(err)
	if e.Code != code || e.Key != key {
		t.Fatalf("err = %v, want %s %s", err, code, key)
	}
}

// pngBytes encodes a w×h opaque PNG with a gradient.
func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 0x80, 0xFF})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func addressOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	content := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	obj, err := s.Put(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	want := Object{Address: addressOf(content), Size: int64(len(content)), MediaType: PDF}
	if diff := cmp.Diff(want, obj); diff != "" {
		t.Errorf("Put (-want +got):\n%s", diff)
	}
	got, err := s.Get(ctx, obj.Address)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Errorf("Get = %q, want %q", got, content)
	}

	path := filepath.Join(dir, obj.Address[:2], obj.Address[2:4], obj.Address)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("object not at its sharded path: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("object mode = %04o, want 0600", perm)
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(onDisk, []byte("%PDF")) || bytes.Contains(onDisk, []byte("trailer")) {
		t.Errorf("object is stored in plaintext: %q", onDisk)
	}
}

func TestPutTwiceKeepsTheFirstFile(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	content := pngBytes(t, 8, 8)
	first, err := s.Put(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, first.Address[:2], first.Address[2:4], first.Address)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Put(ctx, bytes.Clone(content))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("second Put (-first +second):\n%s", diff)
	}
	// Sealing is randomised: equal bytes mean the file was not rewritten.
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("second Put rewrote the object")
	}
}

func TestPutLimits(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	_, err := s.Put(ctx, nil)
	wantError(t, err, okno.EINVALID, "blob.empty")

	big := make([]byte, MaxObjectSize+1)
	_, err = s.Put(ctx, big)
	wantError(t, err, okno.EINVALID, "blob.too_large")
	if got := okno.AsError(err).Args; !cmp.Equal(got, []any{64}) {
		t.Errorf("too_large args = %v, want [64]", got)
	}

	obj, err := s.Put(ctx, big[:MaxObjectSize])
	if err != nil {
		t.Fatalf("Put of exactly MaxObjectSize: %v", err)
	}
	got, err := s.Get(ctx, obj.Address)
	if err != nil || len(got) != MaxObjectSize {
		t.Fatalf("Get of the largest object = %d bytes, %v", len(got), err)
	}
}

func TestTypeIsToldByContentNotName(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	dir := t.TempDir()
	files := []struct {
		name    string
		content []byte
		want    string
	}{
		{"scan.pdf", pngBytes(t, 4, 4), PNG},
		{"photo.jpg", []byte("I am plain text, not a photo.\n"), OctetStream},
		{"invoice.png", []byte("%PDF-1.7\n"), PDF},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.content, 0o600); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := s.Put(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if obj.MediaType != f.want {
			t.Errorf("%s stored as %q, want %q", f.name, obj.MediaType, f.want)
		}
	}
}

func TestGetUnknownOrMalformedAddress(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	obj, err := s.Put(ctx, []byte("something"))
	if err != nil {
		t.Fatal(err)
	}
	// A file one could reach by climbing out of a shard, were addresses
	// used as paths unchecked.
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, address := range []string{
		addressOf([]byte("never stored")),
		"",
		strings.ToUpper(obj.Address),
		obj.Address[:63],
		obj.Address + "0",
		"../../secret",
		"../" + obj.Address[3:],
		obj.Address[:2] + "/" + obj.Address[3:],
		strings.Repeat("g", 64),
		strings.Repeat("0", 63) + "\x00",
		strings.Repeat("a", 10000),
	} {
		_, err := s.Get(ctx, address)
		wantError(t, err, okno.ENOTFOUND, "blob.not_found")
		_, err = s.Preview(ctx, address)
		wantError(t, err, okno.ENOTFOUND, "blob.not_found")
	}
}

func TestGetDetectsTampering(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	content := pngBytes(t, 16, 16)
	obj, err := s.Put(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Put(ctx, []byte("another object"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, obj.Address[:2], obj.Address[2:4], obj.Address)
	sealed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	otherSealed, err := os.ReadFile(filepath.Join(dir, other.Address[:2], other.Address[2:4], other.Address))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name   string
		onDisk []byte
	}{
		{"first byte flipped", flip(0)},
		{"middle byte flipped", flip(len(sealed) / 2)},
		{"last byte flipped", flip(len(sealed) - 1)},
		{"truncated", sealed[:len(sealed)-1]},
		{"empty", []byte{}},
		{"another object's file", otherSealed},
		{"plaintext", content},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.onDisk, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, obj.Address)
			if got != nil {
				t.Errorf("Get returned %d bytes of a tampered object", len(got))
			}
			wantError(t, err, okno.EINTERNAL, "blob.corrupt")
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestGetChecksTheHashAfterOpening(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := NewFS(dir, plainSealer{})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Put(ctx, []byte("the real content"))
	if err != nil {
		t.Fatal(err)
	}
	// The file opens (this sealer checks nothing) but holds other bytes.
	path := filepath.Join(dir, obj.Address[:2], obj.Address[2:4], obj.Address)
	if err := os.WriteFile(path, []byte("the fake content"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, obj.Address)
	if got != nil || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get = %q, %v; want ErrCorrupt", got, err)
	}
}

func TestGetRefusesWhatIsNotAFile(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	address := addressOf([]byte("a directory squats here"))
	if err := os.MkdirAll(filepath.Join(dir, address[:2], address[2:4], address), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(ctx, address)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
}

func TestConcurrentPutOfTheSameContent(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	content := pngBytes(t, 64, 64)
	const n = 32
	objs := make([]Object, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { objs[i], errs[i] = s.Put(ctx, content) })
	}
	wg.Wait()
	want := Object{Address: addressOf(content), Size: int64(len(content)), MediaType: PNG}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Put %d: %v", i, errs[i])
		}
		if diff := cmp.Diff(want, objs[i]); diff != "" {
			t.Errorf("Put %d (-want +got):\n%s", i, diff)
		}
	}
	// One object and no temporary files left behind.
	entries, err := os.ReadDir(filepath.Join(dir, want.Address[:2], want.Address[2:4]))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{want.Address}, names); diff != "" {
		t.Errorf("shard directory (-want +got):\n%s", diff)
	}
	got, err := s.Get(ctx, want.Address)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("Get after concurrent Puts: %d bytes, %v", len(got), err)
	}
}

func TestNewFS(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		dir  string
		s    Sealer
	}{
		{"no directory", "", plainSealer{}},
		{"no sealer", t.TempDir(), nil},
		{"a file in the way", file, plainSealer{}},
		{"below a file", filepath.Join(file, "blobs"), plainSealer{}},
	} {
		if _, err := NewFS(tt.dir, tt.s); err == nil {
			t.Errorf("%s: NewFS succeeded", tt.name)
		}
	}

	dir := filepath.Join(t.TempDir(), "a", "b", "blobs")
	if _, err := NewFS(dir, plainSealer{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("directory mode = %04o, want 0700", perm)
	}
}

func TestCancelledContext(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put err = %v, want context.Canceled", err)
	}
	address := addressOf([]byte("x"))
	if _, err := s.Get(ctx, address); !errors.Is(err, context.Canceled) {
		t.Errorf("Get err = %v, want context.Canceled", err)
	}
	if _, err := s.Preview(ctx, address); !errors.Is(err, context.Canceled) {
		t.Errorf("Preview err = %v, want context.Canceled", err)
	}
}
