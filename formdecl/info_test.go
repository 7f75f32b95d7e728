package formdecl

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// infoSchema has a field of every kind a page renders.
const infoSchema = `{
  "type": "object",
  "required": ["name", "kind", "consent", "scan"],
  "properties": {
    "name": {"$ref": "#/$defs/name", "title": "Имя", "x-title-en": "Name", "x-hint": "Как в паспорте", "x-hint-en": "As in the passport"},
    "about": {"type": "string", "maxLength": 2000, "x-widget": "textarea", "title": "О себе", "description": "Коротко"},
    "kind": {"title": "Кто подаёт", "x-widget": "radio", "oneOf": [
      {"const": "self", "title": "Я сам", "x-title-en": "Myself"},
      {"const": "agent", "title": "Представитель"}
    ]},
    "method": {"title": "Способ", "enum": ["bank", "post"]},
    "age": {"type": ["integer", "null"], "title": "Возраст"},
    "sum": {"type": "number", "title": "Сумма"},
    "born": {"type": "string", "format": "date", "title": "Дата рождения"},
    "district": {"type": "string", "x-directory": "spb-districts", "title": "Район"},
    "consent": {"const": true, "title": "Согласие"},
    "benefits": {"type": "array", "title": "Льготы", "x-widget": "checkboxes", "items": {"enum": ["a", "b"]}},
    "scan": {"type": "string", "format": "file", "title": "Скан паспорта", "x-accept": ["image/jpeg", "application/pdf"], "x-max-bytes": 5242880},
    "docs": {"type": "array", "maxItems": 3, "title": "Документы", "items": {"type": "string", "format": "file"}},
    "children": {"type": "array", "title": "Дети", "items": {"$ref": "#/$defs/child"}}
  },
  "$defs": {
    "name": {"type": "string", "maxLength": 60},
    "child": {"type": "object", "required": ["fullName"], "properties": {
      "fullName": {"type": "string", "title": "ФИО ребёнка"},
      "certificate": {"type": "object", "properties": {
        "scan": {"type": "string", "format": "file", "title": "Скан свидетельства"}
      }}
    }}
  }
}`

