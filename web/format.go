package web

import (
	"time"

	"github.com/okno/okno/i18n"
)

// moscow is the time zone pages show times in. Okno serves Russian regions;
// most of them, and all of its demo, keep Moscow time. A region elsewhere
// will want this from configuration.
var moscow = time.FixedZone("MSK", 3*60*60)

// formatTime shows a moment as people write it: "21.03.2026 14:05" in
// Russian, "21 Mar 2026 14:05" in English.
func formatTime(l i18n.Localizer, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(moscow)
	if l.Lang() == i18n.English {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("02.01.2006 15:04")
}

// formatDate shows a YYYY-MM-DD date as people write it.
func formatDate(l i18n.Localizer, ymd string) string {
	d, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	if l.Lang() == i18n.English {
		return d.Format("2 January 2006")
	}
	return d.Format("02.01.2006")
}
