package metrics

import (
	"bytes"
	"flag"
	"io"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestExposition(t *testing.T) {
	r := NewRegistry()
	req := r.NewCounterVec("okno_requests_total", "Requests served.\nBy route \\ method.", "route", "method")
	req.With("/b", "GET").Add(2)
	req.With("/a", "POST").Inc()
	req.With(`/q"x"`+"\n", "GET").Inc()

	r.NewGauge("okno_in_flight", "Requests in flight.").Set(3)
	empty := r.NewGaugeVec("okno_empty", "No series yet.", "x")
	_ = empty

	h := r.NewHistogramVec("okno_duration_seconds", "Duration.", []float64{0.1, 0.5, 1}, "route")
	for _, v := range []float64{0.05, 0.1, 0.3, 0.7, 2} {
		h.With("/a").Observe(v)
	}
	h.With("/b").Observe(0.2)

	r.NewGaugeFunc("okno_outbox_lag_seconds", "Age of the oldest unsent message.", func() float64 { return 1.5 })
	r.NewGaugeVecFunc("okno_db_connections", "Database connections.", []string{"pool", "state"}, func(emit func(float64, ...string)) {
		emit(1, "write", "in_use")
		emit(0, "read", "in_use")
		emit(7, "read", "idle")
		emit(9, "bad") // wrong arity: dropped
	})
	r.NewGauge("okno_special", "Special values.").Set(math.Inf(-1))
	r.NewCounter("okno_big_total", "Large counts.").Add(12345678901)

	var buf bytes.Buffer
	n, err := r.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d bytes, wrote %d", n, buf.Len())
	}
	golden(t, "exposition.txt", buf.String())
}

func TestHandler(t *testing.T) {
	r := NewRegistry()
	r.NewCounter("okno_x_total", "X.").Inc()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if got := rec.Header().Get("Content-Type"); got != ContentType {
		t.Errorf("Content-Type = %q, want %q", got, ContentType)
	}
	if want := "# HELP okno_x_total X.\n# TYPE okno_x_total counter\nokno_x_total 1\n"; rec.Body.String() != want {
		t.Errorf("body = %q, want %q", rec.Body.String(), want)
	}
}

func TestConcurrentUse(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounterVec("c_total", "C.", "k")
	h := r.NewHistogram("h", "H.", DefBuckets())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 1000 {
				c.With([]string{"a", "b"}[i%2]).Inc()
				h.Observe(0.01)
			}
		})
	}
	wg.Go(func() { r.WriteTo(io.Discard) })
	wg.Wait()
	if got := c.With("a").Value() + c.With("b").Value(); got != 8000 {
		t.Errorf("counter total = %v, want 8000", got)
	}
	if got := h.Count(); got != 8000 {
		t.Errorf("histogram count = %v, want 8000", got)
	}
}

func TestRegistrationPanics(t *testing.T) {
	tests := map[string]func(r *Registry){
		"bad name":     func(r *Registry) { r.NewCounter("okno-requests", "x") },
		"bad label":    func(r *Registry) { r.NewCounterVec("ok", "x", "a-b") },
		"reserved le":  func(r *Registry) { r.NewHistogramVec("ok", "x", []float64{1}, "le") },
		"duplicate":    func(r *Registry) { r.NewCounter("ok", "x"); r.NewGauge("ok", "y") },
		"wrong arity":  func(r *Registry) { r.NewCounterVec("ok", "x", "a").With("1", "2") },
		"negative add": func(r *Registry) { r.NewCounter("ok", "x").Add(-1) },
		"bad buckets":  func(r *Registry) { r.NewHistogram("ok", "x", []float64{1, 1}) },
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			f(NewRegistry())
		})
	}
}

func TestInfBucketNotDuplicated(t *testing.T) {
	r := NewRegistry()
	r.NewHistogram("h", "H.", []float64{1, math.Inf(+1)}).Observe(5)
	var buf bytes.Buffer
	r.WriteTo(&buf)
	if got := strings.Count(buf.String(), `le="+Inf"`); got != 1 {
		t.Errorf("+Inf bucket appears %d times:\n%s", got, buf.String())
	}
}
