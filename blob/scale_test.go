package blob

import (
	"image"
	"image/color"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/draw"
)

// rgba builds an image from rows of grey levels, fully opaque.
func rgba(rows ...[]uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, len(rows[0]), len(rows)))
	for y, row := range rows {
		for x, v := range row {
			img.SetRGBA(x, y, color.RGBA{v, v, v, 0xFF})
		}
	}
	return img
}

// greys lists the red channel of each pixel, row by row.
func greys(img *image.RGBA) [][]uint8 {
	var rows [][]uint8
	for y := range img.Rect.Dy() {
		var row []uint8
		for x := range img.Rect.Dx() {
			row = append(row, img.RGBAAt(img.Rect.Min.X+x, img.Rect.Min.Y+y).R)
		}
		rows = append(rows, row)
	}
	return rows
}

func TestShrink(t *testing.T) {
	tests := []struct {
		name string
		in   image.Image
		k    int
		want [][]uint8
	}{
		{"2×2 blocks", rgba(
			[]uint8{0, 4, 100, 100},
			[]uint8{8, 12, 100, 101},
		), 2, [][]uint8{{6, 100}}},
		{"rounds to nearest", rgba(
			[]uint8{0, 1},
			[]uint8{1, 1},
		), 2, [][]uint8{{1}}},
		{"leaves out a partial block", rgba(
			[]uint8{10, 10, 10, 250, 250},
			[]uint8{10, 10, 10, 250, 250},
			[]uint8{10, 10, 10, 250, 250},
			[]uint8{250, 250, 250, 250, 250},
		), 3, [][]uint8{{10}}},
		{"a sub-image from its origin", rgba(
			[]uint8{200, 200, 200},
			[]uint8{200, 20, 40},
			[]uint8{200, 60, 80},
		).SubImage(image.Rect(1, 1, 3, 3)), 2, [][]uint8{{50}}},
		{"a paletted image", func() image.Image {
			p := image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black, color.White})
			p.Pix = []uint8{0, 1, 1, 1}
			return p
		}(), 2, [][]uint8{{191}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := greys(shrink(tt.in, tt.k))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestShrinkAveragesPremultipliedAlpha(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.SetNRGBA(0, 0, color.NRGBA{0xFF, 0, 0, 0xFF}) // opaque red
	img.SetNRGBA(1, 0, color.NRGBA{0, 0xFF, 0, 0})    // invisible green
	got := shrink(img, 1).RGBAAt(0, 0)
	if want := (color.RGBA{0xFF, 0, 0, 0xFF}); got != want {
		t.Errorf("k=1 copy = %v, want %v", got, want)
	}
	tall := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	copy(tall.Pix, img.Pix)
	copy(tall.Pix[tall.Stride:], img.Pix)
	got = shrink(tall, 2).RGBAAt(0, 0)
	// Half-covered red: the invisible green adds nothing.
	if want := (color.RGBA{0x80, 0, 0, 0x80}); got != want {
		t.Errorf("shrunk = %v, want %v", got, want)
	}
}

func TestDownscaleSizes(t *testing.T) {
	tests := []struct {
		w, h int
		want image.Point
	}{
		{480, 100, image.Pt(480, 100)},
		{481, 100, image.Pt(480, 100)},
		{959, 959, image.Pt(480, 480)},
		{1920, 1080, image.Pt(480, 270)}, // shrunk by 2 first
		{4000, 3000, image.Pt(480, 360)}, // shrunk by 4 first
		{3000, 4000, image.Pt(360, 480)},
		{4000, 3, image.Pt(480, 1)},   // shrunk by 3, its shorter side
		{100000, 1, image.Pt(480, 1)}, // not shrunk: one row
		{1, 100000, image.Pt(1, 480)},
	}
	for _, tt := range tests {
		img := image.NewGray(image.Rect(0, 0, tt.w, tt.h))
		if got := downscale(img, PreviewSize, draw.CatmullRom).Rect.Size(); got != tt.want {
			t.Errorf("downscale %d×%d = %v, want %v", tt.w, tt.h, got, tt.want)
		}
	}
}

func TestDownscaleKeepsFlatColour(t *testing.T) {
	// Through shrink and the scaler, a flat colour stays that colour to the edges.
	src := image.NewUniform(color.RGBA{10, 120, 230, 0xFF})
	img := image.NewRGBA(image.Rect(0, 0, 2000, 1500))
	draw.Draw(img, img.Rect, src, image.Point{}, draw.Src)
	got := downscale(img, PreviewSize, draw.CatmullRom)
	for _, p := range []image.Point{{0, 0}, {479, 0}, {0, 359}, {479, 359}, {240, 180}} {
		if c := got.RGBAAt(p.X, p.Y); c != src.C {
			t.Errorf("pixel %v = %v, want %v", p, c, src.C)
		}
	}
}
