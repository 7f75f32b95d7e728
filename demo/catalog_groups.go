package demo

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
)

// catalogCategories are the demo catalogue's subjects, in the order the
// catalogue page lists them.
func catalogCategories() []catalog.Category {
	cs := []catalog.Category{
		{Code: "family", Title: catalog.Text{"ru": "Семья и дети", "en": "Family and children"}},
		{Code: "education", Title: catalog.Text{"ru": "Образование", "en": "Education"}},
		{Code: "transport", Title: catalog.Text{"ru": "Транспорт", "en": "Transport"}},
		{Code: "housing", Title: catalog.Text{"ru": "Жильё и ЖКХ", "en": "Housing and utilities"}},
		{Code: "amenities", Title: catalog.Text{"ru": "Благоустройство", "en": "Public amenities"}},
		{Code: "business", Title: catalog.Text{"ru": "Бизнес", "en": "Business"}},
		{Code: "certificates", Title: catalog.Text{"ru": "Справки и документы", "en": "Certificates and documents"}},
		{Code: "fines", Title: catalog.Text{"ru": "Штрафы и платежи", "en": "Fines and payments"}},
	}
	for i := range cs {
		cs[i].Position = i + 1
	}
	return cs
}

// catalogSituations are life situations and the demo services each takes,
// in the order a citizen needs them.
func catalogSituations() []catalog.Situation {
	st := []catalog.Situation{
		{Code: "birth", Title: catalog.Text{"ru": "Рождение ребёнка", "en": "A child is born"},
			Summary: catalog.Text{"ru": "Выплаты при рождении, статус многодетной семьи, очередь в детский сад.",
				"en": "Birth payments, large-family status, the kindergarten queue."},
			Services: []string{"child-birth-allowance", "large-family-status", "kindergarten-enrolment", "kindergarten-queue-status"}},
		{Code: "school", Title: catalog.Text{"ru": "Ребёнок идёт в школу", "en": "A child starts school"},
			Summary:  catalog.Text{"ru": "Запись в первый класс и льготы многодетных семей на школьные расходы.", "en": "Enrolling in the first grade and large-family benefits for school."},
			Services: []string{"school-enrolment", "large-family-status"}},
		{Code: "moving", Title: catalog.Text{"ru": "Переезд", "en": "Moving house"},
			Summary: catalog.Text{"ru": "Счётчики, долги по квартплате, парковка у нового дома.",
				"en": "Meters, utility debts, parking by the new home."},
			Services: []string{"water-meter-readings", "housing-debt-certificate", "resident-parking-permit", "school-enrolment"}},
		{Code: "business", Title: catalog.Text{"ru": "Открываю бизнес", "en": "Starting a business"},
			Summary: catalog.Text{"ru": "Торговый киоск, земляные работы и вырубка деревьев на участке.",
				"en": "A trade stall, excavation and tree felling on your site."},
			Services: []string{"trade-stall-permit", "excavation-permit", "tree-felling-permit"}},
		{Code: "car", Title: catalog.Text{"ru": "Покупка автомобиля", "en": "Buying a car"},
			Summary: catalog.Text{"ru": "Парковка у дома, льготная парковка, проверка штрафов.",
				"en": "Parking by your home, disabled parking, checking fines."},
			Services: []string{"resident-parking-permit", "disabled-parking-permit", "fines-check"}},
		{Code: "housing", Title: catalog.Text{"ru": "Улучшение жилищных условий", "en": "Better housing"},
			Summary: catalog.Text{"ru": "Встать в очередь на жильё и узнать своё место в ней.",
				"en": "Joining the housing queue and checking your place in it."},
			Services: []string{"housing-queue-registration", "housing-queue-status", "large-family-status"}},
		{Code: "job", Title: catalog.Text{"ru": "Устройство на работу", "en": "Getting a job"},
			Summary: catalog.Text{"ru": "Справка о несудимости для работы с детьми, в школе, в охране.",
				"en": "A certificate of no criminal record for work with children, in schools, in security."},
			Services: []string{"no-criminal-record"}},
	}
	for i := range st {
		st[i].Position = i + 1
	}
	return st
}

