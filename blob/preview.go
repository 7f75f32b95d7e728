package blob

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/okno/okno"
)

// MaxPixels bounds the images Preview decodes: a small file can declare
// an enormous image (a decompression bomb), and decoding holds every pixel
// in memory. 40 megapixels is more than a phone camera's usual 12 and
// costs at most 60 MB as a JPEG, 160 MB as an 8-bit PNG and 320 MB as a
// 16-bit one.
const MaxPixels = 40_000_000

// previewSlots is how many previews an FS makes at once. Making one is
// pure CPU and may hold a MaxPixels image, so more at once would only add
// memory; requests beyond it wait (or give up with their context).
const previewSlots = 2

// previewQuality is the JPEG quality of previews: artefacts are invisible
// at preview size, and a 480-pixel preview of a photo is a few tens of
// kilobytes.
const previewQuality = 80

// previewScaler resamples images to preview size after shrink has brought
// them near it. CatmullRom filters the whole source area, so fine detail
// (text on a photographed document, fences, fabric) does not alias as it
// does with ApproxBiLinear; see BenchmarkPreviewStages for the costs.
var previewScaler draw.Scaler = draw.CatmullRom

// codec decodes one image format. Formats are chosen by Sniff, not through
// image.Decode's global registry, so only these formats are ever decoded.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// codecs are the formats that have previews. gif.Decode keeps the first
// frame of an animation.
var codecs = map[string]codec{
	JPEG: {jpeg.DecodeConfig, jpeg.Decode},
	PNG:  {png.DecodeConfig, png.Decode},
	GIF:  {gif.DecodeConfig, gif.Decode},
	WebP: {webp.DecodeConfig, webp.Decode},
}

// CanPreview reports whether objects of mediaType (as Sniff names it) have
// previews, so that pages offer a thumbnail only where Preview can make one.
func CanPreview(mediaType string) bool {
	_, ok := codecs[mediaType]
	return ok
}

// Preview returns a JPEG of the image at address, at most PreviewSize
// pixels on its longer side, turned upright by its EXIF orientation and
// stripped of its metadata (camera, place). It is made on first request
// and kept, sealed, beside the objects. Objects that are not JPEG, PNG,
// GIF or WebP images, and images over MaxPixels, give EINVALID errors;
// callers that know the type ask CanPreview first, which spares reading
// the object.
func (s *FS) Preview(ctx context.Context, address string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validAddress(address) {
		return nil, notFound(address)
	}
	path, aad := s.previewPath(address), "preview:"+address
	b, err := s.read(path, address, aad)
	if !okno.IsCode(err, okno.ENOTFOUND) {
		return b, err
	}
	select {
	case s.making <- struct{}{}:
		defer func() { <-s.making }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Another request may have made it while this one waited.
	if b, err := s.read(path, address, aad); !okno.IsCode(err, okno.ENOTFOUND) {
		return b, err
	}
	content, err := s.Get(ctx, address)
	if err != nil {
		return nil, err
	}
	if b, err = makePreview(content, previewScaler); err != nil {
		return nil, err
	}
	if err := s.write(path, b, aad); err != nil {
		return nil, err
	}
	return b, nil
}

// makePreview decodes an image, refusing one over MaxPixels before its
// pixels are allocated, and encodes its preview.
func makePreview(content []byte, scaler draw.Scaler) ([]byte, error) {
	mediaType := Sniff(content)
	c, ok := codecs[mediaType]
	if !ok {
		return nil, okno.Errorf(okno.EINVALID, "blob.no_preview")
	}
	cfg, err := c.config(bytes.NewReader(content))
	if err != nil {
		return nil, okno.Wrap(okno.EINVALID, "blob.image_unreadable", err)
	}
	if err := checkPixels(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, err := c.decode(bytes.NewReader(content))
	if err != nil {
		return nil, okno.Wrap(okno.EINVALID, "blob.image_unreadable", err)
	}
	// A decoder is trusted only as far as its header: check what it made.
	if err := checkPixels(img.Bounds().Dx(), img.Bounds().Dy()); err != nil {
		return nil, err
	}
	small := downscale(img, PreviewSize, scaler)
	if mediaType == JPEG {
		small = orient(small, exifOrientation(content))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: previewQuality}); err != nil {
		return nil, fmt.Errorf("blob: encode preview: %w", err)
	}
	return buf.Bytes(), nil
}

// checkPixels refuses empty images and images over MaxPixels.
func checkPixels(w, h int) error {
	if w <= 0 || h <= 0 {
		return okno.Wrap(okno.EINVALID, "blob.image_unreadable", fmt.Errorf("blob: image is %d×%d", w, h))
	}
	if int64(w)*int64(h) > MaxPixels {
		e := okno.Errorf(okno.EINVALID, "blob.image_too_large", MaxPixels/1_000_000)
		e.Err = fmt.Errorf("blob: image is %d×%d", w, h)
		return e
	}
	return nil
}
