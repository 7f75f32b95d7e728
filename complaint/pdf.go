package complaint

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// A history is rendered as a PDF because the case engine takes only
// scans and photographs as documents (images and PDF, checked by
// content): a text file would be refused. The PDF is written here by
// hand, with the Go font (which has Cyrillic, and ships with a module we
// already use) embedded as a subset (subset.go) in a CID font with a
// ToUnicode map, so the text can be searched and copied. Content streams are left uncompressed:
// they are small, and tests read them back.

// Page geometry in points: A4 with 2 cm margins.
const (
	pageW, pageH = 595, 842
	margin       = 56
	fontSize     = 10
	leading      = 14
	linesPerPage = (pageH - 2*margin) / leading
)

// pdfFont is the parsed Go Regular font, shared and read-only.
var pdfFont = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(goregular.TTF) })

// glyphs maps the runes of a document to the font's glyph indices and
// widths (thousandths of the font size), remembering which it used.
type glyphs struct {
	f     *sfnt.Font
	buf   sfnt.Buffer
	upem  fixed.Int26_6
	gid   map[rune]sfnt.GlyphIndex
	width map[sfnt.GlyphIndex]int
	uni   map[sfnt.GlyphIndex]rune
}

func newGlyphs() (*glyphs, error) {
	f, err := pdfFont()
	if err != nil {
		return nil, fmt.Errorf("complaint: font: %w", err)
	}
	return &glyphs{f: f, upem: fixed.I(int(f.UnitsPerEm())), gid: map[rune]sfnt.GlyphIndex{},
		width: map[sfnt.GlyphIndex]int{}, uni: map[sfnt.GlyphIndex]rune{}}, nil
}

// glyph returns r's glyph and its width; a rune the font lacks is "?".
func (g *glyphs) glyph(r rune) (sfnt.GlyphIndex, int) {
	if id, ok := g.gid[r]; ok {
		return id, g.width[id]
	}
	id, err := g.f.GlyphIndex(&g.buf, r)
	if err != nil || id == 0 {
		if r == '?' {
			return 0, 0
		}
		id, w := g.glyph('?')
		g.gid[r] = id
		return id, w
	}
	adv, err := g.f.GlyphAdvance(&g.buf, id, g.upem, font.HintingNone)
	if err != nil {
		adv = g.upem / 2
	}
	w := int(int64(adv) * 1000 / int64(g.upem))
	g.gid[r], g.width[id] = id, w
	if _, ok := g.uni[id]; !ok {
		g.uni[id] = r
	}
	return id, w
}

// wrap breaks text into lines no wider than width points, at spaces
// where it can.
func (g *glyphs) wrap(text string, width int) []string {
	limit := width * 1000 / fontSize
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || !unicode.IsPrint(r) {
				return ' '
			}
			return r
		}, para)
		line, w := []rune{}, 0
		lastSpace := -1
		for _, r := range para {
			_, rw := g.glyph(r)
			if w+rw > limit && len(line) > 0 {
				cut := len(line)
				if lastSpace > 0 {
					cut = lastSpace
				}
				lines = append(lines, strings.TrimRight(string(line[:cut]), " "))
				line = slices.Clone(line[cut:])
				for len(line) > 0 && line[0] == ' ' {
					line = line[1:]
				}
				w, lastSpace = 0, -1
				for i, lr := range line {
					_, lw := g.glyph(lr)
					w += lw
					if lr == ' ' {
						lastSpace = i
					}
				}
			}
			if r == ' ' {
				lastSpace = len(line)
			}
			line = append(line, r)
			w += rw
		}
		lines = append(lines, strings.TrimRight(string(line), " "))
	}
	return lines
}

