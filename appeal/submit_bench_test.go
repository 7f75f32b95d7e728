package appeal_test

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkSubmit measures filing appeals through an API client (the
// Open311 and JSON API path) end to end: validation, screening, territory
// lookup, routing, the case with its sealed data, timeline, audit entry and
// outbox messages, and the appeals row, each durable (SQLite with
// synchronous=FULL) before Submit returns. Authors differ so that the rate
// limit is not what is measured. "parallel" runs as many submitters as
// 32×GOMAXPROCS, as a loaded server's requests would.
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
				f := newFixture(b, open(b), appeal.Limits{PerHour: 1 << 30, PerDay: 1 << 30})
				ctx := context.Background()
				var n atomic.Int64
				submit := func() {
					i := n.Add(1)
					in := appeal.Submission{ReasonCode: litter, Text: litterText, HasPoint: true, Lat: centralPt[0], Lon: centralPt[1],
						Address: "ул. Литейная, 10", Channel: casework.ChannelOpen311, AuthorHint: "user" + strconv.FormatInt(i, 10) + "@example.org"}
					if _, err := f.s.Submit(ctx, f.apiKey(1), in); err != nil {
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
					for b.Loop() {
						submit()
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appeals/s")
			})
		}
	}
}
