package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web/webtest"
)

// applySchema is a form with a field of every type and format the pages
// render: text, long text, numbers, a date, identifiers with checksums,
// choices, a yes/no question, a directory, a repeatable group, documents
// and a consent.
const applySchema = `{
  "type": "object",
  "required": ["name", "birth", "snils", "phone", "kind", "district", "children", "scan", "agree"],
  "properties": {
    "name": {"type": "string", "minLength": 2, "maxLength": 60, "title": "Фамилия и имя", "x-title-en": "Full name", "x-hint": "Как в паспорте"},
    "about": {"type": "string", "maxLength": 1000, "x-widget": "textarea", "title": "Пояснения"},
    "age": {"type": "integer", "minimum": 14, "maximum": 120, "title": "Возраст"},
    "income": {"type": "number", "minimum": 0, "multipleOf": 0.01, "title": "Доход, ₽"},
    "birth": {"type": "string", "format": "date", "title": "Дата рождения"},
    "snils": {"type": "string", "format": "snils", "title": "СНИЛС"},
    "inn": {"type": "string", "format": "inn12", "title": "ИНН"},
    "passport": {"type": "string", "format": "passport-rf", "title": "Паспорт"},
    "phone": {"type": "string", "format": "phone-ru", "title": "Телефон"},
    "email": {"type": "string", "format": "email", "maxLength": 254, "title": "Почта"},
    "kind": {"title": "Кто подаёт", "oneOf": [{"const": "self", "title": "Я сам"}, {"const": "agent", "title": "Представитель"}]},
    "benefits": {"type": "array", "title": "Льготы", "items": {"enum": ["large-family", "disabled"]}},
    "hasCar": {"type": "boolean", "title": "Есть ли автомобиль"},
    "district": {"type": "string", "x-directory": "apply-districts", "title": "Район"},
    "school": {"type": "string", "x-directory": "apply-schools", "title": "Школа"},
    "children": {"type": "array", "minItems": 1, "maxItems": 5, "title": "Дети", "items": {
      "type": "object", "required": ["fullName"], "properties": {
        "fullName": {"type": "string", "minLength": 3, "maxLength": 150, "title": "ФИО ребёнка"},
        "born": {"type": "string", "format": "date", "title": "Дата рождения ребёнка"}
      }}},
    "scan": {"type": "string", "format": "file", "title": "Скан паспорта", "x-accept": ["image/png", "image/jpeg", "application/pdf"], "x-max-bytes": 2097152},
    "docs": {"type": "array", "maxItems": 3, "title": "Другие документы", "items": {"type": "string", "format": "file"}},
    "agree": {"const": true, "title": "Сведения верны"}
  }
}`

const applyLayout = `{"pages": [
  {"id": "about", "title": "О вас", "fields": ["/name", "/about", "/age", "/income"]},
  {"id": "ids", "title": "Документы и контакты", "fields": ["/birth", "/snils", "/inn", "/passport", "/phone", "/email"]},
  {"id": "choices", "title": "Обстоятельства", "fields": ["/kind", "/benefits", "/hasCar", "/district", "/school"]},
  {"id": "children", "title": "Дети", "fields": [{"group": "/children", "title": "Ребёнок", "fields": ["/fullName", "/born"]}]},
  {"id": "files", "title": "Документы", "fields": ["/scan", "/docs"]},
  {"id": "agree", "title": "Подтверждение", "fields": ["/agree"]}
]}`

// Codes of the services the apply tests put into the live catalogue.
const (
	applyCode      = "apply-test-allowance"
	applyLevelCode = "apply-test-confirmed"
	applyPlainCode = "apply-test-plain" // a form without a layout
)

// applyPlainSchema is a form without a layout: one page holds it all.
const applyPlainSchema = `{"type": "object", "required": ["name"], "properties": {
  "name": {"type": "string", "minLength": 2, "title": "Имя"},
  "address": {"type": "object", "title": "Адрес", "properties": {"street": {"type": "string", "title": "Улица"}}}}}`

// applyCitizen is a signed-in citizen of the live app.
type applyCitizen struct {
	id    int64
	token string
	contact,
	password string
}

