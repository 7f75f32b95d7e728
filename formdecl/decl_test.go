package formdecl

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/i18n"
)

func declProblems(err error) []string {
	var de DeclErrors
	if !errors.As(err, &de) {
		return []string{"not DeclErrors: " + err.Error()}
	}
	out := []string{}
	for _, e := range de {
		out = append(out, e.Doc+"#"+e.Pointer+" "+e.Key)
	}
	return out
}

func TestParseSchemaErrors(t *testing.T) {
	tests := []struct {
		name, schema string
		want         []string
	}{
		{"typo in keyword", `{"properties":{"snils":{"type":"string","fromat":"snils"}}}`,
			[]string{"schema#/properties/snils/fromat formdecl.decl_unknown_keyword"}},
		{"unsupported keyword", `{"patternProperties":{}}`, []string{"schema#/patternProperties formdecl.decl_unknown_keyword"}},
		{"bad type", `{"type":"date"}`, []string{"schema#/type formdecl.decl_bad_type"}},
		{"bad format", `{"format":"snills"}`, []string{"schema#/format formdecl.decl_bad_format"}},
		{"bad pattern", `{"pattern":"(?<=x)"}`, []string{"schema#/pattern formdecl.decl_bad_pattern"}},
		{"long pattern", `{"pattern":"` + strings.Repeat("a", 300) + `"}`, []string{"schema#/pattern formdecl.decl_bad_pattern"}},
		{"negative length", `{"minLength":-1}`, []string{"schema#/minLength formdecl.decl_want_count"}},
		{"multipleOf zero", `{"multipleOf":0}`, []string{"schema#/multipleOf formdecl.decl_want_number"}},
		{"empty range", `{"minimum":5,"maximum":1}`, []string{"schema# formdecl.decl_range_empty"}},
		{"external ref", `{"$ref":"https://example.com/s.json"}`, []string{"schema#/$ref formdecl.decl_ref_external"}},
		{"dangling ref", `{"$ref":"#/$defs/nope"}`, []string{"schema#/$ref formdecl.decl_ref_unresolved"}},
		{"required undeclared", `{"required":["a"],"properties":{"b":{}}}`, []string{"schema#/required formdecl.decl_required_undeclared"}},
		{"additionalProperties schema", `{"additionalProperties":{"type":"string"}}`, []string{"schema#/additionalProperties formdecl.decl_want_bool"}},
		{"not a schema", `{"items":5}`, []string{"schema#/items formdecl.decl_not_schema"}},
		{"several at once", `{"properties":{"a":{"tpye":"string"},"b":{"maxLength":"5"}}}`,
			[]string{"schema#/properties/a/tpye formdecl.decl_unknown_keyword", "schema#/properties/b/maxLength formdecl.decl_want_count"}},
		{"not json", `{"type":`, []string{"schema#/type formdecl.decl_json_syntax"}},
		{"not utf-8", "{\"title\":\"\xc3\x28\"}", []string{"schema# formdecl.decl_json_encoding"}},
		{"too deep", strings.Repeat(`{"items":`, 60) + `{}` + strings.Repeat("}", 60),
			[]string{"schema#" + strings.Repeat("/items", 49) + " formdecl.decl_too_deep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSchema([]byte(tt.schema))
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, declProblems(err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkDeclMessages(t, err)
		})
	}
}

func TestParseSchemaLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"properties":{`)
	for i := range maxFields + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"f` + itoa(i) + `":{}`)
	}
	b.WriteString("}}")
	_, err := ParseSchema([]byte(b.String()))
	if got := declProblems(err); !strings.Contains(strings.Join(got, ";"), "formdecl.decl_too_many_fields") {
		t.Errorf("got %v, want decl_too_many_fields", got)
	}
	_, err = ParseSchema([]byte(`{"title":"` + strings.Repeat("а", MaxDeclBytes) + `"}`))
	if diff := cmp.Diff([]string{"schema# formdecl.decl_json_too_large"}, declProblems(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

const smallSchema = `{"type":"object","required":["kind","name"],"properties":{
  "kind":{"enum":["person","org"],"title":"Кто подаёт"},
  "name":{"type":"string","title":"Имя"},
  "inn":{"type":"string","format":"inn10","title":"ИНН организации"},
  "people":{"type":"array","items":{"type":"object","required":["snils"],"properties":{"snils":{"format":"snils"},"note":{}}}}
 },
 "if":{"properties":{"kind":{"const":"org"}}},"then":{"required":["inn"]}}`

func TestParseLayoutErrors(t *testing.T) {
	tests := []struct {
		name, layout string
		want         []string
	}{
		{"unknown field", `{"pages":[{"id":"a","title":"А","fields":["/kind","/name","/inn","/nmae",{"group":"/people","title":"Люди","fields":["/snils"]}]}]}`,
			[]string{"layout#/pages/0/fields/3 formdecl.decl_field_unknown"}},
		{"required not placed", `{"pages":[{"id":"a","title":"А","fields":["/kind"]}]}`,
			[]string{"layout#/inn formdecl.decl_required_not_placed", "layout#/name formdecl.decl_required_not_placed"}},
		{"group field required", `{"pages":[{"id":"a","title":"А","fields":["/kind","/name","/inn",{"group":"/people","title":"Люди","fields":["/note"]}]}]}`,
			[]string{"layout#/people/*/snils formdecl.decl_required_not_placed"}},
		{"group not array", `{"pages":[{"id":"a","title":"А","fields":["/kind",{"group":"/name","title":"Х","fields":["/x"]},"/inn"]}]}`,
			[]string{"layout#/pages/0/fields/1 formdecl.decl_group_not_array"}},
		{"duplicate page and field", `{"pages":[{"id":"a","title":"А","fields":["/kind","/name","/inn"]},{"id":"a","title":"Б","fields":["/kind"]}]}`,
			[]string{"layout#/pages/1/id formdecl.decl_duplicate", "layout#/pages/1/fields/0 formdecl.decl_duplicate"}},
		{"typo in layout key", `{"pages":[{"id":"a","title":"А","feilds":["/kind"]}]}`,
			[]string{"layout#/pages/0/feilds formdecl.decl_unknown_keyword", "layout#/pages/0/fields formdecl.decl_want_array"}},
		{"bad condition", `{"pages":[{"id":"a","title":"А","showIf":{"properties":{"kind":{"cosnt":"org"}}},"fields":["/kind","/name","/inn"]}]}`,
			[]string{"layout#/pages/0/showIf/properties/kind/cosnt formdecl.decl_unknown_keyword"}},
		{"no pages", `{"pages":[]}`, []string{"layout#/pages formdecl.decl_pages"}},
	}
	s, err := ParseSchema([]byte(smallSchema))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLayout([]byte(tt.layout), s)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, declProblems(err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkDeclMessages(t, err)
		})
	}
}

