package web_test

import (
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/web/webtest"
)

// BenchmarkServicePage renders a service card through the whole app over
// loopback HTTP (routing, middleware, the card from the database, the
// body's organisation, the template) and reports the median and the 99th
// percentile of one request, in microseconds.
//
//	go test ./web -run '^$' -bench BenchmarkServicePage -benchtime 2s
func BenchmarkServicePage(b *testing.B) {
	live := webtest.StartLive(b, "")
	buildCatalogWorld(b, live)
	client := &http.Client{}
	url := live.URL + "/services/" + catalogtest.Allowance
	get := func() {
		res, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body) //nolint:errcheck // the status says what matters
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	get() // warm the view and the connection
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		get()
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(at(0.5), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}
