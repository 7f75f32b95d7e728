package casework_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"text/template"

	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
)

// templateFile is notify's format: template → audience → channel →
// language → subject and body.
type templateFile map[string]map[string]map[string]map[string]struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// TestTemplates: every notice the engine can send with the shipped
// processes has a template for its audience, in Russian and English, that
// renders with the values the engine gives.
func TestTemplates(t *testing.T) {
	b, err := fs.ReadFile(casework.Templates, "templates/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var file templateFile
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	need := map[string]bool{"case.escalated/staff": true, "case.assigned/staff": true, "case.rerouted/staff": true,
		"case.opened/applicant": true, "case.action/applicant": true, "case.action/staff": true}
	shipped, err := process.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range shipped {
		d, problems := process.Parse(src)
		if len(problems) > 0 {
			t.Fatalf("%s: %v", name, problems)
		}
		need[d.Name+".opened/applicant"] = true
		for _, a := range d.Actions {
			for _, e := range a.Effects {
				if e.Kind != process.EffectNotify {
					continue
				}
				aud := "staff"
				if e.Audience == process.AudienceApplicant {
					aud = "applicant"
				}
				need[e.TemplateName(d.Name, a.Name)+"/"+aud] = true
			}
		}
	}
	vars := map[string]string{"ref": "2026-12345678", "process": "Сообщение о проблеме", "state": "На рассмотрении",
		"deadline": "15.03.2026", "link": "/cabinet/cases/1"}
	for key := range need {
		name, aud, _ := strings.Cut(key, "/")
		langs := file[name][aud]["default"]
		for _, lang := range []string{"ru", "en"} {
			m, ok := langs[lang]
			if !ok || m.Subject == "" || m.Body == "" {
				t.Errorf("%s for %s: no %s text", name, aud, lang)
				continue
			}
			for part, text := range map[string]string{"subject": m.Subject, "body": m.Body} {
				tmpl, err := template.New(name).Option("missingkey=error").Parse(text)
				if err != nil {
					t.Errorf("%s %s %s %s: %v", name, aud, lang, part, err)
					continue
				}
				var out strings.Builder
				if err := tmpl.Execute(&out, vars); err != nil {
					t.Errorf("%s %s %s %s: %v", name, aud, lang, part, err)
				}
			}
		}
	}
	for name, auds := range file {
		for aud := range auds {
			if !need[name+"/"+aud] {
				t.Errorf("template %s for %s is never sent", name, aud)
			}
		}
	}
}
