package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// fakeWebhooks stands in for notify.Webhooks: organisation 7 (the cast's)
// is administered by its administrators, organisation 9 by nobody here.
type fakeWebhooks struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeWebhooks) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeWebhooks) may(a okno.Actor, orgID int64) error {
	if orgID != 7 || a.OrgID != 7 || !a.Has(okno.RoleAdmin) {
		return okno.Errorf(okno.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

var created = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func (f *fakeWebhooks) Subscribe(_ context.Context, a okno.Actor, orgID int64, url string, events []string) (string, notify.Subscription, error) {
	f.record("subscribe " + url + " " + strings.Join(events, ","))
	if err := f.may(a, orgID); err != nil {
		return "", notify.Subscription{}, err
	}
	if !strings.HasPrefix(url, "https://") {
		var fe okno.FieldErrors
		fe.Add("url", "notify.webhook_url_https")
		return "", notify.Subscription{}, fe.Err()
	}
	return "whsec_secret", notify.Subscription{ID: 3, OrgID: orgID, URL: url, Events: events, Active: true, CreatedAt: created, CreatedBy: a.Ref()}, nil
}

func (f *fakeWebhooks) List(_ context.Context, a okno.Actor, orgID int64) ([]notify.Subscription, error) {
	f.record("list")
	if err := f.may(a, orgID); err != nil {
		return nil, err
	}
	return []notify.Subscription{{ID: 3, OrgID: 7, URL: "https://cur.example/in", Events: []string{"case.*"}, Active: true, CreatedAt: created}}, nil
}

func (f *fakeWebhooks) Delete(_ context.Context, a okno.Actor, id int64) error {
	f.record("delete")
	if id != 3 || f.may(a, 7) != nil {
		return okno.Errorf(okno.ENOTFOUND, "notify.webhook_not_found")
	}
	return nil
}

func TestWebhookAPI(t *testing.T) {
	fake := &fakeWebhooks{}
	deps := webtest.NewFakes(webtest.Cast()).Deps()
	deps.Webhooks = fake
	s := testServer{web.New(webtest.Config(), deps), nil}
	admin := actor("staff-admin")
	jsonBody := func(v string) *strings.Reader { return strings.NewReader(v) }
	tests := []struct {
		name   string
		req    *http.Request
		status int
		body   string // a fragment of the answer
	}{
		{"list", admin.NewRequest("GET", "/api/v1/webhooks", nil, ""), 200, `"items":[{"id":3,"org_id":7,"url":"https://cur.example/in","events":["case.*"],"active":true,"created_at":"2026-11-22T10:00:00Z"}]`},
		{"list another organisation", admin.NewRequest("GET", "/api/v1/webhooks?org=9", nil, ""), 403, `"type":"urn:okno:problem:forbidden"`},
		{"list a bad organisation", admin.NewRequest("GET", "/api/v1/webhooks?org=x", nil, ""), 422, `"field":"org"`},
		{"subscribe", admin.NewRequest("POST", "/api/v1/webhooks", jsonBody(`{"url":"https://cur.example/in","events":["case.*","appeal.created"]}`), "application/json"), 201,
			`{"secret":"whsec_secret","webhook":{"id":3,"org_id":7,"url":"https://cur.example/in","events":["case.*","appeal.created"],"active":true,"created_at":"2026-11-22T10:00:00Z","created_by":"staff:206@org:7"}}`},
		{"subscribe for another organisation", admin.NewRequest("POST", "/api/v1/webhooks", jsonBody(`{"org_id":9,"url":"https://x.example/","events":["*"]}`), "application/json"), 403, `forbidden`},
		{"subscribe http", admin.NewRequest("POST", "/api/v1/webhooks", jsonBody(`{"url":"http://x.example/","events":["*"]}`), "application/json"), 422, `"field":"url"`},
		{"unknown field", admin.NewRequest("POST", "/api/v1/webhooks", jsonBody(`{"url":"https://x.example/","events":["*"],"secret":"mine"}`), "application/json"), 400, `invalid`},
		{"not JSON", admin.NewRequest("POST", "/api/v1/webhooks", jsonBody(`url=https://x.example/`), "application/x-www-form-urlencoded"), 400, `invalid`},
		{"negative organisation", admin.NewRequest("POST", "/api/v1/webhooks", jsonBody(`{"org_id":-1,"url":"https://x.example/","events":["*"]}`), "application/json"), 422, `"field":"org_id"`},
		{"delete", admin.NewRequest("POST", "/api/v1/webhooks/3/delete", nil, ""), 204, ``},
		{"delete unknown", admin.NewRequest("POST", "/api/v1/webhooks/4/delete", nil, ""), 404, `not_found`},
		{"delete nonsense", admin.NewRequest("POST", "/api/v1/webhooks/x/delete", nil, ""), 404, `not_found`},
		{"without CSRF", webtest.WithoutCSRF(admin.NewRequest("POST", "/api/v1/webhooks/3/delete", nil, "")), 403, `forbidden`},
		{"an official", actor("staff-official").NewRequest("GET", "/api/v1/webhooks", nil, ""), 403, `forbidden`},
		{"an API key", actor("apikey").NewRequest("POST", "/api/v1/webhooks", jsonBody(`{"url":"https://x.example/","events":["*"]}`), "application/json"), 403, `forbidden`},
		{"a citizen", actor("citizen-confirmed").NewRequest("GET", "/api/v1/webhooks", nil, ""), 403, `forbidden`},
		{"anonymous", actor("anonymous").NewRequest("GET", "/api/v1/webhooks", nil, ""), 401, `unauthorized`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(t, tt.req)
			got := body(t, res)
			if res.StatusCode != tt.status || !strings.Contains(got, tt.body) {
				t.Errorf("status %d, body %s; want %d with %s", res.StatusCode, got, tt.status, tt.body)
			}
			if tt.status == 201 && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the secret's answer may be cached: Cache-Control %q", res.Header.Get("Cache-Control"))
			}
		})
	}
	// Only the admin's own requests that passed the route's rule and the
	// decoding reach the service.
	want := []string{"list", "list", "subscribe https://cur.example/in case.*,appeal.created", "subscribe https://x.example/ *",
		"subscribe http://x.example/ *", "delete", "delete"}
	if diff := cmp.Diff(want, fake.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestWebhookAPIInOpenAPI(t *testing.T) {
	s := newServer(t, webtest.Config())
	res := s.do(t, actor("anonymous").NewRequest("GET", "/api/v1/openapi.json", nil, ""))
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{"/api/v1/webhooks": "get", "/api/v1/webhooks/{id}/delete": "post"} {
		if doc.Paths[path][method] == nil {
			t.Errorf("OpenAPI lacks %s %s", method, path)
		}
	}
	if doc.Paths["/api/v1/webhooks"]["post"] == nil {
		t.Error("OpenAPI lacks post /api/v1/webhooks")
	}
}
