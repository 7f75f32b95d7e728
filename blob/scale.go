package blob

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// downscale draws img over white (JPEG has no transparency) at most side
// pixels on its longer side, keeping its proportions; smaller images keep
// their size. An image more than twice too large is first shrunk by box
// averaging to between two and four times the target (never by more than
// its shorter side), so that the scaler, whose cost grows with the source
// area, filters about a megapixel rather than a camera's twelve.
func downscale(img image.Image, side int, scaler draw.Scaler) *image.RGBA {
	sb := img.Bounds()
	w, h := sb.Dx(), sb.Dy()
	long := max(w, h)
	if long > side {
		w, h = scaleSide(w, side, long), scaleSide(h, side, long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if long <= side {
		draw.Draw(dst, dst.Bounds(), img, sb.Min, draw.Over)
		return dst
	}
	src := img
	if k := min(long/(2*side), sb.Dx(), sb.Dy()); k >= 2 {
		src = shrink(img, k)
	}
	scaler.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	return dst
}

// scaleSide scales n by side/long, rounded, at least 1; in 64 bits, as a
// side of MaxPixels times PreviewSize overflows 32.
func scaleSide(n, side, long int) int {
	return max(1, int((int64(n)*int64(side)+int64(long)/2)/int64(long)))
}

// shrink averages each k×k block of img into one pixel (a box filter:
// exact for premultiplied RGBA), leaving out the last w mod k columns and
// h mod k rows, fewer than k pixels. k must not exceed either side. It
// converts img k rows at a time, so it never holds a full-size copy.
func shrink(img image.Image, k int) *image.RGBA {
	sb := img.Bounds()
	w, h := sb.Dx()/k, sb.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	strip := image.NewRGBA(image.Rect(0, 0, w*k, k))
	// A block sums at most k²·255: with k·2·PreviewSize·k ≤ MaxPixels,
	// k is under 205 and the sums fit 32 bits.
	sums := make([]uint32, 4*w)
	n := uint32(k * k)
	for dy := range h {
		draw.Draw(strip, strip.Rect, img, image.Pt(sb.Min.X, sb.Min.Y+dy*k), draw.Src)
		clear(sums)
		for y := range k {
			row := strip.Pix[y*strip.Stride:]
			for x := range w {
				sum := sums[4*x : 4*x+4 : 4*x+4]
				for j := 4 * k * x; j < 4*k*(x+1); j += 4 {
					sum[0] += uint32(row[j])
					sum[1] += uint32(row[j+1])
					sum[2] += uint32(row[j+2])
					sum[3] += uint32(row[j+3])
				}
			}
		}
		out := dst.Pix[dy*dst.Stride:]
		for i, s := range sums {
			out[i] = uint8((s + n/2) / n)
		}
	}
	return dst
}
