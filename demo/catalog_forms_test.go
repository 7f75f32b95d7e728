package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/okno/okno/demo"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/i18n"
)

// badValue is one kind of bad input tried at a field. Raw values are put
// into the JSON document as they are; invalid is the marker replaced with
// bytes that are not UTF-8.
type badValue struct {
	name  string
	value any
}

const invalidMarker = "\u2063bad-utf8\u2063"

// Checksums that fail for each identifier format: the right shape, the
// wrong control digits.
var wrongChecksum = map[string]string{
	"snils":  "112-233-445 96",
	"inn":    "500100732258",
	"inn12":  "500100732258",
	"inn10":  "7830002294",
	"ogrn":   "1027809244562",
	"ogrnip": "304500116000158",
}

// badValues returns what to try at a field described by info.
func badValues(info formdecl.Info) []badValue {
	long := strings.Repeat("я", max(info.MaxLength, 300)+1)
	vs := []badValue{
		{"empty", ""},
		{"too long", long},
		{"script", "<script>alert(1)</script>"},
		{"sql", "' OR 1=1 --"},
		{"invalid utf-8", invalidMarker},
	}
	switch info.Type {
	case "string", "":
		vs = append(vs, badValue{"wrong type", 12345})
	case "number", "integer":
		vs[1] = badValue{"too long", 1e300}
		vs = append(vs, badValue{"wrong type", "двенадцать"})
	default:
		vs = append(vs, badValue{"wrong type", "двенадцать"})
	}
	if info.Format == "inn" && info.Pointer == "/business/inn" {
		// The business block narrows "inn" to inn10 for an organisation.
		vs = append(vs, badValue{"wrong checksum", wrongChecksum["inn10"]})
	} else if c, ok := wrongChecksum[info.Format]; ok {
		vs = append(vs, badValue{"wrong checksum", c})
	}
	if info.Pointer == "/business/ogrn" {
		vs = append(vs, badValue{"wrong checksum", wrongChecksum["ogrn"]})
	}
	return vs
}

// leafPointers lists the data pointers of every field a layout places,
// with the first element of each repeatable group.
func leafPointers(d *formdecl.Decl) []string {
	var out []string
	for _, p := range d.Layout.Pages {
		for _, f := range p.Fields {
			if !f.Group {
				out = append(out, f.Pointer)
				continue
			}
			for _, sub := range f.Fields {
				out = append(out, f.Pointer+"/0"+sub.Pointer)
			}
		}
	}
	return out
}

// TestCatalogFormsBadInput tries every kind of bad input at every field of
// every demo form: each must be refused with a FieldError at that field
// whose Russian message names the field.
func TestCatalogFormsBadInput(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ru := cat.Localizer(i18n.Russian)
	services, err := demo.DemoServices()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tried := 0
	for _, s := range services {
		if s.Form.Empty() {
			continue
		}
		t.Run(s.Code, func(t *testing.T) {
			d, err := formdecl.Parse(s.Form.Schema, s.Form.Layout)
			if err != nil {
				t.Fatal(err)
			}
			for _, ptr := range leafPointers(d) {
				info, ok := d.Info(ptr)
				if !ok {
					t.Errorf("%s: no field info", ptr)
					continue
				}
				at := ptr
				if info.Type == "array" { // a list of values: bad values go in as its first element
					at = ptr + "/0"
				}
				cases := badValues(info)
				if info.Type == "array" {
					item, ok := d.Info(at)
					if !ok {
						t.Errorf("%s: no field info", at)
						continue
					}
					cases = badValues(item)
				}
				parent := ptr[:strings.LastIndex(ptr, "/")]
				for _, bv := range cases {
					if bv.name == "wrong checksum" && parent != "" && !has(t, s.Valid, parent) {
						continue // the format depends on siblings (organisation or sole trader) the example leaves out
					}
					doc := withValue(t, s.Valid, at, bv.value)
					if bv.name == "empty" && !info.Required && len(d.Validate(ctx, doc, demoDirs())) == 0 {
						// An optional field left empty is unanswered, not wrong;
						// one a condition requires must be refused at the field.
						continue
					}
					checkRefused(ctx, t, ru, d, doc, ptr, info.Title, bv.name)
					tried++
				}
				if info.Type == "array" {
					checkRefused(ctx, t, ru, d, withValue(t, s.Valid, ptr, "двенадцать"), ptr, info.Title, "not a list")
					tried++
				}
				if info.Required && has(t, s.Valid, ptr) {
					checkRefused(ctx, t, ru, d, without(t, s.Valid, ptr), ptr, info.Title, "missing")
					tried++
				}
			}
		})
	}
	t.Logf("%d bad documents tried", tried)
}

// checkRefused validates doc and wants a problem at ptr (or inside it)
// whose Russian message names the field.
func checkRefused(ctx context.Context, t *testing.T, ru i18n.Localizer, d *formdecl.Decl, doc []byte, ptr, title, what string) {
	t.Helper()
	errs := d.Validate(ctx, doc, demoDirs())
	for _, e := range errs {
		if e.Pointer != ptr && !strings.HasPrefix(e.Pointer, ptr+"/") {
			continue
		}
		msg := ru.T(e.Key, e.MessageArgs(false)...)
		if !strings.Contains(msg, title) || !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) || strings.Contains(msg, e.Key) {
			t.Errorf("%s, %s: message %q does not name the field «%s» in Russian", ptr, what, msg, title)
		}
		return
	}
	t.Errorf("%s, %s: no problem at the field; got %+v", ptr, what, errs)
}

// withValue returns the document with value set at ptr, creating objects
// and a first array element on the way.
func withValue(t *testing.T, valid []byte, ptr string, value any) []byte {
	t.Helper()
	var root any
	if err := json.Unmarshal(valid, &root); err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(ptr, "/")[1:]
	root = set(root, segs, value)
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	marker, _ := json.Marshal(invalidMarker)
	return bytes.ReplaceAll(b, marker, []byte("\"\xff\xfe\xfd\""))
}

func set(node any, segs []string, value any) any {
	if len(segs) == 0 {
		return value
	}
	if segs[0] == "0" {
		arr, _ := node.([]any)
		if len(arr) == 0 {
			arr = []any{map[string]any{}}
			if len(segs) == 1 {
				arr = []any{nil}
			}
		}
		arr[0] = set(arr[0], segs[1:], value)
		return arr
	}
	obj, _ := node.(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	obj[segs[0]] = set(obj[segs[0]], segs[1:], value)
	return obj
}

// without returns the document without the value at ptr.
func without(t *testing.T, valid []byte, ptr string) []byte {
	t.Helper()
	var root any
	if err := json.Unmarshal(valid, &root); err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(ptr, "/")[1:]
	node := root
	for _, s := range segs[:len(segs)-1] {
		if s == "0" {
			node = node.([]any)[0]
		} else {
			node = node.(map[string]any)[s]
		}
	}
	delete(node.(map[string]any), segs[len(segs)-1])
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// has reports whether the document holds a value at ptr.
func has(t *testing.T, valid []byte, ptr string) bool {
	t.Helper()
	var node any
	if err := json.Unmarshal(valid, &node); err != nil {
		t.Fatal(err)
	}
	for _, s := range strings.Split(ptr, "/")[1:] {
		switch n := node.(type) {
		case map[string]any:
			node = n[s]
		case []any:
			if len(n) == 0 {
				return false
			}
			node = n[0]
		default:
			return false
		}
		if node == nil {
			return false
		}
	}
	return true
}
