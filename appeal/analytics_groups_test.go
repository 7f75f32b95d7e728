package appeal

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestEstimateJaccardTracksSimilarity(t *testing.T) {
	mh := newMinHasher()
	a := Tokens("Во дворе дома 5 по улице Ленина огромная яма, машины не могут проехать, просим отремонтировать")
	for _, tt := range []struct {
		text string
		near bool
	}{
		{"Во дворе дома 5 по улице Ленина огромная яма, машины не могут проехать! Просим отремонтировать срочно", true},
		{"Не работает уличное освещение на набережной, темно вечером", false},
	} {
		b := Tokens(tt.text)
		var sa, sb [minhashK]uint32
		mh.signature(shingleHashes(a, nil), sa[:])
		mh.signature(shingleHashes(b, nil), sb[:])
		est, exact := estimateJaccard(sa[:], sb[:]), Similarity(a, b)
		if d := est - exact; d > 0.15 || d < -0.15 {
			t.Errorf("%q: estimate %.2f, exact %.2f: too far apart", tt.text, est, exact)
		}
		if (est >= 0.5) != tt.near {
			t.Errorf("%q: estimate %.2f, near-duplicate = %v", tt.text, est, tt.near)
		}
	}
}

func TestGroupDuplicates(t *testing.T) {
	pothole := "Огромная яма на проезжей части у дома 12 по Невскому проспекту, колёса повреждаются, требуется ремонт"
	item := func(text string, lat, lon float64) dupItem {
		return dupItem{Tokens: Tokens(text), Numbers: numbersKey(text), Lat: lat, Lon: lon}
	}
	items := []dupItem{
		item(pothole, 59.9300, 30.3300),
		item(pothole+"!!!", 59.9302, 30.3305), // ~35 m away
		item("Огромная яма на проезжей части у дома 12 по Невскому проспекту, колеса повреждаются. Требуется ремонт дороги", 59.9290, 30.3290), // ~130 m
		item(pothole, 59.9800, 30.3300), // 5.5 km away: another pothole
		item("Во дворе не вывозят мусор уже неделю, контейнеры переполнены", 59.9300, 30.3300), // same place, other problem
		item(strings.ReplaceAll(pothole, "12", "14"), 59.9300, 30.3300),                        // another house
		item("Мусор", 59.9300, 30.3300),
		item("Мусор", 59.9320, 30.3300), // 220 m: too far for a word
		item("", 59.93, 30.33),          // no words
	}
	res := groupDuplicates(items, dupParams{Threshold: 0.5, Radius: 500})
	if len(res.Groups) != 1 || fmt.Sprint(res.Groups[0]) != "[0 1 2]" {
		t.Fatalf("groups %v, want [[0 1 2]]", res.Groups)
	}
	if res.Similarity[0] < 0.5 || res.Similarity[0] > 1 {
		t.Errorf("similarity %v", res.Similarity[0])
	}
}

