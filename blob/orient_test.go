package blob

import (
	"encoding/binary"
	"image"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exifSegment builds an APP1 Exif segment whose IFD0 holds one entry with
// tag, type and a SHORT value, in the byte order bo.
func exifSegment(bo binary.ByteOrder, tag, typ, value uint16) []byte {
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II*\x00")
	} else {
		copy(tiff, "MM\x00*")
	}
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	bo.PutUint16(tiff[10:], tag)
	bo.PutUint16(tiff[12:], typ)
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], value)
	body := append([]byte("Exif\x00\x00"), tiff...)
	n := len(body) + 2
	return append([]byte{0xFF, 0xE1, byte(n >> 8), byte(n)}, body...)
}

// jpegWith builds the start of a JPEG: SOI, the given segments, then the
// start of the image data.
func jpegWith(segments ...[]byte) []byte {
	b := []byte{0xFF, 0xD8}
	for _, s := range segments {
		b = append(b, s...)
	}
	return append(b, 0xFF, 0xDA, 0x00, 0x02)
}

func TestExifOrientation(t *testing.T) {
	be, le := binary.BigEndian, binary.LittleEndian
	jfif := []byte{0xFF, 0xE0, 0x00, 0x07, 'J', 'F', 'I', 'F', 0}
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"not a JPEG", []byte("hello"), 1},
		{"no Exif", jpegWith(jfif), 1},
		{"big-endian 6", jpegWith(exifSegment(be, 0x0112, 3, 6)), 6},
		{"little-endian 8", jpegWith(exifSegment(le, 0x0112, 3, 8)), 8},
		{"after a JFIF segment", jpegWith(jfif, exifSegment(be, 0x0112, 3, 3)), 3},
		{"after fill bytes", jpegWith([]byte{0xFF, 0xFF}, exifSegment(be, 0x0112, 3, 5)), 5},
		{"after a marker without length", jpegWith([]byte{0xFF, 0x01}, exifSegment(be, 0x0112, 3, 2)), 2},
		{"each value", jpegWith(exifSegment(be, 0x0112, 3, 7)), 7},
		{"value out of range", jpegWith(exifSegment(be, 0x0112, 3, 9)), 1},
		{"value zero", jpegWith(exifSegment(be, 0x0112, 3, 0)), 1},
		{"wrong type", jpegWith(exifSegment(be, 0x0112, 4, 6)), 1},
		{"other tag only", jpegWith(exifSegment(be, 0x010F, 3, 6)), 1},
		{"Exif after the image data is ignored", append(jpegWith(), exifSegment(be, 0x0112, 3, 6)...), 1},
		{"segment cut short", jpegWith(exifSegment(be, 0x0112, 3, 6))[:20], 1},
		{"segment length below two", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0, 0}, 1},
		{"garbage between segments", []byte{0xFF, 0xD8, 0x00, 0x00, 0x00, 0x00}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.in); got != tt.want {
				t.Errorf("exifOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTIFFOrientationBounds(t *testing.T) {
	// Every prefix that cuts the one IFD entry short reads as upright; the
	// link to the next IFD after it is not needed.
	tiff := exifSegment(binary.BigEndian, 0x0112, 3, 6)[10:]
	const entryEnd = 8 + 2 + 12
	for n := range len(tiff) + 1 {
		want := 1
		if n >= entryEnd {
			want = 6
		}
		if got := tiffOrientation(tiff[:n]); got != want {
			t.Errorf("tiffOrientation of the first %d bytes = %d, want %d", n, got, want)
		}
	}
}

// FuzzExifOrientation checks that reading the orientation never panics and
// always gives a valid orientation.
func FuzzExifOrientation(f *testing.F) {
	f.Add(jpegWith(exifSegment(binary.BigEndian, 0x0112, 3, 6)))
	f.Add(jpegWith(exifSegment(binary.LittleEndian, 0x0112, 3, 8)))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		if got := exifOrientation(b); got < 1 || got > 8 {
			t.Errorf("exifOrientation = %d", got)
		}
	})
}

// grid makes a w×h image whose pixel (x, y) has red x and green y.
func grid(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+3] = uint8(x), uint8(y), 0xFF
		}
	}
	return img
}

// cells lists the (x, y) that grid wrote into each pixel, row by row.
func cells(img *image.RGBA) [][][2]int {
	var rows [][][2]int
	for y := range img.Rect.Dy() {
		var row [][2]int
		for x := range img.Rect.Dx() {
			i := img.PixOffset(x, y)
			row = append(row, [2]int{int(img.Pix[i]), int(img.Pix[i+1])})
		}
		rows = append(rows, row)
	}
	return rows
}

func TestOrient(t *testing.T) {
	// The stored image is 3×2:
	//	(0,0) (1,0) (2,0)
	//	(0,1) (1,1) (2,1)
	tests := []struct {
		o    int
		want [][][2]int
	}{
		{0, [][][2]int{{{0, 0}, {1, 0}, {2, 0}}, {{0, 1}, {1, 1}, {2, 1}}}},
		{1, [][][2]int{{{0, 0}, {1, 0}, {2, 0}}, {{0, 1}, {1, 1}, {2, 1}}}},
		{2, [][][2]int{{{2, 0}, {1, 0}, {0, 0}}, {{2, 1}, {1, 1}, {0, 1}}}},
		{3, [][][2]int{{{2, 1}, {1, 1}, {0, 1}}, {{2, 0}, {1, 0}, {0, 0}}}},
		{4, [][][2]int{{{0, 1}, {1, 1}, {2, 1}}, {{0, 0}, {1, 0}, {2, 0}}}},
		{5, [][][2]int{{{0, 0}, {0, 1}}, {{1, 0}, {1, 1}}, {{2, 0}, {2, 1}}}},
		{6, [][][2]int{{{0, 1}, {0, 0}}, {{1, 1}, {1, 0}}, {{2, 1}, {2, 0}}}},
		{7, [][][2]int{{{2, 1}, {2, 0}}, {{1, 1}, {1, 0}}, {{0, 1}, {0, 0}}}},
		{8, [][][2]int{{{2, 0}, {2, 1}}, {{1, 0}, {1, 1}}, {{0, 0}, {0, 1}}}},
		{9, [][][2]int{{{0, 0}, {1, 0}, {2, 0}}, {{0, 1}, {1, 1}, {2, 1}}}},
	}
	for _, tt := range tests {
		got := cells(orient(grid(3, 2), tt.o))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("orientation %d (-want +got):\n%s", tt.o, diff)
		}
	}
}

func TestOrientSubImage(t *testing.T) {
	// A sub-image does not start at (0, 0): orient must honour its origin.
	sub := grid(4, 4).SubImage(image.Rect(1, 1, 3, 2)).(*image.RGBA)
	got := cells(orient(sub, 6))
	want := [][][2]int{{{1, 1}}, {{2, 1}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
