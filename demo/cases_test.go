package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// TestLoadCases opens the demo's cases on the real engine with the shipped
// processes and brings each to the state the demo promises; a second load
// changes nothing.
func TestLoadCases(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a := webtest.StartLive(t, dsn).App
		cheap := identity.New(a.DB, a.Keys, a.Audit, a.Outbox, time.Now, identity.Options{Password: identity.Argon2Params{Time: 1, Memory: 64, Threads: 1}})
		if _, err := demo.Load(ctx, a.DB, a.Orgs, a.Geo, cheap, time.Now); err != nil {
			t.Fatal(err)
		}
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
		for range 2 {
			if err := demo.LoadCases(ctx, a.DB, a.Cases); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"demo-appeal-1": "moderation", "demo-appeal-2": "review", "demo-appeal-3": "answered",
				"demo-appeal-4": "info_requested", "demo-appeal-5": "closed_fixed",
				"demo-application-1": "document_check", "demo-complaint-1": "registered",
			}
			if diff := cmp.Diff(want, states()); diff != "" {
				t.Errorf("demo cases (-want +got):\n%s", diff)
			}
		}
	})
}
