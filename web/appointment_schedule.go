package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/org"
)

// The schedule page edits an office's reception in plain text areas, one
// item a line, so it works without JavaScript and pastes from a memo:
//
//	services:   child-birth-allowance 15 1,2   (code, slot minutes, desks; no desks: every desk)
//	breaks:     13:00-13:30
//	exceptions: 2027-03-10 Санитарный день       (closed)
//	            2027-03-11 09:00-13:00 Короткий день
//
// Package appointment checks the schedule; this page only reads the lines
// and points each problem at the area it came from.

// apptSchedulePage is the data of /admin/offices/{id}/schedule.
type apptSchedulePage struct {
	Office apptOffice
	Action string
	Form   Form
	Saved  bool
}

// appointmentSchedule serves GET /admin/offices/{id}/schedule. Package org
// decides who administers the office's organisation: anyone else is refused.
func (s *Server) appointmentSchedule(w http.ResponseWriter, r *http.Request) error {
	o, err := s.apptAdministered(r)
	if err != nil {
		return err
	}
	sc, err := s.deps.Appointments.Schedule(r.Context(), o.ID)
	switch {
	case okno.IsCode(err, okno.ENOTFOUND):
		sc = appointment.Schedule{OfficeID: o.ID, Desks: 1, CellMinutes: 15, HorizonDays: 30}
	case err != nil:
		return err
	}
	return s.renderSchedule(w, r, http.StatusOK, o, scheduleValues(sc), nil, r.URL.Query().Get("saved") != "")
}

