package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/appeal/publictest"
	"github.com/okno/okno/web/webtest"
)

// mapWorld is a live app with published appeals written straight into its
// database (publictest), as the appeals projection would hold them.
type mapWorld struct {
	live *webtest.Live
	w    publictest.World
	ids  map[string]int64
}

const scriptText = `<script>alert("x")</script> Мусор <b>во дворе</b>`

func newMapWorld(t *testing.T, dsn string) *mapWorld {
	t.Helper()
	live := webtest.StartLive(t, dsn)
	now := time.Now()
	w := publictest.Seed(t, live.App.DB, now)
	mw := &mapWorld{live: live, w: w, ids: map[string]int64{}}
	created := now.Add(-10 * 24 * time.Hour)
	ins := func(name string, r publictest.Row) { mw.ids[name] = publictest.Insert(t, live.App.DB, w, r) }
	ins("open", publictest.Row{Category: w.Roads, Reason: w.Pothole, Territory: w.North, Org: w.Roads1, Lat: 60.05, Lon: 30.3,
		Text: "Глубокая яма у остановки", Address: "ул. Тестовая, 5", Created: created, Supporters: 3})
	ins("answered", publictest.Row{Category: w.Roads, Reason: w.Pothole, Territory: w.North, Org: w.Roads1, Lat: 60.06, Lon: 30.31,
		Text: "Яма во дворе дома 7", Status: "answered", Created: created.Add(time.Hour), Answered: created.Add(48 * time.Hour), OnTime: true,
		Events: []publictest.Event{{Action: "publish", To: "review", At: created.Add(2 * time.Hour)}, {Action: "answer", To: "answered", At: created.Add(48 * time.Hour)}}})
	ins("script", publictest.Row{Category: w.Yards, Reason: w.Litter, Territory: w.South, Org: w.Housing, Lat: 59.85, Lon: 30.3,
		Text: scriptText, Anonymous: true, Created: created.Add(2 * time.Hour)})
	ins("moderation", publictest.Row{Category: w.Yards, Reason: w.Litter, Territory: w.South, Org: w.Housing, Lat: 59.85, Lon: 30.3,
		Text: "неопубликованный текст", Unpublished: true, Status: "moderation", Created: created})
	ins("rejected", publictest.Row{Category: w.Yards, Reason: w.Litter, Territory: w.South, Org: w.Housing, Lat: 59.85, Lon: 30.3,
		Text: "отклонённый текст", Status: "rejected", Created: created})
	return mw
}

// noLeak fails when a page or answer holds the author's data or an
// unpublished text.
func noLeak(t *testing.T, where, body string) {
	t.Helper()
	for _, s := range []string{publictest.Author.Name, publictest.Author.Phone, publictest.Author.Email, "author:",
		"неопубликованный текст", "отклонённый текст", `<script>alert`} {
		if strings.Contains(body, s) {
			t.Errorf("%s holds %q", where, s)
		}
	}
}

func TestPublicMapPage(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		mw := newMapWorld(t, dsn)
		v := mw.live.NewVisitor(t)
		v.Get("/map")
		v.Expect(200, "Карта сообщений о проблемах", "Глубокая яма у остановки", "Яма во дворе дома 7",
			"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Мусор &lt;b&gt;во дворе&lt;/b&gt;",
			`data-map="appeals"`, `data-api="/api/v1/map/appeals?"`, "Северный район (тест)", "Условные обозначения", "Решено, подтверждено жителем")
		noLeak(t, "/map", v.Last)
		en := mw.live.NewVisitor(t) // the language is remembered in a cookie
		en.Get("/map?lang=en")
		en.Expect(200, "Map of reported problems", "Fixed, confirmed by the resident")

		v.Get("/map?district=" + strconv.FormatInt(mw.w.South, 10))
		v.Expect(200, "Мусор")
		if strings.Contains(v.Last, "Глубокая яма") {
			t.Error("the district filter let the north through")
		}
		v.Get("/map?status=answered")
		v.Expect(200, "Яма во дворе дома 7")
		if strings.Contains(v.Last, "Глубокая яма") {
			t.Error("the status filter let an open appeal through")
		}

		// Bad filters: the form says what is wrong, nothing is listed.
		v.Get("/map?status=bogus&from=31.03.2026")
		v.Expect(200, "Выберите статус из списка", "Введите дату в виде ГГГГ-ММ-ДД")
		if strings.Contains(v.Last, "Глубокая яма") {
			t.Error("bad filters still listed appeals")
		}
		v.Get("/map?from=2026-03-10&to=2026-03-01")
		v.Expect(200, "Дата «по» должна быть не раньше даты «с»")
		v.Get("/map?category=abc")
		v.Expect(200, "Выберите значение из списка")

		// Pages without JavaScript: 20 at a time, then the rest.
		for i := range 20 {
			publictest.Insert(t, mw.live.App.DB, mw.w, publictest.Row{Category: mw.w.Roads, Reason: mw.w.Pothole, Territory: mw.w.North,
				Org: mw.w.Roads1, Lat: 60.01, Lon: 30.21, Text: "Лишняя яма " + strconv.Itoa(i), Created: time.Now().Add(-time.Duration(i) * time.Minute)})
		}
		v.Get("/map")
		v.Expect(200, "Лишняя яма 0", "Лишняя яма 19", `rel="next"`)
		if strings.Contains(v.Last, "Глубокая яма") {
			t.Error("page one shows the 23rd appeal")
		}
		next := between(v.Last, `class="pagination__link" href="`, `"`)
		v.Get(strings.ReplaceAll(next, "&amp;", "&"))
		v.Expect(200, "Глубокая яма у остановки", "К самым новым сообщениям")
		v.Get("/map?after=garbage")
		v.Expect(200, "Лишняя яма 0") // a bad cursor starts again
	})
}

