package appeal

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestDayNumbers(t *testing.T) {
	// 20:59 UTC is 23:59 in Moscow, 21:00 UTC is the next day there.
	a := time.Date(2021, 3, 14, 20, 59, 0, 0, time.UTC)
	b := time.Date(2021, 3, 14, 21, 0, 0, 0, time.UTC)
	if dayOf(b) != dayOf(a)+1 {
		t.Errorf("dayOf: %d and %d, want consecutive days", dayOf(a), dayOf(b))
	}
	if got := DayDate(dayOf(b)); got != time.Date(2021, 3, 15, 0, 0, 0, 0, time.UTC) {
		t.Errorf("DayDate(dayOf(21:00 UTC)) = %v, want 15 March", got)
	}
	if !dayStart(dayOf(b)).Equal(b) {
		t.Errorf("dayStart = %v, want %v", dayStart(dayOf(b)), b)
	}
	if DayNumber(DayDate(dayOf(a))) != dayOf(a) {
		t.Error("DayNumber does not invert DayDate")
	}
}

// dayRows reads the district × category table, for comparing.
func dayRows(t *testing.T, w *anWorld) []dayKeyCount {
	t.Helper()
	rows, err := w.db.QueryContext(context.Background(), `SELECT day, territory_id, category_id, appeals, authors FROM appeal_stats_daily ORDER BY day, territory_id, category_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []dayKeyCount
	for rows.Next() {
		var r dayKeyCount
		if err := rows.Scan(&r.Key.Day, &r.Key.TerritoryID, &r.Key.CategoryID, &r.Appeals, &r.Authors); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// checkMonths checks the monthly rows are the sums of the daily ones.
func checkMonths(t *testing.T, w *anWorld) {
	t.Helper()
	want := map[dayKey][2]int{}
	for _, r := range dayRows(t, w) {
		k := dayKey{monthOf(r.Key.Day), r.Key.TerritoryID, r.Key.CategoryID}
		m := want[k]
		want[k] = [2]int{m[0] + r.Appeals, m[1] + r.Authors}
	}
	rows, err := w.db.QueryContext(context.Background(), `SELECT month, territory_id, category_id, appeals, author_days FROM appeal_stats_monthly`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[dayKey][2]int{}
	for rows.Next() {
		var k dayKey
		var n, a int
		if err := rows.Scan(&k.Day, &k.TerritoryID, &k.CategoryID, &n, &a); err != nil {
			t.Fatal(err)
		}
		got[k] = [2]int{n, a}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("monthly rows (-sums of days +stored):\n%s", diff)
	}
}

type dayKeyCount struct {
	Key              dayKey
	Appeals, Authors int
}

func orgRows(t *testing.T, w *anWorld) []string {
	t.Helper()
	return orgTable(t, w, "appeal_stats_org_daily", "day")
}

func orgTable(t *testing.T, w *anWorld, table, col string) []string {
	t.Helper()
	rows, err := w.db.QueryContext(context.Background(), `SELECT `+col+`, org_id, `+orgAggColumns+` FROM `+table+` ORDER BY `+col+`, org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var day, o int64
		var a orgAgg
		var hist string
		if err := rows.Scan(&day, &o, &a.Received, &a.Answered, &a.OnTime, &a.Overdue, &a.Reroutes, &a.Reopened, &a.Fixed, &a.NotFixed, &a.Closed, &hist); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(day, o, a.Received, a.Answered, a.OnTime, a.Overdue, a.Reroutes, a.Reopened, a.Fixed, a.NotFixed, a.Closed, hist))
	}
	return out
}

