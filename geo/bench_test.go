package geo_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/storetest"
)

// BenchmarkLookup looks up points spread over Saint Petersburg's 18 real
// districts, through the Service's in-memory index (SQLite behind it).
//
//	go test ./geo/ -run '^$' -bench Lookup -benchmem
func BenchmarkLookup(b *testing.B) {
	fc := openSPb(b)
	db := storetest.OpenSQLite(b)
	ctx := context.Background()
	s := geo.New(db, newLog(db), time.Now)
	if _, err := s.Import(ctx, fc, geo.LevelDistrict, okno.System); err != nil {
		b.Fatal(err)
	}
	// Points in the city's bounding box; about half fall in a district.
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([][2]float64, 1024)
	for i := range pts {
		pts[i] = [2]float64{59.63 + r.Float64()*0.62, 29.42 + r.Float64()*1.18}
	}
	if _, err := s.Lookup(ctx, pts[0][0], pts[0][1]); err != nil { // build the index outside the timer
		b.Fatal(err)
	}
	b.Run("random", func(b *testing.B) {
		i := 0
		for b.Loop() {
			p := pts[i%len(pts)]
			if _, err := s.Lookup(ctx, p[0], p[1]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("centre", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Lookup(ctx, 59.9390, 30.3158); err != nil {
				b.Fatal(err)
			}
		}
	})
}
