package blob

import (
	"bytes"
	"encoding/binary"
)

// The media types Sniff tells apart. Anything else is OctetStream.
const (
	JPEG        = "image/jpeg"
	PNG         = "image/png"
	GIF         = "image/gif"
	WebP        = "image/webp"
	HEIC        = "image/heic"
	HEIF        = "image/heif"
	PDF         = "application/pdf"
	OctetStream = "application/octet-stream"
)

// Sniff returns the media type of b judged by its first bytes (magic
// numbers), never by a file name: a PNG named report.pdf is image/png and a
// text file named photo.jpg is application/octet-stream. It recognises
// JPEG, PNG, GIF, WebP, HEIC/HEIF and PDF from the start of a file (the
// first 4 KB are always enough); once it has named a type, more bytes never
// change its answer.
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")):
		return JPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1A\n")):
		return PNG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return GIF
	case len(b) >= 15 && string(b[:4]) == "RIFF" && string(b[8:15]) == "WEBPVP8":
		// The first chunk of a WebP is "VP8 ", "VP8L" or "VP8X".
		return WebP
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF
	}
	return sniffHEIF(b)
}

// maxFtypSize bounds the ftyp box Sniff reads: real ones list a handful of
// brands in a few dozen bytes.
const maxFtypSize = 4096

// heicBrands are the ISO BMFF brands of HEVC-coded HEIF images and sequences.
var heicBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true,
	"hevc": true, "hevx": true, "hevm": true, "hevs": true,
}

// sniffHEIF recognises HEIF files, which start with an ISO BMFF ftyp box:
// size (4 bytes), "ftyp", the major brand, a minor version and compatible
// brands. HEVC-coded ones (iPhone photos) are image/heic; the generic
// mif1/msf1 brands are image/heif unless a compatible brand says HEVC.
// AVIF shares the container but not the codec and is not recognised.
// The whole box must be present, so that more bytes cannot change the answer.
func sniffHEIF(b []byte) string {
	if len(b) < 16 || string(b[4:8]) != "ftyp" {
		return OctetStream
	}
	size := binary.BigEndian.Uint32(b[:4])
	if size < 16 || size > maxFtypSize || int(size) > len(b) {
		return OctetStream
	}
	major := string(b[8:12])
	if heicBrands[major] {
		return HEIC
	}
	if major != "mif1" && major != "msf1" {
		return OctetStream
	}
	for i := 16; i+4 <= int(size); i += 4 {
		switch brand := string(b[i : i+4]); {
		case heicBrands[brand]:
			return HEIC
		case brand == "avif" || brand == "avis":
			return OctetStream
		}
	}
	return HEIF
}
