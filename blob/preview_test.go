package blob

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
)

// Tiny valid WebP files (1×1), as feature tests in browsers use them:
// there is no WebP encoder in Go to make larger ones.
var (
	webpLossless = mustBase64("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	webpLossy    = mustBase64("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
	webpAlpha    = mustBase64("UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==")
)

func mustBase64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// halves makes a w×h image, its left half left and its right half right.
func halves(w, h int, left, right color.Color) *image.RGBA {
	return quadrants(w, h, left, right, left, right)
}

func jpegBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIF inserts an Exif segment with orientation o after a JPEG's SOI.
func withEXIF(jpg []byte, o uint16) []byte {
	seg := exifSegment(binary.BigEndian, 0x0112, 3, o)
	return append(append(bytes.Clone(jpg[:2]), seg...), jpg[2:]...)
}

// pngHeader is a PNG signature and a valid IHDR chunk declaring w×h
// pixels: all a decoder needs to size the image, and nothing after it.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	b := []byte("\x89PNG\r\n\x1A\n")
	b = binary.BigEndian.AppendUint32(b, uint32(len(ihdr)-4))
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// webpCanvas is an extended WebP header declaring a w×h canvas.
func webpCanvas(w, h int) []byte {
	vp8x := []byte{0, 0, 0, 0, byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16), byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)}
	b := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0A\x00\x00\x00"), vp8x...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// previewOf stores content and returns the decoded preview.
func previewOf(t *testing.T, s *FS, content []byte) image.Image {
	t.Helper()
	ctx := context.Background()
	obj, err := s.Put(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Preview(ctx, obj.Address)
	if err != nil {
		t.Fatal(err)
	}
	if got := Sniff(b); got != JPEG {
		t.Fatalf("preview is %s, want a JPEG", got)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestPreviewSize(t *testing.T) {
	s, _ := newStore(t)
	tests := []struct {
		name    string
		content []byte
		want    image.Point
	}{
		{"wide PNG", pngBytes(t, 1000, 500), image.Pt(480, 240)},
		{"large PNG, shrunk first", pngBytes(t, 2000, 1000), image.Pt(480, 240)},
		{"tall GIF", gifBytes(t, 600, 900), image.Pt(320, 480)},
		{"JPEG photo", jpegBytes(t, halves(1600, 1200, color.White, color.Black)), image.Pt(480, 360)},
		{"small JPEG keeps its size", jpegBytes(t, halves(300, 200, color.White, color.Black)), image.Pt(300, 200)},
		{"exactly the preview size", pngBytes(t, 480, 480), image.Pt(480, 480)},
		{"thin strip keeps a pixel", pngBytes(t, 2000, 1), image.Pt(480, 1)},
		{"lossless WebP", webpLossless, image.Pt(1, 1)},
		{"lossy WebP", webpLossy, image.Pt(1, 1)},
		{"WebP with alpha", webpAlpha, image.Pt(1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := previewOf(t, s, tt.content).Bounds().Size(); got != tt.want {
				t.Errorf("preview is %v, want %v", got, tt.want)
			}
		})
	}
}

// near reports whether c is within a JPEG's error of want.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return int(x>>8)-int(y) < 40 && int(y)-int(x>>8) < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// quadrants makes a w×h image of four colours, one per quarter.
func quadrants(w, h int, tl, tr, bl, br color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := [2][2]color.Color{{tl, tr}, {bl, br}}[y*2/h][x*2/w]
			img.Set(x, y, c)
		}
	}
	return img
}

func TestPreviewTurnsPhotosUpright(t *testing.T) {
	s, _ := newStore(t)
	r, g, b, k := color.RGBA{0xFF, 0, 0, 0xFF}, color.RGBA{0, 0xFF, 0, 0xFF}, color.RGBA{0, 0, 0xFF, 0xFF}, color.RGBA{0, 0, 0, 0xFF}
	// A camera held upright stores a landscape frame and orientation 6 or 8.
	stored := jpegBytes(t, quadrants(200, 100, r, b, g, k))
	tests := []struct {
		name           string
		content        []byte
		size           image.Point
		tl, tr, bl, br color.RGBA // the colours of the preview's quarters
	}{
		{"no orientation", stored, image.Pt(200, 100), r, b, g, k},
		{"upside down (3)", withEXIF(stored, 3), image.Pt(200, 100), k, g, b, r},
		{"mirrored along the diagonal (5)", withEXIF(stored, 5), image.Pt(100, 200), r, g, b, k},
		{"turned clockwise (6)", withEXIF(stored, 6), image.Pt(100, 200), g, r, k, b},
		{"turned anticlockwise (8)", withEXIF(stored, 8), image.Pt(100, 200), b, k, r, g},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := previewOf(t, s, tt.content)
			bounds := img.Bounds()
			if got := bounds.Size(); got != tt.size {
				t.Fatalf("preview is %v, want %v", got, tt.size)
			}
			w, h := bounds.Dx(), bounds.Dy()
			probes := []struct {
				name string
				at   image.Point
				want color.RGBA
			}{
				{"top left", image.Pt(w/4, h/4), tt.tl},
				{"top right", image.Pt(w*3/4, h/4), tt.tr},
				{"bottom left", image.Pt(w/4, h*3/4), tt.bl},
				{"bottom right", image.Pt(w*3/4, h*3/4), tt.br},
			}
			for _, p := range probes {
				if c := color.RGBAModel.Convert(img.At(p.at.X, p.at.Y)); !near(c, p.want) {
					t.Errorf("%s quarter is %v, want %v", p.name, c, p.want)
				}
			}
		})
	}
}

