package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Unit is how a period counts days.
type Unit string

// The units.
const (
	CalendarDays Unit = "calendar" // every day counts (the default)
	WorkingDays  Unit = "working"  // only working days of the production calendar count
)

// MaxDays bounds a period's length: no regulation gives ten years, and a
// bound keeps counting a deadline cheap whatever a definition says.
const MaxDays = 3660

// Period is a length of time the law or a regulation gives: "30 days",
// "15 working days". It is what process definitions declare.
type Period struct {
	Days int  `json:"days"`
	Unit Unit `json:"unit,omitempty"`
}

// String writes the period compactly, as stored: "30d", "15w".
func (p Period) String() string {
	if p.Days == 0 {
		return ""
	}
	if p.Unit == WorkingDays {
		return strconv.Itoa(p.Days) + "w"
	}
	return strconv.Itoa(p.Days) + "d"
}

// ParsePeriod reads what String writes; "" is the zero period.
func ParsePeriod(s string) (Period, error) {
	if s == "" {
		return Period{}, nil
	}
	u := CalendarDays
	switch {
	case strings.HasSuffix(s, "w"):
		u = WorkingDays
	case strings.HasSuffix(s, "d"):
	default:
		return Period{}, fmt.Errorf("period %q: want a number of days followed by d or w", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > MaxDays {
		return Period{}, fmt.Errorf("period %q: want a positive number of days, at most %d", s, MaxDays)
	}
	return Period{Days: n, Unit: u}, nil
}

// Clock is a running deadline: the period it counts, when it runs out, and
// since when it is paused (zero while it runs). Due is always the start of
// a day in the calendar's location: a period ends at midnight after its
// last day, as Russian law counts periods.
type Clock struct {
	Period   Period
	Due      time.Time
	PausedAt time.Time
}

// Paused reports whether the clock is paused.
func (c Clock) Paused() bool { return !c.PausedAt.IsZero() }
