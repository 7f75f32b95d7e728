package web_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// BenchmarkFormPage renders form pages of a draft through the real
// server's whole handler — session, the draft unsealed, the service's
// declaration, a directory, the template — and reports the median and the
// 99th percentile in microseconds:
//
//	go test ./web -run '^$' -bench BenchmarkFormPage -benchtime 2s
func BenchmarkFormPage(b *testing.B) {
	live := webtest.StartLive(b, "")
	putApplyServices(b, live, identity.AssuranceStandard)
	c := newApplyCitizen(b, live, "bench", 9, true)
	v := live.NewVisitor(b).SignedIn(c.token)
	v.Get("/cabinet")
	v.Post("/services/" + applyCode + "/apply")
	id := strings.TrimPrefix(v.URL, "/applications/")
	id = id[:strings.Index(id, "/")]
	base := "/applications/" + id
	v.Post(base+"/pages/about", "/name", "Анна Петрова", "/age", "34", "/income", "1000")
	v.Post(base+"/pages/children", "/children.n", "2", "/children/0/fullName", "Иван Петров", "/children/1/fullName", "Мария Петрова")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		b.Fatalf("no draft: %s", v.URL)
	}
	for _, page := range []string{"about", "choices", "children"} {
		b.Run(page, func(b *testing.B) {
			path, h := base+"/pages/"+page, live.App.Web.Handler()
			times := make([]time.Duration, 0, b.N)
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: "okno_session", Value: c.token})
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", path, rec.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds()), "µs-p50")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "µs-p99")
		})
	}
}
