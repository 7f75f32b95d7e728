package appointment

import (
	"time"

	"github.com/okno/okno/calendar"
	"github.com/okno/okno/org"
)

// span is a stretch of a day in minutes after midnight, [from, to).
type span struct{ from, to int }

// closure says why an office does not receive on a day.
type closure string

const (
	open        closure = ""
	closedHol   closure = "holiday" // a public holiday of the production calendar
	closedDay   closure = "day_off" // a weekend, a moved day off, or an exception without hours
	shortenedBy         = 60        // minutes a pre-holiday day is shorter (Labour Code art. 95)
)

// day is what the schedule makes of one date: the spans the desks receive
// in, or why they do not.
func (sc Schedule) day(cal *calendar.Calendar, hours org.WorkingHours, d calendar.Date) ([]span, closure) {
	for _, ex := range sc.Exceptions {
		if ex.Day == d {
			if len(ex.Hours) == 0 {
				return nil, closedDay
			}
			// An exception is what the office says it keeps that day;
			// only the daily breaks still apply.
			return subtract(spans(ex.Hours), spans(sc.Breaks)), open
		}
	}
	kind := cal.Kind(d)
	switch {
	case kind == calendar.Holiday:
		return nil, closedHol
	case !kind.Working():
		return nil, closedDay
	}
	ivs := hours.Days[(int(d.Weekday())+6)%7]
	if len(ivs) == 0 {
		// A Saturday a decree made a working day: the office keeps its
		// first weekday's hours, as bodies usually do; an exception
		// says otherwise where they do not.
		for _, w := range hours.Days[:5] {
			if len(w) > 0 {
				ivs = w
				break
			}
		}
	}
	out := spans(ivs)
	if kind == calendar.Short && len(out) > 0 {
		last := &out[len(out)-1]
		last.to -= shortenedBy
		if last.to <= last.from {
			out = out[:len(out)-1]
		}
	}
	out = subtract(out, spans(sc.Breaks))
	if len(out) == 0 {
		return nil, closedDay
	}
	return out, open
}

// spans reads intervals already checked (schedules) or written by the
// catalogue (offices); a malformed one is skipped rather than trusted.
func spans(ivs []org.Interval) []span {
	out := make([]span, 0, len(ivs))
	for _, iv := range ivs {
		from, ok1 := minutes(iv.From)
		to, ok2 := minutes(iv.To)
		if ok1 && ok2 && from < to {
			out = append(out, span{from, to})
		}
	}
	return out
}

// subtract cuts the breaks out of the spans.
func subtract(in, breaks []span) []span {
	for _, b := range breaks {
		var out []span
		for _, s := range in {
			if b.to <= s.from || b.from >= s.to {
				out = append(out, s)
				continue
			}
			if s.from < b.from {
				out = append(out, span{s.from, b.from})
			}
			if b.to < s.to {
				out = append(out, span{b.to, s.to})
			}
		}
		in = out
	}
	return in
}

// starts lists the slot starts of one length within the spans: each span
// is cut into slots from its beginning, and a remainder shorter than a
// slot is left unbooked. Every start lies on the grid of cells counted
// from the span's beginning, so services of different lengths share cells.
func starts(ss []span, slot int) []int {
	var out []int
	for _, s := range ss {
		for t := s.from; t+slot <= s.to; t += slot {
			out = append(out, t)
		}
	}
	return out
}

// at is the instant of minute m of date d in loc.
func at(d calendar.Date, m int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, m, 0, 0, loc)
}

// cells lists the cell starts a slot covers.
func cells(start time.Time, slotMinutes, cellMinutes int) []time.Time {
	out := make([]time.Time, 0, slotMinutes/cellMinutes)
	for m := 0; m < slotMinutes; m += cellMinutes {
		out = append(out, start.Add(time.Duration(m)*time.Minute))
	}
	return out
}