// appointmentScheduleSave serves POST /admin/offices/{id}/schedule.
func (s *Server) appointmentScheduleSave(w http.ResponseWriter, r *http.Request) error {
	o, err := s.apptAdministered(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	sc, err := parseSchedule(r.PostForm)
	if err == nil {
		sc.OfficeID = o.ID
		_, err = s.deps.Appointments.SetSchedule(r.Context(), okno.ActorFrom(r.Context()), sc)
	}
	if err != nil {
		if !userError(err) || okno.IsCode(err, okno.EFORBIDDEN) || okno.IsCode(err, okno.ENOTFOUND) {
			return err
		}
		return s.renderSchedule(w, r, formStatus(err), o, r.PostForm, scheduleFieldErr(err), false)
	}
	return seeOther(w, r, "/admin/offices/"+strconv.FormatInt(o.ID, 10)+"/schedule?saved=1")
}

// apptAdministered is the office of the request when the actor administers
// its organisation (org.CanAdminister, the one rule); 403 otherwise.
func (s *Server) apptAdministered(r *http.Request) (apptOffice, error) {
	_, cat, err := s.appointmentDeps()
	if err != nil {
		return apptOffice{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return apptOffice{}, okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
	}
	ctx := r.Context()
	os, err := cat.Offices(ctx, []int64{id})
	if err != nil {
		return apptOffice{}, err
	}
	if len(os) == 0 {
		return apptOffice{}, okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
	}
	if s.deps.Orgs == nil {
		return apptOffice{}, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	ok, err := s.deps.Orgs.CanAdminister(ctx, okno.ActorFrom(ctx), os[0].OrgID)
	if err != nil {
		return apptOffice{}, err
	}
	if !ok {
		return apptOffice{}, okno.Errorf(okno.EFORBIDDEN, "appointment.forbidden")
	}
	return toApptOffice(stateFrom(ctx).loc, os[0]), nil
}

func (s *Server) renderSchedule(w http.ResponseWriter, r *http.Request, status int, o apptOffice, values url.Values, ferr error, saved bool) error {
	l := stateFrom(r.Context()).loc
	p := apptSchedulePage{Office: o, Action: "/admin/offices/" + strconv.FormatInt(o.ID, 10) + "/schedule", Saved: saved}
	p.Form = NewForm(l, values, ferr,
		Field{Name: "desks", Type: "number", Required: true, Label: l.T("web.appointment.sched.desks"), Hint: l.T("web.appointment.sched.desks_hint", appointment.MaxDesks)},
		Field{Name: "cell_minutes", Type: "number", Required: true, Label: l.T("web.appointment.sched.cell"), Hint: l.T("web.appointment.sched.cell_hint")},
		Field{Name: "horizon_days", Type: "number", Required: true, Label: l.T("web.appointment.sched.horizon"), Hint: l.T("web.appointment.sched.horizon_hint", appointment.MaxHorizonDays)},
		Field{Name: "services", Type: "textarea", Required: true, Label: l.T("web.appointment.sched.services"), Hint: l.T("web.appointment.sched.services_hint")},
		Field{Name: "breaks", Type: "textarea", Label: l.T("web.appointment.sched.breaks"), Hint: l.T("web.appointment.sched.breaks_hint")},
		Field{Name: "exceptions", Type: "textarea", Label: l.T("web.appointment.sched.exceptions"), Hint: l.T("web.appointment.sched.exceptions_hint")},
	)
	return s.render(w, status, "appointment-schedule", s.viewTitled(w, r, l.T("web.appointment.sched.title", o.Name), p))
}

// scheduleValues writes a schedule as the form's text.
func scheduleValues(sc appointment.Schedule) url.Values {
	v := url.Values{}
	v.Set("desks", strconv.Itoa(sc.Desks))
	v.Set("cell_minutes", strconv.Itoa(sc.CellMinutes))
	v.Set("horizon_days", strconv.Itoa(sc.HorizonDays))
	var b strings.Builder
	for _, sv := range sc.Services {
		fmt.Fprintf(&b, "%s %d", sv.Service, sv.SlotMinutes)
		for i, d := range sv.Desks {
			b.WriteString(map[bool]string{true: " ", false: ","}[i == 0] + strconv.Itoa(d))
		}
		b.WriteString("\n")
	}
	v.Set("services", b.String())
	b.Reset()
	for _, br := range sc.Breaks {
		b.WriteString(br.From + "-" + br.To + "\n")
	}
	v.Set("breaks", b.String())
	b.Reset()
	for _, ex := range sc.Exceptions {
		b.WriteString(ex.Day.String())
		for _, h := range ex.Hours {
			b.WriteString(" " + h.From + "-" + h.To)
		}
		if ex.Note != "" {
			b.WriteString(" " + ex.Note)
		}
		b.WriteString("\n")
	}
	v.Set("exceptions", b.String())
	return v
}

var intervalRE = regexp.MustCompile(`^(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})$`)

// scheduleLines splits a text area into its non-empty lines, at most max+1
// of them: one more than allowed is enough for the schedule to say "too many".
func scheduleLines(v string, max int) []string {
	var out []string
	for _, ln := range strings.Split(v, "\n") {
		if ln = strings.TrimSpace(ln); ln != "" {
			out = append(out, ln)
			if len(out) > max {
				break
			}
		}
	}
	return out
}

// parseSchedule reads the form; what cannot be read is a field error, the
// rest package appointment checks.
func parseSchedule(v url.Values) (appointment.Schedule, error) {
	var fe okno.FieldErrors
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v.Get(name)))
		if err != nil {
			fe.Add(name, "web.appointment.sched.number")
		}
		return n
	}
	sc := appointment.Schedule{Desks: num("desks"), CellMinutes: num("cell_minutes"), HorizonDays: num("horizon_days")}
	for _, ln := range scheduleLines(v.Get("services"), appointment.MaxServices) {
		parts := strings.Fields(ln)
		if len(parts) < 2 || len(parts) > 3 {
			fe.Add("services", "web.appointment.sched.services_line", ln)
			continue
		}
		m, err := strconv.Atoi(parts[1])
		if err != nil {
			fe.Add("services", "web.appointment.sched.services_line", ln)
			continue
		}
		ss := appointment.ServiceSlot{Service: parts[0], SlotMinutes: m}
		if len(parts) == 3 {
			for _, d := range strings.Split(parts[2], ",") {
				n, err := strconv.Atoi(d)
				if err != nil || len(ss.Desks) > appointment.MaxDesks {
					fe.Add("services", "web.appointment.sched.services_line", ln)
					break
				}
				ss.Desks = append(ss.Desks, n)
			}
		}
		sc.Services = append(sc.Services, ss)
	}
	for _, ln := range scheduleLines(v.Get("breaks"), appointment.MaxBreaks) {
		m := intervalRE.FindStringSubmatch(ln)
		if m == nil {
			fe.Add("breaks", "web.appointment.sched.interval_line", ln)
			continue
		}
		sc.Breaks = append(sc.Breaks, org.Interval{From: m[1], To: m[2]})
	}
	for _, ln := range scheduleLines(v.Get("exceptions"), appointment.MaxExceptions) {
		parts := strings.Fields(ln)
		d, err := calendar.ParseDate(parts[0])
		if err != nil {
			fe.Add("exceptions", "web.appointment.sched.exception_line", ln)
			continue
		}
		ex := appointment.Exception{Day: d}
		rest := parts[1:]
		for len(rest) > 0 {
			m := intervalRE.FindStringSubmatch(rest[0])
			if m == nil {
				break
			}
			ex.Hours, rest = append(ex.Hours, org.Interval{From: m[1], To: m[2]}), rest[1:]
		}
		ex.Note = strings.Join(rest, " ")
		sc.Exceptions = append(sc.Exceptions, ex)
	}
	return sc, fe.Err()
}

// scheduleFieldErr points the schedule's field problems ("services[2].slot_minutes")
// at the form's text areas ("services").
func scheduleFieldErr(err error) error {
	e := okno.AsError(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]okno.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if j := strings.IndexAny(f.Field, "[."); j > 0 {
			f.Field = f.Field[:j]
		}
		out.Fields[i] = f
	}
	return &out
}
