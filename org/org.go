// Package org keeps organisations — bodies of power, their subordinate
// institutions, housing agencies and controlling bodies — in one hierarchy,
// with the territories they serve, their positions (which carry roles and
// form the escalation ladder) and the staff holding those positions.
//
// It decides in one place who may administer which organisation
// (CanAdminister). It must never import a feature package or net/http, and
// never holds personal data beyond user ids: people live in package identity.
package org

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
)

// Kind says what an organisation is; routing and authorisation rules name kinds.
type Kind string

// The kinds of organisation.
const (
	KindRegionGovernment       Kind = "region_government"       // высший исполнительный орган субъекта
	KindMunicipality           Kind = "municipality"            // орган местного самоуправления
	KindDistrictAdministration Kind = "district_administration" // администрация района
	KindCommittee              Kind = "committee"               // отраслевой орган исполнительной власти (комитет)
	KindAgency                 Kind = "agency"                  // служба, агентство, дирекция
	KindInstitution            Kind = "institution"             // подведомственное учреждение, ГУП
	KindHousingAgency          Kind = "housing_agency"          // жилищное агентство, ЖКС, управляющая компания
	KindControllingBody        Kind = "controlling_body"        // контрольный (надзорный) орган
)

// Kinds lists every kind.
var Kinds = []Kind{KindRegionGovernment, KindMunicipality, KindDistrictAdministration, KindCommittee,
	KindAgency, KindInstitution, KindHousingAgency, KindControllingBody}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// Organisation is a body citizens deal with. Its contacts are public
// (published on the organisation's site); they are not personal data.
type Organisation struct {
	ID        int64
	Kind      Kind
	Name      string // full official name
	ShortName string // the name people and the feedback portal use
	Code      string // optional stable external key, unique when set
	INN       string // optional, 10 digits (12 for an individual entrepreneur)
	OGRN      string // optional, 13 digits (15 for an individual entrepreneur)
	Contacts  Contacts
	Address   string
	Hours     WorkingHours
	ParentID  int64 // 0 for a root
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Contacts are an organisation's public contacts.
type Contacts struct {
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Website string `json:"website,omitempty"`
}

// WorkingHours are an organisation's opening hours: intervals per weekday,
// Monday first (Russian weeks start on Monday), and a note for what a
// timetable cannot say ("приём граждан по записи", "в предпраздничные дни на
// час короче"). A day without intervals is a day off.
type WorkingHours struct {
	Days [7][]Interval `json:"days"`
	Note string        `json:"note,omitempty"`
}

// Interval is a stretch of a day, "09:00" to "18:00"; a lunch break makes two.
type Interval struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Weekdays are WorkingHours.Days' order, for templates and tests.
var Weekdays = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// OfficeHours returns the usual hours of a Saint Petersburg body: Monday to
// Thursday 9:00–18:00, Friday 9:00–17:00, lunch 13:00–13:48, as the city's
// executive bodies publish them.
func OfficeHours() WorkingHours {
	day := []Interval{{"09:00", "13:00"}, {"13:48", "18:00"}}
	fri := []Interval{{"09:00", "13:00"}, {"13:48", "17:00"}}
	return WorkingHours{Days: [7][]Interval{day, day, day, day, fri, nil, nil}}
}

const maxName = 500

// validate checks what can be checked without the database.
func (o Organisation) validate() error {
	var fe okno.FieldErrors
	if !o.Kind.Valid() {
		fe.Add("kind", "org.kind_invalid")
	}
	if strings.TrimSpace(o.Name) == "" {
		fe.Add("name", "org.name_required")
	} else if utf8.RuneCountInString(o.Name) > maxName {
		fe.Add("name", "org.too_long", maxName)
	}
	if utf8.RuneCountInString(o.ShortName) > maxName {
		fe.Add("short_name", "org.too_long", maxName)
	}
	if o.INN != "" && !validINN(o.INN) {
		fe.Add("inn", "org.inn_invalid")
	}
	if o.OGRN != "" && !validOGRN(o.OGRN) {
		fe.Add("ogrn", "org.ogrn_invalid")
	}
	if p := o.Contacts.Phone; p != "" && !validPhone(p) {
		fe.Add("contacts.phone", "org.phone_invalid")
	}
	if e := o.Contacts.Email; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			fe.Add("contacts.email", "org.email_invalid")
		}
	}
	if w := o.Contacts.Website; w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fe.Add("contacts.website", "org.website_invalid")
		}
	}
	o.Hours.validate(&fe)
	return fe.Err()
}

func (h WorkingHours) validate(fe *okno.FieldErrors) {
	for d, ivs := range h.Days {
		prev := ""
		for i, iv := range ivs {
			field := fmt.Sprintf("hours.days[%d][%d]", d, i)
			if !validClock(iv.From) || !validClock(iv.To) || iv.From >= iv.To {
				fe.Add(field, "org.hours_interval_invalid")
				continue
			}
			// "HH:MM" strings order as times do.
			if iv.From < prev {
				fe.Add(field, "org.hours_overlap")
			}
			prev = iv.To
		}
	}
}

func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h, m := digits(s[:2]), digits(s[3:])
	return h >= 0 && h <= 24 && m >= 0 && m < 60 && (h < 24 || m == 0)
}

// digits parses a short run of ASCII digits, or returns -1.
func digits(s string) int {
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// validPhone accepts a Russian number as people write it: +7 or 8, then ten
// digits, with spaces, dashes and brackets ignored.
func validPhone(s string) bool {
	var d []byte
	for _, c := range []byte(s) {
		switch {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && len(d) == 0):
		default:
			return false
		}
	}
	return len(d) == 11 && (d[0] == '7' || d[0] == '8')
}

// validINN checks an INN's length and check digits (10 digits for a legal
// entity, 12 for an individual), as the Federal Tax Service defines them.
func validINN(s string) bool {
	d := make([]int, len(s))
	for i, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
		d[i] = int(c - '0')
	}
	check := func(w []int) int {
		sum := 0
		for i, k := range w {
			sum += k * d[i]
		}
		return sum % 11 % 10
	}
	switch len(d) {
	case 10:
		return check([]int{2, 4, 10, 3, 5, 9, 4, 6, 8}) == d[9]
	case 12:
		return check([]int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == d[10] &&
			check([]int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == d[11]
	}
	return false
}

// validOGRN checks an OGRN (13 digits, remainder mod 11) or OGRNIP (15
// digits, remainder mod 13); the last digit is that remainder's last digit.
func validOGRN(s string) bool {
	if len(s) != 13 && len(s) != 15 {
		return false
	}
	var n, mod uint64 = 0, 11
	if len(s) == 15 {
		mod = 13
	}
	for _, c := range []byte(s[:len(s)-1]) {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + uint64(c-'0')
	}
	last := s[len(s)-1]
	return last >= '0' && last <= '9' && n%mod%10 == uint64(last-'0')
}
