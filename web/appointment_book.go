package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/i18n"
)

// apptDays is how many days with free slots the day step offers: about
// three working weeks would overwhelm a phone screen, two do not.
const apptDays = 14

// apptMaxCases bounds the citizen's open cases offered to tie a visit to.
const apptMaxCases = 50

// apptBookPage is the data of /services/{code}/appointment: three steps on
// one address — the office, then the day, then the time — each a plain
// link or form, so the page needs no JavaScript.
type apptBookPage struct {
	Code, Service string
	Back, Action  string
	Step          string // "office", "day" or "time"
	Offices       []apptOfficeLink
	Office        apptOffice
	Days          []apptDayLink
	Day           string // the chosen day, as people write it
	DayValue      string // YYYY-MM-DD
	Form          Form   // the error summary
	Time          Field  // radios of free slots
	Case          Field  // select of the citizen's open cases; empty Name: none
	Key           string
	Taken         bool   // the time chosen was taken meanwhile: Time offers the alternatives
	SignIn        string // for visitors not signed in: where to sign in to book
	NoSlots       bool
}

// apptOffice is an office as the booking pages show it.
type apptOffice struct {
	ID            int64
	Name, Address string
	Phone         string
}

// apptOfficeLink is one office to choose.
type apptOfficeLink struct {
	apptOffice
	URL string
}

// apptDayLink is one day with free slots.
type apptDayLink struct {
	Label, URL string
	Free       int
}

func toApptOffice(l i18n.Localizer, o catalog.Office) apptOffice {
	return apptOffice{ID: o.ID, Name: o.Name.In(string(l.Lang())), Address: o.Address, Phone: o.Phone}
}

// appointmentBook serves GET /services/{code}/appointment: whoever looks
// sees the offices, days and free times; booking itself needs signing in.
func (s *Server) appointmentBook(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.renderBook(w, r, http.StatusOK, q.Get("office"), q.Get("day"), nil, newFormKey(), nil, nil)
}

// appointmentBookPost serves POST /services/{code}/appointment: it books
// the chosen time, or shows the day again with what went wrong — the time
// taken meanwhile, with the alternatives as the choices; a holiday; no time
// chosen — and the answers kept.
func (s *Server) appointmentBookPost(w http.ResponseWriter, r *http.Request) error {
	appts, _, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	code := r.PathValue("code")
	office, day := r.PostFormValue("office"), r.PostFormValue("day")
	key := r.PostFormValue("key")
	if !validKey(key) {
		key = newFormKey()
	}
	officeID, _ := strconv.ParseInt(office, 10, 64)
	in := appointment.BookInput{OfficeID: officeID, Service: code, IdempotencyKey: key}
	in.Start, err = parseSlot(r.PostFormValue("start"))
	if err == nil {
		in.CaseID, err = parseOptionalID(r.PostFormValue("case"), "case")
	}
	if err == nil {
		var a appointment.Appointment
		a, err = appts.Book(r.Context(), okno.ActorFrom(r.Context()), in)
		if err == nil {
			return seeOther(w, r, apptURL(a.ID)+"?booked=1")
		}
	}
	var taken *appointment.TakenError
	if errors.As(err, &taken) {
		return s.renderBook(w, r, http.StatusConflict, office, day, r.PostForm, key, err, taken.Alternatives)
	}
	if userError(err) {
		return s.renderBook(w, r, formStatus(err), office, day, r.PostForm, key, err, nil)
	}
	return err
}

// parseSlot reads a slot's start as the pages send it: Unix seconds.
func parseSlot(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, apptFieldErr("start", "web.appointment.time_required")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}, apptFieldErr("start", "web.appointment.time_required")
	}
	return time.Unix(n, 0), nil
}

// parseOptionalID reads an optional positive ID; "" is 0.
func parseOptionalID(v, field string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apptFieldErr(field, "appointment.case_unknown")
	}
	return n, nil
}

// apptFieldErr is a bad answer to one field of the booking pages.
func apptFieldErr(field, key string) error {
	var fe okno.FieldErrors
	fe.Add(field, key)
	return fe.Err()
}

func apptURL(id int64) string { return "/cabinet/appointments/" + strconv.FormatInt(id, 10) }

