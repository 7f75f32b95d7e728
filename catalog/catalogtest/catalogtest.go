// Package catalogtest builds a small service catalogue for tests of the
// catalogue and of the pages that show it: two bodies, an office, a
// category, a life situation, a directory and three services (an
// application with a form, an instant one, an in-person one). It is test
// data of our own making, not the demo catalogue.
package catalogtest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
)

// Fixture is what Load made.
type Fixture struct {
	Region    org.Organisation // the region's government: its administrators edit the catalogue
	Committee org.Organisation // the body providing the services
	Office    catalog.Office
	Admin     okno.Actor // an administrator of the region
	Codes     []string   // the services, as put
}

// The services Load puts.
const (
	Allowance = "child-birth-allowance"
	Meters    = "water-meter-readings"
	Stall     = "trade-stall-permit"
)

// Schema is the allowance's form: a name, a district from a directory.
const Schema = `{"type":"object","required":["name","district"],"properties":{
  "name":{"type":"string","maxLength":100,"title":"Фамилия, имя, отчество","x-title-en":"Full name"},
  "district":{"type":"string","x-directory":"spb-districts","title":"Район","x-title-en":"District"}}}`

// Layout is the allowance form's layout: one page.
const Layout = `{"pages":[{"id":"main","title":"Заявитель","fields":["/name","/district"]}]}`

// Options adjust what Load makes.
type Options struct {
	// Region is an existing region government to put the body under; nil
	// makes one.
	Region *org.Organisation
	// Edit changes each service before it is put (for tests of escaping).
	Edit func(*catalog.Service)
}

// Load makes the organisations (as okno.System) and the catalogue.
func Load(ctx context.Context, c *catalog.Catalog, orgs *org.Service, opt Options) (Fixture, error) {
	var f Fixture
	var err error
	if opt.Region != nil {
		f.Region = *opt.Region
	} else if f.Region, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство Санкт-Петербурга (тест)", ShortName: "Правительство СПб"}, okno.System); err != nil {
		return f, err
	}
	if f.Committee, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindCommittee, Name: "Комитет по социальной политике Санкт-Петербурга (тест)", ShortName: "Комитет по социальной политике", ParentID: f.Region.ID, Hours: org.OfficeHours()}, okno.System); err != nil {
		return f, err
	}
	f.Admin = okno.Actor{Kind: okno.ActorStaff, UserID: 1, OrgID: f.Region.ID, Roles: []okno.Role{okno.RoleAdmin}, Name: "admin"}
	return f, load(ctx, c, &f, opt.Edit)
}

func load(ctx context.Context, c *catalog.Catalog, f *Fixture, edit func(*catalog.Service)) error {
	sys := okno.System
	var err error
	if f.Office, err = c.PutOffice(ctx, sys, catalog.Office{OrgID: f.Committee.ID, Name: catalog.Text{"ru": "МФЦ Центрального района", "en": "Central district service centre"},
		Address: "Санкт-Петербург, Невский пр., 1", Phone: "+7 812 573-90-00", Hours: org.OfficeHours(), Lat: 59.93, Lon: 30.31}); err != nil {
		return err
	}
	if err := c.PutCategory(ctx, sys, catalog.Category{Code: "family", Title: catalog.Text{"ru": "Семья и дети", "en": "Family and children"}, Position: 1}); err != nil {
		return err
	}
	if err := c.PutCategory(ctx, sys, catalog.Category{Code: "housing", Title: catalog.Text{"ru": "Жильё и ЖКХ", "en": "Housing"}, Position: 2}); err != nil {
		return err
	}
	if err := c.PutCategory(ctx, sys, catalog.Category{Code: "business", Title: catalog.Text{"ru": "Бизнес", "en": "Business"}, Position: 3}); err != nil {
		return err
	}
	if err := c.PutSituation(ctx, sys, catalog.Situation{Code: "child-birth", Title: catalog.Text{"ru": "Рождение ребёнка", "en": "Birth of a child"},
		Summary: catalog.Text{"ru": "Что оформить, когда в семье родился ребёнок"}, Services: []string{Allowance, Meters}, Position: 1}); err != nil {
		return err
	}
	if err := c.PutDirectory(ctx, sys, catalog.Directory{Code: "spb-districts", Title: catalog.Text{"ru": "Районы Санкт-Петербурга"}, Items: []catalog.DirItem{
		{Value: "admiralteysky", Title: catalog.Text{"ru": "Адмиралтейский"}},
		{Value: "vasileostrovsky", Title: catalog.Text{"ru": "Василеостровский"}},
		{Value: "centralny", Title: catalog.Text{"ru": "Центральный"}},
	}}); err != nil {
		return err
	}
	for _, sv := range Services(f.Committee.ID, f.Office.ID) {
		if edit != nil {
			edit(&sv)
		}
		out, err := c.Put(ctx, sys, sv)
		if err != nil {
			return fmt.Errorf("put %s: %w", sv.Code, err)
		}
		f.Codes = append(f.Codes, out.Code)
	}
	return nil
}

