package web

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
)

// CalendarAdmin is package calendar's door for administrators:
// *calendar.Service implements it. Who may change the calendar the
// service decides again (region administrators); the page asks first, to
// refuse at once.
type CalendarAdmin interface {
	Current() *calendar.Calendar
	Year(ctx context.Context, year int) ([]calendar.Day, error)
	SetDay(ctx context.Context, actor okno.Actor, d calendar.Day) error
}

// calendarRoutes are the production calendar's pages. The rule admits
// administrators; the handlers admit region administrators only
// (Organisations.CanAdministerRegion), answering 403 to the others.
func (s *Server) calendarRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/admin/calendar", Access: StaffWith(okno.RoleAdmin), Handler: s.adminCalendar},
		{Method: "POST", Pattern: "/admin/calendar", Access: StaffWith(okno.RoleAdmin), Handler: s.adminCalendarSet},
	}
}