// renderPDF lays out lines (already wrapped) on A4 pages.
func renderPDF(g *glyphs, lines []string) ([]byte, error) {
	var pages [][]string
	for len(lines) > 0 {
		n := min(len(lines), linesPerPage)
		pages = append(pages, lines[:n])
		lines = lines[n:]
	}
	if len(pages) == 0 {
		pages = [][]string{{""}}
	}
	var w pdfWriter
	w.buf.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	// Objects 1–6 are the catalogue, the page tree and the font; pages
	// and their contents follow in pairs.
	const catalog, pageTree, type0, cidFont, descriptor, fontFile, toUnicode = 1, 2, 3, 4, 5, 6, 7
	first := 8
	w.obj(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pageTree))
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", first+2*i)
	}
	w.obj(pageTree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	contents := make([][]byte, len(pages))
	for i, p := range pages {
		contents[i] = pageContent(g, p)
	}
	name := g.subsetName()
	w.obj(type0, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%[3]s /Encoding /Identity-H /DescendantFonts [%[1]d 0 R] /ToUnicode %[2]d 0 R >>", cidFont, toUnicode, name))
	w.obj(cidFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 600 /W [%s] >>", name, descriptor, g.widths()))
	w.obj(descriptor, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [-500 -300 1500 1000] /ItalicAngle 0 /Ascent 930 /Descent -220 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >>", name, fontFile))
	sub, err := subsetTrueType(goregular.TTF, g.used())
	if err != nil {
		return nil, err
	}
	w.stream(fontFile, fmt.Sprintf("/Length1 %d /Filter /FlateDecode", len(sub)), w.deflate(sub))
	w.stream(toUnicode, "/Filter /FlateDecode", w.deflate(g.cmap()))
	for i := range pages {
		w.obj(first+2*i, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
			pageTree, pageW, pageH, type0, first+2*i+1))
		w.stream(first+2*i+1, "/Filter /FlateDecode", w.deflate(contents[i]))
	}
	return w.finish(catalog), nil
}

// deflate compresses a stream (FlateDecode) with the document's one
// compressor: a compressor's state is large, so it is reset, not remade.
// Writing to memory cannot fail.
func (w *pdfWriter) deflate(b []byte) []byte {
	var z bytes.Buffer
	if w.zw == nil {
		w.zw, _ = zlib.NewWriterLevel(&z, zlib.BestCompression)
	} else {
		w.zw.Reset(&z)
	}
	w.zw.Write(b)
	w.zw.Close()
	return z.Bytes()
}

// pageContent draws lines from the top of a page.
func pageContent(g *glyphs, lines []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "BT\n/F1 %d Tf\n%d TL\n%d %d Td\n", fontSize, leading, margin, pageH-margin-fontSize)
	for _, l := range lines {
		b.WriteByte('<')
		for _, r := range l {
			id, _ := g.glyph(r)
			fmt.Fprintf(&b, "%04X", uint16(id))
		}
		b.WriteString("> Tj T*\n")
	}
	b.WriteString("ET\n")
	return b.Bytes()
}

// used lists the glyphs the document shows.
func (g *glyphs) used() []uint16 {
	out := make([]uint16, 0, len(g.width)+1)
	out = append(out, 0)
	for id := range g.width {
		out = append(out, uint16(id))
	}
	slices.Sort(out)
	return out
}

// subsetName is the font's name in the PDF: a subset carries a tag of six
// capital letters (PDF 32000 9.6.4), here made from the glyphs it holds.
func (g *glyphs) subsetName() string {
	h := fnv.New32a()
	for _, id := range g.used() {
		h.Write([]byte{byte(id >> 8), byte(id)})
	}
	sum := h.Sum32()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(sum%26)
		sum /= 26
	}
	return string(tag) + "+GoRegular"
}

// widths is the W array of the glyphs used: "gid [w] gid [w] ...".
func (g *glyphs) widths() string {
	ids := make([]int, 0, len(g.width))
	for id := range g.width {
		ids = append(ids, int(id))
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%d [%d] ", id, g.width[sfnt.GlyphIndex(id)])
	}
	return strings.TrimSpace(b.String())
}

// cmap is the ToUnicode CMap: which character each glyph used shows.
func (g *glyphs) cmap() []byte {
	ids := make([]int, 0, len(g.uni))
	for id := range g.uni {
		ids = append(ids, int(id))
	}
	slices.Sort(ids)
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(ids) > 0 {
		n := min(len(ids), 100)
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, id := range ids[:n] {
			fmt.Fprintf(&b, "<%04X> <", id)
			for _, u := range utf16.Encode([]rune{g.uni[sfnt.GlyphIndex(id)]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
		ids = ids[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// pdfWriter writes numbered objects and the cross-reference table.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets map[int]int
	zw      *zlib.Writer
}

func (w *pdfWriter) obj(n int, body string) {
	w.start(n)
	w.buf.WriteString(body)
	w.buf.WriteString("\nendobj\n")
}

func (w *pdfWriter) stream(n int, dict string, data []byte) {
	w.start(n)
	fmt.Fprintf(&w.buf, "<< /Length %d %s>>\nstream\n", len(data), strings.TrimSpace(dict)+" ")
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

func (w *pdfWriter) start(n int) {
	if w.offsets == nil {
		w.offsets = map[int]int{}
	}
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n", n)
}

func (w *pdfWriter) finish(root int) []byte {
	size := len(w.offsets) + 1
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", size)
	for i := 1; i < size; i++ {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", w.offsets[i])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", size, root, xref)
	return w.buf.Bytes()
}
