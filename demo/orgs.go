package demo

import (
	"github.com/okno/okno"
	"github.com/okno/okno/org"
)

// Org is one organisation of the demo tree. Parent names the parent's Code
// ("" for the root). PortalName is the name Saint Petersburg's feedback
// portal signs its answers with (answers[].by in the shared appeals data), so
// that routing can be evaluated against real answers; it is "" when the
// portal data never names the body.
type Org struct {
	Code       string
	Parent     string
	Kind       org.Kind
	Name       string
	ShortName  string
	PortalName string
	Address    string
	Contacts   org.Contacts
	District   string // code of the district it serves, "" for city-wide bodies
}

// cityPortal is the city's official site. Contacts: only the government's
// address and the websites of the government, Vodokanal and the Metro are
// stated as facts; every other body gets this portal as its website and no
// phone or e-mail, because invented contacts would mislead a citizen.
const cityPortal = "https://www.gov.spb.ru/"

// GovernmentCode is the Code of the root of the tree.
const GovernmentCode = "spb"

// Organisations returns Saint Petersburg's demo organisations, parents before
// children: the government; the city's committees and controlling bodies
// under it, with their subordinate institutions; and the 18 district
// administrations, each with its housing agency (СПб ГКУ «Жилищное
// агентство») and a management company in the ЖКС pattern the city's
// management companies are named by ("ЖКС № 1 … района": the pattern is
// public, the existence of a company with number 1 in each district is not
// checked). Subordination of institutions to committees follows the
// committees' published lists as far as known; where unsure, a comment says so.
func Organisations() []Org {
	web := org.Contacts{Website: cityPortal}
	os := []Org{{
		Code: GovernmentCode, Kind: org.KindRegionGovernment,
		Name: "Правительство Санкт-Петербурга", ShortName: "Правительство СПб",
		Address: "191060, Санкт-Петербург, Смольный", Contacts: web,
	}}
	city := func(code string, kind org.Kind, portal, short string) {
		os = append(os, Org{Code: "spb." + code, Parent: GovernmentCode, Kind: kind, Name: portal, ShortName: short, PortalName: portal, Contacts: web})
	}
	sub := func(parent, code string, kind org.Kind, portal, name, short string) {
		os = append(os, Org{Code: "spb." + code, Parent: "spb." + parent, Kind: kind, Name: name, ShortName: short, PortalName: portal, Contacts: web})
	}

	// City executive bodies (отраслевые органы), named as the portal names them.
	city("zhk", org.KindCommittee, "Жилищный комитет", "Жилищный комитет")
	city("kb", org.KindCommittee, "Комитет по благоустройству Санкт-Петербурга", "Комитет по благоустройству")
	city("kio", org.KindCommittee, "Комитет имущественных отношений Санкт-Петербурга", "КИО")
	city("kvzpb", org.KindCommittee, "Комитет по вопросам законности, правопорядка и безопасности", "КВЗПБ")
	city("kga", org.KindCommittee, "Комитет по градостроительству и архитектуре", "КГА")
	city("kzdrav", org.KindCommittee, "Комитет по здравоохранению", "Комитет по здравоохранению")
	city("kkult", org.KindCommittee, "Комитет по культуре Санкт-Петербурга", "Комитет по культуре")
	city("kmoimp", org.KindCommittee, "Комитет по межнациональным отношениям и реализации миграционной политики в Санкт-Петербурге", "КМОиРМП")
	city("kmp", org.KindCommittee, "Комитет по молодежной политике и взаимодействию с общественными организациями", "КМПВОО")
	city("knvsh", org.KindCommittee, "Комитет по науке и высшей школе", "КНВШ")
	city("kobr", org.KindCommittee, "Комитет по образованию", "Комитет по образованию")
	city("kpress", org.KindCommittee, "Комитет по печати и взаимодействию со средствами массовой информации", "Комитет по печати")
	city("kpoos", org.KindCommittee, "Комитет по природопользованию, охране окружающей среды и обеспечению экологической безопасности", "КПООС")
	city("kppit", org.KindCommittee, "Комитет по промышленной политике, инновациям и торговле Санкт-Петербурга", "КППИТ")
	city("krti", org.KindCommittee, "Комитет по развитию транспортной инфраструктуры Санкт-Петербурга", "КРТИ")
	city("kturizm", org.KindCommittee, "Комитет по развитию туризма Санкт-Петербурга", "Комитет по развитию туризма")
	city("ksp", org.KindCommittee, "Комитет по социальной политике Санкт-Петербурга", "КСП")
	city("kstroy", org.KindCommittee, "Комитет по строительству", "Комитет по строительству")
	city("ktrans", org.KindCommittee, "Комитет по транспорту", "Комитет по транспорту")
	city("kfks", org.KindCommittee, "Комитет по физической культуре и спорту", "КФКиС")
	city("keio", org.KindCommittee, "Комитет по энергетике и инженерному обеспечению", "КЭиИО")

	// Controlling bodies: they receive complaints and inspect.
	city("gati", org.KindControllingBody, "Государственная административно-техническая инспекция", "ГАТИ")
	city("gzhi", org.KindControllingBody, "Государственная жилищная инспекция Санкт-Петербурга", "ГЖИ")
	city("kgiop", org.KindControllingBody, "Комитет по государственному контролю, использованию и охране памятников истории и культуры", "КГИОП")
	city("kki", org.KindControllingBody, "Комитет по контролю за имуществом Санкт-Петербурга", "ККИ")
	city("sgsne", org.KindControllingBody, "Служба государственного строительного надзора и экспертизы Санкт-Петербурга", "Госстройнадзор СПб")

	// Subordinate institutions and city enterprises.
	inst := org.KindInstitution
	sub("kb", "ckb", inst, `СПб ГКУ "Центр комплексного благоустройства"`,
		"Санкт-Петербургское государственное казённое учреждение «Центр комплексного благоустройства»", "ЦКБ")
	sub("kb", "pohorony", inst, "СПб ГКУ «Специализированная служба Санкт-Петербурга по вопросам похоронного дела»",
		"Санкт-Петербургское государственное казённое учреждение «Специализированная служба Санкт-Петербурга по вопросам похоронного дела»", "Служба по вопросам похоронного дела")
	sub("ktrans", "dodd", inst, `СПб ГКУ "Дирекция по организации дорожного движения"`,
		"Санкт-Петербургское государственное казённое учреждение «Дирекция по организации дорожного движения Санкт-Петербурга»", "ДОДД")
	sub("ktrans", "gcup", inst, "СПб ГКУ «Городской центр управления парковками Санкт-Петербурга»",
		"Санкт-Петербургское государственное казённое учреждение «Городской центр управления парковками Санкт-Петербурга»", "ГЦУП")
	sub("ktrans", "orgperevozok", inst, "СПб ГКУ «Организатор перевозок»",
		"Санкт-Петербургское государственное казённое учреждение «Организатор перевозок»", "Организатор перевозок")
	sub("ktrans", "get", inst, "СПб ГУП «Горэлектротранс»",
		"Санкт-Петербургское государственное унитарное предприятие городского электрического транспорта", "Горэлектротранс")
	sub("ktrans", "metro", inst, `СПб ГУП "Петербургский метрополитен"`,
		"Государственное унитарное предприятие «Петербургский метрополитен»", "Петербургский метрополитен")
	sub("krti", "dts", inst, `СПб ГКУ "Дирекция транспортного строительства"`,
		"Санкт-Петербургское государственное казённое учреждение «Дирекция транспортного строительства»", "ДТС")
	sub("krti", "mostotrest", inst, `СПб ГБУ "Мостотрест"`,
		"Санкт-Петербургское государственное бюджетное учреждение «Мостотрест»", "Мостотрест")
	sub("keio", "lensvet", inst, "СПб ГБУ «Ленсвет»",
		"Санкт-Петербургское государственное бюджетное учреждение «Ленсвет»", "Ленсвет")
	sub("keio", "vodokanal", inst, "ГУП «Водоканал Санкт-Петербурга»",
		"Государственное унитарное предприятие «Водоканал Санкт-Петербурга»", "Водоканал")
	sub("keio", "tek", inst, "ГУП «ТЭК СПб»",
		"Государственное унитарное предприятие «Топливно-энергетический комплекс Санкт-Петербурга»", "ГУП «ТЭК СПб»")
	sub("kstroy", "fksr", inst, "СПб ГКУ «Фонд капитального строительства и реконструкции»",
		"Санкт-Петербургское государственное казённое учреждение «Фонд капитального строительства и реконструкции»", "ФКСР")
	// Parent unsure: placed under the construction committee as the likeliest.
	sub("kstroy", "uprzakazchika", inst, `СПб ГКУ "Управление заказчика"`,
		"Санкт-Петербургское государственное казённое учреждение «Управление заказчика»", "Управление заказчика")
	sub("kio", "cpei", inst, "СПб ГКУ «Центр повышения эффективности использования государственного имущества»",
		"Санкт-Петербургское государственное казённое учреждение «Центр повышения эффективности использования государственного имущества»", "ЦПЭИГИ")
	// The portal names one district department of the traffic directorate on
	// its own; it is kept under the directorate and serves its district.
	sub("dodd", "dodd.tsentralny", inst, "ГКУ ДОДД (Центральный район)",
		"Дирекция по организации дорожного движения: Центральный район", "ДОДД (Центральный район)")
	os[len(os)-1].District = "tsentralny"

	for i := range os {
		switch os[i].Code {
		case "spb.vodokanal":
			os[i].Contacts.Website = "https://www.vodokanal.spb.ru/"
		case "spb.metro":
			os[i].Contacts.Website = "https://www.metro.spb.ru/"
		}
	}

	for _, d := range districts() {
		admin := "spb.admin." + d.Code
		os = append(os,
			Org{Code: admin, Parent: GovernmentCode, Kind: org.KindDistrictAdministration, District: d.Code, Contacts: web,
				Name: "Администрация " + d.Genitive + " Санкт-Петербурга", ShortName: "Администрация " + d.Genitive,
				PortalName: "Администрация " + d.Genitive},
			Org{Code: "spb.ja." + d.Code, Parent: admin, Kind: org.KindHousingAgency, District: d.Code, Contacts: web,
				Name:      "Санкт-Петербургское государственное казённое учреждение «Жилищное агентство " + d.Genitive + " Санкт-Петербурга»",
				ShortName: "ЖА " + d.Genitive, PortalName: "СПб ГКУ ЖА " + d.Genitive},
			Org{Code: "spb.zhks1." + d.Code, Parent: admin, Kind: org.KindHousingAgency, District: d.Code, Contacts: web,
				Name: "ООО «Жилкомсервис № 1 " + d.Genitive + "»", ShortName: "ЖКС № 1 " + d.Genitive},
		)
		if d.Code == "pushkinsky" {
			os = append(os, Org{Code: "spb.zhks2." + d.Code, Parent: admin, Kind: org.KindHousingAgency, District: d.Code, Contacts: web,
				Name: "ООО «Жилкомсервис № 2 Пушкинского района»", ShortName: "ЖКС № 2 Пушкинского района",
				PortalName: `ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЖИЛКОМСЕРВИС № 2 ПУШКИНСКОГО РАЙОНА"`})
		}
	}
	return os
}

