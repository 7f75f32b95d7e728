package e2e

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// startServer runs the web layer on port 0 with the webtest cast.
func startServer(t *testing.T) string {
	t.Helper()
	s := web.New(webtest.Config(), webtest.NewFakes(webtest.Cast()).Deps())
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestPagesAccessible loads every page in both languages and at phone and
// desktop widths, and checks each with axe-core.
func TestPagesAccessible(t *testing.T) {
	b := Start(t, startServer(t))
	pages := []string{"/", "/design", "/no/such/page"}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"mobile", 375, 812}, {"desktop", 1280, 900}} {
		b.Resize(size.w, size.h)
		for _, lang := range []string{"ru", "en"} {
			for _, p := range pages {
				b.Visit(p + "?lang=" + lang)
				b.CheckPage(size.name + " " + lang + " " + p)
			}
		}
	}
}

// TestFormErrorSummaryFlow walks the sample form as a person: submit
// empty, land on the error summary, follow a link to the field, fix the
// answers and see the confirmation panel with a reference number.
func TestFormErrorSummaryFlow(t *testing.T) {
	b := Start(t, startServer(t))
	b.Resize(375, 812)
	b.Visit("/design?lang=ru")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text(".error-summary__title"); got != "Есть ошибки" {
		t.Fatalf("error summary title = %q", got)
	}
	var focused string
	b.Eval(`document.activeElement.className`, &focused)
	if !strings.Contains(focused, "error-summary") {
		t.Errorf("focus is on %q, want the error summary", focused)
	}
	b.CheckPage("form with errors")
	t.Logf("form with errors: %s", b.Screenshot("errors"))

	b.Click(`.error-summary a[href="#f-email"]`)
	b.Eval(`document.activeElement.id`, &focused)
	if focused != "f-email" {
		t.Errorf("error summary link focused %q, want f-email", focused)
	}
	var invalid string
	b.Eval(`document.getElementById("f-email").getAttribute("aria-invalid") + " " + document.getElementById("f-email").getAttribute("aria-describedby")`, &invalid)
	if invalid != "true f-email-hint f-email-error" {
		t.Errorf("email aria = %q", invalid)
	}

	b.Fill("#f-name", "Анна Петрова")
	b.Fill("#f-email", "anna@example.ru")
	b.Click("#f-topic-1")
	b.Fill("#f-message", "Во дворе дома 5 не горит фонарь.")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text(".panel__title"); got != "Сообщение принято" {
		t.Fatalf("panel title = %q (screenshot: %s)", got, b.Screenshot("after-submit"))
	}
	if ref := b.Text(".panel__ref"); !strings.HasPrefix(ref, "ОК-") {
		t.Errorf("reference = %q", ref)
	}
	if got := b.Text(".summary-list"); !strings.Contains(got, "Двор") || !strings.Contains(got, "Изменить") {
		t.Errorf("answers = %q", got)
	}
	b.CheckPage("confirmation")
	t.Logf("confirmation: %s", b.Screenshot("confirmation"))
}

// TestHomeScreenshots saves the home page at phone and desktop widths, for
// people to look at ($OKNO_E2E_ARTIFACTS keeps them).
func TestHomeScreenshots(t *testing.T) {
	b := Start(t, startServer(t))
	for _, size := range []struct {
		name string
		w, h int64
	}{{"mobile", 375, 812}, {"desktop", 1280, 900}} {
		b.Resize(size.w, size.h)
		for _, p := range []string{"/", "/design"} {
			b.Visit(p + "?lang=ru")
			path := b.Screenshot(size.name + strings.ReplaceAll(p, "/", "-"))
			if fi, err := os.Stat(path); err != nil || fi.Size() < 1000 {
				t.Errorf("screenshot %s: %v", path, err)
			}
			t.Logf("%s %s: %s", size.name, p, path)
		}
	}
}
