package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/blob"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type world struct {
	db   *sqldb.DB
	c    *catalog.Catalog
	orgs *org.Service
	f    catalogtest.Fixture
}

// newWorld opens a catalogue over db with the test catalogue loaded;
// edit, when not nil, changes each service before it is put.
func newWorld(t testing.TB, db *sqldb.DB, edit func(*catalog.Service)) *world {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return start }
	log := audittest.New(db, now)
	keys, err := vault.Load(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewFS(t.TempDir(), keys)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, orgs: org.New(db, log, now)}
	w.c = catalog.New(catalog.Deps{DB: db, Audit: log, Orgs: w.orgs, Admins: w.orgs, Blobs: blobs, Now: now})
	if err := w.c.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if w.f, err = catalogtest.Load(ctx, w.c, w.orgs, catalogtest.Options{Edit: edit}); err != nil {
		t.Fatalf("load the test catalogue: %v", err)
	}
	return w
}

// count returns the number of rows of table.
func (w *world) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := w.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rows counts what an edit may change, to prove a refused one changed nothing.
func (w *world) rows(t testing.TB) [7]int {
	t.Helper()
	var out [7]int
	for i, table := range []string{"services", "audit_entries", "service_categories", "service_situations", "situation_services", "offices", "directory_items"} {
		out[i] = w.count(t, table)
	}
	return out
}
