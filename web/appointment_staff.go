package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/calendar"
)

// apptOfficesPage is /staff/offices: the offices of the organisation the
// staff member acts for.
type apptOfficesPage struct {
	Offices []apptStaffOffice
	Admin   bool // may edit schedules: links to them
}

type apptStaffOffice struct {
	apptOffice
	QueueURL, ScheduleURL string
}

// appointmentOffices serves GET /staff/offices.
func (s *Server) appointmentOffices(w http.ResponseWriter, r *http.Request) error {
	_, cat, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	ag, err := cat.Agency(ctx, actor.OrgID)
	if err != nil {
		return err
	}
	p := apptOfficesPage{Admin: actor.Has(okno.RoleAdmin)}
	for _, o := range ag.Offices {
		id := strconv.FormatInt(o.ID, 10)
		p.Offices = append(p.Offices, apptStaffOffice{apptOffice: toApptOffice(l, o),
			QueueURL: "/staff/offices/" + id + "/queue", ScheduleURL: "/admin/offices/" + id + "/schedule"})
	}
	return s.render(w, http.StatusOK, "appointment-offices", s.view(w, r, "web.appointment.offices_title", p))
}

// apptQueuePage is an office's queue of a day.
type apptQueuePage struct {
	Office           apptOffice
	Day              string
	DayValue         string
	PrevURL, NextURL string // the days before and after
	Rows             []apptQueueRow
	Pagination       Pagination
}

// apptQueueRow is one visitor expected.
type apptQueueRow struct {
	Time, Name, Service string
	Desk                int
	CaseURL             string
}

// appointmentQueue serves GET /staff/offices/{id}/queue?day=: the day's
// bookings in the order people come. Package appointment decides who may
// read it (the office's organisation's receiving staff and its
// administrators): anyone else is refused 403.
func (s *Server) appointmentQueue(w http.ResponseWriter, r *http.Request) error {
	appts, cat, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	ctx, l, actor := r.Context(), stateFrom(r.Context()).loc, okno.ActorFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
	}
	day, err := apptQueueDay(r.URL.Query().Get("day"), s.now())
	if err != nil {
		return err
	}
	page, err := appts.Queue(ctx, actor, id, day, r.URL.Query().Get("after"), appointment.MaxQueuePage)
	if err != nil {
		return err
	}
	names := s.apptNames(cat, l)
	o, err := names.office(ctx, id)
	if err != nil {
		return err
	}
	base := "/staff/offices/" + strconv.FormatInt(id, 10) + "/queue?day="
	p := apptQueuePage{Office: o, Day: apptDayLabel(l, day), DayValue: day.String(),
		PrevURL: base + day.AddDays(-1).String(), NextURL: base + day.AddDays(1).String()}
	for _, a := range page.Items {
		sv, err := names.service(ctx, a.ServiceID)
		if err != nil {
			return err
		}
		row := apptQueueRow{Time: a.Start.In(moscow).Format("15:04"), Service: sv.Title, Desk: a.Desk}
		if s.deps.Accounts != nil {
			// The name is what the desk greets the visitor by; the queue
			// shows nothing else of the person.
			if pr, err := s.deps.Accounts.Profile(ctx, a.UserID); err == nil {
				row.Name = pr.DisplayName
			} else if !okno.IsCode(err, okno.ENOTFOUND) {
				return err
			}
		}
		if a.CaseID != 0 {
			row.CaseURL = "/staff/cases/" + strconv.FormatInt(a.CaseID, 10)
		}
		p.Rows = append(p.Rows, row)
	}
	if page.Next != "" {
		p.Pagination.NextURL = base + day.String() + "&after=" + page.Next
	}
	return s.render(w, http.StatusOK, "appointment-queue", s.viewTitled(w, r, l.T("web.appointment.queue_title", o.Name), p))
}

// apptQueueDay reads ?day=, today by default.
func apptQueueDay(v string, now time.Time) (calendar.Date, error) {
	if v == "" {
		return calendar.DateOf(now.In(moscow)), nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return calendar.Date{}, apptFieldErr("day", "web.appointment.day_invalid")
	}
	return d, nil
}
