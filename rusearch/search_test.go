package rusearch_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/okno/okno/rusearch"
)

// queries are what people type, with the service they want. kind names
// the feature each one tests.
var queries = []struct {
	kind, query, want string
}{
	// Word forms (stemming) and ё/е.
	{"stem", "пособие при рождении ребенка", "birth-allowance"},
	{"stem", "пособия на рождение ребёнка", "birth-allowance"},
	{"stem", "ежемесячное пособие на детей", "child-allowance"},
	{"stem", "вырубка зеленых насаждений", "tree-felling"},
	{"stem", "разрешение на вырубку деревьев", "tree-felling"},
	{"stem", "заграничный паспорт", "foreign-passport"},
	{"stem", "замена паспорта", "passport-replace"},
	{"stem", "регистрация брака", "marriage"},
	{"stem", "справка о судимости", "no-criminal-record"},
	{"stem", "зачисление в школу", "school-enrolment"},
	{"stem", "материнский капитал", "maternity-capital"},
	{"yo", "учет в детский сад", "kindergarten"},
	{"yo", "счётчики воды", "water-meters"},
	{"stem", "пенсия по старости", "pension"},
	{"stem", "земляные работы", "excavation"},
	{"stem", "социальное такси", "social-taxi"},
	{"stem", "перепланировка квартиры", "redevelopment"},
	// Typos.
	{"typo", "пасобие при рождении", "birth-allowance"},
	{"typo", "вырупка деревьев", "tree-felling"},
	{"typo", "заграничнй паспорт", "foreign-passport"},
	{"typo", "водительскго удостоверния", "driver-licence"},
	{"typo", "удостоверение многодетой семьи", "large-family"},
	{"typo", "перепланирвока", "redevelopment"},
	{"typo", "штарфы гибдд", "fines"},
	{"typo in the vowel the stemmer keys on", "штрвфы", "fines"},
	{"typo", "субсидя на оплату жилья", "housing-subsidy"},
	{"typo", "регистарция ип", "sole-trader"},
	// Wrong keyboard layout.
	{"layout", "gjcj,bt", "child-allowance"},
	{"layout", "gjcj,bt ghb hj;ltybb", "birth-allowance"},
	{"layout", "pfuhfybxysq gfcgjhn", "foreign-passport"},
	{"layout", "DSHE,RF LTHTDMTD", "tree-felling"},
	{"layout", "inhfas", "fines"},
	{"layout", "пособие yf ht,tyrf", "child-allowance"},
	// Synonyms and abbreviations.
	{"synonym", "загранник", "foreign-passport"},
	{"synonym", "замена прав", "driver-licence"},
	{"synonym", "права", "driver-licence"},
	{"synonym", "ип", "sole-trader"},
	{"synonym", "индивидуальный предприниматель", "sole-trader"},
	{"synonym", "ларек", "trade-stall"},
	{"synonym", "справка о несудимости", "no-criminal-record"},
	{"synonym", "детсад очередь", "kindergarten-queue"},
	{"synonym", "полис омс", "medical-policy"},
	{"synonym", "прописка", "residence-registration"},
	{"synonym", "маткапитал", "maternity-capital"},
	{"synonym", "спилить дерево", "tree-felling"},
	// Everyday words.
	{"everyday", "деньги на ребенка", "child-allowance"},
	{"everyday", "показания счетчиков", "water-meters"},
	{"everyday", "долг за квартплату", "debt-certificate"},
	{"everyday", "свадьба", "marriage"},
	{"everyday", "открыть бизнес", "sole-trader"},
	{"everyday", "место в очереди на садик", "kindergarten-queue"},
	{"everyday", "парковка для жителей", "parking-permit"},
	{"everyday", "парковка инвалид", "disability-parking"},
	{"everyday", "снилс", "snils"},
	{"everyday", "записать ребенка в первый класс", "school-enrolment"},
	// Half-typed last word.
	{"prefix", "загранич", "foreign-passport"},
	{"prefix", "водительско", "driver-licence"},
	{"prefix", "вырубк", "tree-felling"},
	{"prefix", "справка о задолж", "debt-certificate"},
	{"prefix", "многодет", "large-family"},
}

