package appeal_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/appeal"
)

// portalDataPath is the shared reference data; tests that need it skip
// where it is not mounted.
const portalDataPath = "../../shared/data/spb-appeals-dev.jsonl.gz"

func readPortalData(t testing.TB) []appeal.PortalRecord {
	t.Helper()
	f, err := os.Open(portalDataPath)
	if os.IsNotExist(err) {
		t.Skipf("reference data %s is absent: this test runs only where the shared data is mounted", portalDataPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := appeal.ReadPortalRecords(f)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func rec(id int64, at, district, cat, sub string, by ...string) appeal.PortalRecord {
	r := appeal.PortalRecord{ID: id, CreatedAt: at, District: district, Category: cat, Subcategory: sub}
	for i, b := range by {
		r.Answers = append(r.Answers, appeal.PortalAnswer{At: at + string(rune('a'+i)), By: b})
	}
	return r
}

func TestLearnRoutes(t *testing.T) {
	var recs []appeal.PortalRecord
	add := func(n int, district, cat, sub string, by ...string) {
		for range n {
			recs = append(recs, rec(int64(len(recs)+1), fmt.Sprintf("2021-01-%02d", len(recs)%28+1), district, cat, sub, by...))
		}
	}
	// Housing: the district's agency, whatever the reason.
	add(5, "Невский", "МКД", "Лифт", "ЖА Невского")
	add(1, "Невский", "МКД", "Лифт", "ЖА Невского", "Администрация Невского")
	add(1, "Невский", "МКД", "Домофон", "ЖА Невского")
	add(5, "Кировский", "МКД", "Лифт", "ЖА Кировского")
	// Traffic lights: one city body dominates.
	add(3, "Невский", "Дороги", "Светофор", "ДОДД")
	add(3, "Кировский", "Дороги", "Светофор", "ДОДД")
	add(2, "Кировский", "Дороги", "Яма", "Администрация Кировского")
	add(1, "Невский", "Дороги", "Яма", "ЦКБ")
	add(1, "Невский", "Дороги", "Яма") // unanswered: not learned from
	tab := appeal.LearnRoutes(recs)
	for _, c := range []struct{ cat, sub, district, want string }{
		{"МКД", "Лифт", "Невский", "ЖА Невского"},
		{"МКД", "Лифт", "Кировский", "ЖА Кировского"},
		{"МКД", "Домофон", "Кировский", "ЖА Кировского"}, // category in district
		{"Дороги", "Светофор", "Приморский", "ДОДД"},     // reason anywhere
		{"Дороги", "Яма", "Кировский", "Администрация Кировского"},
		{"Дороги", "Яма", "Невский", "ЦКБ"},
		{"Дороги", "Яма", "Приморский", "ДОДД"}, // category anywhere
		{"Дороги  ", "Яма", "Невский", "ЦКБ"},   // spaces do not matter
	} {
		got, ok := tab.Pick(c.cat, c.sub, c.district)
		if !ok || got != c.want {
			t.Errorf("Pick(%s, %s, %s) = %q, %v; want %q", c.cat, c.sub, c.district, got, ok, c.want)
		}
	}
	if _, ok := tab.Pick("Кровля", "Сосульки", "Невский"); ok {
		t.Error("an unseen category has a rule")
	}
	sc := appeal.EvalRouting(recs[:12], recs[12:])
	if sc.Total != 9 || sc.Correct != 0 || sc.NoRule != 9 || sc.Rules == 0 {
		t.Errorf("EvalRouting = %+v", sc)
	}
}

func TestSplitByTime(t *testing.T) {
	recs := []appeal.PortalRecord{{ID: 3, CreatedAt: "2021-03"}, {ID: 1, CreatedAt: "2021-01"}, {ID: 2, CreatedAt: "2021-02"},
		{ID: 5, CreatedAt: "2021-04"}, {ID: 4, CreatedAt: "2021-04"}}
	train, test := appeal.SplitByTime(recs, 0.2)
	ids := func(rs []appeal.PortalRecord) (out []int64) {
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	if diff := cmp.Diff([]int64{1, 2, 3, 4}, ids(train)); diff != "" {
		t.Errorf("train (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{5}, ids(test)); diff != "" {
		t.Errorf("test (-want +got):\n%s", diff)
	}
}

func TestReadPortalRecords(t *testing.T) {
	const lines = `{"id": 1, "created_at": "2021-01-01T10:00:00", "district": "Невский", "category": "Кровля", "subcategory": "Повреждение кровли", "answers": [{"at": "2021-01-03", "by": "Б"}, {"at": "2021-01-02", "by": "А"}]}

{"id": 2, "created_at": "2021-01-02T10:00:00", "answers": []}
`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lines))
	zw.Close()
	for name, in := range map[string][]byte{"plain": []byte(lines), "gzip": gz.Bytes()} {
		recs, err := appeal.ReadPortalRecords(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(recs) != 2 || recs[0].FirstAnswerBy() != "А" || recs[1].FirstAnswerBy() != "" {
			t.Errorf("%s: %+v", name, recs)
		}
	}
	_, err := appeal.ReadPortalRecords(strings.NewReader("{\"id\": 1}\n{bad\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v", err)
	}
}

// TestRoutingFigure measures on the Saint Petersburg data how often the
// learned routing table alone picks the body that answered first (time
// split: the last 20% by created_at held out).
func TestRoutingFigure(t *testing.T) {
	recs := readPortalData(t)
	train, test := appeal.SplitByTime(recs, 0.2)
	sc := appeal.EvalRouting(train, test)
	t.Logf("routing: %d rules; %d of %d answered test appeals routed to the answering body: %.4f (no rule: %d)",
		sc.Rules, sc.Correct, sc.Total, sc.Accuracy, sc.NoRule)
	// The bar is a floor against regressions of the learner, not the aim.
	if sc.Accuracy < 0.80 {
		t.Errorf("routing accuracy %.4f below 0.80", sc.Accuracy)
	}
}

func BenchmarkLearnRoutes(b *testing.B) {
	recs := readPortalData(b)
	b.ResetTimer()
	for b.Loop() {
		appeal.LearnRoutes(recs)
	}
}

// TestSplitByID holds out about a fifth, always the same records, and
// every record lands on exactly one side.
func TestSplitByID(t *testing.T) {
	var recs []appeal.PortalRecord
	for i := range 1000 {
		recs = append(recs, appeal.PortalRecord{ID: int64(2947909 + i)})
	}
	train, test := appeal.SplitByID(recs)
	if len(train)+len(test) != len(recs) || len(test) < 150 || len(test) > 250 {
		t.Errorf("train %d, test %d of %d", len(train), len(test), len(recs))
	}
	_, again := appeal.SplitByID(recs)
	if diff := cmp.Diff(test, again); diff != "" {
		t.Errorf("a second split differs (-first +second):\n%s", diff)
	}
}
