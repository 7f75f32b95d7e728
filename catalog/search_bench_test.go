package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/storetest"
)

// BenchmarkSearch searches a catalogue of 2,000 services (the test
// catalogue and generated ones) with queries as people type them, and
// reports the median and 99th percentile of one search in microseconds.
//
//	go test ./catalog -run '^$' -bench BenchmarkSearch -benchtime 2s
func BenchmarkSearch(b *testing.B) {
	w := newWorld(b, storetest.OpenSQLite(b), nil)
	ctx := context.Background()
	what := []string{"разрешения на строительство", "справки о составе семьи", "пособия на ребёнка", "лицензии на торговлю",
		"выписки из реестра", "субсидии на оплату жилья", "путёвки в лагерь", "парковочного разрешения", "компенсации за проезд", "места в детском саду"}
	verb := []string{"Выдача", "Предоставление", "Оформление", "Продление", "Переоформление", "Аннулирование", "Приём заявлений для"}
	who := []string{"гражданам", "многодетным семьям", "пенсионерам", "инвалидам", "ветеранам", "студентам", "предпринимателям", "организациям"}
	base := catalogtest.Services(w.f.Committee.ID, 0)[2]
	for i := 0; i < 2000-len(w.f.Codes); i++ {
		sv := base
		sv.Code = fmt.Sprintf("gen-%04d", i)
		sv.OfficeIDs = nil
		sv.Title = catalog.Text{"ru": fmt.Sprintf("%s %s %s (%d)", verb[i%len(verb)], what[(i/len(verb))%len(what)], who[(i/7)%len(who)], i)}
		sv.Keywords = []string{what[i%len(what)]}
		if _, err := w.c.Put(ctx, okno.System, sv); err != nil {
			b.Fatal(err)
		}
	}
	queries := []string{"пособие при рождении", "gjcj,bt", "разрешение на стройку", "справка о сотаве семьи", "парковка", "детский сад",
		"субсидия жкх", "загранник", "права", "показания счетчиков", "ларек", "лицензия"}
	if _, err := w.c.Search(ctx, "прогрев", catalog.Query{}, 10); err != nil { // builds the view
		b.Fatal(err)
	}
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := w.c.Search(ctx, queries[i%len(queries)], catalog.Query{}, 10); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(at(0.5), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}
