package formdecl

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// problems renders errors as "pointer key" lines for comparison.
func problems(errs []FieldError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Pointer+" "+e.Key)
	}
	return out
}

func TestValidateKeywords(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		data   string
		want   []string
	}{
		{"string ok", `{"type":"string"}`, `"abc"`, nil},
		{"string wrong type", `{"type":"string"}`, `12`, []string{" formdecl.want_string"}},
		{"integer ok", `{"type":"integer"}`, `12`, nil},
		{"integer 1.0 is integer", `{"type":"integer"}`, `1.0`, nil},
		{"integer fraction", `{"type":"integer"}`, `1.5`, []string{" formdecl.want_integer"}},
		{"integer as string", `{"type":"integer"}`, `"12"`, []string{" formdecl.want_integer"}},
		{"number ok", `{"type":"number"}`, `-1e3`, nil},
		{"boolean wrong", `{"type":"boolean"}`, `"true"`, []string{" formdecl.want_boolean"}},
		{"null ok", `{"type":"null"}`, `null`, nil},
		{"array wrong", `{"type":"array"}`, `{}`, []string{" formdecl.want_array"}},
		{"object wrong", `{"type":"object"}`, `[]`, []string{" formdecl.want_object"}},
		{"type list", `{"type":["string","null"]}`, `true`, []string{" formdecl.want_type"}},
		{"enum ok", `{"enum":["bank","post"]}`, `"post"`, nil},
		{"enum bad", `{"enum":["bank","post"]}`, `"cash"`, []string{" formdecl.enum"}},
		{"enum numeric equality", `{"enum":[1,2]}`, `2.0`, nil},
		{"const bad", `{"const":true}`, `false`, []string{" formdecl.const"}},
		{"minLength runes", `{"type":"string","minLength":3}`, `"Ёжи"`, nil},
		{"minLength short", `{"type":"string","minLength":3}`, `"Ёж"`, []string{" formdecl.too_short"}},
		{"maxLength runes", `{"type":"string","maxLength":3}`, `"Щука"`, []string{" formdecl.too_long"}},
		{"too long hides pattern", `{"type":"string","maxLength":2,"pattern":"^a$"}`, `"bbb"`, []string{" formdecl.too_long"}},
		{"pattern ok", `{"type":"string","pattern":"^[0-9]{6}$"}`, `"123456"`, nil},
		{"pattern bad", `{"type":"string","pattern":"^[0-9]{6}$"}`, `"12345a"`, []string{" formdecl.pattern"}},
		{"minimum", `{"type":"number","minimum":0}`, `-0.5`, []string{" formdecl.minimum"}},
		{"maximum", `{"type":"number","maximum":10}`, `10`, nil},
		{"maximum over", `{"type":"number","maximum":10}`, `10.01`, []string{" formdecl.maximum"}},
		{"exclusiveMinimum", `{"exclusiveMinimum":0}`, `0`, []string{" formdecl.exclusive_minimum"}},
		{"exclusiveMaximum", `{"exclusiveMaximum":5}`, `5`, []string{" formdecl.exclusive_maximum"}},
		{"multipleOf kopecks ok", `{"multipleOf":0.01}`, `1234.56`, nil},
		{"multipleOf kopecks bad", `{"multipleOf":0.01}`, `1234.567`, []string{" formdecl.multiple_of"}},
		{"minItems", `{"type":"array","minItems":1}`, `[]`, []string{" formdecl.min_items"}},
		{"maxItems", `{"type":"array","maxItems":1}`, `[1,2]`, []string{" formdecl.max_items"}},
		{"uniqueItems", `{"type":"array","uniqueItems":true}`, `[1,2,1.0]`, []string{"/2 formdecl.unique_items"}},
		{"items", `{"type":"array","items":{"type":"string"}}`, `["a",1,"b",true]`, []string{"/1 formdecl.want_string", "/3 formdecl.want_string"}},
		{"required and extra", `{"type":"object","required":["a"],"properties":{"a":{"type":"string"}},"additionalProperties":false}`,
			`{"b":1}`, []string{"/a formdecl.required", "/b formdecl.unknown_field"}},
		{"required empty string", `{"required":["a"],"properties":{"a":{"type":"string"}}}`, `{"a":""}`, []string{"/a formdecl.required"}},
		{"required null", `{"required":["a"],"properties":{"a":{"type":"string"}}}`, `{"a":null}`, []string{"/a formdecl.required"}},
		{"optional blank not checked", `{"properties":{"a":{"type":"string","format":"snils"}}}`, `{"a":""}`, nil},
		{"nested pointer", `{"properties":{"a/b":{"properties":{"c~":{"type":"string"}}}}}`, `{"a/b":{"c~":1}}`, []string{"/a~1b/c~0 formdecl.want_string"}},
		{"ref", `{"$defs":{"d":{"type":"string","format":"date"}},"properties":{"x":{"$ref":"#/$defs/d"}}}`, `{"x":"2026-02-30"}`, []string{"/x formdecl.date"}},
		{"allOf", `{"allOf":[{"minLength":2},{"maxLength":3}]}`, `"a"`, []string{" formdecl.too_short"}},
		{"anyOf ok", `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, `5`, nil},
		{"anyOf bad", `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, `true`, []string{" formdecl.any_of"}},
		{"oneOf ok", `{"oneOf":[{"const":"a","title":"А"},{"const":"b","title":"Б"}]}`, `"b"`, nil},
		{"oneOf none", `{"oneOf":[{"const":"a"},{"const":"b"}]}`, `"c"`, []string{" formdecl.one_of"}},
		{"oneOf two", `{"oneOf":[{"type":"integer"},{"minimum":0}]}`, `3`, []string{" formdecl.one_of"}},
		{"if then", `{"properties":{"m":{},"b":{"title":"БИК"}},"if":{"properties":{"m":{"const":"bank"}}},"then":{"required":["b"]},"else":{"required":["p"]}}`,
			`{"m":"bank"}`, []string{"/b formdecl.required"}},
		{"if else", `{"properties":{"m":{},"b":{}},"if":{"properties":{"m":{"const":"bank"}}},"then":{"required":["b"]},"else":{"required":["p"]}}`,
			`{"m":"post"}`, []string{"/p formdecl.required"}},
		{"false schema", `{"properties":{"x":false}}`, `{"x":1}`, []string{"/x formdecl.not_allowed"}},
		{"directory known", `{"x-directory":"banks"}`, `"044030653"`, nil},
		{"directory unknown value", `{"x-directory":"banks"}`, `"000000000"`, []string{" formdecl.directory_unknown"}},
		{"directory unavailable", `{"x-directory":"nope"}`, `"1"`, []string{" formdecl.directory_unavailable"}},
		{"ref cycle stops", `{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}`, `1`, []string{" formdecl.too_complex"}},
		{"exponential branches stop", `{"$defs":{"a":{"oneOf":[{"$ref":"#/$defs/a"},{"$ref":"#/$defs/a"},{"type":"string"}]}},"$ref":"#/$defs/a"}`, `1`,
			[]string{" formdecl.one_of", " formdecl.too_complex"}},
		{"declaration order", `{"properties":{"z":{"type":"string"},"a":{"type":"string"},"m":{"type":"string"}}}`, `{"a":1,"m":2,"z":3}`,
			[]string{"/z formdecl.want_string", "/a formdecl.want_string", "/m formdecl.want_string"}},
		{"all problems at once", `{"properties":{"a":{"type":"integer"},"b":{"format":"inn"}}}`, `{"a":"x","b":"7707083894"}`,
			[]string{"/a formdecl.want_integer", "/b formdecl.inn_checksum"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustSchema(t, tt.schema)
			got := problems(d.Validate(context.Background(), []byte(tt.data), testDirs))
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Validate(%s) (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

func TestValidateFormats(t *testing.T) {
	tests := []struct {
		format, value, want string // want "" means valid
	}{
		{"date", "2026-11-22", ""},
		{"date", "22.11.2026", "formdecl.date"},
		{"date", "2026-02-29", "formdecl.date"},
		{"date-time", "2026-11-22T19:00:00+03:00", ""},
		{"date-time", "2026-11-22 19:00", "formdecl.date_time"},
		{"email", "ivanova@mail.ru", ""},
		{"email", "ivanova@", "formdecl.email"},
		{"uri", "https://gu.spb.ru/", ""},
		{"uri", "gu.spb.ru", "formdecl.uri"},
		{"uri", "javascript:alert(1)", ""}, // well formed; a page never renders it as a link from data
		{"snils", "112-233-445 95", ""},
		{"snils", "112-233-445 96", "formdecl.snils_checksum"},
		{"snils", "112-233-445", "formdecl.snils_format"},
		{"snils", "<script>alert(1)</script>", "formdecl.snils_format"},
		{"inn", "7707083893", ""},
		{"inn", "500100732259", ""},
		{"inn", "7707083894", "formdecl.inn_checksum"},
		{"inn", "77070838931", "formdecl.inn_format"},
		{"inn10", "500100732259", "formdecl.inn10_format"},
		{"inn10", "7707083893", ""},
		{"inn12", "7707083893", "formdecl.inn12_format"},
		{"inn12", "500100732258", "formdecl.inn_checksum"},
		{"ogrn", "1027700132195", ""},
		{"ogrn", "1027700132196", "formdecl.ogrn_checksum"},
		{"ogrn", "102770013219", "formdecl.ogrn_format"},
		{"ogrnip", "304500116000157", ""},
		{"ogrnip", "304500116000158", "formdecl.ogrnip_checksum"},
		{"ogrnip", "1027700132195", "formdecl.ogrnip_format"},
		{"passport-rf", "40 14 123456", ""},
		{"passport-rf", "4014 12345", "formdecl.passport_format"},
		{"passport-rf", "00 14 123456", "formdecl.passport_series"},
		{"phone-ru", "+7 (921) 123-45-67", ""},
		{"phone-ru", "+1 202 555 0100", "formdecl.phone_format"},
		{"phone-ru", "'; DROP TABLE appeals; --", "formdecl.phone_format"},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.value, func(t *testing.T) {
			d := mustSchema(t, fmt.Sprintf(`{"type":"string","format":%q}`, tt.format))
			got := problems(d.Validate(context.Background(), []byte(fmt.Sprintf("%q", tt.value)), nil))
			want := []string{}
			if tt.want != "" {
				want = []string{" " + tt.want}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateBadInput drives every field of the realistic declaration with
// the values the issue names: each gets a message at that field only.
func TestValidateBadInput(t *testing.T) {
	d := childAllowance(t)
	valid := readTestdata(t, "child-allowance.valid.json")
	v, errs := Decode(valid)
	if errs != nil {
		t.Fatal(errs)
	}
	fields := []string{
		"/applicant/lastName", "/applicant/firstName", "/applicant/birthDate", "/applicant/snils",
		"/applicant/inn", "/applicant/passport", "/applicant/phone", "/applicant/email", "/applicant/district",
		"/children/0/fullName", "/children/0/birthDate", "/children/0/snils",
		"/children/0/certificate/series", "/children/0/certificate/number", "/children/0/certificate/issued",
		"/payment/bik", "/payment/account",
	}
	bad := map[string]any{
		"script":   "<script>alert('x')</script>",
		"sql":      "'; DROP TABLE cases; --",
		"too long": strings.Repeat("Я", 5000),
		"number":   jsonNumber("12"),
		"object":   map[string]any{"x": 1},
	}
	optional := map[string]bool{"/applicant/email": true, "/children/0/fullName": true}
	for _, f := range fields {
		for name, val := range bad {
			if optional[f] && (name == "script" || name == "sql") {
				continue // free text: scripts and SQL are just text there, escaped on output
			}
			t.Run(f+" "+name, func(t *testing.T) {
				data := deepCopy(v)
				setPointer(data, f, val)
				got := d.ValidateValue(context.Background(), data, testDirs)
				if len(got) == 0 {
					t.Fatalf("no problem reported")
				}
				for _, e := range got {
					if e.Pointer != f {
						t.Errorf("problem at %s (%s), want only at %s", e.Pointer, e.Key, f)
					}
					if !strings.Contains(e.Field, "›") && strings.Count(f, "/") > 1 {
						t.Errorf("label path %q does not name the field's place", e.Field)
					}
				}
			})
		}
		t.Run(f+" empty", func(t *testing.T) {
			data := deepCopy(v)
			setPointer(data, f, "")
			got := problems(d.ValidateValue(context.Background(), data, testDirs))
			required := !strings.HasSuffix(f, "/email") && !strings.HasSuffix(f, "/snils") || f == "/applicant/snils"
			required = required && f != "/applicant/inn" && f != "/applicant/district"
			want := []string{}
			if required {
				want = []string{f + " formdecl.required"}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateLabels(t *testing.T) {
	d := childAllowance(t)
	data := strings.Replace(string(readTestdata(t, "child-allowance.valid.json")), "123-456-789 64", "123-456-789 65", 1)
	got := d.Validate(context.Background(), []byte(data), testDirs)
	want := []FieldError{{Pointer: "/children/0/snils", Field: "Дети › 1 › СНИЛС ребёнка", FieldEn: "Children › 1 › Child's SNILS", Key: "formdecl.snils_checksum"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if args := got[0].MessageArgs(false); args[0] != "Дети › 1 › СНИЛС ребёнка" {
		t.Errorf("MessageArgs = %v", args)
	}
	// A field required by an if/then branch is still named by its title.
	got = d.Validate(context.Background(), []byte(`{"payment":{"method":"bank"}}`), testDirs)
	found := false
	for _, e := range got {
		if e.Pointer == "/payment/bik" {
			found = e.Field == "Способ получения › БИК банка" && e.Key == "formdecl.required"
		}
	}
	if !found {
		t.Errorf("no titled required error for /payment/bik in %+v", got)
	}
}

func TestValidateDocument(t *testing.T) {
	d := mustSchema(t, `{"type":"object","properties":{"a":{"type":"array"}}}`)
	tests := []struct {
		name, data, want string
	}{
		{"invalid utf-8", "{\"a\":\"\xff\xfe\"}", "/a formdecl.json_encoding"},
		{"invalid utf-8 and syntax", "{\"a\":\"\xff", " formdecl.json_encoding"},
		{"syntax", `{"a":`, "/a formdecl.json_syntax"},
		{"trailing", `{} {}`, " formdecl.json_syntax"},
		{"duplicate key", `{"a":[],"a":[]}`, "/a formdecl.json_duplicate_key"},
		{"too deep", strings.Repeat("[", 20) + strings.Repeat("]", 20), "/0/0/0/0/0/0/0/0/0/0/0/0 formdecl.json_too_deep"},
		{"too many items", `{"a":[` + strings.TrimSuffix(strings.Repeat("1,", MaxDataItems+1), ",") + `]}`, "/a formdecl.json_too_many_items"},
		{"too large", `"` + strings.Repeat("a", MaxDataBytes) + `"`, " formdecl.json_too_large"},
		{"huge number", `1` + strings.Repeat("0", 100), " formdecl.json_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(d.Validate(context.Background(), []byte(tt.data), nil))
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateDamagedText(t *testing.T) {
	d := childAllowance(t)
	data := "{\"applicant\":{\"lastName\":\"Иван\xd0\"},\"children\":[{\"fullName\":\"\xff\xfe\"}]}"
	got := d.Validate(context.Background(), []byte(data), testDirs)
	want := []FieldError{
		{Pointer: "/applicant/lastName", Field: "Заявитель › Фамилия", FieldEn: "Applicant › Surname", Key: "formdecl.json_encoding"},
		{Pointer: "/children/0/fullName", Field: "Дети › 1 › ФИО ребёнка", FieldEn: "Children › 1 › Child's full name", Key: "formdecl.json_encoding"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValidateKeepsValues(t *testing.T) {
	d := childAllowance(t)
	v, _ := Decode([]byte(`{"applicant":{"snils":"112-233-445 96","lastName":"<b>"}}`))
	before := fmt.Sprint(v)
	d.ValidateValue(context.Background(), v, testDirs)
	if after := fmt.Sprint(v); after != before {
		t.Errorf("data changed by validation: %s → %s", before, after)
	}
}

func jsonNumber(s string) any {
	v, _ := Decode([]byte(s))
	return v
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// setPointer sets the value at a JSON pointer whose parents exist.
func setPointer(v any, ptr string, val any) {
	segs := strings.Split(ptr[1:], "/")
	for _, s := range segs[:len(segs)-1] {
		switch x := v.(type) {
		case map[string]any:
			v = x[s]
		case []any:
			var i int
			fmt.Sscan(s, &i)
			v = x[i]
		}
	}
	v.(map[string]any)[segs[len(segs)-1]] = val
}
