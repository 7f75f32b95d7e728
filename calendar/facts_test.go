package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// xmlDir holds the xmlcalendar files of 2020–2027 beside the repository
// (../shared/data, as CI has it). They are never copied into the repository.
const xmlDir = "../../shared/data/ru-calendar"

// TestEmbeddedMatchesXMLCalendar compares our embedded facts with the
// xmlcalendar files, year by year. Titles may differ in one way: the
// files of 2020–2021 add the law's revision to "Новогодние каникулы".
func TestEmbeddedMatchesXMLCalendar(t *testing.T) {
	if _, err := os.Stat(xmlDir); err != nil {
		t.Skipf("the xmlcalendar files are not at %s (../shared/data/ru-calendar beside the repository): %v", xmlDir, err)
	}
	facts, err := embeddedDays()
	if err != nil {
		t.Fatal(err)
	}
	byYear := map[int][]string{}
	for _, d := range facts {
		byYear[d.Date.Year] = append(byYear[d.Date.Year], d.String())
	}
	for year := 2020; year <= 2027; year++ {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			f, err := os.Open(filepath.Join(xmlDir, fmt.Sprintf("%d.xml", year)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			y, days, err := ParseXML(f)
			if err != nil {
				t.Fatal(err)
			}
			if y != year {
				t.Errorf("the file of %d says year %d", year, y)
			}
			var want []string
			for _, d := range days {
				if i := strings.Index(d.Title, " (в ред. "); i >= 0 {
					d.Title = d.Title[:i]
				}
				want = append(want, d.String())
			}
			if diff := cmp.Diff(want, byYear[year]); diff != "" {
				t.Errorf("ru.txt differs from %d.xml (-xml +ours):\n%s", year, diff)
			}
		})
	}
}

func TestParseFacts(t *testing.T) {
	days, err := parseFacts("# a comment\n\n2026-01-09 weekend from 2026-01-03\n2026-01-07 holiday Рождество Христово\n2026-04-30 short\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Day{
		{Date: Date{2026, 1, 9}, Kind: Weekend, From: Date{2026, 1, 3}},
		{Date: Date{2026, 1, 7}, Kind: Holiday, Title: "Рождество Христово"},
		{Date: Date{2026, 4, 30}, Kind: Short},
	}
	if diff := cmp.Diff(want, days); diff != "" {
		t.Errorf("parseFacts (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		"2026-13-01 holiday",
		"2026-01-01 party",
		"2026-01-09 weekend from 3 января",
		"2026-01-01 holiday\n2026-01-01 holiday",
		"2026-01-01 holiday Новый\tгод",
	} {
		if _, err := parseFacts(bad); err == nil {
			t.Errorf("parseFacts(%q) succeeded", bad)
		}
	}
}

// TestDayStringRoundTrip: every embedded day reads back as it is written.
func TestDayStringRoundTrip(t *testing.T) {
	facts, err := embeddedDays()
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) < 200 {
		t.Fatalf("only %d embedded days", len(facts))
	}
	for _, d := range facts {
		got, err := parseFact(d.String())
		if err != nil || got != d {
			t.Errorf("parseFact(%q) = %+v, %v", d.String(), got, err)
		}
	}
}
