package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/okno/okno/appeal/publictest"
)

// TestPublicMapPages opens the public map, an appeal's page and the
// responsiveness table in Chromium, at phone and desktop widths, without
// tiles (the offline map: district outlines only): every page passes
// axe-core, runs Leaflet without script errors or CSP violations, and
// shows the appeals as markers.
func TestPublicMapPages(t *testing.T) {
	a, base := startApp(t)
	now := time.Now()
	w := publictest.Seed(t, a.DB, now)
	created := now.Add(-5 * 24 * time.Hour)
	id := publictest.Insert(t, a.DB, w, publictest.Row{Category: w.Roads, Reason: w.Pothole, Territory: w.North, Org: w.Roads1,
		Lat: 60.05, Lon: 30.3, Text: `<img src=x onerror=alert(1)> Яма у остановки`, Address: "ул. Тестовая, 5", Created: created,
		Status: "answered", Answered: created.Add(30 * time.Hour), OnTime: true,
		Events: []publictest.Event{{Action: "publish", To: "review", At: created.Add(time.Hour)}, {Action: "answer", To: "answered", At: created.Add(30 * time.Hour)}}})
	publictest.Insert(t, a.DB, w, publictest.Row{Category: w.Yards, Reason: w.Litter, Territory: w.South, Org: w.Housing,
		Lat: 59.85, Lon: 30.3, Text: "Мусор во дворе", Created: created})

	b := Start(t, base)
	for _, width := range []int64{375, 1280} {
		b.Resize(width, 900)
		b.Visit("/map?lang=ru")
		b.waitFor(`document.querySelectorAll(".leaflet-marker-icon").length >= 2 && document.querySelectorAll("path.leaflet-interactive").length >= 2`)
		b.CheckPage("map-" + strconv.FormatInt(width, 10))
		b.Visit("/appeals/" + strconv.FormatInt(id, 10))
		b.waitFor(`document.querySelectorAll(".leaflet-marker-icon").length === 1`)
		if got := b.Text(".appeal-text"); got != `<img src=x onerror=alert(1)> Яма у остановки` {
			t.Errorf("the appeal's text shows as %q", got)
		}
		b.CheckPage("appeal-" + strconv.FormatInt(width, 10))
		b.Visit("/responsiveness")
		b.CheckPage("responsiveness-" + strconv.FormatInt(width, 10))
	}
}