func TestSearchTop3(t *testing.T) {
	ix := mustIndex(t, catalogue)
	found := 0
	for _, q := range queries {
		hits := ix.Search(q.query, 3)
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		if slices.Contains(ids, q.want) {
			found++
		} else {
			t.Errorf("%s: Search(%q) top 3 = %v, want %s", q.kind, q.query, ids, q.want)
		}
	}
	t.Logf("found in top 3: %d of %d (%.3f)", found, len(queries), float64(found)/float64(len(queries)))
}

func TestExactOverTypo(t *testing.T) {
	// "пособие" is exact in two documents; a typo reading must never
	// outrank them.
	docs := []rusearch.Doc{
		{ID: "exact", Title: "Пособие"},
		{ID: "typo", Title: "Особие"},
	}
	ix := mustIndex(t, docs)
	hits := ix.Search("пособие ", 10)
	if len(hits) != 1 || hits[0].ID != "exact" {
		t.Errorf("got %v, want only the exact match (a known word is not read as a typo)", hits)
	}
	hits = ix.Search("пасобие ", 10)
	if len(hits) == 0 || hits[0].ID != "exact" {
		t.Errorf("typo query: got %v, want exact first", hits)
	}
}

func TestSynonymBelowExact(t *testing.T) {
	docs := []rusearch.Doc{
		{ID: "synonym", Title: "Замена водительского удостоверения"},
		{ID: "exact", Title: "Права граждан"},
	}
	ix := mustIndex(t, docs)
	hits := ix.Search("права ", 10)
	if len(hits) != 2 || hits[0].ID != "exact" {
		t.Errorf("got %v, want both with the exact word first", hits)
	}
}

func TestProximity(t *testing.T) {
	docs := []rusearch.Doc{
		{ID: "apart", Title: "Справка о наличии работы в городе и жилья"},
		{ID: "together", Title: "Справка о наличии жилья и работы в городе"},
	}
	ix := mustIndex(t, docs)
	hits := ix.Search("наличие жилья ", 10)
	if len(hits) != 2 || hits[0].ID != "together" {
		t.Errorf("got %v, want the document with the words side by side first", hits)
	}
}

func TestTitleOverText(t *testing.T) {
	docs := []rusearch.Doc{
		{ID: "text", Title: "Справка", Fields: []rusearch.Field{{Text: "для получения пенсии", Weight: 1}}},
		{ID: "title", Title: "Пенсия", Fields: []rusearch.Field{{Text: "справка о назначении", Weight: 1}}},
	}
	ix := mustIndex(t, docs)
	hits := ix.Search("пенсия ", 10)
	if len(hits) != 2 || hits[0].ID != "title" {
		t.Errorf("got %v, want the title match first", hits)
	}
}

func TestMatched(t *testing.T) {
	ix := mustIndex(t, catalogue)
	hits := ix.Search("gjcj,bt при рождении", 1)
	if len(hits) != 1 {
		t.Fatalf("got %v", hits)
	}
	if got, want := hits[0].Matched, []string{"пособ", "рожден"}; !slices.Equal(got, want) {
		t.Errorf("Matched = %q, want %q", got, want)
	}
}

