package rating_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/rating"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// BenchmarkRate rates refused applications: the rating with its sealed
// comment, both aggregate rows and the audit entry in one transaction.
// Closing each case is outside the timer.
func BenchmarkRate(b *testing.B) {
	engines := map[string]func(testing.TB) *sqldb.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.PostgresEnv) != "" {
		engines["postgres"] = storetest.OpenPostgres
	}
	for name, open := range engines {
		b.Run(name, func(b *testing.B) {
			f := newFixture(b, open(b), 0)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				c := f.refused(f.citizen, f.agency, "parking")
				b.StartTimer()
				if _, err := f.s.Rate(ctx, citizen(f.citizen), rating.Input{CaseID: c.ID, Scores: scores(2, 5, 5, 4, 5),
					Problems: []string{"deadline"}, Comment: "Долго ждал ответа"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkServices reads the region's dashboard over 2,000 rated
// services: the aggregate rows, never the ratings.
func BenchmarkServices(b *testing.B) {
	f := newFixture(b, storetest.OpenSQLite(b), 0)
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for i := range 2000 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rating_service_stats (service, n, timeliness, courtesy, comfort,
				information, convenience, updated_at) VALUES (?, 10, 45, 46, 47, 48, 49, ?)`, "svc-"+strconv.Itoa(i), fixtureStart); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	region := staff(0, f.region, okno.RoleSupervisor)
	for b.Loop() {
		if got, err := f.s.Services(ctx, region, rating.Query{}); err != nil || len(got) != 2000 {
			b.Fatalf("%d, %v", len(got), err)
		}
	}
}
