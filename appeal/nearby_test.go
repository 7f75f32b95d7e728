package appeal_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestNearby(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		ctx := context.Background()
		// Appeals around the central point, by different citizens' operator
		// calls so no rate limit bites. dLat 0.001° is about 111 m.
		file := func(reason, text string, dLat float64, publish bool) int64 {
			t.Helper()
			in := appeal.Submission{ReasonCode: reason, Text: text, HasPoint: true, Lat: centralPt[0] + dLat, Lon: centralPt[1]}
			a := f.submit(f.citizenB(), in)
			if publish {
				f.act(f.moderatorA(), a.CaseID, "publish", "", nil)
			}
			return a.CaseID
		}
		same := file(litter, "Куча мусора во дворе у детской площадки, не вывозят неделю", 0.001, true)
		similar := file(heating, "Во дворе у площадки куча мусора и пакеты", 0.002, true)
		sameReason := file(litter, "Разбросаны бутылки и пакеты", 0.0005, true)
		file(litter, "Куча мусора во дворе у детской площадки, не вывозят неделю", 0.004, true)   // 445 m: too far
		file(litter, "Куча мусора во дворе у детской площадки, не вывозят неделю", 0.0001, false) // in moderation
		unrelated := file(heating, "В квартире холодно, батареи еле тёплые", 0.0002, true)
		closed := file(litter, "Куча мусора во дворе у детской площадки", 0.0003, true)
		f.act(f.specA(), closed, "close_not_fixed", "Нет", map[string]string{"reason": "other"})

		got, err := f.s.Nearby(ctx, centralPt[0], centralPt[1], litter, "Во дворе у детской площадки куча мусора")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.Appeal.CaseID)
			if c.Distance > 300 || c.Appeal.Status != appeal.StatusOpen || c.Appeal.Text == "" {
				t.Errorf("candidate %d: distance %.0f, status %s, text %q", c.Appeal.CaseID, c.Distance, c.Appeal.Status, c.Appeal.Text)
			}
		}
		if diff := cmp.Diff([]int64{same, similar, sameReason}, ids); diff != "" {
			t.Errorf("candidates (-want +got):\n%s", diff)
		}
		_ = unrelated

		// Without a reason: text alone decides.
		got, _ = f.s.Nearby(ctx, centralPt[0], centralPt[1], "", "Во дворе у детской площадки куча мусора")
		ids = ids[:0]
		for _, c := range got {
			ids = append(ids, c.Appeal.CaseID)
		}
		if diff := cmp.Diff([]int64{same, similar}, ids); diff != "" {
			t.Errorf("candidates without a reason (-want +got):\n%s", diff)
		}

		// Older than NearbyAge: gone.
		f.clock.Add(91 * 24 * time.Hour)
		if got, _ := f.s.Nearby(ctx, centralPt[0], centralPt[1], litter, "куча мусора"); len(got) != 0 {
			t.Errorf("%d candidates after 91 days", len(got))
		}
		if _, err := f.s.Nearby(ctx, 91, 0, "", ""); okno.ErrorCodeOf(err) != okno.EINVALID {
			t.Errorf("a point off the Earth: %v", err)
		}
	})
}

