package demo_test

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestLoadRoutes checks that the demo table routes every reason in every
// district and outside them, and that loading it again adds nothing and
// keeps an administrator's change.
func TestLoadRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clock := func() time.Time { return testNow }
		log := audit.New(db, ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)), clock)
		orgs, geos := org.New(db, log, clock), geo.New(db, log, clock)
		if _, err := demo.LoadOrganisations(ctx, orgs, geos, okno.System); err != nil {
			t.Fatal(err)
		}
		appeals := appeal.New(appeal.Deps{DB: db, Audit: log, Territories: geos, Orgs: orgs, Admins: orgs, Now: clock})
		if _, err := appeals.SeedTaxonomy(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := demo.LoadRoutes(ctx, appeals, orgs, geos, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if n < 18*14 {
			t.Errorf("%d rules set", n)
		}
		tax, err := appeals.Taxonomy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		districts, err := geos.List(ctx, geo.ListQuery{Level: geo.LevelDistrict})
		if err != nil || len(districts) != 18 {
			t.Fatalf("districts: %d, %v", len(districts), err)
		}
		territories := []int64{0}
		for _, d := range districts {
			territories = append(territories, d.ID)
		}
		for _, c := range tax.Categories {
			for _, r := range c.Reasons {
				for _, tid := range territories {
					if _, err := appeals.Resolve(ctx, db, r.ID, tid); err != nil {
						t.Errorf("%s in territory %d: %v", r.Code, tid, err)
					}
				}
			}
		}
		// A district's lift goes to its housing agency; a pothole to ЦКБ.
		lift, _, _ := tax.Reason("mkd-lift")
		got, _ := appeals.Resolve(ctx, db, lift.ID, districts[0].ID)
		agency, _ := orgs.ByCode(ctx, "spb.ja."+codeOf(t, districts[0].Name))
		if got.OrgID != agency.ID {
			t.Errorf("lift in %s: organisation %d, want its agency %d", districts[0].Name, got.OrgID, agency.ID)
		}
		pothole, _, _ := tax.Reason("blag-road-pothole")
		got, _ = appeals.Resolve(ctx, db, pothole.ID, districts[3].ID)
		if ckb, _ := orgs.ByCode(ctx, "spb.ckb"); got.OrgID != ckb.ID {
			t.Errorf("pothole: organisation %d, want ЦКБ %d", got.OrgID, ckb.ID)
		}

		// An administrator sends lifts of the first district elsewhere;
		// loading again keeps that.
		gati, _ := orgs.ByCode(ctx, "spb.gati")
		changed, err := appeals.SetRoute(ctx, okno.System, appeal.RouteInput{CategoryID: lift.CategoryID, ReasonID: lift.ID,
			TerritoryID: districts[0].ID, OrgID: gati.ID})
		if err != nil {
			t.Fatal(err)
		}
		before := auditSize(t, db)
		if n, err := demo.LoadRoutes(ctx, appeals, orgs, geos, okno.System); err != nil || n != 0 {
			t.Errorf("second load: %d, %v", n, err)
		}
		if auditSize(t, db) != before {
			t.Error("second load audited something")
		}
		if got, _ := appeals.Resolve(ctx, db, lift.ID, districts[0].ID); got.ID != changed.ID {
			t.Errorf("the administrator's rule was undone: %+v", got)
		}
	})
}

// codeOf is the demo district code of a territory name.
func codeOf(t *testing.T, name string) string {
	t.Helper()
	for _, f := range demo.Territories().Features {
		if f.Name == name {
			return f.Code
		}
	}
	t.Fatalf("no district %q", name)
	return ""
}