func TestRefresh(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		day := w.now.Add(-time.Hour)
		// One author files ten appeals in a day: ten appeals, one author.
		for range 10 {
			w.add(t, anAppeal{Author: "prolific", Created: day})
		}
		w.add(t, anAppeal{Author: "other", Created: day})
		w.add(t, anAppeal{Author: "other", Created: day.Add(-24 * time.Hour), Category: w.catYards})
		w.add(t, anAppeal{Author: "b", Created: day, Territory: w.terrB, Org: w.orgB})
		w.add(t, anAppeal{Author: "spam", Created: day, Status: StatusRejected})
		w.add(t, anAppeal{Author: "nowhere", Created: day, Territory: -1})

		rep, err := w.svc.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Full || rep.Appeals != 14 {
			t.Errorf("first refresh: %+v, want a full rebuild of 14 appeals (the rejected one is not counted)", rep)
		}
		d := dayOf(day)
		want := []dayKeyCount{
			{dayKey{d - 1, w.terrA, w.catYards}, 1, 1},
			{dayKey{d, 0, w.catRoads}, 1, 1},
			{dayKey{d, w.terrA, w.catRoads}, 11, 2},
			{dayKey{d, w.terrB, w.catRoads}, 1, 1},
		}
		if diff := cmp.Diff(want, dayRows(t, w)); diff != "" {
			t.Errorf("after the first refresh (-want +got):\n%s", diff)
		}

		// Changes: one appeal re-categorised and re-routed, a new one, one
		// rejected by moderation. The incremental refresh must agree with
		// a rebuild from scratch.
		w.now = w.now.Add(10 * time.Minute)
		moved := w.add(t, anAppeal{Author: "mover", Created: day})
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(10 * time.Minute)
		w.exec(t, `UPDATE appeals SET category_id = ?, reason_id = ?, org_id = ?, territory_id = ?, updated_at = ? WHERE case_id = ?`,
			w.catYards, w.reasons[w.catYards], w.orgB, w.terrB, sqldb.Now(w.now), moved)
		w.exec(t, `UPDATE appeals SET status = 'rejected', updated_at = ? WHERE author_key = 'b'`, sqldb.Now(w.now))
		w.add(t, anAppeal{Author: "late", Created: day, Category: w.catYards})
		rep, err = w.svc.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Full {
			t.Errorf("second refresh rebuilt everything: %+v", rep)
		}
		checkMonths(t, w)
		incremental, incOrgs := dayRows(t, w), orgRows(t, w)
		incOrgMonths := orgTable(t, w, "appeal_stats_org_monthly", "month")
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(incremental, dayRows(t, w)); diff != "" {
			t.Errorf("a refresh with nothing new changed rows (-before +after):\n%s", diff)
		}
		w.exec(t, `DELETE FROM appeal_analytics_state`)
		if rep, err := w.svc.Refresh(ctx); err != nil || !rep.Full {
			t.Fatalf("rebuild: %+v, %v", rep, err)
		}
		if diff := cmp.Diff(dayRows(t, w), incremental); diff != "" {
			t.Errorf("incremental and full refresh disagree on days (-full +incremental):\n%s", diff)
		}
		if diff := cmp.Diff(orgRows(t, w), incOrgs); diff != "" {
			t.Errorf("incremental and full refresh disagree on organisations (-full +incremental):\n%s", diff)
		}
		checkMonths(t, w)
		if diff := cmp.Diff(orgTable(t, w, "appeal_stats_org_monthly", "month"), incOrgMonths); diff != "" {
			t.Errorf("incremental and full refresh disagree on organisations' months (-full +incremental):\n%s", diff)
		}
		if len(incOrgMonths) == 0 {
			t.Error("no organisation months")
		}
		want = []dayKeyCount{
			{dayKey{d - 1, w.terrA, w.catYards}, 1, 1},
			{dayKey{d, 0, w.catRoads}, 1, 1},
			{dayKey{d, w.terrA, w.catRoads}, 11, 2},
			{dayKey{d, w.terrA, w.catYards}, 1, 1},
			{dayKey{d, w.terrB, w.catYards}, 1, 1},
		}
		if diff := cmp.Diff(want, incremental); diff != "" {
			t.Errorf("after the changes (-want +got):\n%s", diff)
		}
	})
}

