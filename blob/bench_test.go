package blob

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"golang.org/x/image/draw"
)

// photo is a 12-megapixel (4000×3000) JPEG of about 3 MB, like a phone
// camera's: smooth light with sensor-like noise, so it compresses as
// photographs do. It is made once per test binary.
var photo = sync.OnceValue(func() []byte {
	const w, h = 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			light := 60 + 120*x/w + 40*y/h
			img.Y[img.YOffset(x, y)] = uint8(light + rng.IntN(28))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(110+rng.IntN(8)), uint8(140+rng.IntN(8))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err) // cannot happen: the image is valid and the buffer grows
	}
	return buf.Bytes()
})

// BenchmarkPut stores a new 3 MB photo each time: hash, seal, write,
// fsync, link, fsync the directory.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	content := append([]byte(nil), photo()...)
	b.SetBytes(int64(len(content)))
	var n uint64
	for b.Loop() {
		// Bytes after the JPEG's end change the address, not the picture.
		n++
		if _, err := s.Put(ctx, binary.BigEndian.AppendUint64(content, n)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(content)), "photo_bytes")
}

// BenchmarkPutExisting stores a photo that is there already.
func BenchmarkPutExisting(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	if _, err := s.Put(ctx, photo()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(photo())))
	for b.Loop() {
		if _, err := s.Put(ctx, photo()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet reads, opens and verifies a 3 MB photo.
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	obj, err := s.Put(ctx, photo())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(obj.Size)
	for b.Loop() {
		if _, err := s.Get(ctx, obj.Address); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreview makes the preview of a 12-megapixel photo — decode,
// shrink, scale, turn, encode — and reads a kept one.
func BenchmarkPreview(b *testing.B) {
	b.Run("make", func(b *testing.B) {
		for b.Loop() {
			if _, err := makePreview(photo(), previewScaler); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kept", func(b *testing.B) {
		ctx := context.Background()
		s, _ := newStore(b)
		obj, err := s.Put(ctx, photo())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Preview(ctx, obj.Address); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.Preview(ctx, obj.Address); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPreviewStages splits making a preview into its stages and
// compares ways to scale a 12-megapixel photo to 480×360: with and
// without the box shrink, with CatmullRom and ApproxBiLinear.
func BenchmarkPreviewStages(b *testing.B) {
	img, err := codecs[JPEG].decode(bytes.NewReader(photo()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := codecs[JPEG].decode(bytes.NewReader(photo())); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, sc := range []struct {
		name   string
		scaler draw.Scaler
	}{
		{"CatmullRom", draw.CatmullRom},
		{"ApproxBiLinear", draw.ApproxBiLinear},
	} {
		b.Run("scale/shrink+"+sc.name, func(b *testing.B) {
			for b.Loop() {
				downscale(img, PreviewSize, sc.scaler)
			}
		})
		b.Run("scale/"+sc.name+"-only", func(b *testing.B) {
			dst := image.NewRGBA(image.Rect(0, 0, 480, 360))
			for b.Loop() {
				sc.scaler.Scale(dst, dst.Rect, img, img.Bounds(), draw.Over, nil)
			}
		})
	}
	small := downscale(img, PreviewSize, previewScaler)
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			if err := jpeg.Encode(io.Discard, small, &jpeg.Options{Quality: previewQuality}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
