package e2e

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/app"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
)

// startApp runs the real app — app.Open and Run, as cmd/okno does — on
// port 0 with the demo mailbox, one region government, one district
// administration and one administrator holding posts in both.
func startApp(t *testing.T) (*app.App, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, app.Config{DataDir: t.TempDir(), DevInsecureCookies: true, DemoMailbox: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		a.Close()
	})

	root, err := a.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство Санкт-Петербурга", ShortName: "Правительство Петербурга", Hours: org.OfficeHours()}, okno.System)
	must(t, err)
	district, err := a.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Центрального района Санкт-Петербурга", ShortName: "Администрация Центрального района", ParentID: root.ID, Hours: org.OfficeHours()}, okno.System)
	must(t, err)
	uid, err := a.Identity.CreateStaff(ctx, okno.System, "admin@gov.spb.example", "Ольга Смирнова", staffPassword)
	must(t, err)
	for _, o := range []org.Organisation{root, district} {
		p, err := a.Orgs.CreatePosition(ctx, org.Position{OrgID: o.ID, Title: "Администратор портала", Role: okno.RoleAdmin}, okno.System)
		must(t, err)
		must(t, a.Orgs.AssignStaff(ctx, uid, p.ID, okno.System))
	}
	return a, "http://" + ln.Addr().String()
}

const staffPassword = "служебный пароль 2026"

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

// TestWalk is a person's first day with Okno, in a real browser: sign up,
// read the code in the demo mailbox, confirm, sign in, raise the account
// to standard through every question, sign out; then a member of staff
// signs in, switches organisation and opens the organisations. Every page
// is checked with axe-core in Russian, the cabinet once in English, and the
// cabinet and back office are photographed at phone and desktop widths.
func TestWalk(t *testing.T) {
	a, base := startApp(t)
	b := Start(t, base)
	b.Resize(375, 812)

	b.Visit("/?lang=ru")
	b.CheckPage("home")
	b.ClickAndWait(`a[href="/signup"]`)
	b.CheckPage("signup")
	b.Fill("#f-display_name", "Анна")
	b.Fill("#f-contact", "anna@example.ru")
	b.Fill("#f-password", "тихий вечер у Невы")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text("h1"); got != "Введите код подтверждения" {
		t.Fatalf("after sign-up: %q", got)
	}
	b.CheckPage("confirm")

	// The outbox delivers the code; a person reads it in the demo mailbox.
	if _, err := a.Outbox.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.ClickAndWait(`a[href="/demo/mailbox"]`)
	b.CheckPage("mailbox")
	code := codeRE.FindString(b.Text(".notes__body"))
	if code == "" {
		t.Fatalf("no code in the mailbox (screenshot: %s)", b.Screenshot("mailbox"))
	}

	b.Visit("/confirm")
	b.Fill("#f-code", code)
	b.ClickAndWait("form.form button[type=submit]")
	b.CheckPage("signin after confirming")
	b.Fill("#f-password", "тихий вечер у Невы")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text("h1"); got != "Здравствуйте, Анна" {
		t.Fatalf("cabinet heading: %q (screenshot: %s)", got, b.Screenshot("cabinet"))
	}
	b.CheckPage("cabinet")
	shoot(t, b, "cabinet")

	b.ClickAndWait(`.next-step a.button`)
	b.CheckPage("level: name")
	b.Fill("#f-last_name", "Иванова")
	b.Fill("#f-first_name", "Анна")
	b.Fill("#f-middle_name", "Сергеевна")
	b.ClickAndWait("form.form button[type=submit]")
	b.CheckPage("level: birth date")
	b.Fill("#f-birth_day", "21")
	b.Fill("#f-birth_month", "03")
	b.Fill("#f-birth_year", "1985")
	b.ClickAndWait("form.form button[type=submit]")
	b.CheckPage("level: passport")
	b.Fill("#f-passport", "4010 123456")
	b.ClickAndWait("form.form button[type=submit]")
	b.CheckPage("level: snils")
	b.Fill("#f-snils", "112-233-445 96")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text(".error-summary__title"); got != "Есть ошибки" {
		t.Fatalf("a wrong СНИЛС: %q", got)
	}
	b.CheckPage("level: snils with an error")
	b.Fill("#f-snils", "112-233-445 95")
	b.ClickAndWait("form.form button[type=submit]")
	b.CheckPage("level: check")
	if got := b.Text(".summary-list"); !strings.Contains(got, "Иванова Анна Сергеевна") || !strings.Contains(got, "21.03.1985") {
		t.Errorf("check your answers: %q", got)
	}
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text(".panel__title"); got != "Уровень учётной записи повышен" {
		t.Fatalf("after submitting: %q", got)
	}
	b.CheckPage("level: done")

	b.Visit("/cabinet?lang=en")
	b.CheckPage("cabinet in English")
	b.Visit("/cabinet/level/post?lang=ru")
	b.CheckPage("confirm identity")
	b.Visit("/cabinet")
	shoot(t, b, "cabinet-standard")
	b.ClickAndWait(".header__button")

	b.Visit("/staff/signin")
	b.CheckPage("staff sign-in")
	b.Fill("#f-contact", "admin@gov.spb.example")
	b.Fill("#f-password", staffPassword)
	b.ClickAndWait("form.form button[type=submit]")
	b.CheckPage("back office, choosing")
	b.Click("#f-org_id")
	b.ClickAndWait("form.switcher button[type=submit]")
	b.CheckPage("back office")
	shoot(t, b, "back-office")
	b.Click("#f-org_id-1")
	b.ClickAndWait("form.switcher button[type=submit]")
	if got := b.Text(".lead strong"); got == "" {
		t.Fatalf("no organisation chosen (screenshot: %s)", b.Screenshot("switch"))
	}
	b.CheckPage("back office, switched")
	b.ClickAndWait(`a[href="/admin/organisations"]`)
	b.CheckPage("admin organisations")
	shoot(t, b, "admin-organisations")
	b.ClickAndWait(`a.button[href^="/admin/organisations/"]`)
	b.CheckPage("organisation card")
	b.Visit("/admin/staff")
	b.CheckPage("admin staff")
	b.Visit("/admin/territories")
	b.CheckPage("admin territories")
	b.Visit("/staff/cases?view=org")
	b.CheckPage("inbox")
	b.Visit("/staff/overdue")
	b.CheckPage("deadlines overview")

	// What the walk created is really there.
	p, err := a.Identity.FindByEmail(context.Background(), okno.Actor{Kind: okno.ActorStaff, OrgID: 1, Roles: []okno.Role{okno.RoleOperator}}, "anna@example.ru")
	must(t, err)
	if p.Assurance != identity.AssuranceStandard {
		t.Errorf("Anna's level = %s", p.Assurance)
	}
}

// shoot saves the current page at phone and desktop widths and goes back
// to the phone, where the walk happens.
func shoot(t *testing.T, b *Browser, name string) {
	t.Helper()
	b.Resize(1280, 900)
	t.Logf("%s desktop: %s", name, b.Screenshot(name+"-1280"))
	b.Resize(375, 812)
	t.Logf("%s mobile: %s", name, b.Screenshot(name+"-375"))
}