// Services are the fixture's services, provided by orgID, received at
// officeID.
func Services(orgID, officeID int64) []catalog.Service {
	ru := func(s string) catalog.Text { return catalog.Text{"ru": s} }
	return []catalog.Service{{
		Code:         Allowance,
		Title:        catalog.Text{"ru": "Единовременное пособие при рождении ребёнка", "en": "One-off child birth allowance"},
		Summary:      ru("Выплата одному из родителей после рождения ребёнка"),
		Keywords:     []string{"пособие", "выплата на ребёнка", "роды"},
		Level:        catalog.LevelRegional,
		Recipients:   []catalog.Recipient{catalog.RecipientCitizen},
		Kind:         catalog.KindApplication,
		Assurance:    identity.AssuranceStandard,
		OrgID:        orgID,
		Category:     "family",
		Situations:   []string{"child-birth"},
		OfficeIDs:    []int64{officeID},
		Process:      "application",
		LegalPeriod:  "10w",
		NeedsConsent: true,
		Fee:          catalog.Fee{Text: ru("Бесплатно")},
		Card: catalog.Card{
			HowTo:    []catalog.Text{ru("Заполните заявление на портале"), ru("Дождитесь решения")},
			Deadline: ru("10 рабочих дней"),
			WhoMay:   ru("Один из родителей, проживающий в Санкт-Петербурге"),
			Refusal:  []catalog.Text{ru("Ребёнок родился более шести месяцев назад")},
			Result:   ru("Деньги на счёт в банке"),
			Documents: []catalog.Document{
				{Title: ru("Паспорт"), Required: true, Original: true},
				{Title: ru("Свидетельство о рождении ребёнка"), Required: true, ByBody: true},
			},
			Appeal:    ru("Жалобу на решение можно подать в Комитет по социальной политике"),
			LegalActs: []catalog.LegalAct{{Title: "Социальный кодекс Санкт-Петербурга", URL: "https://example.org/social-code"}},
		},
		Owner:     catalog.Owner{Name: "Иванова Мария Петровна", Position: "Начальник отдела выплат"},
		Form:      catalog.Form{Schema: json.RawMessage(Schema), Layout: json.RawMessage(Layout)},
		Published: true,
	}, {
		Code:        Meters,
		Title:       catalog.Text{"ru": "Передача показаний счётчиков воды"},
		Summary:     ru("Показания приборов учёта холодной и горячей воды"),
		Keywords:    []string{"счетчик", "показания", "вода"},
		Level:       catalog.LevelRegional,
		Recipients:  []catalog.Recipient{catalog.RecipientCitizen},
		Kind:        catalog.KindInstant,
		Assurance:   identity.AssuranceSimplified,
		OrgID:       orgID,
		Category:    "housing",
		InstantRule: "water-meters",
		Published:   true,
	}, {
		Code:       Stall,
		Title:      ru("Разрешение на размещение нестационарного торгового объекта"),
		Summary:    ru("Право поставить ларёк или киоск на городской земле"),
		Keywords:   []string{"ларек", "киоск", "нто"},
		Level:      catalog.LevelMunicipal,
		Recipients: []catalog.Recipient{catalog.RecipientEntrepreneur, catalog.RecipientOrganisation},
		Kind:       catalog.KindInPerson,
		OrgID:      orgID,
		Category:   "business",
		OfficeIDs:  []int64{officeID},
		Fee:        catalog.Fee{Kopecks: 150000, Text: ru("Оплата по квитанции")},
		Published:  true,
	}}
}
