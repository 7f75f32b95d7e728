package web

import (
	"testing"
	"time"

	"github.com/okno/okno/appeal"
	"github.com/okno/okno/i18n"
)

func TestAnalyticsNiceCeiling(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 5, 7: 10, 11: 20, 45: 50, 51: 100, 999: 1000, 1001: 2000} {
		if got := anNiceCeiling(n); got != want {
			t.Errorf("anNiceCeiling(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestAnalyticsHeatLevel(t *testing.T) {
	for _, tt := range []struct{ n, max, want int }{{0, 10, 0}, {1, 0, 0}, {10, 10, 5}, {1, 100, 1}, {4, 100, 1}, {5, 100, 2}, {36, 100, 3}, {64, 100, 4}, {65, 100, 5}} {
		if got := anHeatLevel(tt.n, tt.max); got != tt.want {
			t.Errorf("anHeatLevel(%d, %d) = %d, want %d", tt.n, tt.max, got, tt.want)
		}
	}
}

func TestAnalyticsCSVValue(t *testing.T) {
	at := time.Date(2021, 3, 15, 12, 30, 45, 0, time.UTC)
	for _, tt := range []struct {
		v    any
		want string
	}{
		{"Яма", "Яма"}, {"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"}, {"-1", "'-1"}, {0.25, "0,25"}, {12, "12"}, {at, "2021-03-15 12:30"}, {time.Time{}, ""}, {nil, ""},
	} {
		if got := anCSVValue(tt.v); got != tt.want {
			t.Errorf("anCSVValue(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestAnalyticsBarChart(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var d appeal.Density
	for i := range 60 {
		d.Days = append(d.Days, appeal.DayCount{Day: appeal.DayDate(int64(18000 + i)), Appeals: i % 7})
	}
	c := newBarChart(cat.Localizer(i18n.English), d)
	if len(c.Bars) != 60 || c.Caption != "Appeals by day" {
		t.Errorf("60 days: %d bars (%s)", len(c.Bars), c.Caption)
	}
	d.Months = []appeal.DayCount{{Day: appeal.DayDate(18000), Appeals: 300}, {Day: appeal.DayDate(18031), Appeals: 450}}
	c = newBarChart(cat.Localizer(i18n.English), d)
	if len(c.Bars) != 2 || c.Caption != "Appeals by month" || c.Ticks[2].Text != "500" {
		t.Errorf("months: %d bars (%s), top %s", len(c.Bars), c.Caption, c.Ticks[2].Text)
	}
	for _, b := range c.Bars {
		if b.Y < chartTop-0.01 || b.Y+b.H > chartBottom+0.01 {
			t.Errorf("bar %+v outside the plot", b)
		}
	}
}
