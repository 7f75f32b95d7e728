package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cell is a cell as the sheet XML holds it.
type cell struct {
	Ref    string `xml:"r,attr"`
	Type   string `xml:"t,attr"`
	Style  string `xml:"s,attr"`
	Value  string `xml:"v"`
	Inline string `xml:"is>t"`
}

type sheetXML struct {
	Rows []struct {
		R     string `xml:"r,attr"`
		Cells []cell `xml:"c"`
	} `xml:"sheetData>row"`
	Cols []struct {
		Min   string `xml:"min,attr"`
		Width string `xml:"width,attr"`
	} `xml:"cols>col"`
}

// unzip returns every part of a workbook, checking each is well-formed XML.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
		parts[f.Name] = body
	}
	return parts
}

func TestWorkbook(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	sh, err := w.NewSheet("Обращения", []Column{{Title: "Номер", Width: 12}, {Title: "Текст", Width: 40}, {Title: "Дата"}, {Title: "Доля"}, {Title: "В срок"}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 3, 15, 18, 30, 0, 0, time.UTC)
	if err := sh.Row(int64(42), `<script>"Яма" & лужа</script>`+"\x01", at, 0.25, true); err != nil {
		t.Fatal(err)
	}
	if err := sh.Row(7, "", time.Time{}, nil, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.NewSheet("Итоги", []Column{{Title: "Всего"}}); err != nil {
		t.Fatal(err)
	}
	if err := sh.Row(1); err == nil {
		t.Error("a row added to a finished sheet was accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, buf.Bytes())
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		if parts[name] == nil {
			t.Errorf("the workbook lacks %s", name)
		}
	}
	if !strings.Contains(string(parts["xl/workbook.xml"]), `<sheet name="Обращения" sheetId="1" r:id="rId1"/>`) {
		t.Errorf("workbook.xml does not name the first sheet:\n%s", parts["xl/workbook.xml"])
	}
	var s sheetXML
	if err := xml.Unmarshal(parts["xl/worksheets/sheet1.xml"], &s); err != nil {
		t.Fatal(err)
	}
	got := [][]cell{}
	for _, r := range s.Rows {
		got = append(got, r.Cells)
	}
	want := [][]cell{
		{{Ref: "A1", Type: "inlineStr", Style: "2", Inline: "Номер"}, {Ref: "B1", Type: "inlineStr", Style: "2", Inline: "Текст"},
			{Ref: "C1", Type: "inlineStr", Style: "2", Inline: "Дата"}, {Ref: "D1", Type: "inlineStr", Style: "2", Inline: "Доля"},
			{Ref: "E1", Type: "inlineStr", Style: "2", Inline: "В срок"}},
		{{Ref: "A2", Value: "42"}, {Ref: "B2", Type: "inlineStr", Inline: `<script>"Яма" & лужа</script>`},
			{Ref: "C2", Style: "1", Value: "44270.770833"}, {Ref: "D2", Value: "0.25"}, {Ref: "E2", Type: "b", Value: "1"}},
		{{Ref: "A3", Value: "7"}, {Ref: "E3", Type: "b", Value: "0"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sheet cells (-want +got):\n%s", diff)
	}
	if len(s.Cols) != 2 || s.Cols[0].Width != "12" || s.Cols[1].Min != "2" {
		t.Errorf("column widths: %+v", s.Cols)
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", MaxColumns - 1: "XFD"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestSerial(t *testing.T) {
	if got := Serial(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)); got != 61 {
		t.Errorf("Serial(1900-03-01) = %v, want 61", got)
	}
	msk := time.FixedZone("MSK", 3*3600)
	if got := Serial(time.Date(2021, 1, 1, 12, 0, 0, 0, msk)); got != 44197.5 {
		t.Errorf("Serial(2021-01-01 12:00 MSK) = %v, want 44197.5 (wall time)", got)
	}
}

func TestBadInput(t *testing.T) {
	w := NewWriter(io.Discard)
	for _, name := range []string{"", "a/b", "[x]", "'quoted'", strings.Repeat("я", 32)} {
		if _, err := w.NewSheet(name, []Column{{Title: "a"}}); err == nil {
			t.Errorf("sheet name %q was accepted", name)
		}
	}
	if _, err := w.NewSheet("ok", nil); err == nil {
		t.Error("a sheet without columns was accepted")
	}
	sh, err := w.NewSheet("ok", []Column{{Title: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.NewSheet("OK", []Column{{Title: "a"}}); err == nil {
		t.Error("two sheets named alike were accepted")
	}
	if err := sh.Row(1, 2); err == nil {
		t.Error("a row wider than the sheet was accepted")
	}
	if err := sh.Row(struct{}{}); err == nil {
		t.Error("a value of an unknown type was accepted")
	}
	if err := NewWriter(io.Discard).Close(); err == nil {
		t.Error("a workbook without sheets was accepted")
	}
}

func TestLongText(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	sh, _ := w.NewSheet("s", []Column{{Title: "t"}})
	if err := sh.Row(strings.Repeat("ж", MaxCellText+10)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var s sheetXML
	if err := xml.Unmarshal(unzip(t, buf.Bytes())["xl/worksheets/sheet1.xml"], &s); err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(s.Rows[1].Cells[0].Inline)); n != MaxCellText {
		t.Errorf("a long text kept %d characters, want %d", n, MaxCellText)
	}
}

// BenchmarkRows measures writing a row of four typed cells.
func BenchmarkRows(b *testing.B) {
	cols := []Column{{Title: "a"}, {Title: "b"}, {Title: "c"}, {Title: "d"}}
	w := NewWriter(io.Discard)
	sh, _ := w.NewSheet("s", cols)
	at := time.Now()
	b.ReportAllocs()
	rows := 1
	for b.Loop() {
		if rows == MaxRows {
			w = NewWriter(io.Discard)
			sh, _ = w.NewSheet("s", cols)
			rows = 1
		}
		if err := sh.Row(int64(rows), "Благоустройство", at, 0.5); err != nil {
			b.Fatal(err)
		}
		rows++
	}
}
