package demo_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// dirs answers formdecl's directory questions from the demo directories,
// the way the catalogue does from its tables.
type dirs map[string]map[string]bool

func demoDirs() dirs {
	d := dirs{}
	for _, dir := range demo.DemoDirectories() {
		d[dir.Code] = map[string]bool{}
		for _, it := range dir.Items {
			d[dir.Code][it.Value] = true
		}
	}
	return d
}

func (d dirs) Has(_ context.Context, directory, value string) (bool, error) {
	return d[directory][value], nil
}

// TestCatalogForms checks every demo service's form declaration parses and
// accepts its example document, so a broken form never reaches a demo.
func TestCatalogForms(t *testing.T) {
	services, err := demo.DemoServices()
	if err != nil {
		t.Fatal(err)
	}
	if len(services) < 14 {
		t.Errorf("%d demo services, want at least 14", len(services))
	}
	for _, s := range services {
		t.Run(s.Code, func(t *testing.T) {
			if s.Form.Empty() {
				if s.Kind == catalog.KindApplication {
					t.Fatal("an application service without a form")
				}
				return
			}
			d, err := formdecl.Parse(s.Form.Schema, s.Form.Layout)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if errs := d.Validate(context.Background(), s.Valid, demoDirs()); len(errs) > 0 {
				t.Errorf("the example document is refused: %+v", errs)
			}
		})
	}
}

// TestLoadCatalog loads the demo catalogue twice: the first load makes
// every service, office, directory and photo; the second changes and
// audits nothing.
func TestLoadCatalog(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := newCatalogWorld(t, db)
		services, err := demo.DemoServices()
		if err != nil {
			t.Fatal(err)
		}
		tables := []string{"services", "audit_entries", "service_categories", "service_situations", "situation_services", "offices", "directory_items", "organisations"}
		counts := map[string]int{}
		for _, table := range tables {
			counts[table] = w.count(t, table)
		}
		if counts["services"] != len(services) {
			t.Errorf("%d services in the database, want %d", counts["services"], len(services))
		}
		if err := demo.LoadCatalog(ctx, w.c, w.orgs); err != nil {
			t.Fatalf("second LoadCatalog: %v", err)
		}
		for _, table := range tables {
			if n := w.count(t, table); n != counts[table] {
				t.Errorf("the second load left %d rows in %s, want %d", n, table, counts[table])
				if table == "audit_entries" {
					rows, err := db.QueryContext(ctx, `SELECT action, object_id FROM audit_entries ORDER BY seq DESC LIMIT 10`)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var a, o string
						rows.Scan(&a, &o)
						t.Log(a, o)
					}
					rows.Close()
				}
			}
		}

		for _, s := range services {
			got, err := w.c.Get(ctx, s.Code)
			if err != nil {
				t.Errorf("Get(%s): %v", s.Code, err)
				continue
			}
			if got.Title["en"] == "" || got.Summary["en"] == "" || len(got.Keywords) == 0 || got.Owner.Name == "" {
				t.Errorf("%s: a card without an English title, summary, keywords or owner", s.Code)
			}
			if got.Kind != catalog.KindInstant && (len(got.Card.HowTo) == 0 || len(got.Card.Documents) == 0 || len(got.Card.LegalActs) == 0 ||
				got.Card.Deadline["ru"] == "" || got.Card.WhoMay["ru"] == "" || got.Card.Result["ru"] == "" || got.Card.Appeal["ru"] == "" || len(got.Card.Refusal) == 0 || len(got.OfficeIDs) == 0) {
				t.Errorf("%s: an incomplete card: %+v", s.Code, got.Card)
			}
			if got.ComplaintOrgID == 0 {
				if o, err := w.orgs.Get(ctx, got.OrgID); err != nil || o.ParentID == 0 {
					t.Errorf("%s: no body receives complaints (providing body %d has no parent, %v)", s.Code, got.OrgID, err)
				}
			}
			photo, typ, err := w.c.OwnerPhoto(ctx, s.Code)
			want, _ := demo.OwnerAvatar(got.Owner.Name)
			if err != nil || typ != "image/png" || !bytes.Equal(photo, want) {
				t.Errorf("%s: owner photo %d bytes, %q, %v; want the generated PNG", s.Code, len(photo), typ, err)
			}
			if _, err := w.c.Decl(ctx, s.Code); err != nil && !s.Form.Empty() {
				t.Errorf("%s: Decl: %v", s.Code, err)
			}
		}

		// A service an administrator unpublished stays unpublished.
		hidden, err := w.c.Get(ctx, "fines-check")
		if err != nil {
			t.Fatal(err)
		}
		hidden.Published = false
		if hidden, err = w.c.Put(ctx, okno.System, hidden); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadCatalog(ctx, w.c, w.orgs); err != nil {
			t.Fatalf("LoadCatalog over an unpublished service: %v", err)
		}
		if got, err := w.c.ByID(ctx, hidden.ID); err != nil || got.Published {
			t.Errorf("after LoadCatalog the unpublished service is published=%v (%v), want false", got.Published, err)
		}

		st, list, err := w.c.Situation(ctx, "birth")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range list {
			got = append(got, s.Code)
		}
		if diff := cmp.Diff(st.Services, got); diff != "" {
			t.Errorf("situation «%s»: services (-want +got):\n%s", st.Title["ru"], diff)
		}
		for dir, value := range map[string]string{"spb-districts": "primorsky", "schools-spb": "school-1502", "kindergartens-spb": "kindergarten-1501"} {
			if ok, err := w.c.Has(ctx, dir, value); !ok || err != nil {
				t.Errorf("Has(%s, %s) = %v, %v; want true", dir, value, ok, err)
			}
		}
		if ok, _ := w.c.Has(ctx, "schools-spb", "school-0"); ok {
			t.Error("Has(schools-spb, school-0) = true, want false")
		}
	})
}

// TestOwnerAvatar checks the generated photos: a PNG of the portrait
// frame's size, the same for the same name and different for another.
func TestOwnerAvatar(t *testing.T) {
	a, err := demo.OwnerAvatar("Светлана Примерова (демо)")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := demo.OwnerAvatar("Светлана Примерова (демо)")
	other, _ := demo.OwnerAvatar("Павел Стоянкин (демо)")
	if !bytes.Equal(a, again) {
		t.Error("two avatars of one name differ")
	}
	if bytes.Equal(a, other) {
		t.Error("two names have the same avatar")
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != image.Pt(120, 150) {
		t.Errorf("avatar size = %v, want 120×150", got)
	}
}
