package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/appeal"
)

func TestOpen311Requests(t *testing.T) {
	srv, fa := newOpen311Server(t)
	fa.listed = []appeal.Appeal{open311Sample(), {CaseID: 9, ReasonCode: "snow", ReasonTitle: "Неубранный снег", Status: appeal.StatusOpen,
		CreatedAt: time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC)}}

	rec := open311Do(t, srv, "GET", "/open311/v2/requests.xml", nil)
	root := open311ParseXML(t, rec)
	if root.Name != "service_requests" || len(root.Children) != 2 {
		t.Fatalf("<%s> with %d children", root.Name, len(root.Children))
	}
	specOrder := []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
		"address", "address_id", "zipcode", "lat", "long", "media_url"}
	got := map[string]string{}
	for _, c := range root.Children[0].Children {
		got[c.Name] = c.Text
	}
	if diff := cmp.Diff(specOrder, root.Children[0].names()); diff != "" {
		t.Fatalf("request (-want +got):\n%s", diff)
	}
	want := map[string]string{
		"service_request_id": "7", "status": "closed", "status_notes": "Решено: автор подтвердил",
		"service_name": "Яма на проезжей части", "service_code": "pothole", "description": "Яма <b>глубокая</b> & опасная",
		"agency_responsible": "Администрация Центрального района", "service_notice": "",
		"requested_datetime": "2026-11-01T09:30:00+03:00", "updated_datetime": "2026-11-09T10:00:00+03:00",
		"expected_datetime": "2026-12-02T00:00:00+03:00", "address": "Невский пр., 1", "address_id": "", "zipcode": "",
		"lat": "59.9386", "long": "30.3141", "media_url": "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("closed request (-want +got):\n%s", diff)
	}
	if strings.Contains(rec.Body.String(), "Анна") {
		t.Error("the author's name is personal data")
	}
	if !strings.Contains(rec.Body.String(), "Яма &lt;b&gt;глубокая&lt;/b&gt; &amp; опасная") {
		t.Error("text is not escaped")
	}
	if q := fa.query; !q.From.Equal(open311Now.Add(-90*24*time.Hour)) || !q.To.IsZero() || q.Limit != 1000 {
		t.Errorf("default window: %+v", q)
	}

	rec = open311Do(t, srv, "GET", "/open311/v2/requests.json", nil)
	var raw []json.RawMessage
	open311ParseJSON(t, rec, &raw)
	if diff := cmp.Diff(specOrder, open311Keys(t, raw[1])); diff != "" {
		t.Errorf("JSON keys (-want +got):\n%s", diff)
	}
	var open map[string]any
	json.Unmarshal(raw[1], &open)
	wantOpen := map[string]any{"service_request_id": "9", "status": "open", "status_notes": "На рассмотрении",
		"service_name": "Неубранный снег", "service_code": "snow", "description": nil, "agency_responsible": nil,
		"service_notice": nil, "requested_datetime": "2026-11-02T09:30:00+03:00", "updated_datetime": "2026-11-02T09:30:00+03:00",
		"expected_datetime": nil, "address": nil, "address_id": nil, "zipcode": nil, "lat": nil, "long": nil, "media_url": nil}
	if diff := cmp.Diff(wantOpen, open); diff != "" {
		t.Errorf("open request in JSON (-want +got):\n%s", diff)
	}
}

