package demo

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
)

// version names this demo data set; a changed set gets a new version and is
// loaded over the old one (every loader is idempotent).
const version = "spb-1"

// markerKey is the settings row that says the demo is loaded.
const markerKey = "demo.loaded"

// Load loads the Saint Petersburg demo region — territories, organisations,
// positions, staff and citizens — unless this version is loaded already,
// and reports whether it loaded anything. The marker is written last, so an
// interrupted load simply runs again (every step is idempotent); checking it
// first keeps later starts fast.
func Load(ctx context.Context, db *sqldb.DB, orgs *org.Service, geos *geo.Service, ids *identity.Service, now func() time.Time) (bool, error) {
	var have string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, markerKey).Scan(&have)
	if err == nil && have == version {
		return false, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if _, err := LoadOrganisations(ctx, orgs, geos, okno.System); err != nil {
		return false, err
	}
	if err := LoadPeople(ctx, db, ids, orgs); err != nil {
		return false, err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		markerKey, version, sqldb.Now(now()))
	return true, err
}
