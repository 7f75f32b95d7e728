package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/i18n"
)

// adminCalendarPage is the data of /admin/calendar: a year of the
// production calendar as twelve month grids, the same days as a table,
// and the form that changes one day.
type adminCalendarPage struct {
	Year             int
	PrevURL, NextURL string
	Weekdays         []weekdayHead
	Months           []calendarMonth
	Legend           []calendarCell
	Days             Table
	Uncovered        bool // no holidays are known for the year
	Form             Form
	Banner           *Banner
}

// weekdayHead is a grid's column heading: "Пн", read as "понедельник".
type weekdayHead struct{ Short, Long string }

// calendarMonth is one month's grid, Monday first.
type calendarMonth struct {
	Name  string
	Weeks [][]calendarCell
}

// calendarCell is one day of a grid. Its kind shows three ways: a colour
// (Class), a letter (Mark) and words for screen readers (Label).
type calendarCell struct {
	Day   int    // 0: a blank before the 1st or after the month's last day
	Class string // the kind, or "moved" for a working Saturday or Sunday
	Mark  string // "" for an ordinary working day
	Label string // the kind and the day's title, e.g. "праздник: День Победы"
	URL   string // where to change the day
	Today bool
}

// calendarClasses are the classes of day, in the legend's order.
var calendarClasses = []string{"workday", "short", "weekend", "holiday", "moved"}

// calendarClass is how a page shows a day of kind k.
func calendarClass(d calendar.Date, k calendar.Kind) string {
	if k == calendar.Workday && calendar.Standard(d) != calendar.Workday {
		return "moved"
	}
	return string(k)
}

func calendarMark(l i18n.Localizer, class string) string {
	if class == "workday" {
		return ""
	}
	return l.T("web.calendar.mark." + class)
}

func calendarFields(l i18n.Localizer) []Field {
	opts := make([]Option, len(calendar.Kinds))
	for i, k := range calendar.Kinds {
		opts[i] = Option{Value: string(k), Label: l.T("web.calendar.kind." + string(k))}
	}
	return []Field{
		{Name: "date", Label: l.T("web.calendar.date"), Hint: l.T("web.calendar.date_hint"), Width: "medium", Autocomplete: "off"},
		{Name: "kind", Type: "radios", Label: l.T("web.calendar.kind"), Options: opts},
		{Name: "title", Label: l.T("web.calendar.day_title"), Hint: l.T("web.calendar.day_title_hint")},
		{Name: "from", Label: l.T("web.calendar.from"), Hint: l.T("web.calendar.from_hint"), Width: "medium", Autocomplete: "off"},
	}
}

// parseDayInput reads a date as people write it, "08.05.2026" (or
// "8.5.2026"), or as ISO 8601.
func parseDayInput(s string) (calendar.Date, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02.01.2006", "2.1.2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return calendar.DateOf(t), true
		}
	}
	return calendar.Date{}, false
}

// dayInput writes a date as the form shows it.
func dayInput(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Midnight(time.UTC).Format("02.01.2006")
}

// mayAdministerCalendar refuses everyone but region administrators.
func (s *Server) mayAdministerCalendar(r *http.Request) error {
	ok, err := s.deps.Orgs.CanAdministerRegion(r.Context(), okno.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	if !ok {
		return okno.Errorf(okno.EFORBIDDEN, "calendar.forbidden")
	}
	return nil
}

// adminCalendar shows a year (?year=2026, this year by default); ?date=
// fills the form with that day, ?saved= thanks for a change.
func (s *Server) adminCalendar(w http.ResponseWriter, r *http.Request) error {
	if err := s.mayAdministerCalendar(r); err != nil {
		return err
	}
	q, l := r.URL.Query(), stateFrom(r.Context()).loc
	year := s.deps.Calendars.Current().Date(s.now()).Year
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < calendar.MinYear || y > calendar.MaxYear {
			return okno.Errorf(okno.EINVALID, "calendar.year_out_of_range", calendar.MinYear, calendar.MaxYear)
		}
		year = y
	}
	var banner *Banner
	if d, ok := parseDayInput(q.Get("saved")); ok {
		banner = &Banner{Title: l.T("web.calendar.saved", dayInput(d)), Success: true}
	}
	return s.renderAdminCalendar(w, r, http.StatusOK, year, q.Get("date"), nil, nil, banner)
}