func TestInfo(t *testing.T) {
	d := mustSchema(t, infoSchema)
	tests := []struct {
		pointer string
		want    Info
		ok      bool
	}{
		{"/name", Info{Pointer: "/name", Type: "string", Title: "Имя", TitleEn: "Name", Hint: "Как в паспорте", HintEn: "As in the passport", Required: true, MaxLength: 60}, true},
		{"/about", Info{Pointer: "/about", Type: "string", Title: "О себе", TitleEn: "О себе", Hint: "Коротко", HintEn: "Коротко", MaxLength: 2000, Widget: "textarea"}, true},
		{"/kind", Info{Pointer: "/kind", Type: "string", Title: "Кто подаёт", TitleEn: "Кто подаёт", Required: true, Widget: "radio", Options: []Option{
			{Value: "self", Title: "Я сам", TitleEn: "Myself"}, {Value: "agent", Title: "Представитель", TitleEn: "Представитель"}}}, true},
		{"/method", Info{Pointer: "/method", Type: "string", Title: "Способ", TitleEn: "Способ", Options: []Option{
			{Value: "bank", Title: "bank", TitleEn: "bank"}, {Value: "post", Title: "post", TitleEn: "post"}}}, true},
		{"/age", Info{Pointer: "/age", Type: "integer", Title: "Возраст", TitleEn: "Возраст"}, true},
		{"/sum", Info{Pointer: "/sum", Type: "number", Title: "Сумма", TitleEn: "Сумма"}, true},
		{"/born", Info{Pointer: "/born", Type: "string", Format: "date", Title: "Дата рождения", TitleEn: "Дата рождения"}, true},
		{"/district", Info{Pointer: "/district", Type: "string", Directory: "spb-districts", Title: "Район", TitleEn: "Район"}, true},
		{"/consent", Info{Pointer: "/consent", Type: "boolean", Title: "Согласие", TitleEn: "Согласие", Required: true, Const: true}, true},
		{"/benefits", Info{Pointer: "/benefits", Type: "array", Title: "Льготы", TitleEn: "Льготы", Widget: "checkboxes", Options: []Option{
			{Value: "a", Title: "a", TitleEn: "a"}, {Value: "b", Title: "b", TitleEn: "b"}}}, true},
		{"/scan", Info{Pointer: "/scan", Type: "string", Format: "file", Title: "Скан паспорта", TitleEn: "Скан паспорта", Required: true,
			File: &FileRule{Accept: []string{"image/jpeg", "application/pdf"}, MaxBytes: 5 << 20, MaxFiles: 1}}, true},
		{"/docs", Info{Pointer: "/docs", Type: "array", Title: "Документы", TitleEn: "Документы",
			File: &FileRule{MaxBytes: DefaultMaxFileBytes, MaxFiles: 3}}, true},
		{"/children/0/fullName", Info{Pointer: "/fullName", Type: "string", Title: "ФИО ребёнка", TitleEn: "ФИО ребёнка", Required: true}, true},
		{"/children/fullName", Info{Pointer: "/fullName", Type: "string", Title: "ФИО ребёнка", TitleEn: "ФИО ребёнка", Required: true}, true},
		{"/children/3/certificate/scan", Info{Pointer: "/certificate/scan", Type: "string", Format: "file", Title: "Скан свидетельства", TitleEn: "Скан свидетельства",
			File: &FileRule{MaxBytes: DefaultMaxFileBytes, MaxFiles: 1}}, true},
		{"/children", Info{Pointer: "/children", Type: "array", Title: "Дети", TitleEn: "Дети"}, true},
		{"/nope", Info{}, false},
		{"", Info{}, false},
		{"/", Info{}, false},
		{"name", Info{}, false},
		{"/name/x", Info{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.pointer, func(t *testing.T) {
			got, ok := d.Info(tt.pointer)
			if ok != tt.ok {
				t.Fatalf("Info(%q) ok = %v, want %v", tt.pointer, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Info(%q) (-want +got):\n%s", tt.pointer, diff)
			}
		})
	}
}

func TestInfoChildAllowance(t *testing.T) {
	d := childAllowance(t)
	for _, pg := range d.Layout.Pages {
		for _, f := range pg.Fields {
			ptrs := []string{f.Pointer}
			for _, g := range f.Fields {
				ptrs = append(ptrs, f.Pointer+g.Pointer)
			}
			for _, p := range ptrs {
				in, ok := d.Info(p)
				if !ok || in.Title == "" || in.Type == "" {
					t.Errorf("Info(%q) = %+v, %v; want a titled, typed field", p, in, ok)
				}
			}
		}
	}
	if in, _ := d.Info("/payment/method"); len(in.Options) != 2 {
		t.Errorf("Info(/payment/method).Options = %v, want bank and post", in.Options)
	}
}

func TestFileRefs(t *testing.T) {
	d := mustSchema(t, infoSchema)
	var data any
	if err := json.Unmarshal([]byte(`{"name":"Ира","scan":"f1","docs":["f2","","f3"],
	  "children":[{"fullName":"А","certificate":{"scan":"f4"}},{"fullName":"Б"},{"certificate":{"scan":7}}],"about":"f9"}`), &data); err != nil {
		t.Fatal(err)
	}
	got := d.FileRefs(data)
	want := []FileRef{{"/scan", "f1"}, {"/docs/0", "f2"}, {"/docs/2", "f3"}, {"/children/0/certificate/scan", "f4"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FileRefs (-want +got):\n%s", diff)
	}
	if got := d.FileRefs(nil); got != nil {
		t.Errorf("FileRefs(nil) = %v, want nil", got)
	}
}

func TestValidateFiles(t *testing.T) {
	d := mustSchema(t, infoSchema)
	tests := []struct {
		name, data string
		want       []string
	}{
		{"ok", `{"name":"И","kind":"self","consent":true,"scan":"f_1-A","docs":["f2"]}`, []string{}},
		{"missing", `{"name":"И","kind":"self","consent":true}`, []string{"/scan formdecl.file_required"}},
		{"empty", `{"name":"И","kind":"self","consent":true,"scan":""}`, []string{"/scan formdecl.file_required"}},
		{"path", `{"name":"И","kind":"self","consent":true,"scan":"../etc/passwd"}`, []string{"/scan formdecl.file_ref"}},
		{"markup", `{"name":"И","kind":"self","consent":true,"scan":"f1","docs":["<b>"]}`, []string{"/docs/0 formdecl.file_ref"}},
		{"too long", `{"name":"И","kind":"self","consent":true,"scan":"` + string(make65()) + `"}`, []string{"/scan formdecl.file_ref"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(d.Validate(context.Background(), []byte(tt.data), testDirs))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate(%s) (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

func make65() []byte {
	b := make([]byte, 65)
	for i := range b {
		b[i] = 'a'
	}
	return b
}

func TestParseFileKeywords(t *testing.T) {
	tests := []struct {
		schema string
		want   []string
	}{
		{`{"x-accept":"image/png"}`, []string{"schema#/x-accept formdecl.decl_want_strings"}},
		{`{"x-accept":["png"]}`, []string{"schema#/x-accept formdecl.decl_want_strings"}},
		{`{"x-accept":[]}`, []string{"schema#/x-accept formdecl.decl_want_strings"}},
		{`{"x-max-bytes":0}`, []string{"schema#/x-max-bytes formdecl.decl_max_bytes"}},
		{`{"x-max-bytes":1e12}`, []string{"schema#/x-max-bytes formdecl.decl_max_bytes"}},
		{`{"x-max-bytes":"1"}`, []string{"schema#/x-max-bytes formdecl.decl_max_bytes"}},
		{`{"x-widget":"slider"}`, []string{"schema#/x-widget formdecl.decl_bad_widget"}},
		{`{"format":"file","x-accept":["image/png"],"x-max-bytes":1024,"x-widget":"select"}`, nil},
	}
	for _, tt := range tests {
		_, err := ParseSchema([]byte(tt.schema))
		var got []string
		if err != nil {
			got = declProblems(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSchema(%s) (-want +got):\n%s", tt.schema, diff)
		}
	}
}

// FuzzInfo asks random declarations about random pointers and random data
// for its files: never a panic, and every reference found is a string at a
// pointer the data has.
func FuzzInfo(f *testing.F) {
	f.Add(infoSchema, "/children/0/certificate/scan", []byte(`{"children":[{"certificate":{"scan":"f1"}}]}`))
	f.Add(`{"$ref":"#"}`, "/a/b", []byte(`{"a":{"b":[]}}`))
	f.Add(`{"items":{"$ref":"#"}}`, "/0/0/0", []byte(`[[["x"]]]`))
	f.Fuzz(func(t *testing.T, schema, pointer string, data []byte) {
		sc, err := ParseSchema([]byte(schema))
		if err != nil {
			sc, _ = ParseSchema([]byte(infoSchema))
		}
		d := &Decl{Schema: sc}
		if in, ok := d.Info(pointer); ok && (in.Title == "" || in.Pointer == "") {
			t.Fatalf("Info(%q) = %+v: a field without a title or pointer", pointer, in)
		}
		v, errs := Decode(data)
		if errs != nil {
			return
		}
		for _, r := range d.FileRefs(v) {
			if r.Value == "" || r.Pointer == "" || r.Pointer[0] != '/' {
				t.Fatalf("FileRefs: malformed %+v", r)
			}
		}
	})
}

func TestPagesForWithoutLayout(t *testing.T) {
	d := mustSchema(t, infoSchema)
	pages := d.PagesFor(nil)
	if len(pages) != 1 {
		t.Fatalf("PagesFor = %d pages, want 1", len(pages))
	}
	var got []string
	for _, f := range pages[0].Fields {
		got = append(got, f.Pointer)
		for _, g := range f.Fields {
			got = append(got, f.Pointer+" "+g.Pointer)
		}
	}
	want := []string{"/name", "/about", "/kind", "/method", "/age", "/sum", "/born", "/district", "/consent", "/benefits", "/scan", "/docs",
		"/children", "/children /fullName", "/children /certificate/scan"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if got := childAllowance(t).PagesFor(map[string]any{"children": []any{map[string]any{}}}); len(got) != 5 {
		t.Errorf("child allowance pages = %d, want 5 (income hidden)", len(got))
	}
}
