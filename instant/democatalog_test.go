package instant_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/instant"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestDemoCatalogue runs every instant service of the demo catalogue
// (demo/catalog: the card, its form and the example that passes it)
// against the demo registry as the demo citizen Пётр: the rules read the
// fields those forms name, and every example finds something.
func TestDemoCatalogue(t *testing.T) {
	cards, err := filepath.Glob("../demo/catalog/*.json")
	if err != nil {
		t.Fatal(err)
	}
	type demoService struct {
		code string
		svc  catalog.Service
		decl *formdecl.Decl
		data map[string]any
	}
	var services []demoService
	for _, name := range cards {
		base := filepath.Base(name)
		if strings.Count(base, ".") != 1 {
			continue
		}
		var card struct {
			Kind        catalog.Kind
			InstantRule string
			Assurance   identity.Assurance
		}
		if err := json.Unmarshal(mustRead(t, name), &card); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if card.Kind != catalog.KindInstant {
			continue
		}
		code := strings.TrimSuffix(base, ".json")
		schema, layout := mustRead(t, "../demo/catalog/"+code+".schema.json"), readIf(t, "../demo/catalog/"+code+".layout.json")
		decl, err := formdecl.Parse(schema, layout)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		var data map[string]any
		if err := json.Unmarshal(mustRead(t, "../demo/catalog/"+code+".valid.json"), &data); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		services = append(services, demoService{code: code, decl: decl, data: data, svc: catalog.Service{Code: code, Kind: card.Kind,
			InstantRule: card.InstantRule, Assurance: card.Assurance, Published: true, Form: catalog.Form{Schema: schema, Layout: layout}}})
	}
	if len(services) < 5 {
		t.Fatalf("%d instant services in the demo catalogue, want the five rules'", len(services))
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db, instant.Limits{})
		rules := map[string]bool{}
		for _, ds := range services {
			f.cat.services[ds.code], f.cat.decls[ds.code] = ds.svc, ds.decl
			res, err := f.svc.Run(context.Background(), f.petr, ds.code, ds.data)
			if err != nil {
				t.Errorf("%s (%s): %v", ds.code, ds.svc.InstantRule, err)
				continue
			}
			if res.Status != instant.StatusFound && res.Status != instant.StatusAccepted || !res.Demo {
				t.Errorf("%s (%s): %s %q, demo %v", ds.code, ds.svc.InstantRule, res.Status, res.Title["ru"], res.Demo)
			}
			rules[ds.svc.InstantRule] = true
		}
		for _, r := range []string{"fines", "debt", "kindergarten-queue", "housing-queue", "meter-readings"} {
			if !rules[r] {
				t.Errorf("no demo service uses the rule %q", r)
			}
		}
	})
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readIf reads a file that may be missing (a form without a layout).
func readIf(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return b
}
