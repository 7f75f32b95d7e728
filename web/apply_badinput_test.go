package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// Bad input posted to the form pages, over HTTP against the real server:
// every field of a form covering each type and format gets an empty
// answer, a too long one, a wrong checksum, a wrong type, a script,
// SQL-like text and damaged UTF-8. What a field must refuse comes back on
// the same page with status 422, the Russian message at the field and in
// the summary linking to it, the value shown back escaped; nothing is
// ever sent.

const (
	sweepScript = `<script>alert("x")</script>`
	sweepSQL    = `'; DROP TABLE cases; --`
	sweepBroken = "Ив\xffан"
)

// sweepField is one input of the sweep's form and what it must refuse.
type sweepField struct {
	page, name, id string
	date           bool     // a GOV.UK date input: the value goes into the day
	refuse         []string // values the field must refuse
	message        string   // a part of the Russian message for the first of refuse
}

func sweepFields() []sweepField {
	long := func(n int) string { return strings.Repeat("я", n) }
	return []sweepField{
		{page: "about", name: "/name", id: "f-name", refuse: []string{"", long(61), sweepBroken}, message: "Поле «Фамилия и имя»: заполните"},
		{page: "about", name: "/about", id: "f-about", refuse: []string{long(1001), sweepBroken}, message: "не длиннее 1000"},
		{page: "about", name: "/age", id: "f-age", refuse: []string{"сорок", "12.5", "9", sweepScript, sweepSQL, sweepBroken}, message: "целое число"},
		{page: "about", name: "/income", id: "f-income", refuse: []string{"много", "1.001", "-5", sweepScript, sweepSQL}, message: "введите число"},
		{page: "ids", name: "/birth", id: "f-birth", date: true, refuse: []string{"", "32", sweepScript, sweepSQL, sweepBroken}, message: "заполните"},
		{page: "ids", name: "/snils", id: "f-snils", refuse: []string{"", "112-233-445 96", "abc", long(70), sweepScript, sweepSQL, sweepBroken}, message: "заполните"},
		{page: "ids", name: "/inn", id: "f-inn", refuse: []string{"123456789012", "12", sweepScript, sweepSQL}, message: "ИНН"},
		{page: "ids", name: "/passport", id: "f-passport", refuse: []string{"12", sweepScript, sweepSQL}, message: "Паспорт"},
		{page: "ids", name: "/phone", id: "f-phone", refuse: []string{"", "12345", sweepScript, sweepSQL}, message: "заполните"},
		{page: "ids", name: "/email", id: "f-email", refuse: []string{"not-an-email", long(255), sweepScript, sweepSQL}, message: "Почта"},
		{page: "choices", name: "/kind", id: "f-kind", refuse: []string{"", "hacker", sweepScript, sweepSQL}, message: "заполните"},
		{page: "choices", name: "/benefits", id: "f-benefits", refuse: []string{"nope", sweepScript, sweepSQL}, message: "Льготы"},
		{page: "choices", name: "/hasCar", id: "f-hasCar", refuse: []string{"maybe", sweepScript}, message: "«да» или «нет»"},
		{page: "choices", name: "/district", id: "f-district", refuse: []string{"", "atlantis", sweepScript, sweepSQL}, message: "заполните"},
		{page: "children", name: "/children/0/fullName", id: "f-children-0-fullName", refuse: []string{"", "Ли", long(151), sweepBroken}, message: "заполните"},
		{page: "children", name: "/children/0/born", id: "f-children-0-born", date: true, refuse: []string{"0", sweepScript}, message: "введите настоящую дату"},
		{page: "agree", name: "/agree", id: "f-agree", refuse: []string{"", "false", sweepScript}, message: "заполните"},
	}
}

// postField posts one answer on its page, the page's other inputs empty.
func postField(v *webtest.Visitor, base string, f sweepField, value string) {
	pairs := []string{"page", f.page, "action", "continue"}
	if strings.HasPrefix(f.name, "/children/") {
		pairs = append(pairs, "/children.n", "1")
	}
	if f.date {
		pairs = append(pairs, f.name+".day", value, f.name+".month", "1", f.name+".year", "2000")
		if value == "" {
			pairs = append(pairs[:len(pairs)-4], f.name+".month", "", f.name+".year", "")
		}
	} else {
		pairs = append(pairs, f.name, value)
	}
	v.Post(base+"/pages/"+f.page, pairs...)
}

func TestApplyBadInputSweep(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) { sweepBadInput(t, webtest.StartLive(t, dsn)) })
}

func sweepBadInput(t *testing.T, live *webtest.Live) {
	putApplyServices(t, live, identity.AssuranceStandard)
	c := newApplyCitizen(t, live, "sweep", 5, true)
	v := live.NewVisitor(t).SignedIn(c.token)
	id := startDraft(t, v, applyCode)
	base := "/applications/" + strconv.FormatInt(id, 10)

	for _, f := range sweepFields() {
		for i, value := range f.refuse {
			name := f.name + " " + strconv.Itoa(i)
			t.Run(name, func(t *testing.T) {
				postField(v, base, f, value)
				if v.Status != 422 {
					t.Fatalf("%s = %q: status %d, want 422\n%s", f.name, value, v.Status, v.Last[strings.Index(v.Last, "<main"):])
				}
				if !strings.Contains(v.Last, `href="#`+f.id+`"`) || !strings.Contains(v.Last, `id="`+f.id+`-error"`) {
					t.Errorf("%s = %q: no message at %s or no link to it in the summary", f.name, value, f.id)
				}
				if i == 0 && !strings.Contains(v.Last, f.message) {
					t.Errorf("%s = %q: the page lacks %q", f.name, value, f.message)
				}
				if strings.Contains(v.Last, sweepScript) || strings.Contains(v.Last, "<script>alert") {
					t.Errorf("%s = %q: the script is on the page unescaped", f.name, value)
				}
				if value == sweepScript && !f.date && f.name != "/benefits" && f.name != "/kind" && f.name != "/hasCar" && f.name != "/agree" && f.name != "/district" &&
					!strings.Contains(v.Last, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
					t.Errorf("%s: the script is not shown back escaped", f.name)
				}
			})
		}
	}

	// Free text takes scripts and SQL-like text as they are: stored, and
	// shown back escaped.
	for _, value := range []string{sweepScript, sweepSQL} {
		v.Post(base+"/pages/about", "page", "about", "/name", value, "/about", value)
		v.Get(base + "/pages/about")
		v.Expect(200)
		if strings.Contains(v.Last, sweepScript) || strings.Count(v.Last, htmlEscaped(value)) < 2 {
			t.Errorf("%q not shown back escaped in both inputs", value)
		}
	}

	// The missing document.
	v.Post(base+"/pages/files", "page", "files", "action", "continue")
	v.Expect(422, "Приложите файл: Скан паспорта", `href="#f-scan"`)

	// Nothing was sent: the check page lists the problems, sending fails.
	v.Get(base + "/check")
	v.Expect(200, "Есть ошибки", "Изменить")
	v.Post(base+"/submit", "consent", "yes")
	v.Expect(422, "Есть ошибки")
	if n := applicationsOf(t, live, c.id); n != 0 {
		t.Errorf("%d applications sent from bad input", n)
	}
}

// htmlEscaped is s as html/template writes it in an attribute or text.
func htmlEscaped(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;").Replace(s)
}
