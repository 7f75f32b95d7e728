package appeal_test

import (
	"context"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// routingWorld is a region with a taxonomy, three territories (a district
// with a municipality in it, and another district) and three bodies, for
// the taxonomy's and the routing table's tests.
type routingWorld struct {
	t     testing.TB
	db    *sqldb.DB
	now   time.Time
	log   *audittest.Log
	orgs  *org.Service
	geos  *geo.Service
	s     *appeal.Service
	admin okno.Actor // a region administrator

	gov, agency, other  org.Organisation
	agencyPos, otherPos org.Position
	nevsky, muni, kirov int64
	tax                 *appeal.Taxonomy
}

func (w *routingWorld) clock() time.Time { return w.now }

func routingSquare(lon, lat, size float64) geo.MultiPolygon {
	return geo.MultiPolygon{{geo.Ring{{Lon: lon, Lat: lat}, {Lon: lon + size, Lat: lat}, {Lon: lon + size, Lat: lat + size},
		{Lon: lon, Lat: lat + size}, {Lon: lon, Lat: lat}}}}
}

func newRoutingWorld(t testing.TB, db *sqldb.DB) *routingWorld {
	t.Helper()
	ctx := context.Background()
	w := &routingWorld{t: t, db: db, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.log = audittest.New(db, w.clock)
	w.orgs = org.New(db, w.log, w.clock)
	w.geos = geo.New(db, w.log, w.clock)
	var err error
	mk := func(o org.Organisation) org.Organisation {
		got, err := w.orgs.CreateOrganisation(ctx, o, okno.System)
		if err != nil {
			t.Fatalf("create %s: %v", o.Name, err)
		}
		return got
	}
	w.gov = mk(org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство", ShortName: "Правительство"})
	w.agency = mk(org.Organisation{Kind: org.KindHousingAgency, Name: "Жилищное агентство", ShortName: "ЖА", ParentID: w.gov.ID})
	w.other = mk(org.Organisation{Kind: org.KindInstitution, Name: "Ленсвет", ShortName: "Ленсвет", ParentID: w.gov.ID})
	pos := func(o org.Organisation) org.Position {
		p, err := w.orgs.CreatePosition(ctx, org.Position{OrgID: o.ID, Title: "Специалист", Role: okno.RoleOfficial}, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.agencyPos, w.otherPos = pos(w.agency), pos(w.other)
	ds, err := w.geos.Import(ctx, &geo.FeatureCollection{Features: []geo.Feature{
		{Name: "Невский район", Geometry: routingSquare(30, 59, 1)}, {Name: "Кировский район", Geometry: routingSquare(31, 59, 1)}}}, geo.LevelDistrict, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := w.geos.Import(ctx, &geo.FeatureCollection{Features: []geo.Feature{{Name: "МО Народный", Geometry: routingSquare(30.1, 59.1, 0.2)}}},
		geo.LevelMunicipality, okno.System)
	if err != nil {
		t.Fatal(err)
	}
	w.nevsky, w.kirov, w.muni = ds.IDs[0], ds.IDs[1], ms.IDs[0]
	if _, err := db.ExecContext(ctx, `UPDATE territories SET parent_id = ? WHERE id = ?`, w.nevsky, w.muni); err != nil {
		t.Fatal(err)
	}
	w.s = appeal.New(appeal.Deps{DB: db, Audit: w.log, Territories: w.geos, Orgs: w.orgs, Admins: w.orgs, Now: w.clock})
	if _, err := w.s.SeedTaxonomy(ctx); err != nil {
		t.Fatal(err)
	}
	if w.tax, err = w.s.Taxonomy(ctx); err != nil {
		t.Fatal(err)
	}
	w.admin = okno.Actor{Kind: okno.ActorStaff, UserID: 7, OrgID: w.gov.ID, Roles: []okno.Role{okno.RoleAdmin}, Name: "Админ"}
	return w
}

// reason returns a shipped reason by code.
func (w *routingWorld) reason(code string) (appeal.Reason, appeal.Category) {
	w.t.Helper()
	r, c, ok := w.tax.Reason(code)
	if !ok {
		w.t.Fatalf("no reason %s", code)
	}
	return r, c
}

func (w *routingWorld) set(in appeal.RouteInput) appeal.Route {
	w.t.Helper()
	r, err := w.s.SetRoute(context.Background(), w.admin, in)
	if err != nil {
		w.t.Fatalf("SetRoute(%+v): %v", in, err)
	}
	return r
}

func routingFields(err error) []string {
	var out []string
	for _, f := range okno.AsError(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestResolve(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newRoutingWorld(t, db)
		lift, mkd := w.reason("mkd-lift")
		intercom, _ := w.reason("mkd-intercom")
		light, blag := w.reason("blag-light-street")

		if _, err := w.s.Resolve(ctx, db, lift.ID, w.nevsky); !okno.IsCode(err, okno.ENOTFOUND) || okno.AsError(err).Key != "appeal.no_route" {
			t.Fatalf("empty table: %v", err)
		}
		catAny := w.set(appeal.RouteInput{CategoryID: mkd.ID, OrgID: w.other.ID})
		catNevsky := w.set(appeal.RouteInput{CategoryID: mkd.ID, TerritoryID: w.nevsky, OrgID: w.agency.ID})
		reasonAny := w.set(appeal.RouteInput{CategoryID: mkd.ID, ReasonID: lift.ID, OrgID: w.other.ID, PositionID: w.otherPos.ID})
		reasonNevsky := w.set(appeal.RouteInput{CategoryID: mkd.ID, ReasonID: lift.ID, TerritoryID: w.nevsky, OrgID: w.agency.ID, PositionID: w.agencyPos.ID})
		lights := w.set(appeal.RouteInput{CategoryID: blag.ID, ReasonID: light.ID, OrgID: w.other.ID})

		for _, c := range []struct {
			name      string
			reason    int64
			territory int64
			want      appeal.Route
		}{
			{"reason in its territory", lift.ID, w.nevsky, reasonNevsky},
			{"reason in a parent's territory", lift.ID, w.muni, reasonNevsky},
			{"reason anywhere", lift.ID, w.kirov, reasonAny},
			{"reason, no territory", lift.ID, 0, reasonAny},
			{"category in a parent's territory", intercom.ID, w.muni, catNevsky},
			{"category anywhere", intercom.ID, w.kirov, catAny},
			{"other category", light.ID, w.nevsky, lights},
		} {
			got, err := w.s.Resolve(ctx, db, c.reason, c.territory)
			if err != nil || got.ID != c.want.ID {
				t.Errorf("%s: got rule %d (%v), want %d", c.name, got.ID, err, c.want.ID)
			}
		}
		if _, err := w.s.Resolve(ctx, db, 999999, w.nevsky); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("unknown reason: %v", err)
		}

		// Ending the most specific rule falls back at once (the cache is
		// invalidated on commit).
		if err := w.s.EndRoute(ctx, w.admin, reasonNevsky.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.s.Resolve(ctx, db, lift.ID, w.nevsky); got.ID != reasonAny.ID {
			t.Errorf("after EndRoute: rule %d, want %d", got.ID, reasonAny.ID)
		}
		if err := w.s.EndRoute(ctx, w.admin, reasonNevsky.ID); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("ending a closed rule: %v", err)
		}
	})
}

func TestSetRouteKeepsHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newRoutingWorld(t, db)
		lift, mkd := w.reason("mkd-lift")
		first := w.set(appeal.RouteInput{CategoryID: mkd.ID, ReasonID: lift.ID, TerritoryID: w.nevsky, OrgID: w.agency.ID})
		again := w.set(appeal.RouteInput{CategoryID: mkd.ID, ReasonID: lift.ID, TerritoryID: w.nevsky, OrgID: w.agency.ID})
		if again.ID != first.ID {
			t.Errorf("setting the rule in force again made rule %d", again.ID)
		}
		audited := len(w.log.Entries())
		setAt := w.now
		w.now = w.now.Add(time.Hour)
		second := w.set(appeal.RouteInput{CategoryID: mkd.ID, ReasonID: lift.ID, TerritoryID: w.nevsky, OrgID: w.other.ID})
		if second.ID == first.ID {
			t.Fatal("a changed rule kept its id")
		}
		if n := len(w.log.Entries()) - audited; n != 2 {
			t.Errorf("%d audit entries for a replaced rule, want 2 (end + set)", n)
		}
		old, err := w.s.Route(ctx, first.ID)
		if err != nil || !old.ValidTo.Equal(w.now) || old.OrgID != w.agency.ID {
			t.Errorf("the replaced rule: %+v, %v", old, err)
		}
		now, err := w.s.Routes(ctx, time.Time{})
		if err != nil || len(now) != 1 || now[0].ID != second.ID {
			t.Errorf("Routes(now) = %+v, %v", now, err)
		}
		then, err := w.s.Routes(ctx, setAt.Add(time.Minute))
		if err != nil || len(then) != 1 || then[0].ID != first.ID {
			t.Errorf("Routes(then) = %+v, %v", then, err)
		}
		if got, _ := w.s.Resolve(ctx, db, lift.ID, w.nevsky); got.ID != second.ID || got.OrgID != w.other.ID {
			t.Errorf("Resolve after change = %+v", got)
		}
		hist, err := w.s.RouteHistory(ctx, mkd.ID, 0)
		if err != nil || len(hist) != 2 {
			t.Errorf("history = %+v, %v", hist, err)
		}
	})
}

func TestSetRouteRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newRoutingWorld(t, db)
		lift, mkd := w.reason("mkd-lift")
		_, blag := w.reason("blag-light-street")
		for _, c := range []struct {
			name  string
			in    appeal.RouteInput
			field string
		}{
			{"unknown category", appeal.RouteInput{CategoryID: 99999, OrgID: w.agency.ID}, "category_id"},
			{"reason of another category", appeal.RouteInput{CategoryID: blag.ID, ReasonID: lift.ID, OrgID: w.agency.ID}, "reason_id"},
			{"unknown territory", appeal.RouteInput{CategoryID: mkd.ID, TerritoryID: 99999, OrgID: w.agency.ID}, "territory_id"},
			{"no organisation", appeal.RouteInput{CategoryID: mkd.ID}, "org_id"},
			{"unknown organisation", appeal.RouteInput{CategoryID: mkd.ID, OrgID: 99999}, "org_id"},
			{"position of another body", appeal.RouteInput{CategoryID: mkd.ID, OrgID: w.agency.ID, PositionID: w.otherPos.ID}, "position_id"},
		} {
			_, err := w.s.SetRoute(ctx, w.admin, c.in)
			if !okno.IsCode(err, okno.EINVALID) || len(routingFields(err)) == 0 || routingFields(err)[0] != c.field {
				t.Errorf("%s: %v (fields %v), want invalid %s", c.name, err, routingFields(err), c.field)
			}
		}
		official := okno.Actor{Kind: okno.ActorStaff, UserID: 8, OrgID: w.agency.ID, Roles: []okno.Role{okno.RoleAdmin}}
		if _, err := w.s.SetRoute(ctx, official, appeal.RouteInput{CategoryID: mkd.ID, OrgID: w.agency.ID}); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("an agency's admin: %v", err)
		}
		citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: 9}
		if err := w.s.EndRoute(ctx, citizen, 1); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("a citizen ends a rule: %v", err)
		}
		if got, err := w.s.Routes(ctx, time.Time{}); err != nil || len(got) != 0 {
			t.Errorf("rejected input changed the table: %+v, %v", got, err)
		}
	})
}

// BenchmarkResolve measures the look-up every submission makes: a reason
// in a municipality, resolved through its district to the category's rule.
func BenchmarkResolve(b *testing.B) {
	// The table is in memory: the engine does not matter, SQLite will do.
	db := storetest.OpenSQLite(b)
	{
		ctx := context.Background()
		w := newRoutingWorld(b, db)
		intercom, mkd := w.reason("mkd-intercom")
		w.set(appeal.RouteInput{CategoryID: mkd.ID, TerritoryID: w.nevsky, OrgID: w.agency.ID})
		for _, c := range w.tax.Categories {
			w.set(appeal.RouteInput{CategoryID: c.ID, OrgID: w.other.ID})
		}
		b.ResetTimer()
		for b.Loop() {
			if _, err := w.s.Resolve(ctx, db, intercom.ID, w.muni); err != nil {
				b.Fatal(err)
			}
		}
	}
}
