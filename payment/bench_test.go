package payment_test

import (
	"os"
	"testing"
	"time"

	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkNotifications measures signed notifications handled per
// second: 10,000 payments, three notifications each (pending, a final
// state, a resend or a late cancellation), shuffled, 20% sent twice, from
// 8 concurrent senders; then checks nothing was counted twice. Run with
// -benchtime 1x: one iteration is the whole storm on a fresh database.
//
//	go test ./payment -run '^$' -bench Notifications -benchtime 1x
func BenchmarkNotifications(b *testing.B) {
	engines := map[string]func(testing.TB) *sqldb.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.PostgresEnv) != "" {
		engines["postgres"] = storetest.OpenPostgres
	}
	for name, open := range engines {
		b.Run(name, func(b *testing.B) {
			var notes int
			var took time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := newStorm(b, open(b), 10000, uint64(i+1))
				b.StartTimer()
				start := time.Now()
				if err := s.run(8); err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
				b.StopTimer()
				notes += len(s.notes)
				s.check(b)
			}
			b.ReportMetric(float64(notes)/took.Seconds(), "notifications/s")
		})
	}
}
