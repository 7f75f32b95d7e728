package app

import (
	"context"
	"time"

	"github.com/okno/okno/appointment"
)

// appointmentPruneEvery is how often the cells of past days are dropped.
const appointmentPruneEvery = 24 * time.Hour

// openAppointments builds booking visits to offices on the catalogue's
// offices and the production calendar; reminders go through notify.
func (a *App) openAppointments(ctx context.Context) error {
	a.Appointments = appointment.New(appointment.Deps{
		DB: a.DB, Audit: a.Audit, Outbox: a.Outbox, Catalog: a.Services, Calendars: a.Calendar,
		Cases: a.Cases, Admins: a.Orgs, Notices: a.Notices, Logger: a.log, Now: a.cfg.Now,
	})
	a.Appointments.Register(a.Outbox)
	return nil
}
