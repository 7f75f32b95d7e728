package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
)

// The appointments API. Free slots are public (the booking page shows them
// to anyone). Booking through the API is for signed-in citizens — the
// portal's own scripts, with the session's CSRF token — because the API
// has no identity of a citizen behind a key: package appointment refuses
// keys and staff (403), and an operator booking for a caller is a later
// door. The queue is for the office's staff signed in (it names people);
// keys are refused by the same rule as the page.

// apiSlot is a free slot. Times go out in UTC, whatever zone they were
// computed or stored in, so that equal times read equal.
type apiSlot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Free  int       `json:"free"`
}

// apiAppointment is a booking.
type apiAppointment struct {
	ID        int64     `json:"id"`
	OfficeID  int64     `json:"office_id"`
	ServiceID int64     `json:"service_id"`
	CaseID    int64     `json:"case_id,omitempty"`
	Desk      int       `json:"desk"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Status    string    `json:"status"`
	Version   int64     `json:"version"`
}

func toAPIAppointment(a appointment.Appointment) apiAppointment {
	return apiAppointment{ID: a.ID, OfficeID: a.OfficeID, ServiceID: a.ServiceID, CaseID: a.CaseID, Desk: a.Desk,
		Start: a.Start.UTC(), End: a.End.UTC(), Status: string(a.Status), Version: a.Version}
}

func toAPISlots(ss []appointment.Slot) []apiSlot {
	out := make([]apiSlot, 0, len(ss))
	for _, s := range ss {
		out = append(out, apiSlot{Start: s.Start.UTC(), End: s.End.UTC(), Free: s.Free})
	}
	return out
}

// apiSlots serves GET /api/v1/offices/{id}/slots?service=&from=&to=: from
// and to are RFC 3339 times (default: now and a week on), at most
// appointment.MaxRangeDays apart.
func (s *Server) apiSlots(w http.ResponseWriter, r *http.Request) error {
	appts, _, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
	}
	q := r.URL.Query()
	var fe okno.FieldErrors
	from, to := s.now(), s.now().Add(7*24*time.Hour)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fe.Add(name, "web.appointment.api.time_invalid")
			}
			*dst = t
		}
	}
	if q.Get("service") == "" {
		fe.Add("service", "appointment.service_unknown")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	slots, err := appts.Available(r.Context(), id, q.Get("service"), from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"slots": toAPISlots(slots)})
}

// apiBookRequest is the body of POST /api/v1/appointments.
type apiBookRequest struct {
	OfficeID int64     `json:"office_id"`
	Service  string    `json:"service"`
	Start    time.Time `json:"start"`
	CaseID   int64     `json:"case_id"`
}

// apiTakenProblem is the 409 of a slot taken meanwhile: the problem and
// the next free slots to offer instead.
type apiTakenProblem struct {
	Problem
	Alternatives []apiSlot `json:"alternatives"`
}

// apiBook serves POST /api/v1/appointments with an Idempotency-Key: a
// repeated key answers the first booking.
func (s *Server) apiBook(w http.ResponseWriter, r *http.Request) error {
	appts, _, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in apiBookRequest
	if err := decodeJSON(http.MaxBytesReader(nil, r.Body, 4<<10), &in); err != nil {
		return err
	}
	a, err := appts.Book(r.Context(), okno.ActorFrom(r.Context()), appointment.BookInput{OfficeID: in.OfficeID, Service: in.Service,
		Start: in.Start, CaseID: in.CaseID, IdempotencyKey: key})
	var taken *appointment.TakenError
	if errors.As(err, &taken) {
		st := stateFrom(r.Context())
		msg, _ := st.loc.Error(err)
		p := apiTakenProblem{Problem: Problem{Type: problemType(okno.ECONFLICT), Title: st.loc.T("error.conflict"),
			Status: http.StatusConflict, Detail: msg, RequestID: st.id}, Alternatives: toAPISlots(taken.Alternatives)}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusConflict)
		return json.NewEncoder(w).Encode(p)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toAPIAppointment(a))
}

// apiQueuePage is one page of a day's queue.
type apiQueuePage struct {
	Items []apiAppointment `json:"items"`
	Next  string           `json:"next,omitempty"`
}

// apiQueue serves GET /api/v1/offices/{id}/queue?day=YYYY-MM-DD.
func (s *Server) apiQueue(w http.ResponseWriter, r *http.Request) error {
	appts, _, err := s.appointmentDeps()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "appointment.office_unknown")
	}
	day, err := apptQueueDay(r.URL.Query().Get("day"), s.now())
	if err != nil {
		return err
	}
	page, err := appts.Queue(r.Context(), okno.ActorFrom(r.Context()), id, day, r.URL.Query().Get("after"), 0)
	if err != nil {
		return err
	}
	items := make([]apiAppointment, 0, len(page.Items))
	for _, a := range page.Items {
		items = append(items, toAPIAppointment(a))
	}
	return writeJSON(w, http.StatusOK, apiQueuePage{Items: items, Next: page.Next})
}