func TestPreviewPutsTransparencyOnWhite(t *testing.T) {
	s, _ := newStore(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 600, 600))); err != nil {
		t.Fatal(err)
	}
	img := previewOf(t, s, buf.Bytes())
	if c := img.At(240, 240); !near(c, color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
		t.Errorf("transparent pixel previews as %v, want white", c)
	}
}

func TestPreviewRefusals(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	truncated := pngBytes(t, 100, 100)
	truncated = truncated[:len(truncated)/2]
	tests := []struct {
		name    string
		content []byte
		key     string
	}{
		{"PDF", []byte("%PDF-1.4\n%%EOF\n"), "blob.no_preview"},
		{"HEIC", append(ftyp("heic", "mif1", "heic"), make([]byte, 64)...), "blob.no_preview"},
		{"text", []byte("just text"), "blob.no_preview"},
		{"PNG bomb of 100000×100000", pngHeader(100000, 100000), "blob.image_too_large"},
		{"PNG just over the limit", pngHeader(8000, 5001), "blob.image_too_large"},
		{"WebP bomb of 16384×16384", webpCanvas(16384, 16384), "blob.image_too_large"},
		{"PNG of zero width", pngHeader(0, 10), "blob.image_unreadable"},
		{"truncated PNG", truncated, "blob.image_unreadable"},
		{"JPEG magic only", []byte{0xFF, 0xD8, 0xFF, 0xE0}, "blob.image_unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := s.Put(ctx, tt.content)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Preview(ctx, obj.Address)
			if got != nil {
				t.Errorf("Preview returned %d bytes", len(got))
			}
			wantError(t, err, okno.EINVALID, tt.key)
		})
	}
}

func TestPreviewTooLargeSaysTheLimit(t *testing.T) {
	_, err := makePreview(pngHeader(100000, 100000), previewScaler)
	if got := okno.AsError(err).Args; !cmp.Equal(got, []any{40}) {
		t.Errorf("args = %v, want [40]", got)
	}
}

