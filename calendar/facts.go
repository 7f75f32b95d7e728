package calendar

import (
	"cmp"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/okno/okno"
)

// ru.txt holds the production calendar's facts, one line per day that
// differs from the five-day week, in the form Day.String writes. It is
// our own file, derived from the decrees (see its header).
//
//go:embed ru.txt
var ruFacts string

// embeddedDays parses ru.txt once; the days are shared and never changed.
var embeddedDays = sync.OnceValues(func() ([]Day, error) { return parseFacts(ruFacts) })

// String writes the day as a line of the facts file:
// "2026-01-09 weekend from 2026-01-03", "2026-01-07 holiday Рождество Христово".
func (d Day) String() string {
	s := d.Date.String() + " " + string(d.Kind)
	if !d.From.IsZero() {
		s += " from " + d.From.String()
	}
	if d.Title != "" {
		s += " " + d.Title
	}
	return s
}

// parseFacts reads lines written by Day.String; blank lines and lines
// starting with # are skipped. A date may appear once.
func parseFacts(text string) ([]Day, error) {
	var days []Day
	seen := map[Date]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		d, err := parseFact(line)
		if err != nil {
			return nil, fmt.Errorf("calendar: facts line %d: %w", i+1, err)
		}
		if seen[d.Date] {
			return nil, fmt.Errorf("calendar: facts line %d: %s listed twice", i+1, d.Date)
		}
		seen[d.Date] = true
		days = append(days, d)
	}
	return days, nil
}

func parseFact(line string) (Day, error) {
	var d Day
	date, rest, _ := strings.Cut(line, " ")
	kind, rest, _ := strings.Cut(rest, " ")
	var err error
	if d.Date, err = ParseDate(date); err != nil {
		return Day{}, err
	}
	if d.Kind = Kind(kind); !d.Kind.Valid() {
		return Day{}, fmt.Errorf("unknown kind %q", kind)
	}
	if after, ok := strings.CutPrefix(rest, "from "); ok {
		from, title, _ := strings.Cut(after, " ")
		if d.From, err = ParseDate(from); err != nil {
			return Day{}, err
		}
		rest = title
	}
	d.Title = strings.TrimSpace(rest)
	var fe okno.FieldErrors
	if checkTitle(&fe, "title", d.Title); len(fe) > 0 {
		return Day{}, fmt.Errorf("bad title %q", d.Title)
	}
	return d, nil
}

// MaxTitle bounds a day's title, in characters.
const MaxTitle = 200

// checkTitle reports in fe, under field, what is wrong with a title.
func checkTitle(fe *okno.FieldErrors, field, s string) {
	switch {
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		fe.Add(field, "calendar.title_invalid")
	case utf8.RuneCountInString(s) > MaxTitle:
		fe.Add(field, "calendar.title_too_long", MaxTitle)
	}
}

// sortDays orders days by date.
func sortDays(days []Day) {
	slices.SortFunc(days, func(a, b Day) int { return cmp.Compare(a.Date.num(), b.Date.num()) })
}
