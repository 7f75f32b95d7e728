// Package calendar is the Russian production calendar (производственный
// календарь): which days are working days, holidays, moved days off and
// shortened days, as facts from government decrees for 2020–2027, kept as
// data that an administrator can correct; and the deadlines counted on it
// in calendar or working days, with pauses.
package calendar

import "time"

// Calendar is an immutable snapshot of the production calendar in one
// location (the region's time zone). Safe for concurrent use.
type Calendar struct {
	loc *time.Location
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }
