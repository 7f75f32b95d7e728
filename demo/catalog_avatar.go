package demo

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
)

// The size of an owner's generated photo, in pixels: the 4:5 of the
// service page's portrait frame.
const avatarW, avatarH = 120, 150

// ownerAvatar draws the demo photo of a service's responsible person: a
// symmetric 6×6 pattern of squares in one colour, derived from the name, so
// the same name always gets the same picture and nobody mistakes a demo
// official for a real person's face.
func ownerAvatar(name string) ([]byte, error) {
	h := fnv.New64a()
	h.Write([]byte(name))
	sum := h.Sum64()
	fg := color.RGBA{R: uint8(sum >> 8), G: uint8(sum >> 16), B: uint8(sum >> 24), A: 255}
	fg.R, fg.G, fg.B = fg.R/2+40, fg.G/2+40, fg.B/2+40 // dark enough to see on white
	bg := color.RGBA{R: 244, G: 244, B: 240, A: 255}

	const cells, cell = 6, 16
	const left, top = (avatarW - cells*cell) / 2, (avatarH - cells*cell) / 2
	img := image.NewRGBA(image.Rect(0, 0, avatarW, avatarH))
	for y := range avatarH {
		for x := range avatarW {
			img.SetRGBA(x, y, bg)
		}
	}
	bits := sum >> 32
	for row := range cells {
		for col := range cells / 2 {
			if bits&1 == 1 {
				for _, c := range []int{col, cells - 1 - col} {
					fill(img, left+cell*c, top+cell*row, cell, fg)
				}
			}
			bits >>= 1
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

func fill(img *image.RGBA, x0, y0, side int, c color.RGBA) {
	for y := y0; y < y0+side; y++ {
		for x := x0; x < x0+side; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}
