package demo_test

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/vault"
)

func TestLoadPeopleAndMarker(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clock := func() time.Time { return testNow }
		log := audit.New(db, ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)), clock)
		kr, err := vault.Load(t.TempDir(), "")
		if err != nil {
			t.Fatal(err)
		}
		orgs, geos := org.New(db, log, clock), geo.New(db, log, clock)
		ids := identity.New(db, kr, log, outbox.New(db, nil, clock), clock,
			identity.Options{Password: identity.Argon2Params{Time: 1, Memory: 64, Threads: 1}})

		loaded, err := demo.Load(ctx, db, orgs, geos, ids, clock)
		if err != nil || !loaded {
			t.Fatalf("first Load = %v, %v; want loaded", loaded, err)
		}
		loaded, err = demo.Load(ctx, db, orgs, geos, ids, clock)
		if err != nil || loaded {
			t.Fatalf("second Load = %v, %v; want skipped by the marker", loaded, err)
		}
		// Without the marker every step is still idempotent.
		if err := demo.LoadPeople(ctx, db, ids, orgs); err != nil {
			t.Fatalf("LoadPeople again: %v", err)
		}

		got := map[string]string{}
		for _, a := range demo.Accounts() {
			cr := identity.Credentials{Contact: a.Login, Password: demo.Password, IP: "192.0.2.7"}
			var ss identity.Session
			if a.Staff {
				ss, err = ids.SignInStaff(ctx, cr)
			} else {
				ss, err = ids.SignIn(ctx, cr)
			}
			if err != nil {
				t.Fatalf("sign in as %s: %v", a.Login, err)
			}
			got[a.Login] = string(ss.Assurance)
			if a.Staff {
				ms, err := orgs.OrganisationsOf(ctx, ss.UserID)
				if err != nil || len(ms) == 0 {
					t.Fatalf("%s holds no position: %v", a.Login, err)
				}
				got[a.Login] = string(ms[0].Roles[0])
			}
		}
		want := map[string]string{
			"admin@okno.test":                     string(okno.RoleAdmin),
			"official.admin-tsentralny@okno.test": string(okno.RoleOfficial),
			"head.admin-tsentralny@okno.test":     string(okno.RoleSupervisor),
			"operator.admin-tsentralny@okno.test": string(okno.RoleOperator),
			"anna@okno.test":                      string(identity.AssuranceSimplified),
			"petr@okno.test":                      string(identity.AssuranceStandard),
			"maria@okno.test":                     string(identity.AssuranceConfirmed),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("demo accounts (-want +got):\n%s", diff)
		}
		var staff int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE kind = 'staff'`).Scan(&staff)
		if min := 2*len(demo.Organisations()) + 1; staff < min {
			t.Errorf("staff accounts = %d, want at least %d (every organisation staffed)", staff, min)
		}
	})
}
