package blob

import (
	"bytes"
	"testing"
)

// ftyp builds an ISO BMFF ftyp box with a major brand and compatible brands.
func ftyp(major string, compatible ...string) []byte {
	body := major + "\x00\x00\x00\x00"
	for _, c := range compatible {
		body += c
	}
	n := 8 + len(body)
	return append([]byte{0, 0, byte(n >> 8), byte(n), 'f', 't', 'y', 'p'}, body...)
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"nil", nil, OctetStream},
		{"empty", []byte{}, OctetStream},
		{"one byte of a JPEG", []byte{0xFF}, OctetStream},
		{"two bytes of a JPEG", []byte{0xFF, 0xD8}, OctetStream},
		{"JPEG", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, JPEG},
		{"JPEG magic alone", []byte{0xFF, 0xD8, 0xFF}, JPEG},
		{"PNG", []byte("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"), PNG},
		{"PNG cut short", []byte("\x89PNG\r\n\x1A"), OctetStream},
		{"PNG with a line ending mangled by a text transfer", []byte("\x89PNG\n\x1A\n\x00"), OctetStream},
		{"GIF87a", []byte("GIF87a\x01\x00"), GIF},
		{"GIF89a", []byte("GIF89a\x01\x00"), GIF},
		{"GIF of an unknown version", []byte("GIF90a\x01\x00"), OctetStream},
		{"WebP lossy", []byte("RIFF\x22\x00\x00\x00WEBPVP8 \x16"), WebP},
		{"WebP lossless", []byte("RIFF\x1A\x00\x00\x00WEBPVP8L\x0D"), WebP},
		{"WebP extended", []byte("RIFF\x4A\x00\x00\x00WEBPVP8X\x0A"), WebP},
		{"RIFF WAVE audio", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), OctetStream},
		{"RIFF WEBP cut short", []byte("RIFF\x22\x00\x00\x00WEBPVP"), OctetStream},
		{"PDF", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), PDF},
		{"PDF word without the dash", []byte("%PDF"), OctetStream},
		{"PDF header after other bytes", []byte("\n%PDF-1.4"), OctetStream},
		{"HEIC of an iPhone", ftyp("heic", "mif1", "heic"), HEIC},
		{"HEIC sequence", ftyp("hevc", "msf1", "hevc"), HEIC},
		{"HEIF with HEVC among compatible brands", ftyp("mif1", "mif1", "heic"), HEIC},
		{"generic HEIF", ftyp("mif1", "mif1", "miaf"), HEIF},
		{"HEIF image sequence", ftyp("msf1", "msf1"), HEIF},
		{"AVIF", ftyp("avif", "mif1", "miaf"), OctetStream},
		{"AVIF under the generic brand", ftyp("mif1", "avif", "mif1"), OctetStream},
		{"MP4 video", ftyp("isom", "isom", "mp42"), OctetStream},
		{"ftyp box longer than the input", ftyp("heic", "mif1")[:18], OctetStream},
		{"ftyp box of impossible size", append([]byte{0, 0, 0, 8}, ftyp("heic")[4:]...), OctetStream},
		{"ftyp box too large to be real", append([]byte{0, 1, 0, 0}, ftyp("heic")[4:]...), OctetStream},
		{"text", []byte("Hello, this is a photo, honestly"), OctetStream},
		{"ZIP", []byte("PK\x03\x04\x14\x00"), OctetStream},
		{"HTML", []byte("<!DOCTYPE html><script>alert(1)</script>"), OctetStream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.in); got != tt.want {
				t.Errorf("Sniff(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// sniffable is every answer Sniff may give.
var sniffable = map[string]bool{JPEG: true, PNG: true, GIF: true, WebP: true, HEIC: true, HEIF: true, PDF: true, OctetStream: true}

// FuzzSniff checks that Sniff never panics, answers only with types it
// knows, and, once it has named a type, keeps it whatever follows.
func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{
		nil, {0xFF, 0xD8, 0xFF}, []byte("\x89PNG\r\n\x1A\n"), []byte("GIF89a"),
		[]byte("RIFF\x22\x00\x00\x00WEBPVP8 "), []byte("%PDF-1.4"),
		ftyp("heic", "mif1", "heic"), ftyp("mif1", "avif"), ftyp("mif1"),
	} {
		f.Add(seed, []byte("tail"))
	}
	f.Fuzz(func(t *testing.T, b, tail []byte) {
		got := Sniff(b)
		if !sniffable[got] {
			t.Fatalf("Sniff(%q) = %q, not a known type", b, got)
		}
		if got == OctetStream {
			return
		}
		longer := append(bytes.Clone(b), tail...)
		if again := Sniff(longer); again != got {
			t.Errorf("Sniff(%q) = %q but Sniff(%q) = %q", b, got, longer, again)
		}
	})
}
