// Package appointment is booking a visit to an office (запись на приём):
// each office's reception schedule (desks, the services they serve, slot
// lengths, breaks and exceptional days), the free slots computed from it,
// the office's hours and the production calendar, and the bookings
// citizens make, move and cancel, with a reminder the day before and the
// operator's queue of the day.
//
// Slots are computed, never stored ahead for a horizon: a schedule edit
// takes effect at once and nothing needs regenerating. What keeps two
// people from holding the same time is the database, not Go: a booking
// writes a row per grid cell it covers into appointment_cells, whose
// primary key (office, start, desk) refuses the second writer on either
// engine under any concurrency; the loser gets a *TakenError with the next
// free slots.
//
// The package never imports net/http and never reads another feature's
// tables: the catalogue (offices, services), cases and notices are asked
// through the small interfaces below.
package appointment

import (
	"context"
	"log/slog"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// Status is where a booking stands.
type Status string

// The statuses. A visit that took place stays booked: the queue is the
// office's record of who came.
const (
	StatusBooked    Status = "booked"
	StatusCancelled Status = "cancelled"
)

// Appointment is one booking.
type Appointment struct {
	ID        int64
	OfficeID  int64
	ServiceID int64
	UserID    int64 // the citizen
	CaseID    int64 // 0: not tied to a case
	Desk      int   // the desk (окно) number, from 1
	Start     time.Time
	End       time.Time
	Status    Status
	Version   int64 // grows with every move and the cancellation
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Slot is a time one may book for a service: its start, end and how many
// desks are free then.
type Slot struct {
	Start time.Time
	End   time.Time
	Free  int
}

// BookInput is a citizen's booking.
type BookInput struct {
	OfficeID int64
	Service  string    // the catalogue's service code
	Start    time.Time // one of the slots Available gives
	CaseID   int64     // optional: the citizen's case the visit is for
	// IdempotencyKey makes a repeated request (a double click, a retry)
	// return the first booking instead of making a second.
	IdempotencyKey string
}

// Limits bound what citizens may hold and ask for.
type Limits struct {
	// MaxPerService is how many future bookings a citizen may hold for
	// one service (default 1: a second is a double booking).
	MaxPerService int
	// MaxFuture is how many future bookings a citizen may hold in all
	// (default 5).
	MaxFuture int
	// Alternatives is how many free slots a "slot taken" error offers
	// (default 3).
	Alternatives int
	// RemindHour is the local hour of the day before a visit when its
	// reminder is sent (default 10).
	RemindHour int
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxPerService <= 0 {
		l.MaxPerService = 1
	}
	if l.MaxFuture <= 0 {
		l.MaxFuture = 5
	}
	if l.Alternatives <= 0 {
		l.Alternatives = 3
	}
	if l.RemindHour <= 0 || l.RemindHour > 23 {
		l.RemindHour = 10
	}
	return l
}

// Catalog is what bookings need of the catalogue; *catalog.Catalog
// implements it.
type Catalog interface {
	Get(ctx context.Context, code string) (catalog.Service, error)
	ByID(ctx context.Context, id int64) (catalog.Service, error)
	Offices(ctx context.Context, ids []int64) ([]catalog.Office, error)
}

// Calendars gives the production calendar in force; *calendar.Service
// implements it.
type Calendars interface {
	Current() *calendar.Calendar
}

// Cases lets a booking name the citizen's case; *casework.Service
// implements it (a citizen gets not_found for a case not their own).
type Cases interface {
	Get(ctx context.Context, actor okno.Actor, id int64) (casework.Case, error)
}

// Admins says who may edit an office's schedule: administrators of the
// office's organisation; *org.Service implements it.
type Admins interface {
	CanAdminister(ctx context.Context, actor okno.Actor, orgID int64) (bool, error)
}

// Notices sends the reminders; *notify.Notices implements it.
type Notices interface {
	Notify(ctx context.Context, tx *sqldb.Tx, n notify.Notice) error
}

// Deps is what the service is built from.
type Deps struct {
	DB        *sqldb.DB
	Audit     audit.Appender
	Outbox    outbox.Enqueuer
	Catalog   Catalog
	Calendars Calendars
	Cases     Cases   // nil: bookings cannot name a case
	Admins    Admins  // nil: only okno.System edits schedules
	Notices   Notices // nil: reminders are dropped (tools, tests)
	Limits    Limits
	Logger    *slog.Logger
	Now       func() time.Time
}

// Service is appointments.
type Service struct {
	d Deps
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	d.Limits = d.Limits.withDefaults()
	return &Service{d: d}
}

// Page is one page of a list and the cursor of the next ("" at the end).
type Page[T any] struct {
	Items []T
	Next  string
}

// office returns the catalogue's office, or not_found naming field.
func (s *Service) office(ctx context.Context, id int64, field string) (catalog.Office, error) {
	if id > 0 {
		os, err := s.d.Catalog.Offices(ctx, []int64{id})
		if err != nil {
			return catalog.Office{}, err
		}
		if len(os) == 1 {
			return os[0], nil
		}
	}
	return catalog.Office{}, &okno.Error{Code: okno.ENOTFOUND, Key: "appointment.office_unknown",
		Fields: []okno.FieldError{{Field: field, Key: "appointment.office_unknown"}}}
}
