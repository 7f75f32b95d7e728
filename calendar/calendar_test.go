package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// embedded is the calendar of the embedded facts in Moscow time.
func embedded(t testing.TB) *Calendar {
	t.Helper()
	c, err := Embedded(nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestKind(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		date string
		want Kind
		why  string
	}{
		{"2026-01-01", Holiday, "New Year"},
		{"2026-01-03", Holiday, "a holiday on a Saturday stays a holiday"},
		{"2026-01-09", Weekend, "day off moved from 3 January"},
		{"2026-01-10", Weekend, "a plain Saturday"},
		{"2026-01-12", Workday, "a plain Monday"},
		{"2026-04-30", Short, "before 1 May"},
		{"2021-02-20", Short, "a working Saturday, shortened"},
		{"2021-02-22", Weekend, "moved from 20 February"},
		{"2024-04-27", Workday, "a working Saturday"},
		{"2024-04-29", Weekend, "moved from 27 April"},
		{"2024-12-28", Workday, "a working Saturday"},
		{"2024-12-31", Weekend, "moved from 7 January"},
		{"2020-04-15", Holiday, "non-working by decree (COVID-19)"},
		{"2027-11-05", Weekend, "moved from 2 January"},
		{"2030-01-01", Workday, "a year without data counts weekends only"},
		{"2030-01-05", Weekend, "a year without data still has Saturdays"},
	} {
		if got := c.Kind(date(t, tc.date)); got != tc.want {
			t.Errorf("Kind(%s) = %s, want %s (%s)", tc.date, got, tc.want, tc.why)
		}
	}
}

// TestWorkdaysInYear checks the data as a whole against the number of
// working days each year's published calendar states.
func TestWorkdaysInYear(t *testing.T) {
	c := embedded(t)
	// 2021: 247 by the government's decree, less 4–7 May and 1–3 November
	// that presidential decrees made non-working.
	for year, want := range map[int]int{2021: 240, 2022: 247, 2023: 247, 2024: 248, 2025: 247, 2026: 247} {
		from, to := Date{year - 1, time.December, 31}, Date{year, time.December, 31}
		if got := c.WorkdaysBetween(from, to); got != want {
			t.Errorf("%d has %d working days, want %d", year, got, want)
		}
	}
}

func TestCovers(t *testing.T) {
	c := embedded(t)
	for year := 2020; year <= 2027; year++ {
		if !c.Covers(year) {
			t.Errorf("Covers(%d) = false", year)
		}
	}
	if c.Covers(2019) || c.Covers(2028) {
		t.Error("the embedded data covers years outside 2020–2027")
	}
}

func TestAddWorkdays(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2025-12-26", 10, "2026-01-21"}, // across the New Year holidays and 31 December off
		{"2026-12-28", 10, "2027-01-20"}, // across the year boundary again
		{"2021-02-19", 1, "2021-02-20"},  // the working Saturday counts
		{"2021-02-19", 3, "2021-02-25"},
		{"2024-04-25", 5, "2024-05-06"},
		{"2026-01-12", 0, "2026-01-12"},
		{"2026-01-12", -1, "2025-12-30"}, // backwards over the holidays
		{"2026-01-10", 1, "2026-01-12"},  // from a day off
	} {
		if got := c.AddWorkdays(date(t, tc.from), tc.n); got.String() != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := embedded(t)
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2025-12-26", "2026-01-21", 10},
		{"2026-01-21", "2025-12-26", -10},
		{"2025-12-30", "2026-01-11", 0}, // 31 December and the holidays
		{"2026-05-08", "2026-05-08", 0},
		{"2024-04-26", "2024-04-27", 1}, // a working Saturday
	} {
		if got := c.WorkdaysBetween(date(t, tc.from), date(t, tc.to)); got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestWorkdaysProperties: over random dates around the data's years,
// AddWorkdays lands on working days and WorkdaysBetween undoes it (going
// back from a day off, it counts one day fewer: the day landed on is not
// counted, the day off was not working).
func TestWorkdaysProperties(t *testing.T) {
	c := embedded(t)
	r := rand.New(rand.NewPCG(1, 2))
	base := Date{2019, time.January, 1}
	for range 2000 {
		d := base.AddDays(r.IntN(10 * 366))
		n := r.IntN(601) - 300
		got := c.AddWorkdays(d, n)
		if back := c.WorkdaysBetween(d, got); back != n && (n >= 0 || c.IsWorkday(d)) {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d", d, d, n, got, back)
		}
		if n != 0 && !c.IsWorkday(got) {
			t.Fatalf("AddWorkdays(%s, %d) = %s, a %s", d, n, got, c.Kind(got))
		}
		if c.IsWorkday(d) {
			if again := c.AddWorkdays(got, -n); again != d {
				t.Fatalf("AddWorkdays(AddWorkdays(%s, %d), %d) = %s", d, n, -n, again)
			}
		}
	}
}

func TestDate(t *testing.T) {
	for _, s := range []string{"2026-02-30", "2026-1-9", "09.01.2026", ""} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", s, d)
		}
	}
	d := date(t, "2024-02-28")
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("2024-02-28 + 1 = %s", got)
	}
	if got := d.AddDays(-60).String(); got != "2023-12-30" {
		t.Errorf("2024-02-28 - 60 = %s", got)
	}
	for _, s := range []string{"1969-12-28", "1970-01-01", "2026-11-22"} {
		d := date(t, s)
		tm, _ := time.Parse(time.DateOnly, s)
		if d.Weekday() != tm.Weekday() {
			t.Errorf("%s: Weekday = %s, want %s", s, d.Weekday(), tm.Weekday())
		}
	}
}

func TestDefaultLocation(t *testing.T) {
	loc := DefaultLocation()
	_, offset := time.Date(2026, time.July, 1, 12, 0, 0, 0, loc).Zone()
	if offset != 3*60*60 {
		t.Errorf("%s is UTC%+d in July, want UTC+3", loc, offset/3600)
	}
}