func TestOpen311RequestsQuery(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		query string
		want  appeal.Query
	}{
		{"ids override everything", "service_request_id=7,%209,,12&status=open&start_date=2026-01-01",
			appeal.Query{CaseIDs: []int64{7, 9, 12}, Limit: 1000}},
		{"codes, statuses and a window", "service_code=pothole&service_code=snow&status=closed&start_date=2026-10-01T00:00:00Z&end_date=2026-11-01T00:00:00%2B03:00",
			appeal.Query{ReasonCodes: []string{"pothole", "snow"}, Statuses: []appeal.Status{appeal.StatusFixed, appeal.StatusFixedAuto, appeal.StatusNotFixed},
				From: d("2026-10-01T00:00:00Z"), To: d("2026-11-01T00:00:00+03:00"), Limit: 1000}},
		{"open, and an unescaped plus", "status=open&start_date=2026-10-01T00:00:00+03:00",
			appeal.Query{Statuses: []appeal.Status{appeal.StatusOpen, appeal.StatusAnswered},
				From: d("2026-10-01T00:00:00+03:00"), To: d("2026-12-30T00:00:00+03:00"), Limit: 1000}},
		{"end alone, a date", "end_date=2026-11-01",
			appeal.Query{From: d("2026-08-03T00:00:00+03:00"), To: d("2026-11-01T00:00:00+03:00"), Limit: 1000}},
		{"updated after replaces the default window", "updated_after=2026-11-19T00:00Z",
			appeal.Query{UpdatedFrom: d("2026-11-19T00:00:00Z"), Limit: 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, fa := newOpen311Server(t)
			rec := open311Do(t, srv, "GET", "/open311/v2/requests.xml?"+tc.query, nil)
			if rec.Code != 200 {
				t.Fatalf("status %d\n%s", rec.Code, rec.Body)
			}
			if diff := cmp.Diff(tc.want, fa.query, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct {
		name, query string
		texts       []string
	}{
		{"bad id", "service_request_id=7,abc", []string{"service_request_id: ", "abc"}},
		{"bad status", "status=pending", []string{"status: ", "pending"}},
		{"bad date", "start_date=yesterday", []string{"start_date: ", "yesterday"}},
		{"no offset", "start_date=2026-10-01T00:00:00", []string{"start_date: "}},
		{"window too long", "start_date=2026-01-01&end_date=2026-11-01", []string{"end_date: ", "90"}},
		{"window backwards", "start_date=2026-11-01&end_date=2026-10-01", []string{"end_date: "}},
		{"unknown jurisdiction", "jurisdiction_id=www.other.org", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newOpen311Server(t)
			rec := open311Do(t, srv, "GET", "/open311/v2/requests.json?"+tc.query, nil)
			status := 400
			if strings.HasPrefix(tc.query, "jurisdiction_id") {
				status = 404
			}
			open311ExpectError(t, rec, "json", status, status, tc.texts...)
		})
	}
	t.Run("our jurisdiction in any spelling", func(t *testing.T) {
		srv, _ := newOpen311Server(t)
		for _, j := range []string{"example.com", "www.example.com", "https://EXAMPLE.com/"} {
			if rec := open311Do(t, srv, "GET", "/open311/v2/requests.json?jurisdiction_id="+url.QueryEscape(j), nil); rec.Code != 200 {
				t.Errorf("%s: status %d", j, rec.Code)
			}
		}
	})
}

func TestOpen311Request(t *testing.T) {
	srv, _ := newOpen311Server(t)
	for _, f := range []string{"xml", "json"} {
		rec := open311Do(t, srv, "GET", "/open311/v2/requests/7."+f, nil)
		if rec.Code != 200 {
			t.Fatalf("status %d\n%s", rec.Code, rec.Body)
		}
		if f == "xml" {
			root := open311ParseXML(t, rec)
			if root.Name != "service_requests" || len(root.Children) != 1 || root.child("request").child("service_request_id").Text != "7" {
				t.Errorf("answer %+v", root)
			}
		} else {
			var out []map[string]any
			open311ParseJSON(t, rec, &out)
			if len(out) != 1 || out[0]["service_request_id"] != "7" || out[0]["lat"] != 59.9386 {
				t.Errorf("answer %v", out)
			}
		}
		open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/requests/8."+f, nil), f, 404, 404)
		open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/requests/2026-000007."+f, nil), f, 404, 404)
	}
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/requests/7.csv", nil), "xml", 400, 400)
}

func TestOpen311Token(t *testing.T) {
	srv, _ := newOpen311Server(t)
	rec := open311Do(t, srv, "GET", "/open311/v2/tokens/tok-123.xml", nil)
	root := open311ParseXML(t, rec)
	req := root.child("request")
	if root.Name != "service_requests" || req.child("service_request_id").Text != "42" || req.child("token").Text != "tok-123" {
		t.Errorf("answer %+v", root)
	}
	var out []map[string]any
	open311ParseJSON(t, open311Do(t, srv, "GET", "/open311/v2/tokens/tok-123.json", nil), &out)
	if diff := cmp.Diff([]map[string]any{{"service_request_id": "42", "token": "tok-123"}}, out); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/tokens/nope.json", nil), "json", 404, 404)
}

// TestOpen311UpdatesPoll polls updates as FixMyStreet does: both dates,
// its api_key in the query, a "+" it does not escape.
func TestOpen311UpdatesPoll(t *testing.T) {
	srv, fa := newOpen311Server(t)
	rec := open311Do(t, srv, "GET", "/open311/v2/servicerequestupdates.xml?jurisdiction_id=example.com&api_key=whatever"+
		"&start_date=2026-11-19T00:00:00+03:00&end_date=2026-11-20T00:00:00Z", nil)
	root := open311ParseXML(t, rec)
	if root.Name != "service_request_updates" || len(root.Children) != 3 {
		t.Fatalf("<%s> with %d children", root.Name, len(root.Children))
	}
	want := [][]string{
		{"request_update", "501", "7", "in_progress", "2026-11-19T12:00:00+03:00", "", "", "open"},
		{"request_update", "502", "7", "in_progress", "2026-11-19T13:00:00+03:00", "Яму заделают до 1 декабря", "", "answered"},
		{"request_update", "503", "8", "fixed", "2026-11-19T14:00:00+03:00", "", "", "fixed_auto"},
	}
	var got [][]string
	for _, u := range root.Children {
		if diff := cmp.Diff([]string{"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url", "external_status_code"}, u.names()); diff != "" {
			t.Fatalf("request_update (-want +got):\n%s", diff)
		}
		row := []string{u.Name}
		for _, c := range u.Children {
			row = append(row, c.Text)
		}
		got = append(got, row)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	from, _ := time.Parse(time.RFC3339, "2026-11-19T00:00:00+03:00")
	if !fa.updates.From.Equal(from) || !fa.updates.To.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) || fa.updates.Limit != 1000 {
		t.Errorf("query %+v", fa.updates)
	}

	var js []map[string]any
	open311ParseJSON(t, open311Do(t, srv, "GET", "/open311/v2/servicerequestupdates.json?service_request_id=7", nil), &js)
	if len(js) != 3 || js[1]["description"] != "Яму заделают до 1 декабря" || js[1]["update_id"] != "502" || js[0]["media_url"] != "" {
		t.Errorf("JSON updates: %v", js)
	}
	if fa.updates.CaseID != 7 || !fa.updates.From.IsZero() {
		t.Errorf("one request's updates: %+v", fa.updates)
	}

	open311Do(t, srv, "GET", "/open311/v2/servicerequestupdates.xml", nil)
	if !fa.updates.From.Equal(open311Now.Add(-24*time.Hour)) || !fa.updates.To.IsZero() {
		t.Errorf("default window: %+v", fa.updates)
	}
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/servicerequestupdates.xml?start_date=soon", nil), "xml", 400, 400, "start_date: ")
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/servicerequestupdates.json?start_date=2026-11-02&end_date=2026-11-01", nil), "json", 400, 400, "end_date: ")
}

func TestOpen311Elsewhere(t *testing.T) {
	srv, _ := newOpen311Server(t)
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/nothing.json", nil), "json", 404, 404)
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/requests/7/comments.xml", nil), "xml", 404, 404)
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v3/services.json", nil), "json", 404, 404)
	open311ExpectError(t, open311Do(t, srv, "POST", "/open311/v2/requests/7.xml", url.Values{}), "xml", 404, 404)
	// English errors for English clients.
	req := httptest.NewRequest("GET", "/open311/v2/services/nope.json", nil)
	req.Header.Set("Accept-Language", "en")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	open311ExpectError(t, rec, "json", 404, 404, "not found in the services list")
}

// BenchmarkOpen311Requests renders a full page of 1,000 requests, as a
// dashboard polling requests.xml gets it.
func BenchmarkOpen311Requests(b *testing.B) {
	for _, f := range []string{"xml", "json"} {
		b.Run(f, func(b *testing.B) {
			srv, fa := newOpen311Server(b)
			for i := range 1000 {
				a := open311Sample()
				a.CaseID = int64(i + 1)
				fa.listed = append(fa.listed, a)
			}
			req := httptest.NewRequest("GET", "/open311/v2/requests."+f, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.Handler().ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
