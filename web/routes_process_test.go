package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// TestProcessAPI serves the shipped definitions from a real registry on a
// real server: the schema to anyone, the definitions to API clients.
func TestProcessAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		now := func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }
		reg := process.NewRegistry(db, audittest.New(db, now), now)
		if err := reg.PublishShipped(context.Background()); err != nil {
			t.Fatal(err)
		}
		deps := webtest.NewFakes(webtest.Cast()).Deps()
		deps.Processes = reg
		srv := httptest.NewServer(web.New(webtest.Config(), deps).Handler())
		defer srv.Close()

		get := func(path, who string) (int, http.Header, []byte) {
			t.Helper()
			req, err := http.NewRequest("GET", srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch who {
			case "apikey":
				req.Header.Set("Authorization", "Bearer okno_test_apikey")
			case "citizen":
				req.AddCookie(&http.Cookie{Name: "okno_session", Value: "sess-citizen-simplified"})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			return res.StatusCode, res.Header, b
		}

		status, h, body := get("/api/v1/schemas/process.json", "")
		if status != 200 || h.Get("Content-Type") != "application/schema+json" || !bytes.Equal(body, process.Schema()) {
			t.Errorf("schema: %d %q, %d bytes", status, h.Get("Content-Type"), len(body))
		}

		if status, _, _ := get("/api/v1/processes", ""); status != http.StatusUnauthorized {
			t.Errorf("list as anonymous: %d, want 401", status)
		}
		status, _, body = get("/api/v1/processes", "apikey")
		var list struct {
			Items []struct {
				Name    string       `json:"name"`
				Version int          `json:"version"`
				Kind    string       `json:"kind"`
				Title   process.Text `json:"title"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &list); status != 200 || err != nil {
			t.Fatalf("list: %d %v %s", status, err, body)
		}
		var got []string
		for _, it := range list.Items {
			got = append(got, it.Name+" "+it.Kind+" "+it.Title.In("en"))
		}
		want := []string{"appeal appeal Report of a problem", "application application Application for a service", "complaint complaint Complaint against a decision"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("list (-want +got):\n%s", diff)
		}

		status, _, body = get("/api/v1/processes/appeal", "citizen")
		var one struct {
			Version    int             `json:"version"`
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal(body, &one); status != 200 || err != nil {
			t.Fatalf("appeal: %d %v", status, err)
		}
		d, ps := process.Parse(one.Definition)
		if len(ps) > 0 || d.Name != "appeal" || one.Version != 1 {
			t.Errorf("the served definition is not a valid definition file: %v", ps)
		}

		for _, path := range []string{"/api/v1/processes/nothing", "/api/v1/processes/Not-A-Name"} {
			status, h, _ := get(path, "apikey")
			if status != 404 || h.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %q, want a 404 problem", path, status, h.Get("Content-Type"))
			}
		}

		status, _, body = get("/api/v1/openapi.json", "")
		var doc struct {
			Paths map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(body, &doc); status != 200 || err != nil {
			t.Fatal(status, err)
		}
		for _, p := range []string{"/api/v1/schemas/process.json", "/api/v1/processes", "/api/v1/processes/{name}"} {
			if doc.Paths[p] == nil {
				t.Errorf("OpenAPI lacks %s", p)
			}
		}
	})
}
