package accrual

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/storetest"
)

// BenchmarkImportFile imports a file of 20,000 new fines (one op) on
// SQLite. `okno fines bench` measures the full million with duplicates
// and annulments; this one is for profiles.
func BenchmarkImportFile(b *testing.B) {
	const n = 20000
	var file bytes.Buffer
	for i := range n {
		fmt.Fprintf(&file, `{"uin":%q,"kind":"new","seq":1,"licence":"99 00 %06d","amount":50000,"discount_percent":50,"discount_until":"2026-03-29","decision_date":"2026-03-09","article":"12.9.2"}`+"\n",
			uin(int64(i+1)), i%7000)
	}
	for b.Loop() {
		b.StopTimer()
		db := storetest.OpenSQLite(b)
		f := newFixtureTB(b, db)
		f.svc.d.BatchSize = 5000
		b.StartTimer()
		if _, err := f.svc.ImportFile(context.Background(), okno.System, "gibdd", bytes.NewReader(file.Bytes()), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