func TestDensity(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		day := w.now.Add(-time.Hour)
		for i := range 3 {
			w.add(t, anAppeal{Author: "a", Created: day.Add(-time.Duration(i) * 48 * time.Hour)})
		}
		w.add(t, anAppeal{Author: "b", Created: day, Territory: w.terrB, Org: w.orgB, Category: w.catYards})
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		d, err := w.svc.Density(ctx, w.regionAdmin(), DensityQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Total != 4 || d.MaxCell != 3 || len(d.Cells) != 2 || len(d.Days) != 5 {
			t.Errorf("region: total %d, max %d, %d cells, %d days; want 4, 3, 2, 5 (days filled between)", d.Total, d.MaxCell, len(d.Cells), len(d.Days))
		}
		if len(d.Territories) != 2 || d.Territories[0].Name != "Центральный район" || d.Territories[0].Appeals != 3 {
			t.Errorf("territories: %+v", d.Territories)
		}
		// A district's supervisor sees its district only.
		d, err = w.svc.Density(ctx, w.supervisorA(), DensityQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Total != 3 || len(d.Territories) != 1 || d.Territories[0].ID != w.terrA {
			t.Errorf("district A's supervisor sees %d appeals in %+v, want 3 in A", d.Total, d.Territories)
		}
		// Filters.
		d, err = w.svc.Density(ctx, w.regionAdmin(), DensityQuery{Period: Period{From: DayDate(dayOf(day)), To: DayDate(dayOf(day))}, CategoryID: w.catYards})
		if err != nil {
			t.Fatal(err)
		}
		if d.Total != 1 || len(d.Days) != 1 {
			t.Errorf("one day, one category: total %d, %d days; want 1, 1", d.Total, len(d.Days))
		}
		// A long period: whole months from the monthly rows, the ends
		// from the days; the same total, month by month.
		for i := range 4 {
			w.add(t, anAppeal{Author: "old", Created: day.AddDate(0, -i-1, 0)})
		}
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		long := DensityQuery{Period: Period{From: DayDate(dayOf(day) - 200), To: DayDate(dayOf(day))}}
		d, err = w.svc.Density(ctx, w.regionAdmin(), long)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, m := range d.Months {
			sum += m.Appeals
		}
		if d.Total != 8 || sum != 8 || len(d.Days) != 0 || len(d.Months) != 8 {
			t.Errorf("200 days: total %d, months sum %d, %d days, %d months; want 8, 8, 0, 8 (August to March)", d.Total, sum, len(d.Days), len(d.Months))
		}
		// Bad input.
		for name, q := range map[string]DensityQuery{
			"reversed":        {Period: Period{From: day, To: day.Add(-48 * time.Hour)}},
			"too long":        {Period: Period{From: day.AddDate(-20, 0, 0), To: day}},
			"other territory": {TerritoryID: w.terrB},
		} {
			actor := w.regionAdmin()
			if name == "other territory" {
				actor = w.supervisorA()
			}
			if _, err := w.svc.Density(ctx, actor, q); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
	})
}

func TestAnalyticsScope(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		for name, actor := range map[string]okno.Actor{
			"anonymous": {},
			"citizen":   {Kind: okno.ActorCitizen, UserID: 9},
			"official":  {Kind: okno.ActorStaff, UserID: 3, OrgID: w.orgA, Roles: []okno.Role{okno.RoleOfficial}},
			"operator":  {Kind: okno.ActorStaff, UserID: 3, OrgID: w.orgA, Roles: []okno.Role{okno.RoleOperator}},
			"no org":    {Kind: okno.ActorStaff, UserID: 3, Roles: []okno.Role{okno.RoleAdmin}},
			"api key":   {Kind: okno.ActorAPIKey, APIKeyID: 1, OrgID: w.region, Roles: []okno.Role{okno.RoleAdmin}},
		} {
			if _, err := w.svc.AnalyticsScope(ctx, actor); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("%s: %v, want forbidden", name, err)
			}
		}
		sc, err := w.svc.AnalyticsScope(ctx, w.regionAdmin())
		if err != nil || !sc.Region {
			t.Errorf("region admin: %+v, %v; want the region", sc, err)
		}
		sc, err = w.svc.AnalyticsScope(ctx, w.supervisorA())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(Scope{Territories: []int64{w.terrA}, Orgs: []int64{w.orgA}}, sc); diff != "" {
			t.Errorf("district supervisor's scope (-want +got):\n%s", diff)
		}
	})
}

