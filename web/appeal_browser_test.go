package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/okno/okno/web/e2e"
	"github.com/okno/okno/web/webtest"
)

// TestAppealFormBrowser walks the citizen's appeal form in Chromium (it
// skips without it): the page and the check step pass axe-core with no
// script error or policy violation; the counter counts; the reason filter
// narrows the categories; a click on the map writes the point; and the
// form reaches the confirmation.
func TestAppealFormBrowser(t *testing.T) {
	s, f := appealServer(t)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	b := e2e.Start(t, srv.URL)
	b.Resize(1280, 900)
	b.Visit("/design")
	b.Eval(`document.cookie = "okno_session=sess-citizen-simplified; path=/"; true`, nil)
	b.Visit("/appeals/new")
	var where string
	b.Eval(`location.pathname + " " + document.title`, &where)
	if !strings.HasPrefix(where, "/appeals/new ") {
		t.Fatalf("the form is at %q (screenshot: %s)", where, b.Screenshot("appeal-form-missing"))
	}
	b.CheckPage("appeal form")

	b.Fill("#f-text", "Яма")
	if got := b.Text("#text-counter"); got != "Осталось символов: 3997" {
		t.Errorf("counter %q", got)
	}

	b.Fill("#reason-filter", "снег")
	var shown string
	b.Eval(`[...document.querySelectorAll(".appeal-cat")].filter(c => !c.hidden).map(c => c.id + (c.open ? ":open" : "")).join(",")`, &shown)
	if shown != "cat-yards:open" {
		t.Errorf("after filtering, categories shown: %q", shown)
	}
	b.Click("#reason-snow_yard")

	var mapOn bool
	b.Eval(`!document.getElementById("appeal-map").hidden && !!document.querySelector("#appeal-map.leaflet-container")`, &mapOn)
	if !mapOn {
		t.Fatal("the map did not start")
	}
	b.Click("#appeal-map")
	t.Logf("the form: %s", b.Screenshot("appeal-form"))
	var point string
	b.Eval(`document.getElementById("f-lat").value + "," + document.getElementById("f-lon").value`, &point)
	// Saint Petersburg, or the middle of the test's district.
	if lat, lon, _ := strings.Cut(point, ","); !(strings.HasPrefix(lat, "59.") || strings.HasPrefix(lat, "60.")) || !strings.HasPrefix(lon, "30.") {
		t.Errorf("the map's click wrote %q", point)
	}

	b.Fill("#f-text", "Во дворе не убран снег, не пройти к подъезду")
	b.ClickAndWait("#appeal-form button[type=submit]")
	if got := b.Text("h1"); got != "Проверьте сообщение" {
		t.Fatalf("after the first page: %q (screenshot: %s)", got, b.Screenshot("appeal-check"))
	}
	b.CheckPage("appeal check step")
	t.Logf("the check step: %s", b.Screenshot("appeal-check"))
	b.ClickAndWait("button[data-once]")
	if got := b.Text(".panel__ref"); !strings.HasPrefix(got, "П-2026-") {
		t.Fatalf("confirmation reference %q (screenshot: %s)", got, b.Screenshot("appeal-sent"))
	}
	b.CheckPage("appeal sent")
	if subs := f.submissions(); len(subs) != 1 || subs[0].ReasonCode != "snow_yard" || !subs[0].HasPoint {
		t.Errorf("filed %+v", subs)
	}

	b.Resize(375, 812)
	b.Visit("/appeals/new?lang=en")
	b.CheckPage("appeal form, phone, English")
}

// TestAppealPanelBrowser shows the back office's case page of an appeal
// filed through the API, with its panel, in Chromium: axe-core and no
// script error or policy violation.
func TestAppealPanelBrowser(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildAppealWorld(t, live)
	b := e2e.Start(t, live.URL)
	req, err := http.NewRequest("POST", live.URL+"/api/v1/appeals", strings.NewReader(
		`{"reason":"`+w.reasons[0].Code+`","text":"Во дворе большая яма у второго подъезда","lat":59.925,"lon":30.35,"address":"ул. Рубинштейна, 3"}`))
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+w.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("filing: %d", res.StatusCode)
	}
	b.Resize(1280, 900)
	b.Visit("/design")
	b.Eval(`document.cookie = "okno_session=`+w.official+`; path=/"; true`, nil)
	b.Visit(strings.Replace(res.Header.Get("Location"), "/api/v1/appeals/", "/staff/cases/", 1))
	if got := b.Text("#appeal-panel-title"); got != "Сообщение о проблеме" {
		t.Fatalf("panel title %q (screenshot: %s)", got, b.Screenshot("appeal-panel"))
	}
	b.CheckPage("appeal panel")
	t.Logf("the panel: %s", b.Screenshot("appeal-panel"))
}
