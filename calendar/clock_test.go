package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

var msk = DefaultLocation()

// at is a Moscow time, "2006-01-02 15:04".
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, msk)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// midnight is the start of a Moscow day, "2006-01-02".
func midnight(t testing.TB, s string) time.Time { return at(t, s+" 00:00") }

func days(n int) Period     { return Period{Days: n, Unit: CalendarDays} }
func workdays(n int) Period { return Period{Days: n, Unit: WorkingDays} }

func TestDeadline(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		name  string
		start time.Time
		p     Period
		want  string // the day Due is the midnight of
	}{
		{"10 working days over the New Year holidays", at(t, "2025-12-26 15:00"), workdays(10), "2026-01-22"},
		{"10 working days across 2026/2027", at(t, "2026-12-28 09:00"), workdays(10), "2027-01-21"},
		{"a working Saturday counts (2021-02-20)", at(t, "2021-02-19 12:00"), workdays(1), "2021-02-21"},
		{"days off moved around 23 February 2021", at(t, "2021-02-19 12:00"), workdays(3), "2021-02-26"},
		{"2024's May moves", at(t, "2024-04-25 10:00"), workdays(5), "2024-05-07"},
		{"2024's working Saturday 28 December", at(t, "2024-12-27 10:00"), workdays(1), "2024-12-29"},
		{"from 2024's last working day into 2025", at(t, "2024-12-27 10:00"), workdays(2), "2025-01-10"},
		{"15 working days of a complaint over May", at(t, "2026-04-24 16:00"), workdays(15), "2026-05-20"},
		{"30 days", at(t, "2026-03-02 10:00"), days(30), "2026-04-02"},
		{"30 days ending on a holiday move to the next working day", at(t, "2026-04-09 10:00"), days(30), "2026-05-13"},
		{"30 days ending on a Saturday before holidays", at(t, "2026-02-05 10:00"), days(30), "2026-03-11"},
		{"30 days ending on a short day end on it", at(t, "2026-04-08 10:00"), days(30), "2026-05-09"},
		// 21:30 UTC on 1 March is 00:30 on 2 March in Moscow: the period
		// starts from the local date.
		{"the start's local date counts", time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC), days(30), "2026-04-02"},
		{"a year without data: weekends only", at(t, "2029-12-28 10:00"), workdays(10), "2030-01-12"},
		{"unit left empty counts calendar days", at(t, "2026-03-02 10:00"), Period{Days: 30}, "2026-04-02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Deadline(tc.start, tc.p)
			if want := midnight(t, tc.want); !got.Equal(want) {
				t.Errorf("Deadline(%s, %s) = %s, want %s", tc.start, tc.p, got, want)
			}
			if got.Location().String() != msk.String() {
				t.Errorf("Deadline is in %s, want %s", got.Location(), msk)
			}
		})
	}
	if got := c.Deadline(at(t, "2026-03-02 10:00"), Period{}); !got.IsZero() {
		t.Errorf("a zero period has deadline %s", got)
	}
}

func TestStart(t *testing.T) {
	c := embedded(t)
	got := c.Start(at(t, "2026-04-24 16:00"), workdays(15))
	want := Clock{Period: workdays(15), Due: midnight(t, "2026-05-20")}
	if got.Period != want.Period || !got.Due.Equal(want.Due) || got.Paused() {
		t.Errorf("Start = %+v, want %+v", got, want)
	}
}

