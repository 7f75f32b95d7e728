package instant_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/okno/okno/instant"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkRun is one citizen's request of a certificate end to end:
// profile, prefill, validation, the rule on the demo registry, and the
// recording transaction (request row, sealed result, audit entry).
func BenchmarkRun(b *testing.B) {
	bench := func(b *testing.B, db *sqldb.DB) {
		f := newFixture(b, db, instant.Limits{PerHour: 1 << 30})
		ctx := context.Background()
		data := map[string]any{"account": "1234567890"}
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			f.now = start.Add(time.Duration(i) * time.Millisecond)
			if _, err := f.svc.Run(ctx, f.petr, "no-debt", data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { bench(b, storetest.OpenSQLite(b)) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { bench(b, storetest.OpenPostgres(b)) })
	}
}
