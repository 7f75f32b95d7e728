package calendar

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

// year2028 is a made-up year in the xmlcalendar format, with every kind
// of day: a holiday on a weekday and on a Saturday, a moved day off, a
// shortened day, a working Saturday, and a plain Sunday listed for nothing.
const year2028 = `<?xml version="1.0" encoding="UTF-8"?>
<calendar year="2028" lang="ru" date="2027.09.01" country="ru">
  <holidays>
    <holiday id="1" title="Новогодние каникулы"/>
    <holiday id="2" title="Рождество Христово"/>
  </holidays>
  <days>
    <day d="01.03" t="1" h="1"/>
    <day d="01.01" t="1" h="1"/>
    <day d="01.07" t="1" h="2"/>
    <day d="01.10" t="1" f="01.01"/>
    <day d="02.22" t="2"/>
    <day d="03.04" t="3"/>
    <day d="03.05" t="1"/>
  </days>
</calendar>`

func TestParseXML(t *testing.T) {
	year, days, err := ParseXML(strings.NewReader(year2028))
	if err != nil {
		t.Fatal(err)
	}
	if year != 2028 {
		t.Errorf("year = %d, want 2028", year)
	}
	var got []string
	for _, d := range days {
		got = append(got, d.String())
	}
	want := []string{
		"2028-01-01 holiday Новогодние каникулы", // a Saturday
		"2028-01-03 holiday Новогодние каникулы",
		"2028-01-07 holiday Рождество Христово",
		"2028-01-10 weekend from 2028-01-01",
		"2028-02-22 short",
		"2028-03-04 workday", // a working Saturday
		// 03.05, a Sunday off, says nothing the week does not.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("days (-want +got):\n%s", diff)
	}
}

// fieldKeys are the field errors of err as "field: key", sorted.
func fieldKeys(t *testing.T, err error) []string {
	t.Helper()
	var e *okno.Error
	if !errors.As(err, &e) || e.Code != okno.EINVALID {
		t.Fatalf("error %v is not an EINVALID okno error", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+": "+f.Key)
	}
	sort.Strings(out)
	return out
}

func TestParseXMLRefuses(t *testing.T) {
	wrap := func(year, holidays, days string) string {
		return `<calendar year="` + year + `"><holidays>` + holidays + `</holidays><days>` + days + `</days></calendar>`
	}
	for _, tc := range []struct {
		name string
		file string
		want []string
	}{
		{"not XML", "это не календарь", []string{"file: calendar.xml_syntax"}},
		{"another root", `<feed year="2028"/>`, []string{"file: calendar.xml_syntax"}},
		{"unclosed", `<calendar year="2028"><days><day d="01.01" t="1">`, []string{"file: calendar.xml_syntax"}},
		{"windows-1251", `<?xml version="1.0" encoding="windows-1251"?><calendar year="2028"/>`, []string{"file: calendar.xml_syntax"}},
		{"too large", wrap("2028", "", strings.Repeat(`<day d="01.01" t="1"/>`, 4000)), []string{"file: calendar.xml_too_large"}},
		{"no year", wrap("", "", `<day d="01.01" t="1"/>`), []string{"year: calendar.year_out_of_range"}},
		{"year out of range", wrap("20026", "", `<day d="01.01" t="1"/>`), []string{"year: calendar.year_out_of_range"}},
		{"no days", wrap("2028", "", ""), []string{"days: calendar.xml_no_days"}},
		{"too many days", wrap("2028", "", strings.Repeat(`<day d="01.01" t="1"/>`, 367)), []string{"days: calendar.xml_too_many_days"}},
		{"too many holidays", wrap("2028", strings.Repeat(`<holiday id="1" title="x"/>`, 101), `<day d="01.01" t="1"/>`),
			[]string{"holidays: calendar.xml_too_many_holidays"}},
		{"bad days", wrap("2028", `<holiday id="1" title="Новый год"/>`,
			`<day d="02.30" t="1"/><day d="01.01" t="4"/><day d="01.02" t="1" h="9"/><day d="01.01" t="1"/><day d="01.03" t="1" f="13.01"/>`),
			[]string{"days[0].d: calendar.xml_day_date_invalid", "days[1].t: calendar.xml_day_type_invalid",
				"days[2].h: calendar.xml_day_holiday_unknown", "days[3].d: calendar.xml_day_duplicate", "days[4].f: calendar.xml_day_date_invalid"}},
		{"bad holidays", wrap("2028", `<holiday id="1" title="Новый год"/><holiday id="1" title="Ещё"/><holiday id="2" title=" "/><holiday id="3" title="`+strings.Repeat("я", 201)+`"/>`,
			`<day d="01.01" t="1" h="1"/>`),
			[]string{"holidays[1].id: calendar.xml_holiday_id_invalid", "holidays[2].title: calendar.xml_holiday_title_missing",
				"holidays[3].title: calendar.title_too_long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseXML(strings.NewReader(tc.file))
			if diff := cmp.Diff(tc.want, fieldKeys(t, err)); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseXML: whatever the file, ParseXML either refuses it with field
// errors or returns days of one year, in order, each once, none of them
// saying only what the five-day week says.
func FuzzParseXML(f *testing.F) {
	f.Add(year2028)
	f.Add(`<calendar year="2027"><days><day d="02.20" t="2"/><day d="02.22" t="1" f="02.20"/></days></calendar>`)
	f.Add(`<calendar year="2099"><holidays><holiday id="x" title="&amp;"/></holidays><days><day d="12.31" t="1" h="x"/></days></calendar>`)
	f.Add(`<calendar year="2028"><days><day d="02.29" t="3"/></days></calendar>`)
	f.Fuzz(func(t *testing.T, file string) {
		year, days, err := ParseXML(strings.NewReader(file))
		if err != nil {
			fieldKeys(t, err)
			return
		}
		if year < MinYear || year > MaxYear || len(days) > MaxXMLDays {
			t.Fatalf("year %d with %d days", year, len(days))
		}
		for i, d := range days {
			if d.Date.Year != year || !d.Date.valid() || !d.Kind.Valid() || d.standard() {
				t.Fatalf("day %d: %+v", i, d)
			}
			if !d.From.IsZero() && d.From.Year != year {
				t.Fatalf("day %d moved from another year: %+v", i, d)
			}
			if i > 0 && !days[i-1].Date.Before(d.Date) {
				t.Fatalf("days out of order at %d: %s, %s", i, days[i-1].Date, d.Date)
			}
		}
	})
}
