package complaint

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

func TestWrap(t *testing.T) {
	g, err := newGlyphs()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Жалоба ", 40)
	tests := []struct {
		name, in string
		width    int
		lines    int // 0: more than one
	}{
		{"short", "История дела № 2026-00000001", 480, 1},
		{"two paragraphs", "один\nдва", 480, 2},
		{"long wraps at spaces", long, 200, 0},
		{"one long word is cut", strings.Repeat("щ", 300), 100, 0},
		{"control characters", "a\x00b\tc\u202ed", 480, 1},
	}
	for _, tt := range tests {
		got := g.wrap(tt.in, tt.width)
		if tt.lines != 0 && len(got) != tt.lines || tt.lines == 0 && len(got) < 2 {
			t.Errorf("%s: %d lines %q", tt.name, len(got), got)
		}
		for _, l := range got {
			w := 0
			for _, r := range l {
				_, rw := g.glyph(r)
				w += rw
			}
			if w*fontSize/1000 > tt.width && utf8.RuneCountInString(l) > 1 {
				t.Errorf("%s: line %q is %d points wide, over %d", tt.name, l, w*fontSize/1000, tt.width)
			}
		}
		if tt.name == "long wraps at spaces" {
			for _, l := range got {
				if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") || strings.Contains(l, "Жал ") {
					t.Errorf("%s: line %q is not broken at a space", tt.name, l)
				}
			}
		}
	}
}

// FuzzRenderPDF: any text becomes a whole PDF, and never a panic.
func FuzzRenderPDF(f *testing.F) {
	f.Add("История дела № 2026-00000001\nКомментарий: «ёлка» — 5 €")
	f.Add(strings.Repeat("слово ", 2000))
	f.Add("\xff\xfe\x00")
	f.Fuzz(func(t *testing.T, text string) {
		g, err := newGlyphs()
		if err != nil {
			t.Fatal(err)
		}
		b, err := renderPDF(g, g.wrap(text, pageW-2*margin))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
			t.Fatalf("not a whole PDF")
		}
	})
}

// BenchmarkRenderPDF renders a history of 60 events with comments.
func BenchmarkRenderPDF(b *testing.B) {
	g, err := newGlyphs()
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	for i := range 60 {
		text.WriteString("12. 02.03.2026 10:00 МСК — Запросить уточнения → «Нужны уточнения». Сотрудник: Жилищное агентство\n")
		text.WriteString("    Комментарий: Приложите, пожалуйста, копию обжалуемого решения или укажите его номер и дату. " + strings.Repeat("ж", i) + "\n")
	}
	for b.Loop() {
		if _, err := renderPDF(g, g.wrap(text.String(), pageW-2*margin)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSubsetKeepsUsedGlyphs: the subset is a font sfnt reads, whose used
// glyphs — simple ones and composites like «й» and «ё» — have the
// original outlines, whose other glyphs are empty, and which is much
// smaller than the font.
func TestSubsetKeepsUsedGlyphs(t *testing.T) {
	g, err := newGlyphs()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "История дела № йЙёЁ «»—" {
		g.glyph(r)
	}
	sub, err := subsetTrueType(goregular.TTF, g.used())
	if err != nil {
		t.Fatal(err)
	}
	if len(sub)*3 > len(goregular.TTF) {
		t.Errorf("subset is %d bytes of %d: not a subset", len(sub), len(goregular.TTF))
	}
	orig, err := pdfFont()
	if err != nil {
		t.Fatal(err)
	}
	f, err := sfnt.Parse(sub)
	if err != nil {
		t.Fatalf("the subset does not parse: %v", err)
	}
	if f.NumGlyphs() != orig.NumGlyphs() {
		t.Errorf("subset has %d glyphs, want the numbering kept (%d)", f.NumGlyphs(), orig.NumGlyphs())
	}
	var b1, b2 sfnt.Buffer
	ppem := fixed.I(1000)
	for r, id := range g.gid {
		want, err := orig.LoadGlyph(&b1, id, ppem, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.LoadGlyph(&b2, id, ppem, nil)
		if err != nil {
			t.Fatalf("glyph of %q: %v", r, err)
		}
		if len(want) == 0 && r != ' ' || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("glyph of %q: %d segments, want the original %d", r, len(got), len(want))
		}
	}
	unused, err := orig.GlyphIndex(&b1, 'Ж')
	if err != nil || unused == 0 {
		t.Fatal("no Ж in the font")
	}
	if segs, err := f.LoadGlyph(&b2, unused, ppem, nil); err != nil || len(segs) != 0 {
		t.Errorf("an unused glyph has %d segments (%v), want none", len(segs), err)
	}
}