func TestComputeGroupsAndInitiatives(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		text := "Не горит уличный фонарь у дома 7 на Садовой улице уже третью неделю, вечером совсем темно"
		var ids []int64
		for i := range 3 {
			ids = append(ids, w.add(t, anAppeal{Author: "n" + strconv.Itoa(i), Text: text + strings.Repeat("!", i), Lat: 59.93 + float64(i)*0.0005, Lon: 30.33}))
		}
		w.add(t, anAppeal{Author: "far", Text: text, Lat: 59.99, Lon: 30.33})
		w.add(t, anAppeal{Author: "unpublished"}) // no public text
		w.add(t, anAppeal{Author: "other", Text: "Во дворе не вывозят мусор уже неделю", Territory: w.terrB, Org: w.orgB})
		w.add(t, anAppeal{Author: "b1", Text: text, Territory: w.terrB, Org: w.orgB, Lat: 60.05, Lon: 30.33})
		w.add(t, anAppeal{Author: "b2", Text: text, Territory: w.terrB, Org: w.orgB, Lat: 60.0501, Lon: 30.33})

		rep, err := w.svc.ComputeGroups(ctx, GroupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Texts != 7 || rep.Groups != 2 || rep.Grouped != 5 {
			t.Errorf("report %+v, want 7 texts, 2 groups of 5 appeals", rep)
		}
		gs, err := w.svc.Groups(ctx, w.regionAdmin(), GroupQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 2 || gs[0].Size != 3 || gs[0].Authors != 3 || gs[0].TerritoryName != "Центральный район" || gs[0].SampleText != text {
			t.Fatalf("groups %+v", gs)
		}
		mine, err := w.svc.Groups(ctx, w.supervisorA(), GroupQuery{})
		if err != nil || len(mine) != 1 {
			t.Errorf("A's supervisor sees %d groups, %v; want 1", len(mine), err)
		}
		g, err := w.svc.GroupByID(ctx, w.regionAdmin(), gs[0].ID)
		if err != nil || len(g.Members) != 3 {
			t.Fatalf("group: %+v, %v", g, err)
		}
		if _, err := w.svc.GroupByID(ctx, w.supervisorA(), gs[1].ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("B's group for A's supervisor: %v, want not found", err)
		}
		// Recomputing replaces the groups, never piles them up.
		if _, err := w.svc.ComputeGroups(ctx, GroupOptions{}); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, "appeal_groups"); n != 2 {
			t.Errorf("%d groups after recomputing, want 2", n)
		}
		gs, _ = w.svc.Groups(ctx, w.regionAdmin(), GroupQuery{})

		// Bad input changes nothing.
		audited := len(w.audit.Entries())
		for name, in := range map[string]InitiativeInput{
			"no title":        {GroupID: gs[0].ID},
			"long title":      {Title: strings.Repeat("я", 201), GroupID: gs[0].ID},
			"two sources":     {Title: "Фонари на Садовой", GroupID: gs[0].ID, CaseIDs: ids},
			"no source":       {Title: "Фонари на Садовой"},
			"unknown group":   {Title: "Фонари на Садовой", GroupID: 99999},
			"unknown appeals": {Title: "Фонари на Садовой", CaseIDs: []int64{ids[0], 99999}},
			"long text":       {Title: "Фонари на Садовой", GroupID: gs[0].ID, Description: strings.Repeat("я", 4001)},
		} {
			if _, err := w.svc.CreateInitiative(ctx, w.regionAdmin(), in); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		if _, err := w.svc.CreateInitiative(ctx, okno.Actor{Kind: okno.ActorCitizen, UserID: 1}, InitiativeInput{Title: "Фонари", GroupID: gs[0].ID}); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("a citizen: %v, want forbidden", err)
		}
		if n := w.count(t, "appeal_initiatives"); n != 0 || len(w.audit.Entries()) != audited {
			t.Fatalf("bad input left %d initiatives and %d audit entries", n, len(w.audit.Entries())-audited)
		}

		ini, err := w.svc.CreateInitiative(ctx, w.supervisorA(), InitiativeInput{Title: "  Освещение Садовой улицы ", Description: "Заменить фонари", GroupID: gs[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		if ini.Title != "Освещение Садовой улицы" || ini.Appeals != 3 || ini.Source != "group" || ini.Status != InitiativeProposed || ini.TerritoryID != w.terrA {
			t.Errorf("initiative %+v", ini)
		}
		es := w.audit.Entries()
		if len(es) != audited+1 || es[len(es)-1].Action != "appeal.initiative.create" {
			t.Errorf("audit: %+v", es[audited:])
		}
		// From a spike: that day's appeals of the district and category.
		sp, err := w.svc.CreateInitiative(ctx, w.regionAdmin(), InitiativeInput{Title: "Всплеск", Spike: &SpikeRef{TerritoryID: w.terrA, CategoryID: w.catRoads, Day: DayDate(dayOf(w.now))}})
		if err != nil {
			t.Fatal(err)
		}
		if sp.Appeals != 5 || sp.Source != "spike" {
			t.Errorf("spike initiative has %d appeals (%s), want 5", sp.Appeals, sp.Source)
		}
		// A's supervisor cannot take B's appeals.
		if _, err := w.svc.CreateInitiative(ctx, w.supervisorA(), InitiativeInput{Title: "Чужое", Spike: &SpikeRef{TerritoryID: w.terrB, CategoryID: w.catRoads, Day: DayDate(dayOf(w.now))}}); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("another district's spike: %v, want invalid", err)
		}

		list, err := w.svc.Initiatives(ctx, w.regionAdmin(), InitiativeQuery{})
		if err != nil || len(list) != 2 {
			t.Fatalf("initiatives: %d, %v", len(list), err)
		}
		got, err := w.svc.SetInitiativeStatus(ctx, w.regionAdmin(), ini.ID, InitiativeAccepted)
		if err != nil || got.Status != InitiativeAccepted {
			t.Fatalf("accept: %+v, %v", got, err)
		}
		if _, err := w.svc.SetInitiativeStatus(ctx, w.regionAdmin(), ini.ID, "done"); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("unknown status: %v", err)
		}
		if _, err := w.svc.SetInitiativeStatus(ctx, okno.Actor{Kind: okno.ActorStaff, UserID: 7, OrgID: w.orgB, Roles: []okno.Role{okno.RoleAdmin}}, ini.ID, InitiativeRejected); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("B's admin on A's initiative: %v, want not found", err)
		}
		full, err := w.svc.InitiativeByID(ctx, w.regionAdmin(), ini.ID)
		if err != nil || full.Status != InitiativeAccepted || len(full.CaseIDs) != 3 {
			t.Errorf("initiative: %+v, %v", full, err)
		}
	})
}

