package calendar

import (
	"fmt"
	"time"
)

// Date is a day of the calendar without a time of day or a zone: what the
// production calendar and the law count in. Its zero value is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's own location; Calendar.Date converts to
// the calendar's location first.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written as in ISO 8601, "2026-01-09": the form
// the database, the embedded facts and the API use.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String writes the date as ParseDate reads it; the zero date is "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d == Date{} }

// Midnight is the start of the day in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays is the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return dateOfNum(d.num() + int64(n)) }

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday { return weekdayOfNum(d.num()) }

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool { return d.num() < e.num() }

// After reports whether d comes after e.
func (d Date) After(e Date) bool { return d.num() > e.num() }

// num is the number of days since 1970-01-01: the calendar counts in it,
// so stepping a day is an addition and looking one up is a map access.
func (d Date) num() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

const secondsPerDay = 24 * 60 * 60

func dateOfNum(n int64) Date { return DateOf(time.Unix(n*secondsPerDay, 0).UTC()) }

// weekdayOfNum: 1970-01-01 was a Thursday.
func weekdayOfNum(n int64) time.Weekday {
	return time.Weekday(((n+int64(time.Thursday))%7 + 7) % 7)
}

// valid reports whether d names a real day (not 31 April) of a year the
// calendar accepts.
func (d Date) valid() bool {
	return d.Year >= MinYear && d.Year <= MaxYear && dateOfNum(d.num()) == d
}

// MinYear and MaxYear bound the years the calendar stores corrections for:
// wide enough for any case a region handles, narrow enough that a typo
// ("20026") is caught.
const (
	MinYear = 2000
	MaxYear = 2099
)
