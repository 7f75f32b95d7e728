package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/app"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// loadDemo loads the demo region and its routing table into a, as
// `okno demo` does before LoadCases.
func loadDemo(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	cheap := identity.New(a.DB, a.Keys, a.Audit, a.Outbox, time.Now, identity.Options{Password: identity.Argon2Params{Time: 1, Memory: 64, Threads: 1}})
	if _, err := demo.Load(ctx, a.DB, a.Orgs, a.Geo, cheap, time.Now); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadRoutes(ctx, a.Appeals, a.Orgs, a.Geo, okno.System); err != nil {
		t.Fatal(err)
	}
}

// TestLoadCases opens the demo's cases on the real engine with the shipped
// processes and brings each to the state the demo promises; a second load
// changes nothing.
func TestLoadCases(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a := webtest.StartLive(t, dsn).App
		loadDemo(t, a)
		states := func() map[string]string {
			rows, err := a.DB.QueryContext(ctx, `SELECT idempotency_key, state FROM cases WHERE idempotency_key LIKE 'demo-%'`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			got := map[string]string{}
			for rows.Next() {
				var k, s string
				if err := rows.Scan(&k, &s); err != nil {
					t.Fatal(err)
				}
				got[k] = s
			}
			return got
		}
		want := map[string]string{"demo-application-1": "document_check", "demo-complaint-1": "registered"}
		for _, da := range demo.DemoAppeals() {
			want[da.Key] = da.State
		}
		for range 2 {
			if err := demo.LoadCases(ctx, a.DB, a.Cases, a.Appeals); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, states()); diff != "" {
				t.Errorf("demo cases (-want +got):\n%s", diff)
			}
		}
	})
}