func TestJoin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		ctx := context.Background()
		a := f.submit(f.citizenA(), report(litterText))
		if _, err := f.s.Join(ctx, f.citizenB(), a.CaseID); okno.ErrorCodeOf(err) != okno.ENOTFOUND {
			t.Errorf("joining an appeal in moderation: %v", err)
		}
		f.act(f.moderatorA(), a.CaseID, "publish", "", nil)
		got, err := f.s.Join(ctx, f.citizenB(), a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Supporters != 1 || got.Text != litterText || got.Flags != nil {
			t.Errorf("after joining: supporters %d, text %q, flags %v", got.Supporters, got.Text, got.Flags)
		}
		before := f.counts()
		if again, err := f.s.Join(ctx, f.citizenB(), a.CaseID); err != nil || again.Supporters != 1 {
			t.Errorf("joining twice: %v, supporters %d", err, again.Supporters)
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("joining twice changed something (-before +after):\n%s", diff)
		}
		tl, err := f.cases.Timeline(ctx, f.citizenA(), a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if last := tl[len(tl)-1]; last.Kind != casework.EventSupported || last.ActorName != "" {
			t.Errorf("the author's timeline ends with %s by %q", last.Kind, last.ActorName)
		}
		for _, tt := range []struct {
			name  string
			actor okno.Actor
			id    int64
			code  okno.ErrorCode
		}{
			{"own", f.citizenA(), a.CaseID, okno.EINVALID},
			{"anonymous", okno.Actor{}, a.CaseID, okno.EUNAUTHORIZED},
			{"staff", f.specA(), a.CaseID, okno.EFORBIDDEN},
			{"missing", f.citizenB(), 999999, okno.ENOTFOUND},
		} {
			if _, err := f.s.Join(ctx, tt.actor, tt.id); okno.ErrorCodeOf(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		f.act(f.specA(), a.CaseID, "answer", "Вывезли", nil)
		f.act(f.citizenA(), a.CaseID, "confirm", "", nil)
		if _, err := f.s.Join(ctx, f.citizenB(), a.CaseID); okno.AsError(err).Key != "appeal.join_closed" {
			t.Errorf("joining a closed appeal: %v", err)
		}
		if diff := cmp.Diff(before["appeal_supporters"], f.count("appeal_supporters")); diff != "" {
			t.Errorf("refused joins changed supporters:\n%s", diff)
		}
	})
}

func TestRecategorise(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, appeal.Limits{})
		ctx := context.Background()
		a := f.submit(f.citizenA(), report("На дороге у дома большая лужа, не пройти"))

		// A moderator moves it to road puddles: the roads committee gets it.
		got, err := f.s.Recategorise(ctx, f.moderatorA(), a.CaseID, a.Version, puddles, "Это лужа на дороге", true)
		if err != nil {
			t.Fatal(err)
		}
		if got.ReasonCode != puddles || got.OrgID != f.roads.ID || got.Recategorised != 1 || got.Text == "" {
			t.Errorf("after recategorising: reason %s, org %d, recategorised %d", got.ReasonCode, got.OrgID, got.Recategorised)
		}
		p := f.projection(a.CaseID)
		if p.Reroutes != 1 || p.Org != f.roads.ID || p.Status != "moderation" {
			t.Errorf("projection: %+v", p)
		}
		tl, err := f.cases.Timeline(ctx, okno.System, a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []casework.EventKind
		for _, e := range tl {
			kinds = append(kinds, e.Kind)
		}
		if diff := cmp.Diff([]casework.EventKind{casework.EventOpened, casework.EventRecategorised, casework.EventRerouted}, kinds); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}
		if e := tl[1]; e.Fields["from"] != litter || e.Fields["to"] != puddles || e.Comment != "Это лужа на дороге" {
			t.Errorf("recategorised event: %v %q", e.Fields, e.Comment)
		}

		// An official of the body, without rerouting: the reason changes,
		// the body keeps it.
		b := f.submit(f.citizenA(), report(litterText))
		got, err = f.s.Recategorise(ctx, f.specA(), b.CaseID, b.Version, "blag-litter-heap", "", false)
		if err != nil {
			t.Fatal(err)
		}
		if got.ReasonCode != "blag-litter-heap" || got.OrgID != f.housing.ID || got.Reroutes != 0 {
			t.Errorf("without rerouting: reason %s, org %d, reroutes %d", got.ReasonCode, got.OrgID, got.Reroutes)
		}

		before := f.counts()
		for _, tt := range []struct {
			name    string
			actor   okno.Actor
			version int64
			reason  string
			code    okno.ErrorCode
		}{
			{"citizen", f.citizenA(), got.Version, litter, okno.EFORBIDDEN},
			{"anonymous", okno.Actor{}, got.Version, litter, okno.EUNAUTHORIZED},
			{"another body's official", staff(f.roadsman, f.roads, okno.RoleOfficial), got.Version, litter, okno.ENOTFOUND},
			{"stale version", f.specA(), got.Version - 1, litter, okno.ECONFLICT},
			{"same reason", f.specA(), got.Version, "blag-litter-heap", okno.EINVALID},
			{"unknown reason", f.specA(), got.Version, "no-such", okno.EINVALID},
			{"no route", f.specA(), got.Version, trade, okno.EINVALID},
		} {
			_, err := f.s.Recategorise(ctx, tt.actor, b.CaseID, tt.version, tt.reason, "", true)
			if okno.ErrorCodeOf(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("refused re-categorisations changed something (-before +after):\n%s", diff)
		}
	})
}