func TestPreviewIsMadeOnceAndKeptSealed(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	obj, err := s.Put(ctx, pngBytes(t, 800, 600))
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Preview(ctx, obj.Address)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "previews", obj.Address[:2], obj.Address[2:4], obj.Address)
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("preview not kept: %v", err)
	}
	if bytes.Contains(onDisk, []byte("JFIF")) || Sniff(onDisk) == JPEG {
		t.Error("preview is kept in plaintext")
	}
	// With the original gone, only a kept preview can answer.
	if err := os.Remove(filepath.Join(dir, obj.Address[:2], obj.Address[2:4], obj.Address)); err != nil {
		t.Fatal(err)
	}
	second, err := s.Preview(ctx, obj.Address)
	if err != nil {
		t.Fatalf("second Preview: %v", err)
	}
	if !bytes.Equal(first, second) {
		t.Error("second Preview differs from the first")
	}
}

func TestPreviewDetectsTampering(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	obj, err := s.Put(ctx, pngBytes(t, 50, 50))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Preview(ctx, obj.Address); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "previews", obj.Address[:2], obj.Address[2:4], obj.Address)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x80
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Preview(ctx, obj.Address)
	if got != nil || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Preview = %d bytes, %v; want ErrCorrupt", len(got), err)
	}
}

func TestPreviewOfAnObjectMovedToAPreview(t *testing.T) {
	// An object's file copied over a preview must not open: they are
	// sealed for different places.
	ctx := context.Background()
	s, dir := newStore(t)
	obj, err := s.Put(ctx, jpegBytes(t, halves(40, 40, color.White, color.Black)))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := os.ReadFile(filepath.Join(dir, obj.Address[:2], obj.Address[2:4], obj.Address))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "previews", obj.Address[:2], obj.Address[2:4], obj.Address)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Preview(ctx, obj.Address); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
}

func TestCanPreview(t *testing.T) {
	for mediaType, want := range map[string]bool{
		JPEG: true, PNG: true, GIF: true, WebP: true,
		HEIC: false, HEIF: false, PDF: false, OctetStream: false, "": false,
	} {
		if got := CanPreview(mediaType); got != want {
			t.Errorf("CanPreview(%q) = %v, want %v", mediaType, got, want)
		}
	}
}

// FuzzPreview feeds arbitrary bytes to the preview maker: it must return a
// JPEG or an okno error, never panic.
func FuzzPreview(f *testing.F) {
	f.Add(pngBytes(f, 3, 2))
	f.Add(gifBytes(f, 3, 2))
	f.Add(withEXIF(jpegBytes(f, halves(4, 2, color.White, color.Black)), 6))
	f.Add(webpLossless)
	f.Add(webpLossy)
	f.Add(webpAlpha)
	f.Add(pngHeader(100000, 100000))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := makePreview(b, previewScaler)
		if err != nil {
			if okno.ErrorCodeOf(err) != okno.EINVALID {
				t.Fatalf("err = %v, want an EINVALID okno error", err)
			}
			return
		}
		if Sniff(got) != JPEG {
			t.Fatalf("preview is not a JPEG")
		}
	})
}

func TestConcurrentPreviews(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t)
	obj, err := s.Put(ctx, pngBytes(t, 1200, 900))
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = s.Preview(ctx, obj.Address) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Preview %d: %v", i, errs[i])
		}
		if !bytes.Equal(got[i], got[0]) {
			t.Errorf("Preview %d differs from Preview 0", i)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "previews", obj.Address[:2], obj.Address[2:4]))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != obj.Address {
		t.Errorf("preview directory holds %v, want the one preview", entries)
	}
}

func TestPreviewGivesUpWaitingForASlot(t *testing.T) {
	s, _ := newStore(t)
	obj, err := s.Put(context.Background(), pngBytes(t, 10, 10))
	if err != nil {
		t.Fatal(err)
	}
	for range cap(s.making) {
		s.making <- struct{}{} // every slot busy
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := s.Preview(ctx, obj.Address)
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
