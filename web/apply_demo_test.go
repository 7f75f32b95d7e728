package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/web/webtest"
)

// TestApplyDemoFormsBadInput extends the bad-input sweep to every field of
// every demo form a standard citizen may apply for: a script, SQL-like
// text and damaged UTF-8 in each input never fail the server, never come
// back unescaped, and damaged text is always refused at its field.
func TestApplyDemoFormsBadInput(t *testing.T) {
	live := webtest.StartLive(t, "")
	ctx := context.Background()
	if _, err := demo.LoadOrganisations(ctx, live.App.Orgs, live.App.Geo, okno.System); err != nil {
		t.Skipf("the demo organisations do not load here: %v", err)
	}
	if err := demo.LoadCatalog(ctx, live.App.Services, live.App.Orgs); err != nil {
		t.Skipf("the demo catalogue does not load here: %v", err)
	}
	c := newApplyCitizen(t, live, "demo-sweep", 7, true)
	v := live.NewVisitor(t).SignedIn(c.token)
	var codes []string
	for after := ""; ; {
		page, err := live.App.Services.List(ctx, catalog.Query{After: after, Limit: 100})
		mustOK(t, err)
		for _, s := range page.Items {
			if s.Kind == catalog.KindApplication {
				codes = append(codes, s.Code)
			}
		}
		if after = page.Next; after == "" {
			break
		}
	}
	if len(codes) == 0 {
		t.Fatal("the demo catalogue has no application services")
	}
	fields := 0
	for _, code := range codes {
		decl, err := live.App.Services.Decl(ctx, code)
		mustOK(t, err)
		v.Get("/cabinet")
		v.Post("/services/" + code + "/apply")
		if v.Status == 403 {
			continue // a confirmed account is needed
		}
		m := draftURL.FindStringSubmatch(v.URL)
		if m == nil {
			t.Fatalf("%s: after starting at %s (%d)", code, v.URL, v.Status)
		}
		base := "/applications/" + m[1]
		refused := 0
		for _, pg := range decl.PagesFor(map[string]any{}) {
			for _, lf := range pg.Fields {
				ptrs := []string{lf.Pointer}
				if lf.Group {
					ptrs = ptrs[:0]
					for _, sub := range lf.Fields {
						ptrs = append(ptrs, lf.Pointer+"/0"+sub.Pointer)
					}
				}
				for _, ptr := range ptrs {
					in, ok := decl.Info(ptr)
					if !ok || in.File != nil {
						continue
					}
					fields++
					for _, value := range []string{sweepScript, sweepSQL, sweepBroken, strings.Repeat("я", 5000)} {
						f := sweepField{page: pg.ID, name: ptr, date: in.Format == "date"}
						postField(v, base, f, value)
						if v.Status >= 500 || strings.Contains(v.Last, "<script>alert") {
							t.Fatalf("%s %s = %.20q: status %d or the script unescaped", code, ptr, value, v.Status)
						}
						if value == sweepBroken && v.Status == 422 && strings.Contains(v.Last, `id="`+fieldIDOf(ptr)+`-error"`) {
							refused++
						}
					}
				}
			}
		}
		if refused == 0 {
			t.Errorf("%s: damaged text was refused at no field", code)
		}
	}
	t.Logf("%d demo forms, %d fields swept", len(codes), fields)
}

// fieldIDOf is the pages' input id of a pointer (web's fieldID).
func fieldIDOf(ptr string) string {
	return "f" + strings.NewReplacer("/", "-", "~", "_", " ", "_").Replace(ptr)
}
