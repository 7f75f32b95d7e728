package demo_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 0, time.UTC)

func TestOrganisationsTree(t *testing.T) {
	os := demo.Organisations()
	seen := map[string]bool{}
	portal := map[string]bool{}
	kinds := map[org.Kind]int{}
	for _, o := range os {
		if seen[o.Code] {
			t.Errorf("code %s twice", o.Code)
		}
		if o.Parent != "" && !seen[o.Parent] {
			t.Errorf("%s comes before its parent %s", o.Code, o.Parent)
		}
		seen[o.Code] = true
		if o.PortalName != "" {
			if portal[o.PortalName] {
				t.Errorf("portal name %q twice", o.PortalName)
			}
			portal[o.PortalName] = true
		}
		if o.Contacts.Phone != "" || o.Contacts.Email != "" {
			t.Errorf("%s has a phone or e-mail: the demo states no contacts it cannot vouch for", o.Code)
		}
		kinds[o.Kind]++
	}
	want := map[org.Kind]int{org.KindRegionGovernment: 1, org.KindDistrictAdministration: 18, org.KindHousingAgency: 37,
		org.KindCommittee: 21, org.KindControllingBody: 5, org.KindInstitution: 16}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
}

// TestPortalNamesCovered checks that every body answering appeals in the
// shared feedback-portal data is in the demo tree, so routing can be scored
// against real answers.
func TestPortalNamesCovered(t *testing.T) {
	const path = "../../shared/data/spb-appeals-dev.jsonl.gz"
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("reference data %s is absent: this test runs only where the shared data is mounted", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	answering := map[string]bool{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var a struct {
			Answers []struct {
				By string `json:"by"`
			} `json:"answers"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		for _, ans := range a.Answers {
			answering[ans.By] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, o := range demo.Organisations() {
		have[o.PortalName] = true
	}
	var missing []string
	for name := range answering {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d of %d answering bodies are not in the demo tree: %q", len(missing), len(answering), missing)
	}
	t.Logf("%d answering bodies, all in the tree", len(answering))
}

func TestLoadOrganisations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		log := audit.New(db, ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)), func() time.Time { return testNow })
		clock := func() time.Time { return testNow }
		orgs, geos := org.New(db, log, clock), geo.New(db, log, clock)
		first, err := demo.LoadOrganisations(ctx, orgs, geos, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		n := len(demo.Organisations())
		if first.Territories != 18 || first.Organisations != n || first.Links != 57 || first.Positions < 4*n {
			t.Fatalf("first load = %+v (%d organisations)", first, n)
		}
		audited := auditSize(t, db)
		counts := tableCounts(t, db)
		second, err := demo.LoadOrganisations(ctx, orgs, geos, okno.System)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(demo.LoadResult{}, second); diff != "" {
			t.Errorf("second load changed something (-want +got):\n%s", diff)
		}
		if n := auditSize(t, db); n != audited {
			t.Errorf("second load audited %d entries, want 0", n-audited)
		}
		if diff := cmp.Diff(counts, tableCounts(t, db)); diff != "" {
			t.Errorf("rows after the second load (-first +second):\n%s", diff)
		}

		// Dvortsovaya Square routes to the Central district's bodies.
		ts, err := geos.Lookup(ctx, 59.9390, 30.3158)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 1 || ts[0].Name != "Центральный район" {
			t.Fatalf("Lookup(Дворцовая площадь) = %v", ts)
		}
		for kind, want := range map[org.Kind][]string{
			org.KindDistrictAdministration: {"Администрация Центрального района"},
			org.KindHousingAgency:          {"ЖА Центрального района", "ЖКС № 1 Центрального района"},
			org.KindRegionGovernment:       {"Правительство СПб"},
			org.KindInstitution:            {"ДОДД (Центральный район)"},
		} {
			serving, err := orgs.ServingTerritory(ctx, ts[0].ID, kind)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range serving {
				got = append(got, o.ShortName)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ServingTerritory(%s) (-want +got):\n%s", kind, diff)
			}
		}
		gov, err := orgs.ByCode(ctx, demo.GovernmentCode)
		if err != nil {
			t.Fatal(err)
		}
		sub, err := orgs.Subtree(ctx, gov.ID)
		if err != nil || len(sub) != n {
			t.Errorf("subtree of the government has %d organisations (%v), want %d", len(sub), err, n)
		}
	})
}

func tableCounts(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, table := range []string{"territories", "organisations", "organisation_territories", "positions"} {
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		m[table] = n
	}
	return m
}

func auditSize(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_entries`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
