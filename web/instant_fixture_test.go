package web_test

import (
	"context"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web/webtest"
)

// Codes of the instant services the tests put into the live catalogue:
// fines (anyone signed in), the housing-queue certificate (standard
// level: it reads the citizen's SNILS) and water meter readings.
const (
	instantFines   = "instant-test-fines"
	instantHousing = "instant-test-housing"
	instantMeters  = "instant-test-meters"
)

const instantFinesSchema = `{"type": "object", "additionalProperties": false, "properties": {
  "vehicle": {"type": "object", "title": "Автомобиль", "x-title-en": "Vehicle", "additionalProperties": false, "properties": {
    "stsSeries": {"type": "string", "title": "Серия СТС", "x-title-en": "Certificate series", "maxLength": 8, "x-hint": "Например, 78 УВ"},
    "stsNumber": {"type": "string", "title": "Номер СТС", "x-title-en": "Certificate number", "pattern": "^[0-9]{6}$"}}},
  "licence": {"type": "string", "title": "Номер водительского удостоверения", "x-title-en": "Driving licence number", "maxLength": 20}}}`

const instantFinesLayout = `{"pages": [{"id": "docs", "title": "Документы", "fields": ["/vehicle/stsSeries", "/vehicle/stsNumber", "/licence"]}]}`

const instantHousingSchema = `{"type": "object", "additionalProperties": false, "required": ["snils"], "properties": {
  "snils": {"type": "string", "format": "snils", "title": "СНИЛС", "x-prefill": "profile.snils"}}}`

const instantMetersSchema = `{"type": "object", "additionalProperties": false, "required": ["account"], "properties": {
  "account": {"type": "string", "title": "Лицевой счёт", "x-title-en": "Personal account", "maxLength": 20},
  "cold": {"type": "number", "minimum": 0, "title": "Холодная вода, м³", "x-title-en": "Cold water, m³"},
  "hot": {"type": "number", "minimum": 0, "title": "Горячая вода, м³", "x-title-en": "Hot water, m³"}}}`

// putInstantServices puts the instant services into the live catalogue,
// provided by a committee of their own.
func putInstantServices(t testing.TB, live *webtest.Live) {
	t.Helper()
	ctx := context.Background()
	region, err := live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство (сведения)", Hours: org.OfficeHours()}, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	body, err := live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindCommittee, Name: "Комитет по сведениям", ParentID: region.ID, Hours: org.OfficeHours()}, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	base := catalog.Service{Level: catalog.LevelRegional, Recipients: []catalog.Recipient{catalog.RecipientCitizen},
		Kind: catalog.KindInstant, Assurance: identity.AssuranceSimplified, OrgID: body.ID, Published: true,
		Summary: catalog.Text{"ru": "Проверочная услуга с мгновенным результатом"}}
	fines := base
	fines.Code, fines.InstantRule, fines.Title = instantFines, "fines", catalog.Text{"ru": "Проверка штрафов ГИБДД", "en": "Traffic fines"}
	fines.Form = catalog.Form{Schema: []byte(instantFinesSchema), Layout: []byte(instantFinesLayout)}
	housing := base
	housing.Code, housing.InstantRule, housing.Title = instantHousing, "housing-queue", catalog.Text{"ru": "Справка о статусе в очереди на жильё"}
	housing.Assurance, housing.Form = identity.AssuranceStandard, catalog.Form{Schema: []byte(instantHousingSchema)}
	meters := base
	meters.Code, meters.InstantRule, meters.Title = instantMeters, "meter-readings", catalog.Text{"ru": "Передача показаний счётчиков воды"}
	meters.Form = catalog.Form{Schema: []byte(instantMetersSchema)}
	for _, s := range []catalog.Service{fines, housing, meters} {
		if _, err := live.App.Services.Put(ctx, okno.System, s); err != nil {
			t.Fatalf("put %s: %v", s.Code, err)
		}
	}
}

// newInstantCitizen signs up a citizen; with a SNILS, at the standard level.
func newInstantCitizen(t testing.TB, live *webtest.Live, name, snils string) (int64, string) {
	t.Helper()
	ctx, id := context.Background(), live.App.Identity
	contact, password := name+"@instant.example", "пароль жителя "+name
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
	if snils != "" {
		if err := id.SubmitPersonalData(ctx, ss.UserID, identity.PersonalData{LastName: "Петров", FirstName: "Пётр",
			BirthDate: "1985-04-12", Passport: "4010 123456", SNILS: snils}); err != nil {
			t.Fatal(err)
		}
	}
	return ss.UserID, ss.Token
}