func TestPagesFor(t *testing.T) {
	d := childAllowance(t)
	ids := func(data string) []string {
		v, errs := Decode([]byte(data))
		if errs != nil {
			t.Fatal(errs)
		}
		var out []string
		for _, p := range d.Layout.PagesFor(v) {
			out = append(out, p.ID)
		}
		return out
	}
	base := []string{"applicant", "contacts", "children", "payment", "consent"}
	if diff := cmp.Diff(base, ids(`{"children":[{}]}`)); diff != "" {
		t.Errorf("one child (-want +got):\n%s", diff)
	}
	many := []string{"applicant", "contacts", "children", "payment", "income", "consent"}
	if diff := cmp.Diff(many, ids(`{"children":[{},{},{}]}`)); diff != "" {
		t.Errorf("three children (-want +got):\n%s", diff)
	}
	pay := d.Layout.Pages[3]
	v, _ := Decode([]byte(`{"payment":{"method":"post"}}`))
	var shown []string
	for _, f := range pay.Fields {
		if f.Shown(v) {
			shown = append(shown, f.Pointer)
		}
	}
	if diff := cmp.Diff([]string{"/payment/method", "/payment/postOffice"}, shown); diff != "" {
		t.Errorf("post fields (-want +got):\n%s", diff)
	}
}

