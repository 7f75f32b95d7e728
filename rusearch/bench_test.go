package rusearch_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/okno/okno/rusearch"
)

// generated returns n synthetic services: the test catalogue plus titles
// combined from actions, objects and recipients, with a summary each, so
// that the vocabulary and posting lengths resemble a regional catalogue.
func generated(n int) []rusearch.Doc {
	actions := []string{"Выдача", "Предоставление", "Назначение", "Оформление", "Замена", "Продление", "Согласование", "Регистрация", "Приём заявлений о", "Постановка на учёт для получения", "Компенсация расходов на", "Прекращение"}
	objects := []string{"разрешения на строительство", "субсидии на оплату жилья", "пособия по уходу за ребёнком", "справки о составе семьи", "лицензии на розничную продажу алкоголя", "удостоверения ветерана труда", "путёвки в детский лагерь", "земельного участка в аренду", "социальной выплаты молодой семье", "ордера на земляные работы", "паспорта объекта культурного наследия", "льготного проездного билета", "жилого помещения по договору социального найма", "архивной справки", "места на кладбище", "опеки над несовершеннолетним", "технических условий подключения к сетям", "выписки из домовой книги", "бесплатного питания школьникам", "санаторно-курортного лечения", "знака доступности для инвалидов", "разрешения на установку рекламной конструкции", "согласия на обмен жилыми помещениями", "сертификата на ремонт жилья", "статуса малоимущей семьи"}
	recipients := []string{"гражданам", "пенсионерам", "многодетным семьям", "инвалидам", "ветеранам", "студентам", "индивидуальным предпринимателям", "юридическим лицам", "молодым семьям", "жителям блокадного Ленинграда"}
	places := []string{"Адмиралтейского района", "Василеостровского района", "Выборгского района", "Калининского района", "Кировского района", "Колпинского района", "Красногвардейского района", "Московского района", "Невского района", "Петроградского района", "Приморского района", "Пушкинского района", "Фрунзенского района", "Центрального района"}
	r := rand.New(rand.NewPCG(1, 2))
	docs := slices.Clone(catalogue)
	for i := len(docs); i < n; i++ {
		a, o, p := actions[r.IntN(len(actions))], objects[r.IntN(len(objects))], recipients[r.IntN(len(recipients))]
		docs = append(docs, rusearch.Doc{
			ID:       fmt.Sprintf("gen-%d", i),
			Title:    fmt.Sprintf("%s %s %s", a, o, p),
			Keywords: []string{places[r.IntN(len(places))]},
			Fields: []rusearch.Field{{Text: fmt.Sprintf("Услугу оказывает администрация %s. %s %s предоставляется %s по заявлению через МФЦ или портал.",
				places[r.IntN(len(places))], a, o, p), Weight: 1}},
		})
	}
	return docs
}

// BenchmarkSearch measures one query (the test set in turn) against 2,000
// services and reports the median and p99 per query besides the mean.
func BenchmarkSearch(b *testing.B) {
	ix := mustIndex(b, generated(2000))
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)].query
		i++
		start := time.Now()
		ix.Search(q, 10)
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "median-ns/query")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns/query")
}

// BenchmarkNew measures building the index of 2,000 services.
func BenchmarkNew(b *testing.B) {
	docs := generated(2000)
	b.ReportAllocs()
	for b.Loop() {
		mustIndex(b, docs)
	}
}

// TestSearchGenerated checks the test queries still find their service
// among 2,000 (the generated ones share many words with them).
func TestSearchGenerated(t *testing.T) {
	ix := mustIndex(t, generated(2000))
	top1, top3 := 0, 0
	for _, q := range queries {
		hits := ix.Search(q.query, 3)
		var ids []string
		for k, h := range hits {
			ids = append(ids, h.ID)
			if h.ID == q.want {
				top3++
				if k == 0 {
					top1++
				}
			}
		}
		if !slices.Contains(ids, q.want) {
			t.Logf("%s: Search(%q) top 3 = %v, want %s", q.kind, q.query, ids, q.want)
		}
	}
	t.Logf("2,000 services: top 1 %d, top 3 %d of %d", top1, top3, len(queries))
	if share := float64(top3) / float64(len(queries)); share < 0.9 {
		t.Errorf("top-3 share %.3f among 2,000 services, want ≥ 0.9", share)
	}
}