// newApplyCitizen signs up a citizen; standard ones give their personal
// data (the level most services need).
func newApplyCitizen(t testing.TB, live *webtest.Live, name string, n int, standard bool) applyCitizen {
	t.Helper()
	ctx, id := context.Background(), live.App.Identity
	contact, password := name+"@apply.example", "пароль заявителя "+name
	if err := id.SignUp(ctx, identity.NewAccount{Contact: contact, Password: password, DisplayName: name}); err != nil {
		t.Fatal(err)
	}
	if err := id.Confirm(ctx, contact, live.CodeFor(t, contact)); err != nil {
		t.Fatal(err)
	}
	ss, err := id.SignIn(ctx, identity.Credentials{Contact: contact, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if standard {
		if err := id.SubmitPersonalData(ctx, ss.UserID, identity.PersonalData{LastName: "Петрова", FirstName: "Анна",
			BirthDate: "1990-04-01", Passport: fmt.Sprintf("4011 %06d", 200000+n), SNILS: validSNILS(100 + n)}); err != nil {
			t.Fatal(err)
		}
	}
	return applyCitizen{id: ss.UserID, token: ss.Token, contact: contact, password: password}
}

// putApplyServices puts the apply tests' directory and services into the
// live catalogue, provided by a committee of its own.
func putApplyServices(t testing.TB, live *webtest.Live, assurance identity.Assurance) {
	t.Helper()
	ctx := context.Background()
	region, err := live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство (заявления)", Hours: org.OfficeHours()}, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	body, err := live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindCommittee, Name: "Комитет по заявлениям", ParentID: region.ID, Hours: org.OfficeHours()}, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.App.Services.PutDirectory(ctx, okno.System, catalog.Directory{Code: "apply-districts", Title: catalog.Text{"ru": "Районы"}, Items: []catalog.DirItem{
		{Value: "centralny", Title: catalog.Text{"ru": "Центральный", "en": "Central"}},
		{Value: "primorsky", Title: catalog.Text{"ru": "Приморский", "en": "Primorsky"}},
	}}); err != nil {
		t.Fatal(err)
	}
	schools := catalog.Directory{Code: "apply-schools", Title: catalog.Text{"ru": "Школы"}}
	for _, d := range []string{"centralny", "primorsky"} {
		schools.Items = append(schools.Items, catalog.DirItem{Value: d, Title: catalog.Text{"ru": "Район " + d}})
		for n := 1; n <= 20; n++ {
			schools.Items = append(schools.Items, catalog.DirItem{Value: fmt.Sprintf("%s-%d", d, n), Parent: d, Title: catalog.Text{"ru": fmt.Sprintf("Школа № %d (%s)", n, d)}})
		}
	}
	if err := live.App.Services.PutDirectory(ctx, okno.System, schools); err != nil {
		t.Fatal(err)
	}
	base := catalog.Service{Level: catalog.LevelRegional, Recipients: []catalog.Recipient{catalog.RecipientCitizen},
		Kind: catalog.KindApplication, Assurance: assurance, OrgID: body.ID, Process: "application", LegalPeriod: "10w",
		Summary: catalog.Text{"ru": "Проверочная услуга"}, Form: catalog.Form{Schema: []byte(applySchema), Layout: []byte(applyLayout)}, Published: true}
	main := base
	main.Code, main.Title, main.NeedsConsent = applyCode, catalog.Text{"ru": "Пособие для проверки", "en": "Test allowance"}, true
	high := base
	high.Code, high.Title, high.Assurance = applyLevelCode, catalog.Text{"ru": "Услуга для подтверждённых"}, identity.AssuranceConfirmed
	plain := base
	plain.Code, plain.Title, plain.Form = applyPlainCode, catalog.Text{"ru": "Услуга без разметки"}, catalog.Form{Schema: []byte(applyPlainSchema)}
	for _, s := range []catalog.Service{main, high, plain} {
		if _, err := live.App.Services.Put(ctx, okno.System, s); err != nil {
			t.Fatalf("put %s: %v", s.Code, err)
		}
	}
}