func TestPrefill(t *testing.T) {
	d := childAllowance(t)
	profile := map[string]string{"profile.snils": "112-233-445 95", "profile.last_name": "Иванова", "profile.phone": "+79211234567", "profile.unused": "x"}
	data := map[string]any{"applicant": map[string]any{"lastName": "Петрова"}}
	got := d.Prefill(data, profile)
	want := map[string]any{"applicant": map[string]any{"lastName": "Петрова", "snils": "112-233-445 95", "phone": "+79211234567"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := d.Prefill(nil, nil); len(got) != 0 {
		t.Errorf("Prefill(nil, nil) = %v, want empty", got)
	}
}

// TestMessages renders every key the package reports in both languages:
// each message names the field and leaves no unfilled verb.
func TestMessages(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := childAllowance(t)
	data := `{"applicant":{"snils":"112-233-445 96","inn":"7707083893","lastName":"` + strings.Repeat("Я", 61) + `","phone":"+1","email":"x","passport":"0014123456","birthDate":"31.12.1990","district":"Марс"},
	  "children":[],"payment":{"method":"bank","bik":"041234567"},"income":-1.001,"consent":false,"extra":1}`
	errs := d.Validate(context.Background(), []byte(data), testDirs)
	if len(errs) < 10 {
		t.Fatalf("only %d problems: %+v", len(errs), errs)
	}
	for _, e := range errs {
		for _, lang := range []i18n.Lang{i18n.Russian, i18n.English} {
			msg := c.Localizer(lang).T(e.Key, e.MessageArgs(lang == i18n.English)...)
			label := e.Field
			if lang == i18n.English {
				label = e.FieldEn
			}
			if msg == e.Key || strings.Contains(msg, "%!") || !strings.Contains(msg, label) {
				t.Errorf("%s %s: %q", lang, e.Key, msg)
			}
		}
	}
}

func TestFieldErrorsLocalize(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := childAllowance(t)
	data := strings.Replace(string(readTestdata(t, "child-allowance.valid.json")), "123-456-789 64", "123-456-789 65", 1)
	errs := d.Validate(context.Background(), []byte(data), testDirs)
	_, fields := c.Localizer(i18n.Russian).Error(FieldErrors(errs, false).Err())
	want := map[string]string{"/children/0/snils": "Поле «Дети › 1 › СНИЛС ребёнка»: неверная контрольная сумма СНИЛС — проверьте цифры по документу"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, fields = c.Localizer(i18n.English).Error(FieldErrors(errs, true).Err())
	if got := fields["/children/0/snils"]; got != "Field “Children › 1 › Child's SNILS”: the SNILS check digits are wrong — check it against the document" {
		t.Errorf("English message = %q", got)
	}
	_, perr := ParseSchema([]byte(`{"fromat":"snils"}`))
	var de DeclErrors
	errors.As(perr, &de)
	_, fields = c.Localizer(i18n.Russian).Error(de.FieldErrors().Err())
	if got := fields["schema#/fromat"]; got != "Неизвестное ключевое слово «fromat» — возможно, опечатка" {
		t.Errorf("declaration message = %q", got)
	}
}

// checkDeclMessages renders declaration problems in both languages.
func checkDeclMessages(t *testing.T, err error) {
	t.Helper()
	c, cerr := i18n.Load()
	if cerr != nil {
		t.Fatal(cerr)
	}
	var de DeclErrors
	errors.As(err, &de)
	for _, e := range de {
		for _, lang := range []i18n.Lang{i18n.Russian, i18n.English} {
			if msg := c.Localizer(lang).T(e.Key, e.Args...); msg == e.Key || strings.Contains(msg, "%!") {
				t.Errorf("%s %s: %q", lang, e.Key, msg)
			}
		}
	}
}
