package appeal_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/appeal/publictest"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// pubNow is the public tests' clock: a Sunday afternoon in spring.
var pubNow = time.Date(2026, 4, 12, 12, 0, 0, 0, time.UTC)

// pubCases stands in for casework: the timeline's comments are what the
// test says, keyed by event id.
type pubCases struct {
	appeal.Cases
	db       *sqldb.DB
	comments map[int64]string
}

func (pubCases) Observe(process.Kind, casework.Observer) {}

func (c pubCases) Timeline(ctx context.Context, actor okno.Actor, id int64) ([]casework.Event, error) {
	if actor.Kind != okno.ActorSystem {
		return nil, okno.Errorf(okno.ENOTFOUND, "casework.not_found")
	}
	rows, err := c.db.QueryContext(ctx, `SELECT id, action FROM case_events WHERE case_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []casework.Event
	for rows.Next() {
		e := casework.Event{CaseID: id}
		if err := rows.Scan(&e.ID, &e.Action); err != nil {
			return nil, err
		}
		e.Comment = c.comments[e.ID]
		es = append(es, e)
	}
	return es, rows.Err()
}

// pubWorld is a seeded database with a handful of appeals in known states.
type pubWorld struct {
	w   publictest.World
	s   *appeal.Service
	db  *sqldb.DB
	cs  *pubCases
	ids map[string]int64
}

func day(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }

func newPubWorld(t *testing.T, db *sqldb.DB) *pubWorld {
	t.Helper()
	w := publictest.Seed(t, db, pubNow)
	cs := &pubCases{db: db, comments: map[int64]string{}}
	pw := &pubWorld{w: w, db: db, cs: cs, ids: map[string]int64{},
		s: appeal.New(appeal.Deps{DB: db, Cases: cs, Now: func() time.Time { return pubNow }})}
	ins := func(name string, r publictest.Row) { pw.ids[name] = publictest.Insert(t, db, w, r) }
	road := func(r publictest.Row) publictest.Row {
		r.Category, r.Reason, r.Territory, r.Org = w.Roads, w.Pothole, w.North, w.Roads1
		if r.Lat == 0 {
			r.Lat, r.Lon = 60.05, 30.3
		}
		return r
	}
	yard := func(r publictest.Row) publictest.Row {
		r.Category, r.Reason, r.Territory, r.Org = w.Yards, w.Litter, w.South, w.Housing
		if r.Lat == 0 {
			r.Lat, r.Lon = 59.85, 30.3
		}
		return r
	}
	// open, answered late by the roads committee, fixed and confirmed,
	// refuted then answered again; the housing agency closed one without
	// a fix; one in moderation, one rejected (once published), one
	// anonymous with markup in its text.
	ins("open", road(publictest.Row{Text: "Яма у дома 5", Address: "ул. Тестовая, 5", Created: day(1), Token: "tok-open"}))
	ins("answered", road(publictest.Row{Text: "Яма у дома 7", Status: "answered", Created: day(2),
		Due: day(2).Add(8 * 24 * time.Hour), Answered: day(12), OnTime: false,
		Events: []publictest.Event{{Action: "publish", To: "review", At: day(2).Add(time.Hour)},
			{Action: "note", To: "review", At: day(3), Hidden: true},
			{Action: "answer", To: "answered", At: day(12)}}}))
	ins("fixed", road(publictest.Row{Text: "Яма у дома 9", Status: "fixed", Created: day(3), Answered: day(4), OnTime: true, Closed: day(5),
		Lat: 60.06, Lon: 30.31,
		Events: []publictest.Event{{Action: "publish", To: "review", At: day(3).Add(time.Hour)},
			{Action: "answer", To: "answered", At: day(4)},
			{Action: "refute", To: "review", At: day(4).Add(time.Hour)},
			{Action: "answer", To: "answered", At: day(4).Add(2 * time.Hour)},
			{Action: "confirm", To: "closed_fixed", At: day(5)}}}))
	ins("not_fixed", yard(publictest.Row{Text: "Мусор во дворе", Status: "not_fixed", Created: day(4), Answered: day(6), OnTime: true, Closed: day(6),
		Reroutes: 1, Events: []publictest.Event{{Action: "close_not_fixed", To: "closed_not_fixed", At: day(6)}}}))
	ins("moderation", road(publictest.Row{Text: "ещё не опубликовано", Unpublished: true, Status: "moderation", Created: day(5), Token: "tok-mod"}))
	ins("rejected", yard(publictest.Row{Text: "отклонено", Status: "rejected", Created: day(6)}))
	ins("script", yard(publictest.Row{Text: `<script>alert("x")</script> мусор`, Anonymous: true, Created: day(7), Lat: 59.86, Lon: 30.25}))
	return pw
}

func caseIDs(as []appeal.Appeal) []int64 {
	out := []int64{}
	for _, a := range as {
		out = append(out, a.CaseID)
	}
	return out
}

func TestPublicList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		ctx := context.Background()
		id := pw.ids
		newest := []int64{id["script"], id["not_fixed"], id["fixed"], id["answered"], id["open"]}
		north := geo.BBox{MinLat: 60.0, MinLon: 30.2, MaxLat: 60.1, MaxLon: 30.4}
		tests := []struct {
			name string
			q    appeal.Query
			want []int64
		}{
			{"all published, newest first", appeal.Query{}, newest},
			{"category", appeal.Query{CategoryIDs: []int64{pw.w.Yards}}, []int64{id["script"], id["not_fixed"]}},
			{"reason code", appeal.Query{ReasonCodes: []string{pw.w.PotholeCode}}, []int64{id["fixed"], id["answered"], id["open"]}},
			{"status", appeal.Query{Statuses: []appeal.Status{appeal.StatusFixed, appeal.StatusNotFixed}}, []int64{id["not_fixed"], id["fixed"]}},
			{"territory", appeal.Query{TerritoryIDs: []int64{pw.w.South}}, []int64{id["script"], id["not_fixed"]}},
			{"organisation", appeal.Query{OrgID: pw.w.Roads1}, []int64{id["fixed"], id["answered"], id["open"]}},
			{"created window", appeal.Query{From: day(2), To: day(4)}, []int64{id["fixed"], id["answered"]}},
			{"updated window", appeal.Query{UpdatedFrom: day(6)}, []int64{id["script"], id["not_fixed"], id["answered"]}},
			{"bounding box", appeal.Query{BBox: &north}, []int64{id["fixed"], id["answered"], id["open"]}},
			{"small box", appeal.Query{BBox: &geo.BBox{MinLat: 60.055, MinLon: 30.305, MaxLat: 60.065, MaxLon: 30.315}}, []int64{id["fixed"]}},
			{"case ids, unpublished ones left out", appeal.Query{CaseIDs: []int64{id["open"], id["moderation"], id["rejected"]}}, []int64{id["open"]}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := pw.s.List(ctx, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, caseIDs(p.Items)); diff != "" {
					t.Errorf("(-want +got)\n%s", diff)
				}
			})
		}

		// Pages of two walk the whole list once.
		var got []int64
		q := appeal.Query{Limit: 2}
		for range 10 {
			p, err := pw.s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, caseIDs(p.Items)...)
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
		if diff := cmp.Diff(newest, got); diff != "" {
			t.Errorf("pages (-want +got)\n%s", diff)
		}
	})
}

func TestPublicListBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		many := make([]int64, 201)
		tests := []struct {
			name, field string
			q           appeal.Query
		}{
			{"limit too big", "limit", appeal.Query{Limit: 1001}},
			{"negative limit", "limit", appeal.Query{Limit: -1}},
			{"unknown status", "status", appeal.Query{Statuses: []appeal.Status{"bogus"}}},
			{"unpublished status", "status", appeal.Query{Statuses: []appeal.Status{appeal.StatusRejected}}},
			{"too many ids", "id", appeal.Query{CaseIDs: many}},
			{"window backwards", "to", appeal.Query{From: day(5), To: day(1)}},
			{"box inside out", "bbox", appeal.Query{BBox: &geo.BBox{MinLat: 61, MaxLat: 60, MinLon: 30, MaxLon: 31}}},
			{"box off the Earth", "bbox", appeal.Query{BBox: &geo.BBox{MinLat: 60, MaxLat: 95, MinLon: 30, MaxLon: 31}}},
			{"forged cursor", "after", appeal.Query{After: "bm90LWEtY3Vyc29y"}},
			{"huge cursor", "after", appeal.Query{After: strings.Repeat("A", 100)}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := pw.s.List(context.Background(), tt.q)
				if !okno.IsCode(err, okno.EINVALID) {
					t.Fatalf("got %v, want EINVALID", err)
				}
				var fe okno.FieldErrors
				if !asFieldErrors(err, &fe) || !hasField(fe, tt.field) {
					t.Errorf("got %v, want a problem with %q", err, tt.field)
				}
			})
		}
	})
}

func asFieldErrors(err error, fe *okno.FieldErrors) bool {
	e := okno.AsError(err)
	if e == nil {
		return false
	}
	*fe = e.Fields
	return true
}

func hasField(fe okno.FieldErrors, name string) bool {
	for _, f := range fe {
		if f.Field == name {
			return true
		}
	}
	return false
}

func TestPublicAppeal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		ctx := context.Background()
		a, err := pw.s.Public(ctx, pw.ids["answered"])
		if err != nil {
			t.Fatal(err)
		}
		want := appeal.Appeal{CaseID: pw.ids["answered"], CategoryID: pw.w.Roads, CategoryCode: "pt_roads", CategoryTitle: "Дороги (тест)",
			ReasonID: pw.w.Pothole, ReasonCode: "pt_pothole", ReasonTitle: "Яма на дороге", TerritoryID: pw.w.North,
			TerritoryName: "Северный район (тест)", OrgID: pw.w.Roads1, OrgName: "Комитет по дорогам (тест)", Lat: 60.05, Lon: 30.3,
			Text: "Яма у дома 7", Status: appeal.StatusAnswered, State: "answered", Channel: "web", CreatedAt: day(2), PublishedAt: day(2),
			DueAt: day(10), AnsweredAt: day(12), UpdatedAt: day(12)}
		if diff := cmp.Diff(want, a, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Ref" }, cmp.Ignore())); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
		for _, name := range []string{"moderation", "rejected"} {
			if _, err := pw.s.Public(ctx, pw.ids[name]); !okno.IsCode(err, okno.ENOTFOUND) {
				t.Errorf("%s: got %v, want ENOTFOUND", name, err)
			}
		}
		if _, err := pw.s.Public(ctx, 999999); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("missing: got %v, want ENOTFOUND", err)
		}

		// A token finds its appeal even in moderation, without its text.
		a, err = pw.s.ByToken(ctx, "tok-mod")
		if err != nil || a.CaseID != pw.ids["moderation"] || a.Text != "" || a.Token != "tok-mod" {
			t.Errorf("ByToken(tok-mod) = %d %q %q, %v", a.CaseID, a.Text, a.Token, err)
		}
		for _, tok := range []string{"", "nope", strings.Repeat("x", 500)} {
			if _, err := pw.s.ByToken(ctx, tok); !okno.IsCode(err, okno.ENOTFOUND) {
				t.Errorf("ByToken(%.10q): got %v, want ENOTFOUND", tok, err)
			}
		}
	})
}

func TestPublicUpdates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		ctx := context.Background()
		events := map[string]int64{}
		rows, err := db.QueryContext(ctx, `SELECT id, case_id, action, seq FROM case_events ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, caseID, seq int64
			var action string
			if err := rows.Scan(&id, &caseID, &action, &seq); err != nil {
				t.Fatal(err)
			}
			for name, c := range pw.ids {
				if c == caseID {
					events[name+"/"+action+"/"+string(rune('0'+seq))] = id
				}
			}
		}
		rows.Close()
		pw.cs.comments[events["fixed/answer/3"]] = "Яма заделана"
		pw.cs.comments[events["fixed/refute/4"]] = "Не заделана! Звоните " + publictest.Author.Phone
		pw.cs.comments[events["fixed/answer/5"]] = "Заделали ещё раз"

		us, err := pw.s.Updates(ctx, appeal.UpdateQuery{CaseID: pw.ids["fixed"]})
		if err != nil {
			t.Fatal(err)
		}
		want := []appeal.Update{
			{ID: events["fixed/publish/2"], CaseID: pw.ids["fixed"], Status: appeal.StatusOpen, At: day(3).Add(time.Hour)},
			{ID: events["fixed/answer/3"], CaseID: pw.ids["fixed"], Status: appeal.StatusAnswered, Description: "Яма заделана", At: day(4)},
			{ID: events["fixed/refute/4"], CaseID: pw.ids["fixed"], Status: appeal.StatusOpen, At: day(4).Add(time.Hour)},
			{ID: events["fixed/answer/5"], CaseID: pw.ids["fixed"], Status: appeal.StatusAnswered, Description: "Заделали ещё раз", At: day(4).Add(2 * time.Hour)},
			{ID: events["fixed/confirm/6"], CaseID: pw.ids["fixed"], Status: appeal.StatusFixed, At: day(5)},
		}
		if diff := cmp.Diff(want, us); diff != "" {
			t.Errorf("timeline (-want +got)\n%s", diff)
		}

		// Across appeals: from a time on; hidden events never.
		us, err = pw.s.Updates(ctx, appeal.UpdateQuery{From: day(5), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, u := range us {
			got = append(got, u.ID)
		}
		if diff := cmp.Diff([]int64{events["fixed/confirm/6"], events["not_fixed/close_not_fixed/2"], events["answered/answer/4"]}, got); diff != "" {
			t.Errorf("from day 5 (-want +got)\n%s", diff)
		}
		if _, err := pw.s.Updates(ctx, appeal.UpdateQuery{Limit: 5000}); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("limit 5000: got %v, want EINVALID", err)
		}
	})
}

