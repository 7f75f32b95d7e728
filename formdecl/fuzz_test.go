package formdecl

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/okno/okno/i18n"
)

// fuzzSchemas are the declarations random documents are tried against; a
// fuzzed declaration that parses is used as well, so random declarations
// meet random data.
var fuzzSchemas = []string{
	smallSchema,
	`{"type":"array","uniqueItems":true,"maxItems":5,"items":{"anyOf":[{"type":"string","pattern":"^[а-я]+$"},{"type":"number","multipleOf":0.5}]}}`,
	`{"$defs":{"n":{"type":"object","properties":{"next":{"$ref":"#/$defs/n"},"v":{"oneOf":[{"const":1},{"const":"1"}]}}}},"$ref":"#/$defs/n"}`,
	`{"type":"object","additionalProperties":false,"properties":{"d":{"format":"date"},"t":{"format":"date-time"},"u":{"format":"uri"},"e":{"format":"email"},"o":{"format":"ogrn"},"p":{"format":"ogrnip"},"s":{"format":"passport-rf"},"x":{"x-directory":"banks"}},"if":{"required":["d"]},"then":{"required":["t"]},"else":{"required":["u"]}}`,
}

func FuzzValidate(f *testing.F) {
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	valid := string(readTestdata(f, "child-allowance.valid.json"))
	allowance := string(readTestdata(f, "child-allowance.schema.json"))
	for _, seed := range []struct{ schema, data string }{
		{allowance, valid},
		{allowance, strings.Replace(valid, "95", "96", 1)},
		{"", `{"kind":"org","name":"","people":[{"snils":"123"},{}]}`},
		{"x", `["а",1.5,"а",{"a":[[[]]]}]`},
		{"xx", `{"next":{"next":{"v":1}},"v":"1"}`},
		{"xxx", "{\"d\":\"2026-01-01\",\"x\":\"\xff\"}"},
		{`{"type":"integer","minimum":1e308}`, `1e309`},
	} {
		f.Add(seed.schema, []byte(seed.data))
	}
	decls := []*Decl{}
	for _, s := range append(fuzzSchemas, allowance) {
		if sc, err := ParseSchema([]byte(s)); err == nil {
			decls = append(decls, &Decl{Schema: sc})
		}
	}
	f.Fuzz(func(t *testing.T, schema string, data []byte) {
		d := decls[len(schema)%len(decls)]
		if sc, err := ParseSchema([]byte(schema)); err == nil {
			d = &Decl{Schema: sc}
		}
		errs := d.Validate(context.Background(), data, testDirs)
		for _, e := range errs {
			if !cat.Has(e.Key) || e.Field == "" || e.FieldEn == "" || e.Pointer != "" && e.Pointer[0] != '/' {
				t.Fatalf("malformed problem %+v", e)
			}
		}
		if again := d.Validate(context.Background(), data, testDirs); !slices.EqualFunc(errs, again, func(a, b FieldError) bool {
			return a.Pointer == b.Pointer && a.Key == b.Key
		}) {
			t.Fatalf("validation is not deterministic: %v then %v", problems(errs), problems(again))
		}
	})
}

func FuzzParseDecl(f *testing.F) {
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(readTestdata(f, "child-allowance.schema.json")), string(readTestdata(f, "child-allowance.layout.json")))
	f.Add(smallSchema, `{"pages":[{"id":"a","title":"А","fields":["/kind","/name","/inn",{"group":"/people","title":"Люди","fields":["/snils"]}]}]}`)
	for _, s := range fuzzSchemas {
		f.Add(s, `{"pages":[{"id":"a","title":"А","showIf":{"required":["x"]},"fields":["/x"]}]}`)
	}
	f.Add(`{"$ref":"#"}`, ``)
	f.Add(`{"$ref":"#/$defs/a~1b%20"}`, `{}`)
	f.Fuzz(func(t *testing.T, schema, layout string) {
		d, err := Parse([]byte(schema), []byte(layout))
		if err != nil {
			var de DeclErrors
			if !errors.As(err, &de) || len(de) == 0 {
				t.Fatalf("error is not DeclErrors: %v", err)
			}
			for _, e := range de {
				if !cat.Has(e.Key) {
					t.Fatalf("key %q not in the catalogue", e.Key)
				}
			}
			return
		}
		d.Validate(context.Background(), []byte(`{}`), testDirs)
		d.Prefill(nil, map[string]string{"profile.snils": "112-233-445 95"})
		if d.Layout != nil {
			d.Layout.PagesFor(map[string]any{})
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	d := childAllowance(b)
	valid := readTestdata(b, "child-allowance.valid.json")
	b.Run("valid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(valid)))
		for b.Loop() {
			if errs := d.Validate(context.Background(), valid, testDirs); len(errs) != 0 {
				b.Fatal(errs)
			}
		}
	})
	// Ten children with a typo each: the worst realistic submission.
	v, _ := Decode(valid)
	m := v.(map[string]any)
	child := m["children"].([]any)[0].(map[string]any)
	var kids []any
	for range 10 {
		c := deepCopy(child).(map[string]any)
		c["snils"] = "123-456-789 65"
		kids = append(kids, c)
	}
	m["children"] = kids
	b.Run("10 children with errors", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if errs := d.ValidateValue(context.Background(), v, testDirs); len(errs) != 10 {
				b.Fatal(problems(errs))
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	schema, layout := readTestdata(b, "child-allowance.schema.json"), readTestdata(b, "child-allowance.layout.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(schema, layout); err != nil {
			b.Fatal(err)
		}
	}
}
