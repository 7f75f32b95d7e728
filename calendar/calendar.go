// Package calendar is the Russian production calendar (производственный
// календарь): which days are working days, holidays, moved days off and
// shortened days, as facts from government decrees for 2020–2027, kept as
// data that an administrator can correct; and the deadlines counted on it
// in calendar or working days, with pauses (Civil Code art. 191–193).
//
// A *Calendar is an immutable snapshot answering pure questions; a
// *Service keeps the administrators' corrections in the database and
// hands out the snapshot in force. The package must never import net/http
// or a feature package: features ask it, it asks nobody.
package calendar

import (
	"time"
)

// Kind says what sort of day a date is.
type Kind string

// The kinds of day. Workday and Short are working days; Weekend and Holiday
// are not.
const (
	// Workday is an ordinary working day, or a Saturday or Sunday a decree
	// made a working day (рабочая суббота).
	Workday Kind = "workday"
	// Weekend is a day off (выходной): a Saturday or Sunday, or a weekday
	// that a decree or the Labour Code (art. 112) made a day off.
	Weekend Kind = "weekend"
	// Holiday is a non-working holiday (нерабочий праздничный день, Labour
	// Code art. 112), or a day a presidential decree declared non-working.
	Holiday Kind = "holiday"
	// Short is a working day one hour shorter, before a holiday (art. 95).
	Short Kind = "short"
)

// Kinds lists the kinds in the order pages offer them.
var Kinds = []Kind{Workday, Short, Weekend, Holiday}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case Workday, Weekend, Holiday, Short:
		return true
	}
	return false
}

// Working reports whether people work on a day of this kind.
func (k Kind) Working() bool { return k == Workday || k == Short }

// Standard is the kind the five-day week alone gives d: Saturday and
// Sunday are days off, other days working days.
func Standard(d Date) Kind { return standardOfNum(d.num()) }

func standardOfNum(n int64) Kind {
	if wd := weekdayOfNum(n); wd == time.Saturday || wd == time.Sunday {
		return Weekend
	}
	return Workday
}

// Day is what the calendar says about one date beyond the five-day week:
// a holiday, a moved day off, a shortened or a working Saturday, or an
// administrator's correction.
type Day struct {
	Date  Date
	Kind  Kind
	Title string // the holiday's name or a note, e.g. "Новогодние каникулы"; may be empty
	From  Date   // a moved day off: the date it was moved from; else zero
	// UpdatedAt and UpdatedBy (an okno.Actor.Ref()) say who last changed
	// the day in the database; both are zero for the embedded facts.
	UpdatedAt time.Time
	UpdatedBy string
}

// standard reports whether the day says nothing the five-day week does
// not: such a day need not be listed.
func (d Day) standard() bool {
	return d.Kind == Standard(d.Date) && d.Title == "" && d.From.IsZero()
}

// fact is the part of a Day that is calendar data, without who changed
// it: what the audit log digests and what tells a change from a no-op.
type fact struct {
	Date  string `json:"date"`
	Kind  Kind   `json:"kind"`
	Title string `json:"title,omitempty"`
	From  string `json:"from,omitempty"`
}

func (d Day) fact() fact {
	return fact{Date: d.Date.String(), Kind: d.Kind, Title: d.Title, From: d.From.String()}
}

// Calendar is an immutable snapshot of the production calendar in one
// location (the region's time zone). Safe for concurrent use.
//
// Years the data does not cover (before 2020, after 2027, unless an
// administrator imported them) count only Saturdays and Sundays as days
// off: no holidays, no moved days. Import the year's calendar before
// counting deadlines in it.
type Calendar struct {
	loc      *time.Location
	days     map[int64]Kind // day number → kind, for days that differ or were corrected
	holidays map[int]bool   // years with at least one holiday: the years the data covers
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// DefaultLocation is Moscow time, where most regions' bodies count their
// deadlines. Without the system's time zone database it is a fixed UTC+3,
// which Moscow has kept since 2014.
func DefaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}

// FromDays builds a calendar in loc (nil: DefaultLocation) from days; a
// later day of the same date overrides an earlier one. Service builds its
// snapshots with it; tests build small calendars.
func FromDays(loc *time.Location, days []Day) *Calendar {
	if loc == nil {
		loc = DefaultLocation()
	}
	c := &Calendar{loc: loc, days: make(map[int64]Kind, len(days)), holidays: map[int]bool{}}
	for _, d := range days {
		c.days[d.Date.num()] = d.Kind
	}
	for n, k := range c.days {
		if k == Holiday {
			c.holidays[dateOfNum(n).Year] = true
		}
	}
	return c
}

// Embedded is the calendar of the facts built into Okno, without any
// administrator's corrections: for tools and tests that have no database.
func Embedded(loc *time.Location) (*Calendar, error) {
	days, err := embeddedDays()
	if err != nil {
		return nil, err
	}
	return FromDays(loc, days), nil
}

// Covers reports whether the calendar knows the holidays of year (it has
// at least one: every Russian year has the New Year holidays). Outside the
// years it covers only Saturdays and Sundays are days off.
func (c *Calendar) Covers(year int) bool { return c.holidays[year] }

// Date is t's date in the calendar's location.
func (c *Calendar) Date(t time.Time) Date { return DateOf(t.In(c.loc)) }

// Kind says what kind of day d is.
func (c *Calendar) Kind(d Date) Kind { return c.kindOf(d.num()) }

func (c *Calendar) kindOf(n int64) Kind {
	if k, ok := c.days[n]; ok {
		return k
	}
	return standardOfNum(n)
}

// IsWorkday reports whether d is a working day (shortened days are).
func (c *Calendar) IsWorkday(d Date) bool { return c.kindOf(d.num()).Working() }

// AddWorkdays is the n-th working day after d (d itself does not count),
// or before d when n < 0; d itself when n == 0. It is where a period of n
// working days begun on d ends.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	day, step := d.num(), int64(1)
	if n < 0 {
		n, step = -n, -1
	}
	for n > 0 {
		day += step
		if c.kindOf(day).Working() {
			n--
		}
	}
	return dateOfNum(day)
}

// WorkdaysBetween counts the working days after from up to and including
// to; when to is before from, it is minus WorkdaysBetween(to, from). It
// undoes AddWorkdays: WorkdaysBetween(d, AddWorkdays(d, n)) == n for n >= 0,
// and for n < 0 when d is a working day.
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	a, b, sign := from.num(), to.num(), 1
	if b < a {
		a, b, sign = b, a, -1
	}
	n := 0
	for day := a + 1; day <= b; day++ {
		if c.kindOf(day).Working() {
			n++
		}
	}
	return sign * n
}

// nextWorkday is d when it is a working day, else the first working day
// after it (Civil Code art. 193).
func (c *Calendar) nextWorkday(d Date) Date {
	n := d.num()
	for !c.kindOf(n).Working() {
		n++
	}
	return dateOfNum(n)
}