func TestPauseResume(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		name          string
		start         time.Time
		p             Period
		due           string // before the pause, checked
		pause, resume time.Time
		want          string
	}{
		{
			// Due: 30 days → 9 Jan (moved day off) → 12 Jan. At the pause on
			// 26 Dec, 17 calendar days are left (27 Dec … 12 Jan); counted
			// again from 12 Jan they end on 29 Jan.
			name: "calendar days, paused over the New Year holidays", start: at(t, "2025-12-10 10:00"), p: days(30),
			due: "2026-01-13", pause: at(t, "2025-12-26 10:00"), resume: at(t, "2026-01-12 09:00"), want: "2026-01-30",
		},
		{
			// Due: 15 working days → 15 Jan. At the pause on 24 Dec, 8 working
			// days are left (25, 26, 29, 30 Dec, 12–15 Jan); from 13 Jan they
			// end on 23 Jan.
			name: "working days, paused over the New Year holidays", start: at(t, "2025-12-15 10:00"), p: workdays(15),
			due: "2026-01-16", pause: at(t, "2025-12-24 11:00"), resume: at(t, "2026-01-13 10:00"), want: "2026-01-24",
		},
		{
			name: "working days, paused and resumed the same day", start: at(t, "2025-12-15 10:00"), p: workdays(15),
			due: "2026-01-16", pause: at(t, "2025-12-24 09:00"), resume: at(t, "2025-12-24 17:00"), want: "2026-01-16",
		},
		{
			name: "calendar days, paused and resumed the same day", start: at(t, "2026-03-02 10:00"), p: days(30),
			due: "2026-04-02", pause: at(t, "2026-03-10 09:00"), resume: at(t, "2026-03-10 23:59"), want: "2026-04-02",
		},
		{
			name: "overdue when paused: keeps its deadline", start: at(t, "2025-12-15 10:00"), p: workdays(15),
			due: "2026-01-16", pause: at(t, "2026-01-20 10:00"), resume: at(t, "2026-02-01 10:00"), want: "2026-01-16",
		},
		{
			// Paused on its last day: nothing is left but the resume day,
			// a Saturday, so the period ends on the Monday after.
			name: "paused on the last day, resumed on a Saturday", start: at(t, "2026-03-02 10:00"), p: days(30),
			due: "2026-04-02", pause: at(t, "2026-04-01 10:00"), resume: at(t, "2026-04-04 12:00"), want: "2026-04-07",
		},
		{
			// Paused on Friday 24 April with 14 working days left (27 April
			// … 18 May); resumed on 12 May, they end on 1 June.
			name: "working days, paused over the May holidays", start: at(t, "2026-04-23 10:00"), p: workdays(15),
			due: "2026-05-19", pause: at(t, "2026-04-24 18:00"), resume: at(t, "2026-05-12 10:00"), want: "2026-06-02",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := c.Start(tc.start, tc.p)
			if !cl.Due.Equal(midnight(t, tc.due)) {
				t.Fatalf("Due before the pause = %s, want %s", cl.Due, tc.due)
			}
			paused := c.Pause(cl, tc.pause)
			if !paused.Paused() || !paused.PausedAt.Equal(tc.pause) || !paused.Due.Equal(cl.Due) {
				t.Fatalf("Pause = %+v", paused)
			}
			if again := c.Pause(paused, tc.resume); !again.PausedAt.Equal(tc.pause) {
				t.Errorf("pausing a paused clock moved PausedAt to %s", again.PausedAt)
			}
			got := c.Resume(paused, tc.resume)
			if got.Paused() {
				t.Errorf("still paused after Resume: %+v", got)
			}
			if want := midnight(t, tc.want); !got.Due.Equal(want) {
				t.Errorf("Due after Resume = %s, want %s", got.Due, want)
			}
			if got.Period != tc.p {
				t.Errorf("Period = %v, want %v", got.Period, tc.p)
			}
		})
	}
}

func TestResumeRunningClock(t *testing.T) {
	c := embedded(t)
	cl := c.Start(at(t, "2026-03-02 10:00"), days(30))
	if got := c.Resume(cl, at(t, "2026-03-20 10:00")); got != cl {
		t.Errorf("Resume of a running clock = %+v, want %+v", got, cl)
	}
	if got := c.Pause(Clock{}, at(t, "2026-03-20 10:00")); got.Paused() {
		t.Error("a clock without a deadline was paused")
	}
}

// TestResumeNeverShortens: over random clocks and pauses, resuming later
// than the pause never brings the deadline forward, and the last day is
// always a working day.
func TestResumeNeverShortens(t *testing.T) {
	c := embedded(t)
	r := rand.New(rand.NewPCG(3, 4))
	base := at(t, "2020-01-01 00:00")
	for range 2000 {
		p := Period{Days: 1 + r.IntN(60), Unit: []Unit{CalendarDays, WorkingDays}[r.IntN(2)]}
		start := base.Add(time.Duration(r.IntN(8*365*24)) * time.Hour)
		cl := c.Start(start, p)
		pause := start.Add(time.Duration(r.Int64N(int64(cl.Due.Sub(start)))))
		resume := pause.Add(time.Duration(r.IntN(40*24)) * time.Hour)
		got := c.Resume(c.Pause(cl, pause), resume)
		if got.Due.Before(cl.Due) {
			t.Fatalf("%s from %s paused %s resumed %s: Due %s before %s", p, start, pause, resume, got.Due, cl.Due)
		}
		if last := c.Date(got.Due).AddDays(-1); !c.IsWorkday(last) {
			t.Fatalf("%s from %s paused %s resumed %s: last day %s is a %s", p, start, pause, resume, last, c.Kind(last))
		}
	}
}
