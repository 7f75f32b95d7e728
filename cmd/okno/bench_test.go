package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// benchServer stands in for Okno: it lists two services and accepts every
// third submission with 201, refuses the others with 429 or 400.
func benchServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var posts atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open311/v2/services.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"service_code":"a"},{"service_code":"b"}]`))
	})
	mux.HandleFunc("POST /open311/v2/requests.json", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("api_key") != "okno_k" || r.FormValue("service_code") == "" || r.FormValue("email") == "" {
			t.Errorf("bad submission %v", r.Form)
		}
		switch posts.Add(1) % 3 {
		case 0:
			w.WriteHeader(429)
		case 1:
			w.WriteHeader(201)
		default:
			w.WriteHeader(400)
		}
	})
	mux.HandleFunc("POST /api/v1/appeals", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer okno_k" || r.Header.Get("Idempotency-Key") == "" {
			t.Errorf("bad API submission %v", r.Header)
		}
		posts.Add(1)
		w.WriteHeader(201)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &posts
}

func TestBenchCountsAndClassifies(t *testing.T) {
	srv, posts := benchServer(t)
	out, err := runOkno(t, "bench", "--url", srv.URL, "--key", "okno_k", "--duration", "300ms", "--concurrency", "4", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Requests == 0 || r.OK == 0 || r.Errors["status 429"] == 0 || r.Errors["status 400"] == 0 {
		t.Errorf("result %+v", r)
	}
	if got := r.OK + r.Errors["status 429"] + r.Errors["status 400"]; got > int(posts.Load()) || got < r.Requests-4 {
		t.Errorf("counted %d of %d sent (%d posted)", got, r.Requests, posts.Load())
	}
	if !(r.P50ms <= r.P90ms && r.P90ms <= r.P99ms && r.P99ms <= r.MaxMs) {
		t.Errorf("percentiles out of order: %+v", r)
	}
}

func TestBenchOpenLoopKeepsTheRate(t *testing.T) {
	srv, posts := benchServer(t)
	out, err := runOkno(t, "bench", "--url", srv.URL, "--key", "okno_k", "--target", "api", "--rate", "200", "--duration", "500ms")
	if err != nil {
		t.Fatal(err)
	}
	// 200/s for half a second is about 100 requests; the scheduler must
	// neither stall nor flood.
	if n := posts.Load(); n < 50 || n > 110 {
		t.Errorf("%d requests at 200/s over 0.5 s: %s", n, out)
	}
	if !strings.Contains(out, "open loop at 200/s") {
		t.Errorf("output %q", out)
	}
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--key", "k", "--target", "soap"},
		{"bench", "--key", "k", "--rate", "-1"},
	} {
		if _, err := runOkno(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	// An unreachable server is a clear error, not a hang.
	if _, err := runOkno(t, "bench", "--key", "k", "--url", "http://127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("unreachable server: %v", err)
	}
}
