package application_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	"github.com/okno/okno/application"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkSubmit measures submitting complete applications end to end:
// reading and unsealing the draft, validating the whole form against its
// declaration (directories from the catalogue), reading its document from
// the blob store, then the case with its sealed data, timeline, document,
// audit entries and outbox messages, the applications and consents rows
// and the draft's mark, each durable (SQLite with synchronous=FULL) before
// Submit returns. Drafts are made before the timer starts, a citizen per
// MaxOpenDrafts of them. "parallel" runs 32×GOMAXPROCS submitters, as a
// loaded server's requests would.
func BenchmarkSubmit(b *testing.B) {
	engines := map[string]func(testing.TB) *sqldb.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.PostgresEnv) != "" {
		engines["postgres"] = storetest.OpenPostgres
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := engines[name]
		if !ok {
			continue
		}
		for _, parallel := range []bool{false, true} {
			mode := "serial"
			if parallel {
				mode = "parallel"
			}
			b.Run(name+"/"+mode, func(b *testing.B) {
				f := newFixture(b, open(b))
				ctx := context.Background()
				type ready struct {
					citizen int64
					draft   application.Draft
				}
				drafts := make([]ready, b.N)
				var citizen int64
				for i := range drafts {
					if i%application.MaxOpenDrafts == 0 {
						citizen = f.citizen("Анна", identity.AssuranceStandard)
					}
					drafts[i] = ready{citizen, f.ready(citizen)}
				}
				var n atomic.Int64
				submit := func() {
					r := drafts[n.Add(1)-1]
					if _, err := f.s.Submit(ctx, as(r.citizen), application.Submission{DraftID: r.draft.ID, Version: r.draft.Version, Consent: true}); err != nil {
						b.Error(err)
					}
				}
				b.ResetTimer()
				if parallel {
					b.SetParallelism(32)
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							submit()
						}
					})
				} else {
					for range b.N {
						submit()
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
			})
		}
	}
}
