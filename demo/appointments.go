package demo

import (
	"context"
	"fmt"
	"slices"

	"github.com/okno/okno"
	"github.com/okno/okno/appointment"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/org"
)

// Appointments is what the demo schedules need of package appointment;
// *appointment.Service implements it.
type Appointments interface {
	Schedule(ctx context.Context, officeID int64) (appointment.Schedule, error)
	SetSchedule(ctx context.Context, actor okno.Actor, sc appointment.Schedule) (appointment.Schedule, error)
}

// maxDemoServicePages bounds the walk over the demo catalogue: far more
// pages than the demo has.
const maxDemoServicePages = 50

// LoadAppointments gives every demo office that receives some published
// service a reception schedule: the МФЦ offices four desks with a lunch
// at the desks (their doors stay open 9:00–21:00), the bodies' own
// receptions two desks (their lunch is in their hours already);
// applications take half an hour, the rest a quarter. An office that has a
// schedule keeps it — what an administrator changed stays changed — so a
// second start writes nothing. It returns how many schedules it wrote.
// Call it after LoadCatalog.
func LoadAppointments(ctx context.Context, c *catalog.Catalog, appts Appointments) (int, error) {
	byOffice := map[int64][]appointment.ServiceSlot{}
	after := ""
	for range maxDemoServicePages {
		page, err := c.List(ctx, catalog.Query{After: after, Limit: 100})
		if err != nil {
			return 0, fmt.Errorf("demo appointments: services: %w", err)
		}
		for _, sum := range page.Items {
			sv, err := c.Get(ctx, sum.Code)
			if err != nil {
				return 0, fmt.Errorf("demo appointments: service %s: %w", sum.Code, err)
			}
			minutes := 15
			if sv.Kind == catalog.KindApplication {
				minutes = 30
			}
			for _, id := range sv.OfficeIDs {
				byOffice[id] = append(byOffice[id], appointment.ServiceSlot{Service: sv.Code, SlotMinutes: minutes})
			}
		}
		if after = page.Next; after == "" {
			break
		}
	}
	ids := make([]int64, 0, len(byOffice))
	for id := range byOffice {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	offices, err := c.Offices(ctx, ids)
	if err != nil {
		return 0, fmt.Errorf("demo appointments: offices: %w", err)
	}
	written := 0
	for _, o := range offices {
		switch _, err := appts.Schedule(ctx, o.ID); {
		case err == nil:
			continue
		case !okno.IsCode(err, okno.ENOTFOUND):
			return written, fmt.Errorf("demo appointments: office %d: %w", o.ID, err)
		}
		if _, err := appts.SetSchedule(ctx, okno.System, demoSchedule(o, byOffice[o.ID])); err != nil {
			return written, fmt.Errorf("demo appointments: office %d: %w", o.ID, err)
		}
		written++
	}
	return written, nil
}

// demoSchedule is an office's reception: МФЦ offices (open all day, every
// day) have more desks and a lunch at the desks; a body's reception keeps
// the lunch its hours already have.
func demoSchedule(o catalog.Office, services []appointment.ServiceSlot) appointment.Schedule {
	sc := appointment.Schedule{OfficeID: o.ID, Desks: 2, CellMinutes: 15, HorizonDays: 30, Services: services}
	if allDay(o.Hours) {
		sc.Desks = 4
		sc.Breaks = []org.Interval{{From: "13:00", To: "13:45"}}
	}
	return sc
}

// allDay reports whether an office works without a lunch break every day
// it opens.
func allDay(h org.WorkingHours) bool {
	open := false
	for _, d := range h.Days {
		if len(d) > 1 {
			return false
		}
		open = open || len(d) == 1
	}
	return open
}
