package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/org"
)

// catalogOrganisations are the bodies the catalogue needs that the demo tree
// of the city's government does not hold: the federal police's main
// directorate for the city (it issues certificates of no criminal record
// and answers for traffic fines), a root of its own because it answers to
// Moscow, not to Smolny; and the city's multifunctional centre, which
// receives applications in person. They are kept out of Organisations so
// the tree of the city's government stays exactly that.
func catalogOrganisations() []Org {
	web := org.Contacts{Website: cityPortal}
	return []Org{
		{Code: "ru.mvd.spb", Kind: org.KindAgency,
			Name:      "Главное управление Министерства внутренних дел Российской Федерации по г. Санкт-Петербургу и Ленинградской области",
			ShortName: "ГУ МВД России по г. Санкт-Петербургу и Ленинградской области",
			Contacts:  org.Contacts{Website: "https://78.xn--b1aew.xn--p1ai/"}},
		// The МФЦ answers to the city's committee for informatisation and
		// communication, which the demo tree lacks: placed under the
		// government itself.
		{Code: "spb.mfc", Parent: GovernmentCode, Kind: org.KindInstitution,
			Name:      "Санкт-Петербургское государственное казённое учреждение «Многофункциональный центр предоставления государственных и муниципальных услуг»",
			ShortName: "СПб ГКУ «МФЦ»", Contacts: web},
	}
}

// catalogOffice is an office as the demo writes it, keyed for the cards.
type catalogOffice struct {
	Key     string
	Org     string // demo code of the organisation
	Name    catalog.Text
	Address string
	Phone   string
	Hours   org.WorkingHours
}

// demoAddressNote marks every demo office: the addresses are plausible
// places in their districts, not a directory to travel by.
const demoAddressNote = "Демонстрационные данные: адрес и часы работы уточняйте на gu.spb.ru. "

// mfcHours are the hours the city's МФЦ offices keep: every day 9:00–21:00.
func mfcHours() org.WorkingHours {
	var h org.WorkingHours
	for d := range h.Days {
		h.Days[d] = []org.Interval{{From: "09:00", To: "21:00"}}
	}
	h.Note = demoAddressNote + "Приём без записи и по записи через портал."
	return h
}

// receptionHours are a body's reception days: Tuesday and Thursday.
func receptionHours() org.WorkingHours {
	var h org.WorkingHours
	for _, d := range []int{1, 3} {
		h.Days[d] = []org.Interval{{From: "10:00", To: "13:00"}, {From: "14:00", To: "17:00"}}
	}
	h.Note = demoAddressNote + "Приём по предварительной записи."
	return h
}

// catalogOffices are the МФЦ «Мои документы» offices and the bodies' own
// receptions the demo services name.
func catalogOffices() []catalogOffice {
	// The МФЦ's single help line is public; the demo gives no other phones.
	const mfcPhone = "+7 (812) 573-90-00"
	mfc := func(key, district, address string) catalogOffice {
		en := strings.ToUpper(key[:1]) + key[1:] + " district"
		return catalogOffice{Key: "mfc-" + key, Org: "spb.mfc", Address: address, Phone: mfcPhone, Hours: mfcHours(),
			Name: catalog.Text{"ru": "МФЦ «Мои документы» " + district, "en": "“My Documents” centre, " + en}}
	}
	reception := func(key, orgCode, ru, en, address string) catalogOffice {
		return catalogOffice{Key: key, Org: orgCode, Address: address, Hours: receptionHours(),
			Name: catalog.Text{"ru": ru, "en": en}}
	}
	return []catalogOffice{
		mfc("admiralteysky", "Адмиралтейского района", "Санкт-Петербург, Садовая ул., 55-57"),
		mfc("tsentralny", "Центрального района", "Санкт-Петербург, Невский пр., 174"),
		mfc("primorsky", "Приморского района", "Санкт-Петербург, Богатырский пр., 26"),
		mfc("moskovsky", "Московского района", "Санкт-Петербург, Московский пр., 129"),
		mfc("nevsky", "Невского района", "Санкт-Петербург, пр. Большевиков, 8"),
		mfc("vyborgsky", "Выборгского района", "Санкт-Петербург, пр. Энгельса, 31"),
		reception("ksp-reception", "spb.ksp", "Приёмная Комитета по социальной политике", "Reception of the Social Policy Committee",
			"Санкт-Петербург, Измайловский пр., 2"),
		reception("gcup-reception", "spb.gcup", "Центр обслуживания ГЦУП", "Parking Management Centre service desk",
			"Санкт-Петербург, Малая Садовая ул., 1"),
		reception("kb-reception", "spb.kb", "Приёмная Комитета по благоустройству", "Reception of the Committee for Public Amenities",
			"Санкт-Петербург, Новгородская ул., 20"),
		reception("gati-reception", "spb.gati", "Отдел выдачи ордеров ГАТИ", "ГАТИ permits desk",
			"Санкт-Петербург, Вознесенский пр., 46"),
		reception("mvd-ic", "ru.mvd.spb", "Информационный центр ГУ МВД: приём заявлений о справках", "Police information centre: certificates desk",
			"Санкт-Петербург, Суворовский пр., 50-52"),
		reception("zhk-reception", "spb.zhk", "Приёмная Жилищного комитета", "Reception of the Housing Committee",
			"Санкт-Петербург, пл. Островского, 11"),
		reception("kobr-reception", "spb.kobr", "Приёмная Комитета по образованию", "Reception of the Education Committee",
			"Санкт-Петербург, пер. Антоненко, 8"),
		reception("kppit-reception", "spb.kppit", "Приёмная Комитета по промышленной политике, инновациям и торговле", "Reception of the Industry, Innovation and Trade Committee",
			"Санкт-Петербург, Новгородская ул., 20"),
	}
}

// loadOffices creates the demo offices an organisation lacks and updates
// the ones it has (matched by Russian name), returning their IDs by key.
func loadOffices(ctx context.Context, c *catalog.Catalog, orgIDs map[string]int64) (map[string]int64, error) {
	existing := map[int64]map[string]catalog.Office{}
	ids := map[string]int64{}
	for _, o := range catalogOffices() {
		orgID := orgIDs[o.Org]
		have, ok := existing[orgID]
		if !ok {
			a, err := c.Agency(ctx, orgID)
			if err != nil {
				return nil, fmt.Errorf("demo catalogue: offices of %s: %w", o.Org, err)
			}
			have = map[string]catalog.Office{}
			for _, of := range a.Offices {
				have[of.Name.In("ru")] = of
			}
			existing[orgID] = have
		}
		want := catalog.Office{OrgID: orgID, Name: o.Name, Address: o.Address, Phone: o.Phone, Hours: o.Hours}
		if old, ok := have[o.Name.In("ru")]; ok {
			want.ID, want.Lat, want.Lon = old.ID, old.Lat, old.Lon
			if sameOffice(old, want) {
				ids[o.Key] = old.ID
				continue
			}
		}
		put, err := c.PutOffice(ctx, okno.System, want)
		if err != nil {
			return nil, fmt.Errorf("demo catalogue: office %s: %w", o.Key, err)
		}
		ids[o.Key] = put.ID
	}
	return ids, nil
}

func sameOffice(a, b catalog.Office) bool {
	return a.ID == b.ID && a.OrgID == b.OrgID && a.Name["ru"] == b.Name["ru"] && a.Name["en"] == b.Name["en"] &&
		a.Address == b.Address && a.Phone == b.Phone && fmt.Sprint(a.Hours) == fmt.Sprint(b.Hours)
}
