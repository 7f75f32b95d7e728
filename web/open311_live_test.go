package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/appeal/publictest"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/web/webtest"
)

// open311World is a live app ready for Open311 clients: a district, a
// routing rule for one reason of the shipped taxonomy, an API key, and
// appeals published straight into the projection.
type open311World struct {
	live     *webtest.Live
	pt       publictest.World
	reason   appeal.Reason
	key      string
	district int64 // the test district, around (59.94, 30.35)
}

func newOpen311World(t testing.TB, dsn string) open311World {
	t.Helper()
	mustOK := func(t testing.TB, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	live := webtest.StartLive(t, dsn)
	w := open311World{live: live, pt: publictest.Seed(t, live.App.DB, time.Now())}
	fc, err := geo.ParseGeoJSON(strings.NewReader(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"name":"Центральный район (тест)"},"geometry":{"type":"Polygon",
		"coordinates":[[[30.30,59.92],[30.40,59.92],[30.40,59.96],[30.30,59.96],[30.30,59.92]]]}}]}`), geo.Limits{})
	mustOK(t, err)
	res, err := live.App.Geo.Import(ctx, fc, geo.LevelDistrict, okno.System)
	mustOK(t, err)
	w.district = res.IDs[0]
	tax, err := live.App.Appeals.Taxonomy(ctx)
	mustOK(t, err)
	if len(tax.Categories) == 0 || len(tax.Categories[0].Reasons) == 0 {
		t.Fatal("the live app has no taxonomy")
	}
	cat := tax.Categories[0]
	w.reason = cat.Reasons[0]
	_, err = live.App.Appeals.SetRoute(ctx, okno.System, appeal.RouteInput{CategoryID: cat.ID, ReasonID: w.reason.ID, OrgID: w.pt.Roads1})
	mustOK(t, err)
	w.key, _, err = live.App.Identity.CreateAPIKey(ctx, okno.System, "Приложение «Мой город»", w.pt.Roads1)
	mustOK(t, err)
	return w
}

// call sends an Open311 request as a client does: a form for POST.
func (w open311World) call(t testing.TB, method, path string, form url.Values) (int, http.Header, string) {
	t.Helper()
	mustOK := func(t testing.TB, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, w.live.URL+path, body)
	mustOK(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	mustOK(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	mustOK(t, err)
	return res.StatusCode, res.Header, string(b)
}

// liveForm is a service request inside the test district.
func (w open311World) liveForm() url.Values {
	return url.Values{"api_key": {w.key}, "service_code": {w.reason.Code}, "lat": {"59.94"}, "long": {"30.35"},
		"email": {publictest.Author.Email}, "first_name": {"Зинаида"}, "last_name": {"Скворцова"}, "phone": {publictest.Author.Phone},
		"description": {"Во дворе дома 5 по Садовой улице глубокая яма, вчера в неё провалилась машина"}}
}

func TestOpen311LiveCreate(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newOpen311World(t, dsn)
		ctx := context.Background()

		status, _, body := w.call(t, "POST", "/open311/v2/requests.xml", w.liveForm())
		if status != 200 {
			t.Fatalf("status %d\n%s", status, body)
		}
		var created struct {
			XMLName xml.Name `xml:"service_requests"`
			Request []struct {
				ID     string `xml:"service_request_id"`
				Notice string `xml:"service_notice"`
			} `xml:"request"`
		}
		mustOK(t, xml.Unmarshal([]byte(body), &created))
		if len(created.Request) != 1 {
			t.Fatalf("answer %s", body)
		}
		id, err := strconv.ParseInt(created.Request[0].ID, 10, 64)
		mustOK(t, err)
		a, err := w.live.App.Appeals.Get(ctx, okno.System, id)
		mustOK(t, err)
		if a.Channel != casework.ChannelOpen311 || a.ReasonCode != w.reason.Code || a.OrgID != w.pt.Roads1 {
			t.Errorf("filed %+v", a)
		}
		if created.Request[0].Notice == "" {
			t.Error("no service_notice")
		}

		// JSON, an address and a district's point; the same person again.
		form := w.liveForm()
		form.Set("lat", "59.95")
		form.Set("attribute[anonymous]", "true")
		status, _, body = w.call(t, "POST", "/open311/v2/requests.json", form)
		var out []map[string]any
		if status != 200 || json.Unmarshal([]byte(body), &out) != nil || len(out) != 1 || out[0]["service_request_id"] == "" {
			t.Fatalf("status %d: %s", status, body)
		}

		// An address alone, with the district picked from the definition.
		form = w.liveForm()
		form.Del("lat")
		form.Del("long")
		form.Set("address_string", "Садовая ул., 5")
		form.Set("attribute[district]", strconv.FormatInt(w.district, 10))
		form.Set("email", "another@example.org")
		if status, _, body := w.call(t, "POST", "/open311/v2/requests.xml", form); status != 200 {
			t.Fatalf("address and district: status %d\n%s", status, body)
		}

		// Refusals change nothing.
		before := open311Count(t, w)
		for _, tc := range []struct {
			name   string
			change func(url.Values)
			status int
			text   string
		}{
			{"no api_key", func(f url.Values) { f.Del("api_key") }, 403, "api_key"},
			{"wrong api_key", func(f url.Values) { f.Set("api_key", "okno_"+strings.Repeat("0", 40)) }, 403, "api_key"},
			{"unknown service_code", func(f url.Values) { f.Set("service_code", "no-such-service") }, 404, "no-such-service"},
			{"malformed lat", func(f url.Values) { f.Set("lat", "шестьдесят") }, 400, "lat: "},
			{"no location", func(f url.Values) { f.Del("lat"); f.Del("long") }, 400, "location: "},
			{"outside every district", func(f url.Values) { f.Set("lat", "10"); f.Set("long", "10") }, 400, "lat: "},
			{"address without a district", func(f url.Values) { f.Del("lat"); f.Del("long"); f.Set("address_string", "Садовая, 5") }, 400, "attribute[district]: "},
			{"unknown district", func(f url.Values) {
				f.Del("lat")
				f.Del("long")
				f.Set("address_string", "Садовая, 5")
				f.Set("attribute[district]", "999999")
			}, 400, "attribute[district]: "},
			{"oversize description", func(f url.Values) { f.Set("description", strings.Repeat("Яма. ", 801)) }, 400, "description: "},
			{"bad e-mail", func(f url.Values) { f.Set("email", "not-an-email") }, 400, "email: "},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := w.liveForm()
				tc.change(f)
				status, _, body := w.call(t, "POST", "/open311/v2/requests.json", f)
				if status != tc.status || !strings.Contains(body, tc.text) {
					t.Errorf("status %d, want %d with %q\n%s", status, tc.status, tc.text, body)
				}
			})
		}
		if after := open311Count(t, w); after != before {
			t.Errorf("refused requests filed %d appeals", after-before)
		}

		// A revoked key is refused too.
		secret, k, err := w.live.App.Identity.CreateAPIKey(ctx, okno.System, "Скоро отзовут", w.pt.Roads1)
		mustOK(t, err)
		mustOK(t, w.live.App.Identity.RevokeAPIKey(ctx, okno.System, k.ID))
		f := w.liveForm()
		f.Set("api_key", secret)
		if status, _, body := w.call(t, "POST", "/open311/v2/requests.xml", f); status != 403 || !strings.Contains(body, "<errors><error><code>403</code>") {
			t.Errorf("revoked key: status %d\n%s", status, body)
		}
	})
}

func open311Count(t *testing.T, w open311World) int {
	t.Helper()
	var n int
	mustOK(t, w.live.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM appeals`).Scan(&n))
	return n
}