func TestSpikesCountAuthors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		today := w.now.Add(-time.Hour)
		// A quiet baseline: one appeal a week in each pair.
		for week := 1; week <= 4; week++ {
			at := today.AddDate(0, 0, -7*week)
			w.add(t, anAppeal{Author: "regular", Created: at})
			w.add(t, anAppeal{Author: "regular", Created: at, Category: w.catYards})
		}
		// Today: one person files ten appeals about roads — not a spike;
		// ten people file one each about yards — a spike.
		for range 10 {
			w.add(t, anAppeal{Author: "one-person", Created: today})
		}
		for i := range 10 {
			w.add(t, anAppeal{Author: "neighbour-" + string(rune('a'+i)), Created: today, Category: w.catYards})
		}
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		all, err := w.svc.Spikes(ctx, w.regionAdmin(), SpikeQuery{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Fatalf("%d pairs tested, want 2: %+v", len(all), all)
		}
		yards, roads := all[0], all[1]
		if !yards.Spike || yards.CategoryID != w.catYards || yards.Authors != 10 || yards.Appeals != 10 {
			t.Errorf("ten neighbours: %+v, want a spike of 10 authors", yards)
		}
		if roads.Spike || roads.Authors != 1 || roads.Appeals != 10 {
			t.Errorf("one person's ten appeals: %+v, want 1 author and no spike", roads)
		}
		if math.Abs(yards.Baseline-4.0/28) > 1e-9 {
			t.Errorf("baseline %v, want 4/28", yards.Baseline)
		}
		if yards.TerritoryName != "Центральный район" || yards.CategoryTitle != "Благоустройство" {
			t.Errorf("names: %q, %q", yards.TerritoryName, yards.CategoryTitle)
		}
		spikes, err := w.svc.Spikes(ctx, w.regionAdmin(), SpikeQuery{})
		if err != nil || len(spikes) != 1 {
			t.Errorf("spikes only: %d, %v; want 1", len(spikes), err)
		}
		// District B's view has none of A's.
		other := okno.Actor{Kind: okno.ActorStaff, UserID: 5, OrgID: w.orgB, Roles: []okno.Role{okno.RoleController}}
		if spikes, err := w.svc.Spikes(ctx, other, SpikeQuery{All: true}); err != nil || len(spikes) != 0 {
			t.Errorf("district B sees %d pairs, %v; want none", len(spikes), err)
		}
	})
}

func TestPoissonUpperTail(t *testing.T) {
	for _, tt := range []struct {
		x      int
		lambda float64
		want   float64
	}{
		{0, 2, 1},
		{1, 2, 1 - math.Exp(-2)},
		{3, 0.1, 1 - math.Exp(-0.1)*(1+0.1+0.005)},
		{2, 5, 1 - math.Exp(-5)*(1+5)},
		{30, 1, 0}, // tiny but positive; checked below
	} {
		got := poissonUpperTail(tt.x, tt.lambda)
		if tt.x == 30 {
			if got <= 0 || got > 1e-30 {
				t.Errorf("P(X ≥ 30 | 1) = %g, want tiny and positive", got)
			}
			continue
		}
		if math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("P(X ≥ %d | %v) = %.15g, want %.15g", tt.x, tt.lambda, got, tt.want)
		}
	}
}

func TestEfficiency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		filed := w.now.Add(-20 * 24 * time.Hour)
		w.add(t, anAppeal{Created: filed, Answered: filed.Add(24 * time.Hour), OnTime: true, Status: StatusFixed, Closed: filed.Add(48 * time.Hour)})
		w.add(t, anAppeal{Created: filed, Answered: filed.Add(72 * time.Hour), OnTime: true, Status: StatusNotFixed, Closed: filed.Add(96 * time.Hour), Reopened: 1})
		w.add(t, anAppeal{Created: filed, Answered: filed.Add(10 * 24 * time.Hour), OnTime: false, Status: StatusAnswered, Reroutes: 2})
		w.add(t, anAppeal{Created: filed, Due: filed.Add(8 * 24 * time.Hour)}) // overdue, unanswered
		w.add(t, anAppeal{Created: filed, Org: w.orgB, Territory: w.terrB})
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		es, err := w.svc.Efficiency(ctx, w.regionAdmin(), Period{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 {
			t.Fatalf("%d organisations, want 2", len(es))
		}
		a := es[0]
		want := Efficiency{OrgID: w.orgA, OrgName: "Администрация Центрального района", Received: 4, Answered: 3, OnTime: 2, Overdue: 1,
			OnTimeShare: 0.5, Reroutes: 2, Reopened: 1, ReopenRate: 0.5, Fixed: 1, NotFixed: 1, Closed: 2,
			MedianAnswer: 78 * time.Hour} // the middle answer, 72 h, is in the 72–84 h bucket: interpolated to its middle
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("organisation A (-want +got):\n%s", diff)
		}
		// A period of whole months reads the monthly rows: the same.
		long, err := w.svc.Efficiency(ctx, w.regionAdmin(), Period{From: DayDate(dayOf(w.now) - 200), To: DayDate(dayOf(w.now))})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(es, long); diff != "" {
			t.Errorf("200 days against all time (-all +200 days):\n%s", diff)
		}
		// The due time of an unanswered appeal passes later: the refresh
		// counts it overdue then, although nothing updated the appeal.
		es, _ = w.svc.Efficiency(ctx, w.regionAdmin(), Period{})
		if es[1].Overdue != 0 {
			t.Fatalf("B overdue %d before its due time", es[1].Overdue)
		}
		w.now = w.now.Add(11 * 24 * time.Hour)
		if _, err := w.svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		es, _ = w.svc.Efficiency(ctx, w.regionAdmin(), Period{})
		if es[1].Overdue != 1 {
			t.Errorf("B overdue %d after its due time passed, want 1", es[1].Overdue)
		}
		es, err = w.svc.Efficiency(ctx, w.supervisorA(), Period{})
		if err != nil || len(es) != 1 || es[0].OrgID != w.orgA {
			t.Errorf("A's supervisor sees %+v, %v; want A only", es, err)
		}
	})
}

