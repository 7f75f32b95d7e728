package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
)

// applySchema is a short form of each kind of input: a name, a date, a
// choice, a repeatable group and a consent.
const applySchema = `{"type": "object", "required": ["name", "born", "kind", "children", "agree"], "properties": {
  "name": {"type": "string", "minLength": 2, "maxLength": 60, "title": "Фамилия и имя", "x-title-en": "Full name", "x-hint": "Как в паспорте"},
  "born": {"type": "string", "format": "date", "title": "Дата рождения", "x-title-en": "Date of birth"},
  "kind": {"title": "Кто подаёт", "x-title-en": "Who applies", "oneOf": [{"const": "self", "title": "Я сам", "x-title-en": "Myself"}, {"const": "agent", "title": "Представитель", "x-title-en": "A representative"}]},
  "children": {"type": "array", "minItems": 1, "title": "Дети", "x-title-en": "Children", "items": {"type": "object", "required": ["fullName"], "properties": {
    "fullName": {"type": "string", "minLength": 3, "title": "ФИО ребёнка", "x-title-en": "Child's full name"}}}},
  "agree": {"const": true, "title": "Сведения верны", "x-title-en": "The information is correct"}}}`

const applyLayout = `{"pages": [
  {"id": "about", "title": "О вас", "x-title-en": "About you", "fields": ["/name", "/born", "/kind"]},
  {"id": "children", "title": "Дети", "x-title-en": "Children", "fields": [{"group": "/children", "title": "Ребёнок", "x-title-en": "Child", "fields": ["/fullName"]}]},
  {"id": "agree", "title": "Подтверждение", "x-title-en": "Confirmation", "fields": ["/agree"]}]}`

// TestApplyWalk is a citizen applying in a real browser: the form's
// pages with a mistake and without, "add another", check your answers,
// sending and the confirmation, "Мои заявки", in both languages; every
// page checked with axe-core, the form photographed at phone width.
func TestApplyWalk(t *testing.T) {
	a, base := startApp(t)
	ctx := context.Background()
	b := Start(t, base) // skips without Chromium

	orgs, err := a.Orgs.List(ctx, org.ListQuery{Limit: 10})
	must(t, err)
	_, err = a.Services.Put(ctx, okno.System, catalog.Service{Code: "walk-allowance", Title: catalog.Text{"ru": "Пособие", "en": "Allowance"},
		Summary: catalog.Text{"ru": "Проверочная услуга"}, Level: catalog.LevelRegional, Recipients: []catalog.Recipient{catalog.RecipientCitizen},
		Kind: catalog.KindApplication, Assurance: identity.AssuranceSimplified, OrgID: orgs[len(orgs)-1].ID, Process: "application",
		LegalPeriod: "10w", NeedsConsent: true, Form: catalog.Form{Schema: []byte(applySchema), Layout: []byte(applyLayout)}, Published: true})
	must(t, err)
	contact := "irina@example.ru"
	must(t, a.Identity.SignUp(ctx, identity.NewAccount{Contact: contact, Password: citizenPassword, DisplayName: "Ирина"}))
	if _, err := a.Outbox.ProcessDue(ctx); err != nil {
		t.Fatal(err)
	}
	ms, err := a.Mailbox.ListFor(ctx, contact, 1)
	if err != nil || len(ms) == 0 {
		t.Fatalf("no code for %s: %v", contact, err)
	}
	must(t, a.Identity.Confirm(ctx, contact, codeRE.FindString(ms[0].Body)))
	ss, err := a.Identity.SignIn(ctx, identity.Credentials{Contact: contact, Password: citizenPassword})
	must(t, err)
	d, err := a.Applications.Start(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: ss.UserID}, "walk-allowance")
	must(t, err)
	draft := "/applications/" + strconv.FormatInt(d.ID, 10)

	b.Resize(375, 812)
	b.Visit("/signin?lang=ru")
	b.Fill("#f-contact", contact)
	b.Fill("#f-password", citizenPassword)
	b.ClickAndWait("form.form button[type=submit]")
	b.Visit(draft)
	b.CheckPage("first page")
	b.Fill("#f-name", "И")
	b.ClickAndWait(`.button-group button[value="continue"]`)
	if got := b.Text(".error-summary__title"); got != "Есть ошибки" {
		t.Fatalf("a page with mistakes: %q (screenshot: %s)", got, b.Screenshot("apply-errors"))
	}
	b.CheckPage("first page with errors")
	shoot(t, b, "apply-errors")
	b.Fill("#f-name", "Ирина Соколова")
	b.Fill("#f-born-day", "3")
	b.Fill("#f-born-month", "9")
	b.Fill("#f-born-year", "1988")
	b.Click("#f-kind-0")
	b.ClickAndWait(`.button-group button[value="continue"]`)
	b.CheckPage("group page")
	b.Fill("#f-children-0-fullName", "Соколов Пётр")
	b.ClickAndWait(`button[value="add:/children"]`)
	b.Fill("#f-children-1-fullName", "Соколова Анна")
	b.ClickAndWait(`.button-group button[value="continue"]`)
	b.CheckPage("one question page")
	b.Click("#f-agree")
	b.ClickAndWait(`.button-group button[value="continue"]`)
	b.CheckPage("check your answers")
	shoot(t, b, "apply-check")
	b.Click("#f-consent")
	b.ClickAndWait(`form[action$="/submit"] button[type=submit]`)
	if got := b.Text(".panel__title"); got != "Заявление отправлено" {
		t.Fatalf("after sending: %q (screenshot: %s)", got, b.Screenshot("apply-sent"))
	}
	b.CheckPage("confirmation")
	b.Visit("/cabinet/applications")
	b.CheckPage("my applications")
	b.Visit("/cabinet/applications?lang=en")
	b.CheckPage("my applications in English")
}