// adminCalendarSet changes one day's kind, title and where it was moved
// from, then shows its year again.
func (s *Server) adminCalendarSet(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.mayAdministerCalendar(r); err != nil {
		return err
	}
	var fe okno.FieldErrors
	d := calendar.Day{Kind: calendar.Kind(r.PostFormValue("kind")), Title: r.PostFormValue("title")}
	date, ok := parseDayInput(r.PostFormValue("date"))
	if !ok {
		fe.Add("date", "calendar.date_invalid")
	}
	d.Date = date
	if !d.Kind.Valid() {
		fe.Add("kind", "calendar.kind_invalid")
	}
	if v := strings.TrimSpace(r.PostFormValue("from")); v != "" {
		if d.From, ok = parseDayInput(v); !ok {
			fe.Add("from", "calendar.date_invalid")
		}
	}
	err := fe.Err()
	if err == nil {
		err = s.deps.Calendars.SetDay(r.Context(), okno.ActorFrom(r.Context()), d)
	}
	if userError(err) {
		year := d.Date.Year
		if year < calendar.MinYear || year > calendar.MaxYear {
			year = s.deps.Calendars.Current().Date(s.now()).Year
		}
		return s.renderAdminCalendar(w, r, formStatus(err), year, "", r.PostForm, err, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/admin/calendar?"+url.Values{"year": {strconv.Itoa(d.Date.Year)}, "saved": {d.Date.String()}}.Encode())
}

func (s *Server) renderAdminCalendar(w http.ResponseWriter, r *http.Request, status, year int, selected string,
	values url.Values, formErr error, banner *Banner) error {
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	days, err := s.deps.Calendars.Year(ctx, year)
	if err != nil {
		return err
	}
	cal := s.deps.Calendars.Current()
	byDate := make(map[calendar.Date]calendar.Day, len(days))
	for _, d := range days {
		byDate[d.Date] = d
	}
	data := adminCalendarPage{Year: year, Uncovered: !cal.Covers(year), Banner: banner}
	if year > calendar.MinYear {
		data.PrevURL = "/admin/calendar?year=" + strconv.Itoa(year-1)
	}
	if year < calendar.MaxYear {
		data.NextURL = "/admin/calendar?year=" + strconv.Itoa(year+1)
	}
	for _, wd := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		data.Weekdays = append(data.Weekdays, weekdayHead{Short: l.T("web.calendar.wd." + wd), Long: l.T("web.calendar.weekday." + wd)})
	}
	for _, c := range calendarClasses {
		data.Legend = append(data.Legend, calendarCell{Class: c, Mark: calendarMark(l, c), Label: l.T("web.calendar.kind." + c)})
	}
	today := cal.Date(s.now())
	for m := time.January; m <= time.December; m++ {
		data.Months = append(data.Months, calendarGrid(l, year, m, byDate, today))
	}
	data.Days = calendarTable(l, days)
	if d, err := calendar.ParseDate(selected); err == nil && values == nil {
		day, ok := byDate[d]
		if !ok {
			day = calendar.Day{Date: d, Kind: calendar.Standard(d)}
		}
		values = url.Values{"date": {dayInput(d)}, "kind": {string(day.Kind)}, "title": {day.Title}, "from": {dayInput(day.From)}}
	}
	data.Form = NewForm(l, values, formErr, calendarFields(l)...)
	return s.render(w, status, "admin-calendar", s.view(w, r, "web.calendar.title", data))
}

// calendarGrid lays month m of year out in weeks, Monday first.
func calendarGrid(l i18n.Localizer, year int, m time.Month, days map[calendar.Date]calendar.Day, today calendar.Date) calendarMonth {
	first := calendar.Date{Year: year, Month: m, Day: 1}
	month := calendarMonth{Name: l.T("web.calendar.month." + strconv.Itoa(int(m)))}
	week := make([]calendarCell, (int(first.Weekday())+6)%7) // blanks before the 1st
	for d := first; d.Month == m; d = d.AddDays(1) {
		day, ok := days[d]
		if !ok {
			day = calendar.Day{Date: d, Kind: calendar.Standard(d)}
		}
		class := calendarClass(d, day.Kind)
		cell := calendarCell{Day: d.Day, Class: class, Mark: calendarMark(l, class), Today: d == today,
			URL: "/admin/calendar?" + url.Values{"year": {strconv.Itoa(year)}, "date": {d.String()}}.Encode() + "#change"}
		if class != "workday" || day.Title != "" {
			cell.Label = l.T("web.calendar.kind." + class)
			if day.Title != "" {
				cell.Label += ": " + day.Title
			}
		}
		week = append(week, cell)
		if len(week) == 7 {
			month.Weeks = append(month.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		month.Weeks = append(month.Weeks, append(week, make([]calendarCell, 7-len(week))...))
	}
	return month
}

// calendarTable lists the year's days that differ from the five-day week:
// the grids' text alternative, and who changed what.
func calendarTable(l i18n.Localizer, days []calendar.Day) Table {
	t := Table{Caption: l.T("web.calendar.list"),
		Head: []string{l.T("web.calendar.date"), l.T("web.calendar.kind"), l.T("web.calendar.day_title"), l.T("web.calendar.changed")}}
	for _, d := range days {
		title := d.Title
		if !d.From.IsZero() {
			title = strings.TrimSpace(title + " " + l.T("web.calendar.moved_from", formatDate(l, d.From.String())))
		}
		changed := l.T("web.calendar.decree")
		if d.UpdatedBy != "" {
			changed = formatTime(l, d.UpdatedAt) + ", " + d.UpdatedBy
		}
		t.Rows = append(t.Rows, []string{formatDate(l, d.Date.String()), l.T("web.calendar.kind." + calendarClass(d.Date, d.Kind)), title, changed})
	}
	return t
}