func TestAppealPublicPage(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		mw := newMapWorld(t, dsn)
		v := mw.live.NewVisitor(t)
		id := strconv.FormatInt(mw.ids["script"], 10)
		v.Get("/appeals/" + id)
		v.Expect(200, "Мусор во дворе", "Дворы (тест)", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Житель",
			"Жилкомсервис (тест)", "Южный район (тест)", `action="/appeals/`+id+`/join"`, "Присоединиться", `data-map="point"`,
			"Ответ ожидается до")
		noLeak(t, "/appeals/"+id, v.Last)

		v.Get("/appeals/" + strconv.FormatInt(mw.ids["answered"], 10))
		v.Expect(200, "Дан ответ", "Ответ дан в срок", "Ход рассмотрения", "Сообщение поддержали 0 жителей")
		v.Get("/appeals/" + strconv.FormatInt(mw.ids["open"], 10))
		v.Expect(200, "Сообщение поддержали 3 жителя", "ул. Тестовая, 5")

		for _, path := range []string{"/appeals/" + strconv.FormatInt(mw.ids["moderation"], 10),
			"/appeals/" + strconv.FormatInt(mw.ids["rejected"], 10), "/appeals/999999", "/appeals/abc", "/appeals/-1"} {
			v.Get(path)
			v.Expect(404)
			noLeak(t, path, v.Last)
		}
	})
}

// mapJSON is the map's GeoJSON as a client reads it.
type mapJSON struct {
	Type      string `json:"type"`
	Zoom      int    `json:"zoom"`
	Truncated bool   `json:"truncated"`
	Features  []struct {
		Geometry struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func TestMapAPI(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		mw := newMapWorld(t, dsn)
		v := mw.live.NewVisitor(t)
		v.Get("/api/v1/map/appeals?zoom=16&bbox=30.0,59.7,30.6,60.2")
		v.Expect(200, `\u003cscript\u003ealert`)
		noLeak(t, "the map's JSON", v.Last)
		var fc mapJSON
		if err := json.Unmarshal([]byte(v.Last), &fc); err != nil {
			t.Fatal(err)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != 3 || fc.Zoom != 16 {
			t.Fatalf("zoom 16: %+v", fc)
		}
		for _, f := range fc.Features {
			if f.Properties["kind"] != "appeal" || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
				t.Errorf("feature %+v", f)
			}
		}

		v.Get("/api/v1/map/appeals?zoom=9&bbox=30.0,59.7,30.6,60.2&category=" + strconv.FormatInt(mw.w.Roads, 10))
		v.Expect(200)
		fc = mapJSON{}
		if err := json.Unmarshal([]byte(v.Last), &fc); err != nil {
			t.Fatal(err)
		}
		if len(fc.Features) != 1 || fc.Features[0].Properties["kind"] != "cluster" || fc.Features[0].Properties["count"] != 2.0 {
			t.Errorf("zoom 9, roads: %+v", fc)
		}

		for _, bad := range []struct{ query, field string }{
			{"bbox=1,2,3", "bbox"}, {"bbox=30,61,31,60", "bbox"}, {"zoom=99", "zoom"}, {"zoom=x", "zoom"},
			{"status=rejected", "status"}, {"from=yesterday", "from"},
		} {
			v.Get("/api/v1/map/appeals?" + bad.query)
			v.Expect(422, `"`+bad.field+`"`)
		}

		v.Get("/api/v1/map/districts")
		v.Expect(200, "Северный район (тест)", `"MultiPolygon"`)
		v.Get("/api/v1/openapi.json")
		v.Expect(200, "/api/v1/map/appeals", "/api/v1/map/districts")
	})
}

func TestResponsivenessPage(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		mw := newMapWorld(t, dsn)
		v := mw.live.NewVisitor(t)
		v.Get("/responsiveness")
		v.Expect(200, "Как органы отвечают на сообщения", "Комитет по дорогам (тест)", "Жилкомсервис (тест)",
			"Ответы в срок", "Что означают показатели", `aria-sort="descending"`, "100 %", "1 дн. 23 ч")
		noLeak(t, "/responsiveness", v.Last)
		roads := strings.Index(v.Last, "Комитет по дорогам (тест)")
		housing := strings.Index(v.Last, "Жилкомсервис (тест)")
		if roads > housing {
			t.Error("by default the busiest body is not first")
		}
		v.Get("/responsiveness?sort=org&dir=asc")
		v.Expect(200, `aria-sort="ascending"`)
		if strings.Index(v.Last, "Жилкомсервис (тест)") > strings.Index(v.Last, "Комитет по дорогам (тест)") {
			t.Error("sorted by name, Ж comes before К")
		}
		v.Get("/responsiveness?sort=<script>")
		v.Expect(200, `aria-sort="descending"`)
	})
}
