package calendar

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
)

// Limits of an imported file. A year's calendar is about 2 KB with a few
// dozen days; the bounds leave room and refuse anything else early.
const (
	MaxXMLSize     = 64 << 10
	MaxXMLDays     = 366
	MaxXMLHolidays = 100
)

// The xmlcalendar.ru format (github.com/xmlcalendar/data), one year a file:
//
//	<calendar year="2026" lang="ru" date="2025.09.30" country="ru">
//	  <holidays><holiday id="1" title="Новогодние каникулы"/>…</holidays>
//	  <days>
//	    <day d="01.01" t="1" h="1"/>      t=1: a day off; h: which holiday, if any
//	    <day d="01.09" t="1" f="01.03"/>  f: the day off was moved from 3 January
//	    <day d="04.30" t="2"/>            t=2: a shortened working day
//	    <day d="04.27" t="3"/>            t=3: a working day (on a Saturday)
//	  </days>
//	</calendar>
type xmlCalendar struct {
	XMLName  xml.Name     `xml:"calendar"`
	Year     string       `xml:"year,attr"`
	Holidays []xmlHoliday `xml:"holidays>holiday"`
	Days     []xmlDay     `xml:"days>day"`
}

type xmlHoliday struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
}

type xmlDay struct {
	D string `xml:"d,attr"` // MM.DD
	T string `xml:"t,attr"`
	H string `xml:"h,attr"`
	F string `xml:"f,attr"` // MM.DD, same year
}

// ParseXML reads one year of the production calendar in the xmlcalendar.ru
// format and returns the year and its days that differ from the five-day
// week, in date order: t=1 with a holiday is a Holiday titled with it, t=1
// without one a Weekend, t=2 Short, t=3 Workday. Days the five-day week
// already gives (a plain Saturday off) are left out.
//
// A bad file is refused whole with field errors naming where the problems
// are ("days[3].d"), at most one per field; the size, the number of days
// and the number of holidays are limited (MaxXMLSize, MaxXMLDays,
// MaxXMLHolidays).
func ParseXML(r io.Reader) (year int, days []Day, err error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxXMLSize+1))
	if err != nil {
		return 0, nil, fmt.Errorf("calendar: read the file: %w", err)
	}
	var fe okno.FieldErrors
	if len(b) > MaxXMLSize {
		fe.Add("file", "calendar.xml_too_large", MaxXMLSize)
		return 0, nil, fe.Err()
	}
	var doc xmlCalendar
	// The decoder has no CharsetReader: a file in another charset than
	// UTF-8 is refused, not guessed at.
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		// The decoder's message says where the syntax breaks; it stays the
		// cause, for the log, since it is English and technical.
		return 0, nil, &okno.Error{Code: okno.EINVALID, Key: "error.invalid", Err: err,
			Fields: []okno.FieldError{{Field: "file", Key: "calendar.xml_syntax"}}}
	}
	year, yerr := strconv.Atoi(strings.TrimSpace(doc.Year))
	if yerr != nil || year < MinYear || year > MaxYear {
		fe.Add("year", "calendar.year_out_of_range", MinYear, MaxYear)
		return 0, nil, fe.Err()
	}
	titles := parseXMLHolidays(doc.Holidays, &fe)
	days = parseXMLDays(year, doc.Days, titles, &fe)
	if err := fe.Err(); err != nil {
		return 0, nil, err
	}
	return year, days, nil
}

// parseXMLHolidays returns the holidays' titles by id.
func parseXMLHolidays(hs []xmlHoliday, fe *okno.FieldErrors) map[string]string {
	if len(hs) > MaxXMLHolidays {
		fe.Add("holidays", "calendar.xml_too_many_holidays", MaxXMLHolidays)
		return nil
	}
	titles := make(map[string]string, len(hs))
	for i, h := range hs {
		path := "holidays[" + strconv.Itoa(i) + "]"
		title := strings.TrimSpace(h.Title)
		switch _, dup := titles[h.ID]; {
		case h.ID == "" || dup:
			fe.Add(path+".id", "calendar.xml_holiday_id_invalid")
		case title == "":
			fe.Add(path+".title", "calendar.xml_holiday_title_missing")
		default:
			checkTitle(fe, path+".title", title)
		}
		titles[h.ID] = title
	}
	return titles
}

// parseXMLDays converts the days of year, reporting problems in fe.
func parseXMLDays(year int, xs []xmlDay, titles map[string]string, fe *okno.FieldErrors) []Day {
	if len(xs) == 0 {
		fe.Add("days", "calendar.xml_no_days")
		return nil
	}
	if len(xs) > MaxXMLDays {
		fe.Add("days", "calendar.xml_too_many_days", MaxXMLDays)
		return nil
	}
	seen := map[Date]bool{}
	var days []Day
	for i, x := range xs {
		path := "days[" + strconv.Itoa(i) + "]"
		d, ok := Day{}, true
		if d.Date, ok = monthDay(year, x.D); !ok {
			fe.Add(path+".d", "calendar.xml_day_date_invalid", year)
			continue
		}
		if seen[d.Date] {
			fe.Add(path+".d", "calendar.xml_day_duplicate")
			continue
		}
		seen[d.Date] = true
		switch x.T {
		case "1":
			d.Kind = Weekend
			if x.H != "" {
				d.Kind = Holiday
				if d.Title, ok = titles[x.H]; !ok {
					fe.Add(path+".h", "calendar.xml_day_holiday_unknown")
				}
			}
		case "2":
			d.Kind = Short
		case "3":
			d.Kind = Workday
		default:
			fe.Add(path+".t", "calendar.xml_day_type_invalid")
		}
		if x.F != "" {
			if d.From, ok = monthDay(year, x.F); !ok {
				fe.Add(path+".f", "calendar.xml_day_date_invalid", year)
			}
		}
		if !d.standard() {
			days = append(days, d)
		}
	}
	sortDays(days)
	return days
}

// monthDay reads "MM.DD" as a date of year.
func monthDay(year int, s string) (Date, bool) {
	t, err := time.Parse("01.02", strings.TrimSpace(s))
	if err != nil {
		return Date{}, false
	}
	d := Date{year, t.Month(), t.Day()}
	return d, d.valid()
}
