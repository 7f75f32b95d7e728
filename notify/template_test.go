package notify

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

func mustTemplates(t *testing.T, files map[string]string) *Templates {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	tm, err := LoadTemplates(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestOwnTemplatesRender renders every text notify ships, on every
// channel and in both languages, with sample values.
func TestOwnTemplatesRender(t *testing.T) {
	tm, err := LoadTemplates(TemplateFiles())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"test.ping"}, tm.Names()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	for k := range tm.texts {
		for _, ch := range []Channel{ChannelCabinet, ChannelEmail, ChannelSMS, ChannelPost} {
			for _, lang := range []string{"ru", "en"} {
				subject, body, err := tm.Render(k.template, k.audience, string(ch), lang, tm.Sample(k.template))
				if err != nil {
					t.Fatalf("%s/%s/%s/%s: %v", k.template, k.audience, ch, lang, err)
				}
				if body == "" || (ch != ChannelSMS && subject == "") {
					t.Errorf("%s/%s/%s/%s: subject %q, body %q", k.template, k.audience, ch, lang, subject, body)
				}
				if ch == ChannelSMS && SMSParts(body) > 1 {
					t.Errorf("%s/%s/sms/%s takes %d SMS: %q", k.template, k.audience, lang, SMSParts(body), body)
				}
			}
		}
	}
}

const fallbackFile = `{"case.answered": {"applicant": {
	"default": {"ru": {"subject": "Ответ по делу {{.ref}}", "body": "Ответ готов: {{.link}}"},
	            "en": {"subject": "Case {{.ref}} answered", "body": "The answer is ready: {{.link}}"}},
	"sms":     {"ru": {"body": "Ответ по делу {{.ref}} готов"}}
}}}`

func TestRender(t *testing.T) {
	tm := mustTemplates(t, map[string]string{"case.json": fallbackFile})
	vars := map[string]string{"ref": "2026-000123", "link": "https://okno.example/cabinet/cases/12"}
	tests := []struct {
		channel, lang, subject, body string
	}{
		{"email", "ru", "Ответ по делу 2026-000123", "Ответ готов: https://okno.example/cabinet/cases/12"},
		{"email", "en", "Case 2026-000123 answered", "The answer is ready: https://okno.example/cabinet/cases/12"},
		{"cabinet", "de", "Ответ по делу 2026-000123", "Ответ готов: https://okno.example/cabinet/cases/12"},
		{"sms", "ru", "", "Ответ по делу 2026-000123 готов"},
		{"sms", "en", "", "Ответ по делу 2026-000123 готов"}, // the SMS's own text beats a translation
	}
	for _, tt := range tests {
		subject, body, err := tm.Render("case.answered", "applicant", tt.channel, tt.lang, vars)
		if err != nil {
			t.Fatalf("%s/%s: %v", tt.channel, tt.lang, err)
		}
		if subject != tt.subject || body != tt.body {
			t.Errorf("%s/%s = %q, %q; want %q, %q", tt.channel, tt.lang, subject, body, tt.subject, tt.body)
		}
	}
	if diff := cmp.Diff([]string{"link", "ref"}, tm.Vars("case.answered")); diff != "" {
		t.Errorf("Vars (-want +got):\n%s", diff)
	}
	if !tm.Has("case.answered", "applicant") || tm.Has("case.answered", "staff") || tm.Has("case.closed", "applicant") {
		t.Error("Has answers wrongly")
	}
	if _, _, err := tm.Render("case.answered", "applicant", "email", "ru", map[string]string{"ref": "1"}); err == nil || !strings.Contains(err.Error(), "link") {
		t.Errorf("a missing variable: err = %v, want one naming it", err)
	}
	if _, _, err := tm.Render("case.answered", "staff", "email", "ru", vars); !okno.IsCode(err, okno.EINTERNAL) {
		t.Errorf("an unknown audience: err = %v, want internal", err)
	}
}

func TestLoadTemplatesReportsProblems(t *testing.T) {
	text := func(s string) string { return `{"ru": {"subject": "Тема", "body": "` + s + `"}}` }
	file := func(name, audience, channels string) string {
		return `{"` + name + `": {"` + audience + `": {` + channels + `}}}`
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string // in the error
	}{
		{"bad JSON", map[string]string{"a.json": `{`}, "a.json"},
		{"unknown field", map[string]string{"a.json": file("x.y", "applicant", `"default": {"ru": {"subject": "a", "body": "b", "html": "c"}}`)}, "html"},
		{"bad name", map[string]string{"a.json": file("Case Answered", "applicant", `"default": `+text("b"))}, "template name"},
		{"bad audience", map[string]string{"a.json": file("x.y", "Граждане", `"default": `+text("b"))}, "audience"},
		{"no fallback", map[string]string{"a.json": file("x.y", "applicant", `"email": `+text("b"))}, `x.y/applicant: needs "default"`},
		{"unknown channel", map[string]string{"a.json": file("x.y", "applicant", `"default": `+text("b")+`, "pigeon": `+text("b"))}, "x.y/applicant/pigeon: unknown channel"},
		{"no Russian", map[string]string{"a.json": file("x.y", "applicant", `"default": {"en": {"subject": "a", "body": "b"}}`)}, "x.y/applicant/default: no Russian text"},
		{"unknown language", map[string]string{"a.json": file("x.y", "applicant", `"default": {"ru": {"subject": "a", "body": "b"}, "de": {"subject": "a", "body": "b"}}`)}, "x.y/applicant/default/de: unknown language"},
		{"no subject", map[string]string{"a.json": file("x.y", "applicant", `"default": {"ru": {"body": "b"}}`)}, "no subject"},
		{"no body", map[string]string{"a.json": file("x.y", "applicant", `"default": {"ru": {"subject": "a", "body": " "}}`)}, "no body"},
		{"parse error", map[string]string{"a.json": file("x.y", "applicant", `"default": `+text("{{.ref"))}, "x.y/applicant/default/ru: body"},
		{"bad call", map[string]string{"a.json": file("x.y", "applicant", `"default": `+text("{{len 1}}"))}, "x.y/applicant/default/ru"},
		{"long SMS", map[string]string{"a.json": file("x.y", "applicant", `"default": `+text("b")+`, "sms": `+text(strings.Repeat("Длинный текст ", 16)))}, "x.y/applicant/sms/ru: the SMS takes"},
		{"long body", map[string]string{"a.json": file("x.y", "applicant", `"default": `+text(strings.Repeat("я", maxTemplateBody+1)))}, "longer than"},
		{"defined twice", map[string]string{"a.json": file("x.y", "applicant", `"default": `+text("b")), "b.json": file("x.y", "staff", `"default": `+text("b"))}, "b.json: x.y is already defined in a.json"},
		{"too large", map[string]string{"a.json": `{"x": "` + strings.Repeat("a", maxTemplateFile) + `"}`}, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := LoadTemplates(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