func TestResponsiveness(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		got, err := pw.s.Responsiveness(context.Background(), day(1), pubNow)
		if err != nil {
			t.Fatal(err)
		}
		want := []appeal.OrgStats{
			// open (overdue since day 31), answered late (10 days),
			// fixed on time (1 day) after a refutation.
			{OrgID: pw.w.Roads1, OrgName: "Комитет по дорогам (тест)", Received: 3, Answered: 2, OnTime: 1, OnTimeShare: 1.0 / 3,
				MedianAnswer: 24*time.Hour + 30*time.Minute, Confirmed: 1, Refuted: 1, Confirmation: 0.5, Fixed: 1},
			// closed without a fix on time (2 days) after a reroute; the
			// script one is open and overdue since 6 April; the rejected
			// one is not counted.
			{OrgID: pw.w.Housing, OrgName: "Жилкомсервис (тест)", Received: 2, Answered: 1, OnTime: 1, OnTimeShare: 0.5,
				MedianAnswer: 48*time.Hour + 30*time.Minute, NotFixed: 1, Reroutes: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
		if _, err := pw.s.Responsiveness(context.Background(), pubNow, day(1)); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("window backwards: got %v, want EINVALID", err)
		}
	})
}

func TestClusters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		ctx := context.Background()
		box := geo.BBox{MinLat: 59.7, MinLon: 30.0, MaxLat: 60.2, MaxLon: 30.6}
		v, err := pw.s.Clusters(ctx, appeal.Query{BBox: &box}, 9)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range v.Clusters {
			total += c.Count
			n := 0
			for _, k := range c.Statuses {
				n += k
			}
			if n != c.Count || c.Lat < c.MinLat || c.Lat > c.MaxLat || c.Lon < c.MinLon || c.Lon > c.MaxLon {
				t.Errorf("inconsistent cluster %+v", c)
			}
		}
		// At zoom 9 a cell is about 0.18° of longitude: north and south
		// are apart.
		if total != 5 || len(v.Clusters) != 2 || len(v.Points) != 0 {
			t.Errorf("zoom 9: %d clusters holding %d, %d points; want 2 holding 5", len(v.Clusters), total, len(v.Points))
		}
		if c := v.Clusters[0]; c.Count != 3 || c.Statuses[appeal.StatusOpen] != 1 || c.Statuses[appeal.StatusAnswered] != 1 || c.Statuses[appeal.StatusFixed] != 1 {
			t.Errorf("north cluster %+v", c)
		}
		// The same counted from the appeals' own points (a date filter
		// takes that path) and from the grid cells' index agree.
		for _, q := range []appeal.Query{{BBox: &box, From: day(1)}, {BBox: &box, CategoryIDs: []int64{pw.w.Roads, pw.w.Yards}}} {
			pv, err := pw.s.Clusters(ctx, q, 9)
			if err != nil {
				t.Fatal(err)
			}
			if len(pv.Clusters) != len(v.Clusters) {
				t.Fatalf("points give %d clusters, cells %d", len(pv.Clusters), len(v.Clusters))
			}
			for i := range pv.Clusters {
				if diff := cmp.Diff(v.Clusters[i].Statuses, pv.Clusters[i].Statuses); diff != "" {
					t.Errorf("cluster %d: cells (-) and points (+) disagree\n%s", i, diff)
				}
			}
		}
		v, err = pw.s.Clusters(ctx, appeal.Query{BBox: &box, Statuses: []appeal.Status{appeal.StatusOpen}}, appeal.ClusterMaxZoom)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{pw.ids["script"], pw.ids["open"]}, caseIDs(v.Points)); diff != "" || len(v.Clusters) != 0 || v.Truncated {
			t.Errorf("street zoom (-want +got)\n%s", diff)
		}
		world, err := pw.s.Clusters(ctx, appeal.Query{}, 3)
		if err != nil || len(world.Clusters) != 1 || world.Clusters[0].Count != 5 {
			t.Errorf("the world at zoom 3: %+v, %v; want one cluster of 5", world.Clusters, err)
		}
		if _, err := pw.s.Clusters(ctx, appeal.Query{}, 40); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("zoom 40: got %v, want EINVALID", err)
		}
	})
}