func TestEmptyAndLimits(t *testing.T) {
	ix := mustIndex(t, catalogue)
	for _, q := range []string{"", "   ", "и в на", "!!!", "<script>"} {
		if hits := ix.Search(q, 10); len(hits) != 0 {
			t.Errorf("Search(%q) = %v, want nothing", q, hits)
		}
	}
	if hits := ix.Search("справка", 2); len(hits) != 2 {
		t.Errorf("limit 2: %d hits", len(hits))
	}
	if hits := ix.Search("справка", 0); len(hits) == 0 || len(hits) > 10 {
		t.Errorf("limit 0: %d hits, want the default", len(hits))
	}
	long := strings.Repeat("пособие ", 10000)
	if hits := ix.Search(long, 3); len(hits) == 0 {
		t.Errorf("a long query is cut, not refused: got nothing")
	}
	if err := rusearch.CheckQuery(long); err == nil {
		t.Errorf("CheckQuery accepts %d bytes", len(long))
	}
	if err := rusearch.CheckQuery("пособие на ребенка"); err != nil {
		t.Errorf("CheckQuery: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := rusearch.New([]rusearch.Doc{{ID: "a"}, {ID: "a"}}, rusearch.Options{}); err == nil {
		t.Error("duplicate IDs accepted")
	}
	if _, err := rusearch.New([]rusearch.Doc{{Title: "x"}}, rusearch.Options{}); err == nil {
		t.Error("empty ID accepted")
	}
}

func TestParseSynonyms(t *testing.T) {
	syn, err := rusearch.ParseSynonyms("# test\nкотик => кошка домашняя\nпёс, собака\n")
	if err != nil {
		t.Fatal(err)
	}
	docs := []rusearch.Doc{{ID: "cat", Title: "Домашняя кошка"}, {ID: "dog", Title: "Собака"}, {ID: "pes", Title: "Пёс"}}
	ix, err := rusearch.New(docs, rusearch.Options{Synonyms: syn})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"котиков ":    {"cat"},
		"кошка ":      {"cat"}, // one way: "кошка" does not find "котик"
		"пес ":        {"pes", "dog"},
		"собаки ":     {"dog", "pes"},
		"котик пес ":  {"pes", "dog", "cat"}, // the exact word first
		"неизвестно ": nil,
	} {
		var got []string
		for _, h := range ix.Search(q, 10) {
			got = append(got, h.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Search(%q) = %v, want %v", q, got, want)
		}
	}
	for _, bad := range []string{"одно слово", "а => ", "и, в"} {
		if _, err := rusearch.ParseSynonyms(bad); err == nil {
			t.Errorf("ParseSynonyms(%q) accepted", bad)
		}
	}
}

func TestEngineSwapConcurrent(t *testing.T) {
	e := rusearch.NewEngine(nil)
	if hits := e.Search("пособие", 3); hits != nil {
		t.Errorf("no index: %v", hits)
	}
	e.Swap(mustIndex(t, catalogue))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				if hits := e.Search("пособие при рождении", 3); len(hits) == 0 {
					t.Errorf("reader %d: no hits", i)
					return
				}
				if j == 25 && i == 0 {
					e.Swap(mustIndex(t, catalogue))
				}
			}
		})
	}
	wg.Wait()
}

func FuzzSearch(f *testing.F) {
	for _, q := range queries {
		f.Add(q.query, 3)
	}
	f.Add("\xff\xfe<a&amp;", 0)
	f.Add(strings.Repeat("а", 1000), -1)
	ix := mustIndex(f, catalogue)
	f.Fuzz(func(t *testing.T, q string, limit int) {
		hits := ix.Search(q, limit)
		if len(hits) > rusearch.MaxLimit {
			t.Fatalf("%d hits", len(hits))
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Fatalf("hits not sorted: %v", hits)
			}
		}
	})
}

func Example() {
	ix, err := rusearch.New([]rusearch.Doc{
		{ID: "passport", Title: "Оформление заграничного паспорта"},
		{ID: "licence", Title: "Замена водительского удостоверения"},
	}, rusearch.Options{})
	if err != nil {
		panic(err)
	}
	for _, q := range []string{"загранник", "pfvtyf ghfd"} {
		fmt.Println(q, "→", ix.Search(q, 1)[0].ID)
	}
	// Output:
	// загранник → passport
	// pfvtyf ghfd → licence
}
