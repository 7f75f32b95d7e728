package calendar

import "time"

// Periods are counted as the Civil Code counts them (art. 191–193):
//
//   - a period starts the day after the event: the start's local date
//     does not count;
//   - in calendar days, the last day is the start date + N; when that is
//     not a working day, the last day moves to the next working day;
//   - in working days, the last day is the N-th working day after the
//     start date;
//   - the period runs out at midnight (local) at the end of its last day:
//     Due is the start of the next day.
//
// Shortened days and working Saturdays are working days.

// Deadline is when period p started at start runs out: midnight (in the
// calendar's location) after its last day; days are counted from the day
// after start, working days skipping weekends and holidays. A zero period
// has no deadline: the zero time. Periods longer than MaxDays count as
// MaxDays.
func (c *Calendar) Deadline(start time.Time, p Period) time.Time {
	if p.Days <= 0 {
		return time.Time{}
	}
	return c.dueAfter(c.lastDay(c.Date(start), p.Unit, min(p.Days, MaxDays)))
}

// lastDay is the last day of a period of n days in unit begun on from.
func (c *Calendar) lastDay(from Date, u Unit, n int) Date {
	if u == WorkingDays {
		return c.nextWorkday(c.AddWorkdays(from, n))
	}
	return c.nextWorkday(from.AddDays(n))
}

// dueAfter is the moment a period whose last day is last runs out.
func (c *Calendar) dueAfter(last Date) time.Time { return last.AddDays(1).Midnight(c.loc) }

// Start starts a clock for period p at t.
func (c *Calendar) Start(t time.Time, p Period) Clock {
	return Clock{Period: p, Due: c.Deadline(t, p)}
}

// Pause pauses a running clock at t; a paused clock, and a clock without a
// deadline, is returned unchanged.
func (c *Calendar) Pause(cl Clock, t time.Time) Clock {
	if cl.Paused() || cl.Due.IsZero() {
		return cl
	}
	cl.PausedAt = t
	return cl
}

// Resume resumes a paused clock at t, moving Due on by the days spent
// paused, counted in the clock's unit; a running clock is returned unchanged.
//
// The days left at the pause — after the pause's local date, up to and
// including the last day — are counted again after t's local date, and
// the last day moves to a working day as at the start. Pausing and
// resuming on the same day leave Due as it was, and so does resuming a
// clock that was already overdue when it was paused: a pause does not
// revive a missed deadline.
func (c *Calendar) Resume(cl Clock, t time.Time) Clock {
	if !cl.Paused() {
		return cl
	}
	pausedAt := cl.PausedAt
	cl.PausedAt = time.Time{}
	if cl.Due.IsZero() || !pausedAt.Before(cl.Due) {
		return cl
	}
	paused, resumed := c.Date(pausedAt), c.Date(t)
	if !resumed.After(paused) {
		return cl
	}
	last := c.Date(cl.Due).AddDays(-1)
	var left int
	if cl.Period.Unit == WorkingDays {
		left = c.WorkdaysBetween(paused, last)
	} else {
		left = int(last.num() - paused.num())
	}
	cl.Due = c.dueAfter(c.lastDay(resumed, cl.Period.Unit, left))
	return cl
}
