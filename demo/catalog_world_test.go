package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

// catalogWorld is a database with the demo organisations and catalogue
// loaded, as `okno serve --demo` has them.
type catalogWorld struct {
	db   *sqldb.DB
	c    *catalog.Catalog
	orgs *org.Service
}

func newCatalogWorld(t *testing.T, db *sqldb.DB) *catalogWorld {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return testNow }
	log := audittest.New(db, now)
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(t.TempDir(), keys)
	if err != nil {
		t.Fatal(err)
	}
	w := &catalogWorld{db: db, orgs: org.New(db, log, now)}
	if _, err := demo.LoadOrganisations(ctx, w.orgs, geo.New(db, log, now), okno.System); err != nil {
		t.Fatal(err)
	}
	w.c = catalog.New(catalog.Deps{DB: db, Audit: log, Orgs: w.orgs, Admins: w.orgs, Blobs: blobs, Now: now})
	if err := w.c.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadCatalog(ctx, w.c, w.orgs); err != nil {
		t.Fatalf("LoadCatalog: %v", err)
	}
	return w
}

// count returns the number of rows of a table.
func (w *catalogWorld) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
