package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// Open311 documents are built once as ordered records and rendered as XML
// or JSON the way GeoReport v2's examples show them (its "Spark
// convention"): an XML root element whose list items are named singly
// (<services><service>…), and in JSON the root dropped, lists as arrays,
// records as objects with their keys in the specification's order. Empty
// values are empty elements in XML and null in JSON, as in the examples.

// open311Format is the response format a resource's suffix asks for.
type open311Format string

// The formats GeoReport v2 defines: XML is required, JSON optional; Okno
// serves both.
const (
	open311XML  open311Format = "xml"
	open311JSON open311Format = "json"
)

// open311Field is one element of a record. Its value is a string, bool,
// int, int64, float64, time.Time (W3C date-time), nil (empty), an
// open311Record or an open311List.
type open311Field struct {
	name  string
	value any
}

// open311Record is an element with children in a fixed order.
type open311Record []open311Field

// open311List is a list whose XML items are elements named item.
type open311List struct {
	item  string
	items []any // open311Record or scalars
}

// open311Doc is a whole response: the XML root element and what it holds
// (an open311List or an open311Record).
type open311Doc struct {
	root string
	body any
}

// appendOpen311Time renders a moment as GeoReport v2 wants it: W3C date-time
// with the offset, in Moscow time like the pages (web/format.go).
func appendOpen311Time(dst []byte, t time.Time) []byte {
	return t.In(moscow).Truncate(time.Second).AppendFormat(dst, time.RFC3339)
}

// write sends doc in format f with status. It returns nil, so handlers
// can end with it: a failed write means the client went away, and
// nothing is left to tell it.
func (d open311Doc) write(w http.ResponseWriter, f open311Format, status int) error {
	var b bytes.Buffer
	if f == open311JSON {
		encodeOpen311JSON(&b, d.body)
		b.WriteByte('\n')
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		b.WriteString(xml.Header)
		encodeOpen311XML(&b, d.root, d.body)
		b.WriteByte('\n')
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	}
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes()) //nolint:errcheck // see above
	return nil
}

func encodeOpen311JSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case open311Record:
		b.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, f.name)
			b.WriteByte(':')
			encodeOpen311JSON(b, f.value)
		}
		b.WriteByte('}')
	case open311List:
		b.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeOpen311JSON(b, it)
		}
		b.WriteByte(']')
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, v)
	case time.Time:
		b.WriteByte('"')
		b.Write(appendOpen311Time(b.AvailableBuffer(), v))
		b.WriteByte('"')
	default:
		b.WriteString(open311Scalar(v))
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	if plainText(s) {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}

// plainText reports whether s needs no escaping in XML text or a JSON
// string: no markup characters, quotes, backslashes, control characters,
// line separators (which encoding/json escapes) or invalid UTF-8. Most
// values are plain, and writing them directly saves the escapers' copies.
func plainText(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x20, r == '&', r == '<', r == '>', r == '"', r == '\'', r == '\\',
			r == '\u2028', r == '\u2029', r == utf8.RuneError, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

func encodeOpen311XML(b *bytes.Buffer, name string, v any) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	switch v := v.(type) {
	case open311Record:
		for _, f := range v {
			encodeOpen311XML(b, f.name, f.value)
		}
	case open311List:
		for _, it := range v.items {
			encodeOpen311XML(b, v.item, it)
		}
	case nil:
	case string:
		if plainText(v) {
			b.WriteString(v)
		} else {
			xml.EscapeText(b, []byte(v)) //nolint:errcheck // a bytes.Buffer does not fail
		}
	case time.Time:
		b.Write(appendOpen311Time(b.AvailableBuffer(), v))
	default:
		b.WriteString(open311Scalar(v))
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// open311Scalar renders a number or a boolean, the same in XML and JSON.
func open311Scalar(v any) string {
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	panic("web: open311: no encoding for a value of this type") // a defect caught by the tests
}

// orNil is s, or nil (an empty element, JSON null) when s is empty.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timeOrNil is t, or nil when it is zero.
func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
