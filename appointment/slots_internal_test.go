package appointment

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno/calendar"
	"github.com/okno/okno/org"
)

// TestDay covers how a schedule, the office's hours and the production
// calendar make a day's receiving spans.
func TestDay(t *testing.T) {
	date := func(s string) calendar.Date {
		d, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cal := calendar.FromDays(nil, []calendar.Day{
		{Date: date("2026-02-23"), Kind: calendar.Holiday, Title: "День защитника Отечества"},
		{Date: date("2026-03-09"), Kind: calendar.Weekend, From: date("2026-03-08")},
		{Date: date("2026-04-30"), Kind: calendar.Short},
		{Date: date("2026-03-14"), Kind: calendar.Workday},
	})
	hours := org.OfficeHours() // 9:00–13:00, 13:48–18:00; Friday to 17:00
	base := Schedule{Desks: 1, CellMinutes: 15, HorizonDays: 30}
	withBreak := base
	withBreak.Breaks = []org.Interval{{From: "11:00", To: "11:15"}, {From: "12:45", To: "14:00"}}
	withException := base
	withException.Exceptions = []Exception{{Day: date("2026-02-24"), Hours: []org.Interval{{From: "10:00", To: "12:00"}}},
		{Day: date("2026-02-25")}, {Day: date("2026-02-23"), Hours: []org.Interval{{From: "10:00", To: "11:00"}}}}
	for _, tc := range []struct {
		name  string
		sc    Schedule
		day   string
		spans []span
		why   closure
	}{
		{"a Tuesday", base, "2026-02-24", []span{{540, 780}, {828, 1080}}, open},
		{"a Friday", base, "2026-02-27", []span{{540, 780}, {828, 1020}}, open},
		{"a Saturday", base, "2026-02-28", nil, closedDay},
		{"a holiday", base, "2026-02-23", nil, closedHol},
		{"a moved day off", base, "2026-03-09", nil, closedDay},
		{"a pre-holiday day, an hour shorter", base, "2026-04-30", []span{{540, 780}, {828, 1020}}, open},
		{"a working Saturday keeps Monday's hours", base, "2026-03-14", []span{{540, 780}, {828, 1080}}, open},
		{"breaks cut the spans", withBreak, "2026-02-24", []span{{540, 660}, {675, 765}, {840, 1080}}, open},
		{"an exception's hours", withException, "2026-02-24", []span{{600, 720}}, open},
		{"an exception without hours", withException, "2026-02-25", nil, closedDay},
		{"an exception opens a holiday", withException, "2026-02-23", []span{{600, 660}}, open},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans, why := tc.sc.day(cal, hours, date(tc.day))
			if why != tc.why {
				t.Errorf("closure %q, want %q", why, tc.why)
			}
			if diff := cmp.Diff(tc.spans, spans, cmp.AllowUnexported(span{})); diff != "" {
				t.Errorf("spans (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStarts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spans []span
		slot  int
		want  []int
	}{
		{"a remainder is left", []span{{540, 600}}, 25, []int{540, 565}},
		{"each span from its start", []span{{540, 570}, {588, 630}}, 15, []int{540, 555, 588, 603}},
		{"a span shorter than a slot", []span{{540, 550}}, 15, nil},
	} {
		if got := starts(tc.spans, tc.slot); !cmp.Equal(tc.want, got) {
			t.Errorf("%s: starts = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	good := func() Schedule {
		return Schedule{OfficeID: 1, Desks: 2, CellMinutes: 15, HorizonDays: 30,
			Services: []ServiceSlot{{Service: "a", SlotMinutes: 30, Desks: []int{2}}}}
	}
	for _, tc := range []struct {
		name   string
		edit   func(*Schedule)
		fields []string
	}{
		{"good", func(*Schedule) {}, nil},
		{"no desks", func(s *Schedule) { s.Desks = 0 }, []string{"desks", "services[0].desks"}},
		{"a tiny grid", func(s *Schedule) { s.CellMinutes = 1 }, []string{"cell_minutes"}},
		{"no horizon", func(s *Schedule) { s.HorizonDays = 0 }, []string{"horizon_days"}},
		{"a slot off the grid", func(s *Schedule) { s.Services[0].SlotMinutes = 20 }, []string{"services[0].slot_minutes"}},
		{"a desk that is not there", func(s *Schedule) { s.Services[0].Desks = []int{3} }, []string{"services[0].desks"}},
		{"a service twice", func(s *Schedule) { s.Services = append(s.Services, s.Services[0]) }, []string{"services[1].service"}},
		{"no services", func(s *Schedule) { s.Services = nil }, []string{"services"}},
		{"a backwards break", func(s *Schedule) { s.Breaks = []org.Interval{{From: "12:00", To: "11:00"}} }, []string{"breaks[0]"}},
		{"a bad clock", func(s *Schedule) { s.Breaks = []org.Interval{{From: "25:00", To: "26:00"}} }, []string{"breaks[0]"}},
		{"a day twice", func(s *Schedule) {
			d := calendar.Date{Year: 2026, Month: 3, Day: 2}
			s.Exceptions = []Exception{{Day: d}, {Day: d}}
		}, []string{"exceptions[1].day"}},
		{"an exception without a day", func(s *Schedule) { s.Exceptions = []Exception{{}} }, []string{"exceptions[0].day"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := good()
			tc.edit(&sc)
			var got []string
			for _, f := range sc.validate() {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}