// renderBook draws the step the query reached: office, day or time. alts,
// when the chosen time was taken, replace the day's times.
func (s *Server) renderBook(w http.ResponseWriter, r *http.Request, status int, office, day string, values url.Values, key string, ferr error, alts []appointment.Slot) error {
	appts, cat, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	code := r.PathValue("code")
	if !codeLike(code) {
		return okno.Errorf(okno.ENOTFOUND, "catalog.service_not_found")
	}
	sv, err := cat.Get(ctx, code)
	if err != nil {
		return err
	}
	offices, err := appts.OfficesFor(ctx, code)
	if err != nil {
		return err
	}
	base := "/services/" + code + "/appointment"
	p := apptBookPage{Code: code, Service: sv.Title.In(string(l.Lang())), Back: "/services/" + code, Action: base, Step: "office", Key: key}
	p.Form = NewForm(l, values, ferr, Field{Name: "start"}, Field{Name: "case"})
	if session(r).Kind == "" {
		p.SignIn = "/signin?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	var chosen *catalog.Office
	for i, o := range offices {
		if strconv.FormatInt(o.ID, 10) == office {
			chosen = &offices[i]
		}
		p.Offices = append(p.Offices, apptOfficeLink{apptOffice: toApptOffice(l, o), URL: base + "?office=" + strconv.FormatInt(o.ID, 10)})
	}
	if chosen == nil {
		if office != "" && values == nil {
			return okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
		}
		return s.render(w, status, "appointment-book", s.viewTitled(w, r, l.T("web.appointment.book_title", p.Service), p))
	}
	p.Office = toApptOffice(l, *chosen)
	d, dayErr := calendar.ParseDate(day)
	if day == "" || dayErr != nil {
		p.Step = "day"
		if p.Days, err = s.apptDays(r, appts, chosen.ID, code, base+"?office="+office+"&day="); err != nil {
			return err
		}
		p.NoSlots = len(p.Days) == 0
		return s.render(w, status, "appointment-book", s.viewTitled(w, r, l.T("web.appointment.book_title", p.Service), p))
	}
	p.Step, p.DayValue, p.Day = "time", d.String(), apptDayLabel(l, d)
	slots := alts
	if alts != nil {
		p.Taken = true
	} else {
		from := d.Midnight(moscow)
		if slots, err = appts.Available(ctx, chosen.ID, code, from, from.AddDate(0, 0, 1)); err != nil && !userError(err) {
			return err
		}
	}
	p.Time = p.Form.Fields[0]
	p.Time.Type, p.Time.Label = "radios", l.T("web.appointment.time_label")
	for _, sl := range slots {
		label := sl.Start.In(moscow).Format("15:04")
		if p.Taken {
			label = apptDayLabel(l, calendar.DateOf(sl.Start.In(moscow))) + ", " + label
		}
		p.Time.Options = append(p.Time.Options, Option{Value: strconv.FormatInt(sl.Start.Unix(), 10), Label: label})
	}
	p.NoSlots = len(slots) == 0
	if p.SignIn == "" {
		if p.Case, err = s.apptCaseField(r, p.Form.Fields[1]); err != nil {
			return err
		}
	}
	return s.render(w, status, "appointment-book", s.viewTitled(w, r, l.T("web.appointment.book_title", p.Service), p))
}

// apptDays lists the next days with free slots of a service at an office,
// each a link to its times.
func (s *Server) apptDays(r *http.Request, appts Appointments, officeID int64, code, link string) ([]apptDayLink, error) {
	l := stateFrom(r.Context()).loc
	now := s.now()
	slots, err := appts.Available(r.Context(), officeID, code, now, now.Add(appointment.MaxRangeDays*24*time.Hour))
	if err != nil {
		if userError(err) {
			return nil, nil
		}
		return nil, err
	}
	var days []apptDayLink
	last := calendar.Date{}
	for _, sl := range slots {
		d := calendar.DateOf(sl.Start.In(moscow))
		if d != last {
			if len(days) == apptDays {
				break
			}
			days = append(days, apptDayLink{Label: apptDayLabel(l, d), URL: link + d.String()})
			last = d
		}
		days[len(days)-1].Free++
	}
	return days, nil
}

// apptCaseField offers the citizen's open cases to tie the visit to.
func (s *Server) apptCaseField(r *http.Request, f Field) (Field, error) {
	l := stateFrom(r.Context()).loc
	if s.deps.Cases == nil {
		return Field{}, nil
	}
	page, err := s.deps.Cases.Mine(r.Context(), okno.ActorFrom(r.Context()), "", apptMaxCases)
	if err != nil {
		return Field{}, err
	}
	f.Type, f.Label, f.Hint = "select", l.T("web.appointment.case_label"), l.T("web.appointment.case_hint")
	opts := []Option{{Value: "", Label: l.T("web.appointment.case_none")}}
	for _, c := range page.Items {
		if c.ClosedAt.IsZero() {
			opts = append(opts, Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Ref + " · " + c.Subject})
		}
	}
	if len(opts) == 1 {
		return Field{}, nil
	}
	f.Groups = []OptionGroup{{Options: opts}}
	return f, nil
}

// apptDayLabel is a day with its weekday: «вторник, 09.03.2027».
func apptDayLabel(l i18n.Localizer, d calendar.Date) string {
	wd := l.T("web.appointment.weekday." + strconv.Itoa(int(d.Weekday())))
	if l.Lang() == i18n.English {
		return wd + ", " + d.Midnight(moscow).Format("2 January 2006")
	}
	return wd + ", " + d.Midnight(moscow).Format("02.01.2006")
}