// TestPublicNoPersonalData renders everything the public side answers and
// looks for the author's data in it: the author_key of every row holds
// the author's phone, and a citizen's refutation names it.
func TestPublicNoPersonalData(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		pw := newPubWorld(t, db)
		ctx := context.Background()
		var evID int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM case_events WHERE action = 'refute'`).Scan(&evID); err != nil {
			t.Fatal(err)
		}
		pw.cs.comments[evID] = "Не заделана! " + publictest.Author.Name + " " + publictest.Author.Phone + " " + publictest.Author.Email
		var out []any
		p, err := pw.s.List(ctx, appeal.Query{})
		out = append(out, p, err)
		for _, id := range pw.ids {
			a, err := pw.s.Public(ctx, id)
			out = append(out, a, err)
			us, err := pw.s.Updates(ctx, appeal.UpdateQuery{CaseID: id})
			out = append(out, us, err)
		}
		a, err := pw.s.ByToken(ctx, "tok-open")
		out = append(out, a, err)
		us, err := pw.s.Updates(ctx, appeal.UpdateQuery{})
		out = append(out, us, err)
		st, err := pw.s.Responsiveness(ctx, day(1), pubNow)
		out = append(out, st, err)
		v, err := pw.s.Clusters(ctx, appeal.Query{}, 16)
		out = append(out, v, err)
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{publictest.Author.Name, publictest.Author.Phone, publictest.Author.Email, "author:"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("public output holds %q", secret)
			}
		}
		if !strings.Contains(string(b), "Заделали ещё раз") && !strings.Contains(string(b), "Яма у дома 9") {
			t.Error("the check looked at nothing")
		}
	})
}

// The benchmarks run on 100,000 published appeals over a year, written
// with raw SQL (publictest.Bulk) once per benchmark and engine.
const benchAppeals = 100_000

type pubBench struct {
	s *appeal.Service
	w publictest.World
}

// benchEngines builds the world on each engine and runs fn on it.
func benchEngines(b *testing.B, fn func(b *testing.B, pb *pubBench)) {
	build := func(b *testing.B, db *sqldb.DB) *pubBench {
		w := publictest.Seed(b, db, pubNow)
		publictest.Bulk(b, db, w, benchAppeals, pubNow)
		// Statistics, and on PostgreSQL the visibility map that lets
		// index-only scans skip the table, as autovacuum would leave them.
		analyze := `ANALYZE`
		if db.Dialect() == sqldb.Postgres {
			analyze = `VACUUM ANALYZE`
		}
		if _, err := db.ExecContext(context.Background(), analyze); err != nil {
			b.Fatal(err)
		}
		return &pubBench{s: appeal.New(appeal.Deps{DB: db, Now: func() time.Time { return pubNow }}), w: w}
	}
	b.Run("sqlite", func(b *testing.B) { fn(b, build(b, storetest.OpenSQLite(b))) })
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, build(b, storetest.OpenPostgres(b))) })
	}
}

// BenchmarkList is the map's list: the newest 100 open or answered in a
// district, then the next page.
func BenchmarkList(b *testing.B) {
	benchEngines(b, func(b *testing.B, pb *pubBench) {
		ctx := context.Background()
		q := appeal.Query{TerritoryIDs: []int64{pb.w.North}, Statuses: []appeal.Status{appeal.StatusOpen, appeal.StatusAnswered}}
		for b.Loop() {
			p, err := pb.s.List(ctx, q)
			if err != nil || len(p.Items) != 100 {
				b.Fatal(len(p.Items), err)
			}
			q2 := q
			q2.After = p.Next
			if _, err := pb.s.List(ctx, q2); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkClusters is the map at city zoom over the last 90 days, and
// over the whole year.
func BenchmarkClusters(b *testing.B) {
	box := geo.BBox{MinLat: 59.6, MinLon: 29.6, MaxLat: 60.3, MaxLon: 30.8}
	benchEngines(b, func(b *testing.B, pb *pubBench) {
		for _, tc := range []struct {
			name string
			q    appeal.Query
		}{
			{"90days", appeal.Query{BBox: &box, From: pubNow.Add(-90 * 24 * time.Hour)}},
			{"year", appeal.Query{BBox: &box}},
		} {
			b.Run(tc.name, func(b *testing.B) {
				ctx := context.Background()
				for b.Loop() {
					v, err := pb.s.Clusters(ctx, tc.q, 11)
					if err != nil || len(v.Clusters) == 0 {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// BenchmarkResponsiveness is the public table over the last 90 days.
func BenchmarkResponsiveness(b *testing.B) {
	benchEngines(b, func(b *testing.B, pb *pubBench) {
		ctx := context.Background()
		for b.Loop() {
			st, err := pb.s.Responsiveness(ctx, pubNow.Add(-90*24*time.Hour), pubNow)
			if err != nil || len(st) != 2 {
				b.Fatal(err)
			}
		}
	})
}

// TestResponsivenessKeepsItsAnswer: the public page's figures are computed
// once per window and kept for five minutes; then they are fresh again.
func TestResponsivenessKeepsItsAnswer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := publictest.Seed(t, db, pubNow)
		now := pubNow
		s := appeal.New(appeal.Deps{DB: db, Cases: &pubCases{db: db, comments: map[int64]string{}}, Now: func() time.Time { return now }})
		ctx := context.Background()
		received := func() int {
			t.Helper()
			got, err := s.Responsiveness(ctx, now.AddDate(0, 0, -90), now)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, o := range got {
				n += o.Received
			}
			return n
		}
		row := publictest.Row{Category: w.Roads, Reason: w.Pothole, Territory: w.North, Org: w.Roads1,
			Lat: 60.05, Lon: 30.3, Text: "Яма", Created: pubNow.AddDate(0, 0, -1)}
		publictest.Insert(t, db, w, row)
		if n := received(); n != 1 {
			t.Fatalf("received %d, want 1", n)
		}
		publictest.Insert(t, db, w, row)
		now = now.Add(time.Minute)
		if n := received(); n != 1 {
			t.Errorf("a minute later: received %d, want the kept 1", n)
		}
		now = now.Add(6 * time.Minute)
		if n := received(); n != 2 {
			t.Errorf("past five minutes: received %d, want 2", n)
		}
	})
}