// TestOpen311LiveRead reads published appeals back as a dashboard and
// FixMyStreet do: the list, one request, a token, and a poll of updates.
func TestOpen311LiveRead(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		w := newOpen311World(t, dsn)
		db := w.live.App.DB
		now := time.Now().UTC().Truncate(time.Second)
		created := now.Add(-48 * time.Hour)
		fixed := publictest.Insert(t, db, w.pt, publictest.Row{Category: w.pt.Roads, Reason: w.pt.Pothole, Territory: w.pt.North, Org: w.pt.Roads1,
			Lat: 60.05, Lon: 30.3, Address: "ул. Тестовая, 1", Text: "Яма <script>alert(1)</script> у остановки", Status: "fixed",
			Created: created, Answered: created.Add(time.Hour), Closed: created.Add(2 * time.Hour), Token: "tok-live-1",
			Events: []publictest.Event{
				{Action: "publish", To: "review", At: created.Add(10 * time.Minute)},
				{Action: "answer", To: "answered", At: created.Add(time.Hour)},
				{Action: "note", To: "answered", At: created.Add(90 * time.Minute), Hidden: true},
				{Action: "confirm", To: "closed_fixed", At: created.Add(2 * time.Hour)},
			}})
		open := publictest.Insert(t, db, w.pt, publictest.Row{Category: w.pt.Yards, Reason: w.pt.Litter, Territory: w.pt.South, Org: w.pt.Housing,
			Lat: 59.85, Lon: 30.3, Text: "Мусор во дворе", Created: created.Add(time.Hour)})
		hidden := publictest.Insert(t, db, w.pt, publictest.Row{Category: w.pt.Yards, Reason: w.pt.Litter, Org: w.pt.Housing,
			Lat: 59.85, Lon: 30.3, Unpublished: true, Status: "moderation", Token: "tok-live-2", Created: created})

		ids := func(body string) []string {
			var out []map[string]any
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			var got []string
			for _, r := range out {
				got = append(got, r["service_request_id"].(string)+":"+r["status"].(string))
			}
			return got
		}
		s := strconv.FormatInt
		_, _, body := w.call(t, "GET", "/open311/v2/requests.json?service_request_id="+s(fixed, 10)+","+s(open, 10)+","+s(hidden, 10), nil)
		if got, want := strings.Join(ids(body), " "), s(open, 10)+":open "+s(fixed, 10)+":closed"; got != want {
			t.Errorf("by ids: %s, want %s", got, want)
		}
		_, _, body = w.call(t, "GET", "/open311/v2/requests.json?status=closed&service_code="+w.pt.PotholeCode, nil)
		if got := strings.Join(ids(body), " "); got != s(fixed, 10)+":closed" {
			t.Errorf("closed potholes: %s", got)
		}
		for _, leak := range []string{publictest.Author.Name, publictest.Author.Phone, publictest.Author.Email, "author:"} {
			if strings.Contains(body, leak) {
				t.Errorf("personal data %q in the list", leak)
			}
		}

		status, _, body := w.call(t, "GET", "/open311/v2/requests/"+s(fixed, 10)+".xml", nil)
		if status != 200 || !strings.Contains(body, "<description>Яма &lt;script&gt;alert(1)&lt;/script&gt; у остановки</description>") ||
			!strings.Contains(body, "<agency_responsible>Комитет по дорогам (тест)</agency_responsible>") {
			t.Errorf("one request: %d\n%s", status, body)
		}
		if status, _, _ := w.call(t, "GET", "/open311/v2/requests/"+s(hidden, 10)+".xml", nil); status != 404 {
			t.Errorf("an appeal in moderation: status %d, want 404", status)
		}

		_, _, body = w.call(t, "GET", "/open311/v2/tokens/tok-live-2.json", nil)
		if want := `[{"service_request_id":"` + s(hidden, 10) + `","token":"tok-live-2"}]`; strings.TrimSpace(body) != want {
			t.Errorf("token: %s, want %s", body, want)
		}

		// FixMyStreet's poll: both dates, api_key in the query.
		q := url.Values{"start_date": {created.Format(time.RFC3339)}, "end_date": {now.Format(time.RFC3339)}, "api_key": {w.key}}
		status, _, body = w.call(t, "GET", "/open311/v2/servicerequestupdates.xml?"+q.Encode(), nil)
		var ups struct {
			XMLName xml.Name `xml:"service_request_updates"`
			Updates []struct {
				UpdateID  string `xml:"update_id"`
				RequestID string `xml:"service_request_id"`
				Status    string `xml:"status"`
				External  string `xml:"external_status_code"`
			} `xml:"request_update"`
		}
		if status != 200 || xml.Unmarshal([]byte(body), &ups) != nil {
			t.Fatalf("updates: %d\n%s", status, body)
		}
		var got []string
		for _, u := range ups.Updates {
			if u.RequestID == s(fixed, 10) {
				got = append(got, u.Status+"/"+u.External)
			}
		}
		if want := "in_progress/open in_progress/answered fixed/fixed"; strings.Join(got, " ") != want {
			t.Errorf("updates of the fixed appeal: %v, want %s\n%s", got, want, body)
		}

		_, _, body = w.call(t, "GET", "/open311/v2/services.json", nil)
		var services []map[string]any
		mustOK(t, json.Unmarshal([]byte(body), &services))
		found := false
		for _, sv := range services {
			found = found || sv["service_code"] == w.reason.Code
		}
		if !found {
			t.Errorf("services lack %s", w.reason.Code)
		}
		if status, _, body := w.call(t, "GET", "/open311/v2/services/"+url.PathEscape(w.reason.Code)+".xml", nil); status != 200 ||
			!strings.Contains(body, "<code>anonymous</code>") {
			t.Errorf("definition: %d\n%s", status, body)
		}
	})
}

// BenchmarkOpen311LiveCreate files appeals through POST requests.json on
// a live app (SQLite, loopback HTTP), each durable before its answer and
// each by another author, so the per-author limit is not what is measured.
// Serial: one client at a time; parallel: GOMAXPROCS clients.
func BenchmarkOpen311LiveCreate(b *testing.B) {
	w := newOpen311World(b, "")
	var n atomic.Int64
	one := func(client *http.Client) error {
		form := w.liveForm()
		form.Set("email", "bench-"+strconv.FormatInt(n.Add(1), 10)+"@example.org")
		res, err := client.PostForm(w.live.URL+"/open311/v2/requests.json", form)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if err := one(http.DefaultClient); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := one(client); err != nil {
					b.Error(err) // Fatal belongs to the benchmark's own goroutine
					return
				}
			}
		})
	})
}
