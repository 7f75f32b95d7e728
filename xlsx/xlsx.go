// Package xlsx writes Office Open XML spreadsheets (.xlsx) that Excel,
// LibreOffice and Google Sheets open: one or more sheets of rows of text,
// numbers, booleans and dates, a bold header row and column widths.
//
// It streams: rows go straight into the zip entry of their sheet, text as
// inline strings, so a sheet of a million rows needs no more memory than
// one row. It writes nothing else (no formulas, no styles beyond the
// header and dates, no reading) and must never grow into a general office
// library.
package xlsx

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the format (Excel's specifications and limits).
const (
	MaxRows       = 1 << 20 // rows per sheet, the header included
	MaxColumns    = 16384
	MaxCellText   = 32767 // characters of text in one cell
	MaxSheetName  = 31
	maxSheetCount = 255
)

// Column is one column of a sheet: its header and width in characters
// (0: Excel's default).
type Column struct {
	Title string
	Width float64
}

// Writer writes a workbook to an io.Writer. Add sheets with NewSheet, then
// Close; a sheet is finished when the next one starts.
type Writer struct {
	zw     *zip.Writer
	sheets []string
	cur    *Sheet
	err    error
}

// NewWriter starts a workbook on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w)}
}

// Sheet is the sheet being written.
type Sheet struct {
	w    *Writer
	bw   *bufio.Writer
	cols int
	rows int
	cell []byte // scratch for one cell
}

// NewSheet finishes the current sheet and starts one named name with the
// given columns; their titles make the first row, in bold.
func (w *Writer) NewSheet(name string, cols []Column) (*Sheet, error) {
	if w.err != nil {
		return nil, w.err
	}
	if err := checkSheetName(name, w.sheets); err != nil {
		return nil, err
	}
	if len(cols) == 0 || len(cols) > MaxColumns {
		return nil, fmt.Errorf("xlsx: a sheet needs 1 to %d columns, not %d", MaxColumns, len(cols))
	}
	if err := w.endSheet(); err != nil {
		return nil, err
	}
	f, err := w.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(w.sheets)+1))
	if err != nil {
		return nil, w.fail(err)
	}
	w.sheets = append(w.sheets, name)
	sh := &Sheet{w: w, bw: bufio.NewWriterSize(f, 64<<10), cols: len(cols)}
	w.cur = sh
	sh.bw.WriteString(xmlHeader + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	// The header row stays in view while scrolling.
	sh.bw.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	if hasWidths(cols) {
		sh.bw.WriteString(`<cols>`)
		for i, c := range cols {
			if c.Width > 0 {
				fmt.Fprintf(sh.bw, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(min(c.Width, 255), 'f', -1, 64))
			}
		}
		sh.bw.WriteString(`</cols>`)
	}
	sh.bw.WriteString(`<sheetData>`)
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = header(c.Title)
	}
	if err := sh.Row(head...); err != nil {
		return nil, err
	}
	return sh, nil
}

func hasWidths(cols []Column) bool {
	for _, c := range cols {
		if c.Width > 0 {
			return true
		}
	}
	return false
}

// header marks a header cell's text, written bold.
type header string