// situationsOf returns, by service code, the situations that list the
// service: the link is one (a service's Situations and a situation's
// Services are the same rows), so the demo writes it in one place.
func situationsOf() map[string][]string {
	m := map[string][]string{}
	for _, st := range catalogSituations() {
		for _, code := range st.Services {
			m[code] = append(m[code], st.Code)
		}
	}
	return m
}

// loadGroups puts the categories and life situations that are not already
// as the demo has them. Situations go before services: a service may only
// name situations that exist, while a situation may name services to come.
func loadGroups(ctx context.Context, c *catalog.Catalog) error {
	haveCats, err := c.Categories(ctx)
	if err != nil {
		return err
	}
	for _, cat := range catalogCategories() {
		if slices.ContainsFunc(haveCats, func(h catalog.Category) bool { return reflect.DeepEqual(h, cat) }) {
			continue
		}
		if err := c.PutCategory(ctx, okno.System, cat); err != nil {
			return fmt.Errorf("demo catalogue: category %s: %w", cat.Code, err)
		}
	}
	haveSits, err := c.Situations(ctx)
	if err != nil {
		return err
	}
	for _, st := range catalogSituations() {
		if slices.ContainsFunc(haveSits, func(h catalog.Situation) bool { return reflect.DeepEqual(h, st) }) {
			continue
		}
		if err := c.PutSituation(ctx, okno.System, st); err != nil {
			return fmt.Errorf("demo catalogue: situation %s: %w", st.Code, err)
		}
	}
	return nil
}

// Directory codes the demo forms refer to with x-directory.
const (
	dirDistricts     = "spb-districts"
	dirSchools       = "schools-spb"
	dirKindergartens = "kindergartens-spb"
)

// catalogDirectories are the lists the demo forms refer to: the city's
// districts (the demo territories' codes and names), and per district a few
// schools and kindergartens — a hierarchy with the districts on top and
// the institutions under them (forms take only institutions: their fields'
// patterns admit "school-…" and "kindergarten-…" values). The institutions
// are of the demo's making: numbered, marked «демо».
func catalogDirectories() []catalog.Directory {
	districtDir := catalog.Directory{Code: dirDistricts, Title: catalog.Text{"ru": "Районы Санкт-Петербурга", "en": "Districts of Saint Petersburg"}}
	schools := catalog.Directory{Code: dirSchools, Title: catalog.Text{"ru": "Школы Санкт-Петербурга (демо)", "en": "Schools of Saint Petersburg (demo)"}}
	gardens := catalog.Directory{Code: dirKindergartens, Title: catalog.Text{"ru": "Детские сады Санкт-Петербурга (демо)", "en": "Kindergartens of Saint Petersburg (demo)"}}
	for i, d := range districts() {
		top := catalog.DirItem{Value: d.Code, Title: catalog.Text{"ru": d.Name}}
		districtDir.Items = append(districtDir.Items, top)
		schools.Items = append(schools.Items, top)
		gardens.Items = append(gardens.Items, top)
		for n := 1; n <= 3; n++ {
			num := 100*(i+1) + n
			schools.Items = append(schools.Items, catalog.DirItem{
				Value: fmt.Sprintf("school-%d", num), Parent: d.Code,
				Title: catalog.Text{"ru": fmt.Sprintf("ГБОУ средняя школа № %d %s (демо)", num, d.Genitive),
					"en": fmt.Sprintf("State school No. %d (demo)", num)}})
		}
		for n := 1; n <= 2; n++ {
			num := 100*(i+1) + n
			gardens.Items = append(gardens.Items, catalog.DirItem{
				Value: fmt.Sprintf("kindergarten-%d", num), Parent: d.Code,
				Title: catalog.Text{"ru": fmt.Sprintf("ГБДОУ детский сад № %d %s (демо)", num, d.Genitive),
					"en": fmt.Sprintf("State kindergarten No. %d (demo)", num)}})
		}
	}
	return []catalog.Directory{districtDir, schools, gardens}
}
