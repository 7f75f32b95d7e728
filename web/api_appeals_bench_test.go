package web_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/okno/okno/storetest"
	"github.com/okno/okno/web/webtest"
)

// BenchmarkAPIAppealCreate files appeals through POST /api/v1/appeals on
// the whole app over loopback HTTP — SQLite in a temporary directory, and
// PostgreSQL when OKNO_TEST_POSTGRES is set — each durable before its
// answer and each by another author (author_hint), so the per-author
// limits are not what is measured. Serial: one client; parallel:
// 32×GOMAXPROCS clients. The figure is appeals accepted a second.
//
//	go test ./web -run '^$' -bench BenchmarkAPIAppealCreate -benchtime 3s
func BenchmarkAPIAppealCreate(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchAPIAppealCreate(b, "") })
	b.Run("postgres", func(b *testing.B) { benchAPIAppealCreate(b, storetest.PostgresDSN(b)) })
}

func benchAPIAppealCreate(b *testing.B, dsn string) {
	live := webtest.StartLive(b, dsn)
	w := buildAppealWorld(b, live)
	reason := w.reasons[0].Code
	var n atomic.Int64
	one := func(client *http.Client) error {
		i := n.Add(1)
		body := fmt.Sprintf(`{"reason":%q,"text":"Во дворе яма у подъезда номер %d, нужна засыпка","lat":59.925,"lon":30.35,"author_hint":"app-user-%d@example.ru"}`, reason, i, i)
		req, err := http.NewRequest("POST", live.URL+"/api/v1/appeals", strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+w.key)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
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
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appeals/s")
	})
	b.Run("parallel", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		b.SetParallelism(32) // 64 clients: what a busy server sees, and what group commit feeds on
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := one(client); err != nil {
					b.Error(err) // Fatal belongs to the benchmark's own goroutine
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appeals/s")
	})
}