// positionSpec is a position every organisation of some kind gets.
type positionSpec struct {
	Title     string
	Role      okno.Role
	ReportsTo string // title of the position above, in the same organisation
}

// Position titles shared by every kind. The ladder is: specialists and
// operators → head of the appeals department → head of the organisation.
const (
	titleHead       = "Руководитель"
	titleDepartment = "Начальник отдела по работе с обращениями граждан"
)

// positionsFor returns the positions the demo creates in an organisation of
// kind k, each after the one it reports to.
func positionsFor(k org.Kind) []positionSpec {
	ps := []positionSpec{
		{titleHead, okno.RoleSupervisor, ""},
		{titleDepartment, okno.RoleSupervisor, titleHead},
		{"Главный специалист", okno.RoleOfficial, titleDepartment},
		{"Ведущий специалист", okno.RoleOfficial, titleDepartment},
	}
	switch k {
	case org.KindRegionGovernment:
		ps = append(ps, positionSpec{"Администратор платформы", okno.RoleAdmin, titleHead})
	case org.KindDistrictAdministration:
		ps = append(ps, positionSpec{"Оператор приёмной", okno.RoleOperator, titleDepartment})
	case org.KindControllingBody:
		ps = append(ps, positionSpec{"Инспектор", okno.RoleController, titleDepartment})
	}
	return ps
}