func TestHistogram(t *testing.T) {
	h := map[int]int{}
	decodeHist(encodeHist(map[int]int{0: 1, 5: 2, 120: 1}), h)
	if diff := cmp.Diff(map[int]int{0: 1, 5: 2, 120: 1}, h); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	decodeHist("x,1:,:2,999:1,-1:3,3:0", h) // all malformed or out of range
	if len(h) != 3 {
		t.Errorf("malformed pairs were read: %v", h)
	}
	if got := histMedian(map[int]int{2: 1}); got != 30*time.Hour {
		t.Errorf("median of one answer in bucket 2 = %v, want 30h (the bucket's middle)", got)
	}
	if got := histMedian(nil); got != 0 {
		t.Errorf("median of nothing = %v", got)
	}
}

func TestAnalyticsJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newAnWorld(t, db)
		text := "Не вывозят мусор с контейнерной площадки во дворе дома уже неделю"
		w.add(t, anAppeal{Author: "a", Text: text})
		w.add(t, anAppeal{Author: "b", Text: text, Lat: 59.9301, Lon: 30.33})
		q := outbox.New(db, nil, func() time.Time { return w.now })
		w.svc.analyticsJobs(q)
		run := func() {
			t.Helper()
			if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
				return q.Enqueue(ctx, tx, outbox.Message{Topic: AnalyticsTopic, Key: w.now.String()})
			}); err != nil {
				t.Fatal(err)
			}
			if n, err := q.ProcessDue(ctx); err != nil || n != 1 {
				t.Fatalf("processed %d, %v", n, err)
			}
		}
		run()
		if n := w.count(t, "appeal_stats_daily"); n != 1 {
			t.Errorf("%d day rows after the job, want 1", n)
		}
		if n := w.count(t, "appeal_groups"); n != 1 {
			t.Errorf("%d groups after the job, want 1", n)
		}
		// Within the hour the job refreshes but does not regroup.
		w.exec(t, `DELETE FROM appeal_groups`)
		w.now = w.now.Add(10 * time.Minute)
		run()
		if n := w.count(t, "appeal_groups"); n != 0 {
			t.Errorf("the job regrouped within the hour")
		}
		w.now = w.now.Add(GroupsEvery)
		run()
		if n := w.count(t, "appeal_groups"); n != 1 {
			t.Errorf("the job did not regroup after an hour")
		}
	})
}

func TestSplitMonths(t *testing.T) {
	day := func(y int, m time.Month, d int) int64 { return DayNumber(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) }
	month := func(y int, m time.Month) int64 { return int64(y)*12 + int64(m) - 1 }
	for _, tt := range []struct {
		name     string
		from, to int64
		want     []densityPart
	}{
		{"inside a month", day(2021, 3, 2), day(2021, 3, 30), []densityPart{{"appeal_stats_daily", "day", "authors", day(2021, 3, 2), day(2021, 3, 30)}}},
		{"whole months", day(2021, 1, 1), day(2021, 3, 31), []densityPart{{"appeal_stats_monthly", "month", "author_days", month(2021, 1), month(2021, 3)}}},
		{"ends", day(2020, 12, 20), day(2021, 3, 15), []densityPart{
			{"appeal_stats_monthly", "month", "author_days", month(2021, 1), month(2021, 2)},
			{"appeal_stats_daily", "day", "authors", day(2020, 12, 20), day(2020, 12, 31)},
			{"appeal_stats_daily", "day", "authors", day(2021, 3, 1), day(2021, 3, 15)},
		}},
	} {
		if diff := cmp.Diff(tt.want, splitMonths(tt.from, tt.to), cmp.AllowUnexported(densityPart{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if monthOf(day(2021, 2, 28)) != month(2021, 2) || monthFirstDay(month(2021, 3)) != day(2021, 3, 1) {
		t.Error("monthOf/monthFirstDay")
	}
}
