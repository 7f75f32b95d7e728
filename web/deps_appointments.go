package web

import (
	"context"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/catalog"
)

// Appointments is package appointment's door: *appointment.Service
// implements it. Booking a visit, the citizen's bookings, the operator's
// queue of the day and office schedules use it.
type Appointments interface {
	OfficesFor(ctx context.Context, service string) ([]catalog.Office, error)
	Available(ctx context.Context, officeID int64, service string, from, to time.Time) ([]appointment.Slot, error)
	Book(ctx context.Context, actor okno.Actor, in appointment.BookInput) (appointment.Appointment, error)
	Get(ctx context.Context, actor okno.Actor, id int64) (appointment.Appointment, error)
	Mine(ctx context.Context, actor okno.Actor, after string, limit int) (appointment.Page[appointment.Appointment], error)
	Move(ctx context.Context, actor okno.Actor, id int64, start time.Time) (appointment.Appointment, error)
	Cancel(ctx context.Context, actor okno.Actor, id int64) (appointment.Appointment, error)
	Queue(ctx context.Context, actor okno.Actor, officeID int64, day calendar.Date, after string, limit int) (appointment.Page[appointment.Appointment], error)
	Schedule(ctx context.Context, officeID int64) (appointment.Schedule, error)
	SetSchedule(ctx context.Context, actor okno.Actor, sc appointment.Schedule) (appointment.Schedule, error)
}

// appointmentCatalog is what the booking pages read of the catalogue
// besides Services: a booking names its service by ID. *catalog.Catalog
// implements it; the pages reach it through Deps.Services.
type appointmentCatalog interface {
	ByID(ctx context.Context, id int64) (catalog.Service, error)
	Offices(ctx context.Context, ids []int64) ([]catalog.Office, error)
	Get(ctx context.Context, code string) (catalog.Service, error)
	Agency(ctx context.Context, orgID int64) (catalog.Agency, error)
}

// appointmentDeps returns the two doors the booking pages need, or an
// internal error when the server was built without them.
func (s *Server) appointmentDeps() (Appointments, appointmentCatalog, error) {
	c, ok := s.deps.Services.(appointmentCatalog)
	if !ok || c == nil || s.deps.Appointments == nil {
		return nil, nil, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	return s.deps.Appointments, c, nil
}
