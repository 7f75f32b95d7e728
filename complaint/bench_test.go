package complaint_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/okno/okno/complaint"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkFile files complaints about refused applications: the
// history rendered, the complaint case opened with it, the link row, the
// event on the original and the audit entry. Making each original case
// is outside the timer.
func BenchmarkFile(b *testing.B) {
	engines := map[string]func(testing.TB) *sqldb.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.PostgresEnv) != "" {
		engines["postgres"] = storetest.OpenPostgres
	}
	for name, open := range engines {
		b.Run(name, func(b *testing.B) {
			f := newFixture(b, open(b))
			ctx, me := context.Background(), citizen(f.citizen)
			i := 0
			for b.Loop() {
				b.StopTimer()
				orig := f.refuse(f.apply(f.citizen, f.agency))
				i++
				b.StartTimer()
				if _, err := f.s.File(ctx, me, complaint.Filing{CaseID: orig.ID, Grounds: []string{"unlawful_refusal"},
					Text: "Отказали без оснований.", IdempotencyKey: "bench-" + strconv.Itoa(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