func TestExportHasNoPersonalData(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		for i := range 5 {
			w.add(t, anAppeal{Author: "secret-author-key", Text: "Иванов Иван, тел. +79990000000", Created: w.now.Add(-time.Duration(i) * time.Hour)})
		}
		w.add(t, anAppeal{Author: "x", Territory: w.terrB, Org: w.orgB})
		var got []ExportRow
		n, more, err := w.svc.ExportAppeals(ctx, w.supervisorA(), DensityQuery{}, 3, func(r ExportRow) error { got = append(got, r); return nil })
		if err != nil || n != 3 || !more || len(got) != 3 {
			t.Fatalf("export: %d rows, more %v, %v", n, more, err)
		}
		if !got[0].CreatedAt.Before(got[1].CreatedAt) {
			t.Error("export is not oldest first")
		}
		if s := fmt.Sprintf("%+v", got); strings.Contains(s, "secret-author-key") || strings.Contains(s, "Иванов") || strings.Contains(s, "7999") {
			t.Errorf("export holds personal data: %s", s)
		}
		n, more, err = w.svc.ExportAppeals(ctx, w.regionAdmin(), DensityQuery{}, 0, func(ExportRow) error { return nil })
		if err != nil || n != 6 || more {
			t.Errorf("region export: %d, %v, %v; want 6", n, more, err)
		}
	})
}

// spbRecord is what the grouping benchmark reads of the Saint Petersburg data.
type spbRecord struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Lat  string `json:"lat"`
	Lon  string `json:"lon"`
}

const spbData = "../../shared/data/spb-appeals-dev.jsonl.gz"

// readSPB reads the first n records of the data, or skips.
func readSPB(tb testing.TB, n int) []spbRecord {
	tb.Helper()
	f, err := os.Open(spbData)
	if err != nil {
		tb.Skipf("%s is absent: %v", spbData, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var out []spbRecord
	for sc.Scan() && len(out) < n {
		var r spbRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func spbItems(recs []spbRecord) []dupItem {
	items := make([]dupItem, len(recs))
	for i, r := range recs {
		lat, _ := strconv.ParseFloat(r.Lat, 64)
		lon, _ := strconv.ParseFloat(r.Lon, 64)
		items[i] = dupItem{Tokens: Tokens(r.Text), Numbers: numbersKey(r.Text), Lat: lat, Lon: lon}
	}
	return items
}

// BenchmarkGroup50k groups 50,000 real appeals' texts, tokenising
// included: the figure is under 30 s.
//
//	go test ./appeal -run '^$' -bench BenchmarkGroup50k -benchtime 1x
func BenchmarkGroup50k(b *testing.B) {
	recs := readSPB(b, 50000)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		res := groupDuplicates(spbItems(recs), dupParams{Threshold: 0.5, Radius: 500})
		grouped := 0
		for _, g := range res.Groups {
			grouped += len(g)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/50k")
		b.ReportMetric(float64(len(res.Groups)), "groups")
		b.ReportMetric(float64(grouped), "grouped")
		b.ReportMetric(float64(res.Candidates), "candidates")
	}
}

// TestGroupSample prints groups of the real data for a person to check by
// hand (go test -run TestGroupSample -v); it asserts only that grouping
// finds some.
func TestGroupSample(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the Saint Petersburg data")
	}
	recs := readSPB(t, 10000)
	res := groupDuplicates(spbItems(recs), dupParams{Threshold: 0.5, Radius: 500})
	if len(res.Groups) == 0 {
		t.Fatal("no groups in 10,000 real appeals")
	}
	if !testing.Verbose() {
		return
	}
	step := max(1, len(res.Groups)/25)
	for g := 0; g < len(res.Groups); g += step {
		t.Logf("group %d (%d appeals, similarity %.2f):", g, len(res.Groups[g]), res.Similarity[g])
		for k, i := range res.Groups[g] {
			if k == 4 {
				break
			}
			txt := []rune(strings.ReplaceAll(recs[i].Text, "\n", " "))
			t.Logf("    %s,%s %s", recs[i].Lat, recs[i].Lon, string(txt[:min(len(txt), 110)]))
		}
	}
}
