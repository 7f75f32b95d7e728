package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/i18n"
)

// apptView is one booking as the citizen's pages show it.
type apptView struct {
	ID               int64
	URL              string
	Service          string
	Office           apptOffice
	When             string // «вторник, 09.03.2027, 10:15»
	Desk             int
	Status           Tag
	Booked, Upcoming bool
	CaseURL          string
	Bring            []string // the documents to bring
	Originals        bool     // tied to a case: bring the originals
}

// apptNames caches the names of services and offices while one page is drawn.
type apptNames struct {
	cat      appointmentCatalog
	l        i18n.Localizer
	services map[int64]apptService
	offices  map[int64]apptOffice
}

type apptService struct {
	Title, Code string
	Bring       []string
}

func (s *Server) apptNames(cat appointmentCatalog, l i18n.Localizer) *apptNames {
	return &apptNames{cat: cat, l: l, services: map[int64]apptService{}, offices: map[int64]apptOffice{}}
}

func (n *apptNames) service(ctx context.Context, id int64) (apptService, error) {
	if sv, ok := n.services[id]; ok {
		return sv, nil
	}
	sv, err := n.cat.ByID(ctx, id)
	if err != nil {
		return apptService{}, err
	}
	lang := string(n.l.Lang())
	out := apptService{Title: sv.Title.In(lang), Code: sv.Code}
	for _, d := range sv.Card.Documents {
		if !d.ByBody && (d.Required || d.Original) {
			out.Bring = append(out.Bring, d.Title.In(lang))
		}
	}
	n.services[id] = out
	return out, nil
}

func (n *apptNames) office(ctx context.Context, id int64) (apptOffice, error) {
	if o, ok := n.offices[id]; ok {
		return o, nil
	}
	os, err := n.cat.Offices(ctx, []int64{id})
	if err != nil {
		return apptOffice{}, err
	}
	if len(os) == 0 {
		return apptOffice{}, okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
	}
	n.offices[id] = toApptOffice(n.l, os[0])
	return n.offices[id], nil
}

// view describes a booking; now says whether it is still to come.
func (n *apptNames) view(ctx context.Context, a appointment.Appointment, now time.Time) (apptView, error) {
	sv, err := n.service(ctx, a.ServiceID)
	if err != nil {
		return apptView{}, err
	}
	o, err := n.office(ctx, a.OfficeID)
	if err != nil {
		return apptView{}, err
	}
	v := apptView{ID: a.ID, URL: apptURL(a.ID), Service: sv.Title, Office: o, When: apptWhen(n.l, a.Start), Desk: a.Desk,
		Booked: a.Status == appointment.StatusBooked, Upcoming: a.Start.After(now), Bring: sv.Bring}
	switch {
	case !v.Booked:
		v.Status = Tag{Text: n.l.T("web.appointment.status.cancelled"), Colour: "grey"}
	case v.Upcoming:
		v.Status = Tag{Text: n.l.T("web.appointment.status.booked"), Colour: "green"}
	default:
		v.Status = Tag{Text: n.l.T("web.appointment.status.past"), Colour: "grey"}
	}
	if a.CaseID != 0 {
		v.CaseURL, v.Originals = "/cabinet/cases/"+strconv.FormatInt(a.CaseID, 10), true
	}
	return v, nil
}

// apptWhen is a visit's day and time.
func apptWhen(l i18n.Localizer, t time.Time) string {
	return apptDayLabel(l, calendar.DateOf(t.In(moscow))) + ", " + t.In(moscow).Format("15:04")
}

// apptMinePage is «Записи на приём».
type apptMinePage struct {
	Items      []apptView
	Pagination Pagination
}

// appointmentMine serves GET /cabinet/appointments: the citizen's bookings,
// the upcoming first.
func (s *Server) appointmentMine(w http.ResponseWriter, r *http.Request) error {
	appts, cat, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	page, err := appts.Mine(ctx, okno.ActorFrom(ctx), r.URL.Query().Get("after"), appointment.DefaultPage)
	if err != nil {
		return err
	}
	names, now := s.apptNames(cat, l), s.now()
	var p apptMinePage
	for _, a := range page.Items {
		v, err := names.view(ctx, a, now)
		if err != nil {
			return err
		}
		p.Items = append(p.Items, v)
	}
	if page.Next != "" {
		p.Pagination.NextURL = "/cabinet/appointments?after=" + page.Next
	}
	return s.render(w, http.StatusOK, "appointment-mine", s.view(w, r, "web.appointment.mine_title", p))
}

// apptShowPage is one booking: the confirmation after booking or moving
// (Panel set), and the page to move or cancel it from.
type apptShowPage struct {
	Panel *Panel
	Item  apptView
}

// appointmentShow serves GET /cabinet/appointments/{id}; ?booked=1 (the
// redirect after booking or moving) heads it with the confirmation panel.
func (s *Server) appointmentShow(w http.ResponseWriter, r *http.Request) error {
	a, v, err := s.apptOwn(r)
	if err != nil {
		return err
	}
	l := stateFrom(r.Context()).loc
	p := apptShowPage{Item: v}
	if r.URL.Query().Get("booked") != "" && a.Status == appointment.StatusBooked {
		p.Panel = &Panel{Title: l.T("web.appointment.booked_title"), Body: v.When, Reference: v.Office.Name}
	}
	return s.render(w, http.StatusOK, "appointment-show", s.view(w, r, "web.appointment.show_title", p))
}

