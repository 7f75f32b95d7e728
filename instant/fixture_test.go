package instant_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/instant"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// start is the fixture's "now": midday in Saint Petersburg.
var start = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// The SNILS of the demo citizen Пётр Петров, whom the demo registry has
// in the housing queue, and of someone it does not know.
const (
	petrSNILS  = "112-233-445 95"
	otherSNILS = "123-456-789 64"
)

// fakeCatalogue is the catalogue as instant reads it: services by code
// with their parsed forms.
type fakeCatalogue struct {
	services map[string]catalog.Service
	decls    map[string]*formdecl.Decl
}

func (c *fakeCatalogue) Get(_ context.Context, code string) (catalog.Service, error) {
	s, ok := c.services[code]
	if !ok {
		return catalog.Service{}, okno.Errorf(okno.ENOTFOUND, "catalog.service_not_found")
	}
	return s, nil
}

func (c *fakeCatalogue) Decl(_ context.Context, code string) (*formdecl.Decl, error) {
	return c.decls[code], nil
}

func (c *fakeCatalogue) Has(context.Context, string, string) (bool, error) { return true, nil }

// profiles are citizens' profiles by user ID.
type profiles map[int64]identity.Profile

func (p profiles) Profile(_ context.Context, id int64) (identity.Profile, error) {
	pr, ok := p[id]
	if !ok {
		return identity.Profile{}, okno.Errorf(okno.ENOTFOUND, "identity.user_not_found")
	}
	return pr, nil
}

// fixture is a Service over a real database, keys and audit log, the demo
// registry, and a catalogue of the five instant services.
type fixture struct {
	db    *sqldb.DB
	svc   *instant.Service
	audit *audittest.Log
	now   time.Time
	cat   *fakeCatalogue
	// petr is a standard citizen with Пётр's SNILS; anna a simplified
	// one; other a standard one the housing queue does not know.
	petr, anna, other okno.Actor
}

// The test forms: fines split series and number (as a form may), the
// others read whole fields; "debt" and "meter" have no form.
const (
	finesSchema = `{"type": "object", "additionalProperties": false, "properties": {
		"vehicle": {"type": "object", "title": "Автомобиль", "additionalProperties": false, "properties": {
			"stsSeries": {"type": "string", "title": "Серия СТС", "maxLength": 6},
			"stsNumber": {"type": "string", "title": "Номер СТС", "pattern": "^[0-9]{6}$"}}},
		"licence": {"type": "string", "title": "Водительское удостоверение", "maxLength": 20}}}`
	housingSchema = `{"type": "object", "additionalProperties": false, "required": ["snils"], "properties": {
		"snils": {"type": "string", "format": "snils", "title": "СНИЛС", "x-prefill": "profile.snils"}}}`
	kindergartenSchema = `{"type": "object", "additionalProperties": false, "required": ["child"], "properties": {
		"child": {"type": "object", "title": "Ребёнок", "additionalProperties": false, "required": ["certificateSeries", "certificateNumber"], "properties": {
			"certificateSeries": {"type": "string", "title": "Серия свидетельства", "pattern": "^[IVXLC]{1,4}-[А-ЯЁ]{2}$"},
			"certificateNumber": {"type": "string", "title": "Номер свидетельства", "pattern": "^[0-9]{6}$"}}}}}`
)

func newFixture(t testing.TB, db *sqldb.DB, limits instant.Limits) *fixture {
	t.Helper()
	f := &fixture{db: db, now: start}
	clock := func() time.Time { return f.now }
	f.audit = audittest.New(db, clock)
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := demo.NewRegistry(clock)
	if err != nil {
		t.Fatal(err)
	}
	f.cat = &fakeCatalogue{services: map[string]catalog.Service{}, decls: map[string]*formdecl.Decl{}}
	for _, s := range []struct {
		code, rule, schema string
		level              identity.Assurance
	}{
		{"traffic-fines", "fines", finesSchema, identity.AssuranceSimplified},
		{"no-debt", "debt", "", identity.AssuranceSimplified},
		{"kindergarten-queue-status", "kindergarten-queue", kindergartenSchema, identity.AssuranceSimplified},
		{"housing-queue-status", "housing-queue", housingSchema, identity.AssuranceStandard},
		{"water-meters", "meter-readings", "", identity.AssuranceSimplified},
	} {
		svc := catalog.Service{Code: s.code, Kind: catalog.KindInstant, InstantRule: s.rule, Assurance: s.level, Published: true,
			Title: catalog.Text{"ru": s.code}}
		if s.schema != "" {
			svc.Form = catalog.Form{Schema: []byte(s.schema)}
			d, err := formdecl.Parse([]byte(s.schema), nil)
			if err != nil {
				t.Fatalf("%s: %v", s.code, err)
			}
			f.cat.decls[s.code] = d
		}
		f.cat.services[s.code] = svc
	}
	f.cat.services["applied"] = catalog.Service{Code: "applied", Kind: catalog.KindApplication, Published: true}
	ps := profiles{}
	f.petr = f.citizen(t, ps, identity.Profile{Assurance: identity.AssuranceStandard, SNILS: petrSNILS, LastName: "Петров"})
	f.anna = f.citizen(t, ps, identity.Profile{Assurance: identity.AssuranceSimplified})
	f.other = f.citizen(t, ps, identity.Profile{Assurance: identity.AssuranceStandard, SNILS: otherSNILS})
	f.svc = instant.New(instant.Deps{DB: db, Keys: keys, Audit: f.audit, Catalog: f.cat, Profiles: ps,
		Registry: reg, Limits: limits, Now: clock})
	return f
}

// citizen makes an account row for a profile.
func (f *fixture) citizen(t testing.TB, ps profiles, p identity.Profile) okno.Actor {
	t.Helper()
	var id int64
	err := f.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO users (kind, display_name, password_hash, assurance, created_at, updated_at)
			VALUES ('citizen', 'Житель', 'x', ?, ?, ?) RETURNING id`, string(p.Assurance), start, start).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	p.UserID = id
	ps[id] = p
	return okno.Actor{Kind: okno.ActorCitizen, UserID: id}
}

// count returns the number of rows of table.
func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fact returns the Russian value of the result's fact labelled label, in
// its facts or its sections.
func fact(r instant.Result, label string) string {
	facts := r.Facts
	for _, s := range r.Sections {
		facts = append(facts, s.Facts...)
	}
	for _, f := range facts {
		if f.Label["ru"] == label {
			return f.Value["ru"]
		}
	}
	return fmt.Sprintf("<no %q>", label)
}

// fieldsOf lists the fields an error names.
func fieldsOf(err error) []string {
	var out []string
	for _, f := range okno.AsError(err).Fields {
		out = append(out, f.Field)
	}
	return out
}