// Row appends a row. Values may be string, int, int64, float64, bool,
// time.Time (written as a date and time; the zero time as an empty cell)
// or nil (an empty cell). Text longer than MaxCellText is cut.
func (sh *Sheet) Row(values ...any) error {
	w := sh.w
	if w.err != nil {
		return w.err
	}
	if w.cur != sh {
		return errors.New("xlsx: row added to a finished sheet")
	}
	if len(values) > sh.cols {
		return fmt.Errorf("xlsx: row of %d values in a sheet of %d columns", len(values), sh.cols)
	}
	if sh.rows >= MaxRows {
		return fmt.Errorf("xlsx: a sheet holds at most %d rows", MaxRows)
	}
	sh.rows++
	fmt.Fprintf(sh.bw, `<row r="%d">`, sh.rows)
	for i, v := range values {
		ref := ColumnName(i) + strconv.Itoa(sh.rows)
		b := sh.cell[:0]
		switch v := v.(type) {
		case nil:
			continue
		case header:
			b = append(b, `<c r="`+ref+`" t="inlineStr" s="2"><is><t>`...)
			b = appendText(b, string(v))
			b = append(b, `</t></is></c>`...)
		case string:
			if v == "" {
				continue
			}
			b = append(b, `<c r="`+ref+`" t="inlineStr"><is><t xml:space="preserve">`...)
			b = appendText(b, v)
			b = append(b, `</t></is></c>`...)
		case int:
			b = append(b, `<c r="`+ref+`"><v>`...)
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, `</v></c>`...)
		case int64:
			b = append(b, `<c r="`+ref+`"><v>`...)
			b = strconv.AppendInt(b, v, 10)
			b = append(b, `</v></c>`...)
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			b = append(b, `<c r="`+ref+`"><v>`...)
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
			b = append(b, `</v></c>`...)
		case bool:
			b = append(b, `<c r="`+ref+`" t="b"><v>`...)
			if v {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
			b = append(b, `</v></c>`...)
		case time.Time:
			if v.IsZero() {
				continue
			}
			b = append(b, `<c r="`+ref+`" s="1"><v>`...)
			b = strconv.AppendFloat(b, Serial(v), 'f', 6, 64)
			b = append(b, `</v></c>`...)
		default:
			return w.fail(fmt.Errorf("xlsx: cannot write a %T", v))
		}
		sh.cell = b
		sh.bw.Write(b)
	}
	_, err := sh.bw.WriteString(`</row>`)
	if err != nil {
		return w.fail(err)
	}
	return nil
}

// Serial is t as an Excel date serial number: days since 1899-12-30 with
// the time of day as the fraction, read on t's own clock (what the reader
// of the sheet sees is the wall time t shows).
func Serial(t time.Time) float64 {
	y, m, d := t.Date()
	wall := time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return wall.Sub(excelEpoch).Hours() / 24
}

var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ColumnName is the letters of column i (0 → A, 25 → Z, 26 → AA).
func ColumnName(i int) string {
	var b [4]byte
	n := len(b)
	for i++; i > 0; i = (i - 1) / 26 {
		n--
		b[n] = byte('A' + (i-1)%26)
	}
	return string(b[n:])
}

// appendText appends s escaped for XML, without the characters XML 1.0
// cannot hold, cut at MaxCellText characters.
func appendText(b []byte, s string) []byte {
	n := 0
	for _, r := range s {
		if n == MaxCellText {
			break
		}
		n++
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, byte(r))
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError || (r >= 0xD800 && r <= 0xDFFF):
			// Not allowed in XML 1.0: dropped.
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func checkSheetName(name string, have []string) error {
	if len(have) >= maxSheetCount {
		return fmt.Errorf("xlsx: at most %d sheets", maxSheetCount)
	}
	if name == "" || utf8.RuneCountInString(name) > MaxSheetName {
		return fmt.Errorf("xlsx: a sheet name has 1 to %d characters: %q", MaxSheetName, name)
	}
	if strings.ContainsAny(name, `[]:*?/\`) || strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") {
		return fmt.Errorf("xlsx: a sheet name cannot hold []:*?/\\ or start or end with an apostrophe: %q", name)
	}
	for _, h := range have {
		if strings.EqualFold(h, name) {
			return fmt.Errorf("xlsx: two sheets named %q", name)
		}
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) endSheet() error {
	sh := w.cur
	if sh == nil {
		return nil
	}
	w.cur = nil
	sh.bw.WriteString(`</sheetData></worksheet>`)
	if err := sh.bw.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

// Close finishes the last sheet and the workbook. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.sheets) == 0 {
		return w.fail(errors.New("xlsx: a workbook needs a sheet"))
	}
	if err := w.endSheet(); err != nil {
		return err
	}
	var ct, wb, rels strings.Builder
	ct.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	wb.WriteString(xmlHeader + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, name := range w.sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, appendText(nil, name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
	}
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets></workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, len(w.sheets)+1)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", styles},
	}
	for _, p := range parts {
		f, err := w.zw.Create(p.name)
		if err != nil {
			return w.fail(err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return w.fail(err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(err)
	}
	w.err = errors.New("xlsx: workbook closed")
	return nil
}

// styles: cell format 0 is the default, 1 a date and time, 2 the bold
// header.
const styles = xmlHeader + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