// apptOwn is the booking of the request as its citizen sees it; another
// citizen's is not found.
func (s *Server) apptOwn(r *http.Request) (appointment.Appointment, apptView, error) {
	appts, cat, err := s.appointmentDeps()
	if err != nil {
		return appointment.Appointment{}, apptView{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return appointment.Appointment{}, apptView{}, okno.Errorf(okno.ENOTFOUND, "appointment.not_found")
	}
	ctx := r.Context()
	a, err := appts.Get(ctx, okno.ActorFrom(ctx), id)
	if err != nil {
		return appointment.Appointment{}, apptView{}, err
	}
	v, err := s.apptNames(cat, stateFrom(ctx).loc).view(ctx, a, s.now())
	return a, v, err
}

// apptMovePage chooses another time for a booking: the days, then the
// times of one, like booking.
type apptMovePage struct {
	Item     apptView
	Action   string
	Days     []apptDayLink
	Day      string
	DayValue string
	Form     Form
	Time     Field
	Taken    bool
	NoSlots  bool
}

// appointmentMoveForm serves GET /cabinet/appointments/{id}/move?day=.
func (s *Server) appointmentMoveForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderMove(w, r, http.StatusOK, r.URL.Query().Get("day"), nil, nil, nil)
}

// appointmentMove serves POST /cabinet/appointments/{id}/move: the
// booking moves, or the page comes back with why not (the new time taken
// meanwhile: its alternatives offered) and the booking kept.
func (s *Server) appointmentMove(w http.ResponseWriter, r *http.Request) error {
	appts, _, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "appointment.not_found")
	}
	start, err := parseSlot(r.PostFormValue("start"))
	if err == nil {
		var a appointment.Appointment
		if a, err = appts.Move(r.Context(), okno.ActorFrom(r.Context()), id, start); err == nil {
			return seeOther(w, r, apptURL(a.ID)+"?booked=1")
		}
	}
	var taken *appointment.TakenError
	if errors.As(err, &taken) {
		return s.renderMove(w, r, http.StatusConflict, r.PostFormValue("day"), r.PostForm, err, taken.Alternatives)
	}
	if userError(err) && !okno.IsCode(err, okno.ENOTFOUND) {
		return s.renderMove(w, r, formStatus(err), r.PostFormValue("day"), r.PostForm, err, nil)
	}
	return err
}

func (s *Server) renderMove(w http.ResponseWriter, r *http.Request, status int, day string, values map[string][]string, ferr error, alts []appointment.Slot) error {
	a, v, err := s.apptOwn(r)
	if err != nil {
		return err
	}
	if !v.Booked || !v.Upcoming {
		return okno.Errorf(okno.ECONFLICT, "appointment.not_booked")
	}
	appts, cat, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	ctx, l := r.Context(), stateFrom(r.Context()).loc
	sv, err := s.apptNames(cat, l).service(ctx, a.ServiceID)
	if err != nil {
		return err
	}
	p := apptMovePage{Item: v, Action: v.URL + "/move"}
	p.Form = NewForm(l, values, ferr, Field{Name: "start"})
	d, dayErr := calendar.ParseDate(day)
	if day == "" || dayErr != nil {
		if p.Days, err = s.apptDays(r, appts, a.OfficeID, sv.Code, p.Action+"?day="); err != nil {
			return err
		}
		p.NoSlots = len(p.Days) == 0
		return s.render(w, status, "appointment-move", s.view(w, r, "web.appointment.move_title", p))
	}
	p.Day, p.DayValue = apptDayLabel(l, d), d.String()
	slots := alts
	if alts != nil {
		p.Taken = true
	} else {
		from := d.Midnight(moscow)
		if slots, err = appts.Available(ctx, a.OfficeID, sv.Code, from, from.AddDate(0, 0, 1)); err != nil && !userError(err) {
			return err
		}
	}
	p.Time = p.Form.Fields[0]
	p.Time.Type, p.Time.Label = "radios", l.T("web.appointment.time_label")
	for _, sl := range slots {
		p.Time.Options = append(p.Time.Options, Option{Value: strconv.FormatInt(sl.Start.Unix(), 10), Label: apptWhen(l, sl.Start)})
	}
	p.NoSlots = len(slots) == 0
	return s.render(w, status, "appointment-move", s.view(w, r, "web.appointment.move_title", p))
}

// appointmentCancelForm serves GET /cabinet/appointments/{id}/cancel: the
// confirmation step before cancelling.
func (s *Server) appointmentCancelForm(w http.ResponseWriter, r *http.Request) error {
	_, v, err := s.apptOwn(r)
	if err != nil {
		return err
	}
	if !v.Booked || !v.Upcoming {
		return okno.Errorf(okno.ECONFLICT, "appointment.not_booked")
	}
	return s.render(w, http.StatusOK, "appointment-cancel", s.view(w, r, "web.appointment.cancel_title", apptShowPage{Item: v}))
}

// appointmentCancel serves POST /cabinet/appointments/{id}/cancel.
func (s *Server) appointmentCancel(w http.ResponseWriter, r *http.Request) error {
	appts, _, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "appointment.not_found")
	}
	a, err := appts.Cancel(r.Context(), okno.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return seeOther(w, r, apptURL(a.ID))
}
