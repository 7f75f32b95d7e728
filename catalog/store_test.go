package catalog_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestGetReadsWhatPutWrote(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		got, err := w.c.Get(ctx, catalogtest.Allowance)
		if err != nil {
			t.Fatal(err)
		}
		want := catalogtest.Services(w.f.Committee.ID, w.f.Office.ID)[0]
		want.ID, want.Version, want.UpdatedAt = got.ID, 1, start
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Get (-want +got):\n%s", diff)
		}
		if byID, err := w.c.ByID(ctx, got.ID); err != nil || byID.Code != got.Code {
			t.Errorf("ByID(%d) = %q, %v; want %q", got.ID, byID.Code, err, got.Code)
		}
		if _, err := w.c.Get(ctx, "no-such-service"); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Get(unknown) = %v, want not found", err)
		}
	})
}

func TestPutUnpublishedIsHidden(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		sv, err := w.c.Get(ctx, catalogtest.Meters)
		if err != nil {
			t.Fatal(err)
		}
		sv.Published = false
		if _, err := w.c.Put(ctx, w.f.Admin, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.Get(ctx, catalogtest.Meters); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Get(unpublished) = %v, want not found", err)
		}
		if hits, _ := w.c.Search(ctx, "счетчики воды", catalog.Query{}, 10); slices.ContainsFunc(hits, func(h catalog.Hit) bool { return h.Code == catalogtest.Meters }) {
			t.Errorf("an unpublished service is found: %v", hits)
		}
		if got, err := w.c.ByID(ctx, sv.ID); err != nil || got.Published {
			t.Errorf("ByID(unpublished) = %v, %v; want it, unpublished", got.Published, err)
		}
	})
}

func TestPutRefusesBadInput(t *testing.T) {
	long := strings.Repeat("я", catalog.MaxTitle+1)
	tests := []struct {
		name  string
		edit  func(*catalog.Service)
		field string
	}{
		{"code empty", func(s *catalog.Service) { s.Code = "" }, "code"},
		{"code upper case", func(s *catalog.Service) { s.Code = "Child" }, "code"},
		{"code with a slash", func(s *catalog.Service) { s.Code = "a/b" }, "code"},
		{"no Russian title", func(s *catalog.Service) { s.Title = catalog.Text{"en": "Allowance"} }, "title"},
		{"title too long", func(s *catalog.Service) { s.Title = catalog.Text{"ru": long} }, "title"},
		{"title in an unknown language", func(s *catalog.Service) { s.Title["de"] = "Zulage" }, "title"},
		{"title not UTF-8", func(s *catalog.Service) { s.Title = catalog.Text{"ru": "\xff\xfe"} }, "title"},
		{"summary too long", func(s *catalog.Service) { s.Summary = catalog.Text{"ru": strings.Repeat("a", catalog.MaxText+1)} }, "summary"},
		{"too many keywords", func(s *catalog.Service) { s.Keywords = slices.Repeat([]string{"x"}, catalog.MaxListItems+1) }, "keywords"},
		{"keyword too long", func(s *catalog.Service) { s.Keywords = []string{strings.Repeat("a", catalog.MaxKeyword+1)} }, "keywords[0]"},
		{"level unknown", func(s *catalog.Service) { s.Level = "galactic" }, "level"},
		{"no recipients", func(s *catalog.Service) { s.Recipients = nil }, "recipients"},
		{"recipient unknown", func(s *catalog.Service) { s.Recipients = []catalog.Recipient{"alien"} }, "recipients"},
		{"kind unknown", func(s *catalog.Service) { s.Kind = "magic" }, "kind"},
		{"assurance unknown", func(s *catalog.Service) { s.Assurance = "total" }, "assurance"},
		{"assurance none", func(s *catalog.Service) { s.Assurance = "none" }, "assurance"},
		{"no body", func(s *catalog.Service) { s.OrgID = 0 }, "org_id"},
		{"unknown body", func(s *catalog.Service) { s.OrgID = 99999 }, "org_id"},
		{"unknown controlling body", func(s *catalog.Service) { s.ComplaintOrgID = 99999 }, "complaint_org_id"},
		{"unknown category", func(s *catalog.Service) { s.Category = "space" }, "category"},
		{"unknown situation", func(s *catalog.Service) { s.Situations = []string{"moving-to-mars"} }, "situations[0]"},
		{"unknown office", func(s *catalog.Service) { s.OfficeIDs = []int64{99999} }, "office_ids[0]"},
		{"office twice", func(s *catalog.Service) { s.OfficeIDs = append(s.OfficeIDs, s.OfficeIDs[0]) }, "office_ids[1]"},
		{"application without a process", func(s *catalog.Service) { s.Process = "" }, "process"},
		{"process name with SQL", func(s *catalog.Service) { s.Process = "x'; DROP TABLE services; --" }, "process"},
		{"instant without a rule", func(s *catalog.Service) { s.Kind = catalog.KindInstant; s.InstantRule = "" }, "instant_rule"},
		{"legal period unreadable", func(s *catalog.Service) { s.LegalPeriod = "ten days" }, "legal_period"},
		{"negative fee", func(s *catalog.Service) { s.Fee.Kopecks = -1 }, "fee.kopecks"},
		{"empty step", func(s *catalog.Service) { s.Card.HowTo = append(s.Card.HowTo, catalog.Text{"ru": " "}) }, "card.how_to[2]"},
		{"document without a title", func(s *catalog.Service) { s.Card.Documents[1].Title = nil }, "card.documents[1].title"},
		{"legal act with a script address", func(s *catalog.Service) { s.Card.LegalActs[0].URL = "javascript:alert(1)" }, "card.legal_acts[0].url"},
		{"owner name too long", func(s *catalog.Service) { s.Owner.Name = strings.Repeat("И", catalog.MaxName+1) }, "owner.name"},
		{"owner without an account", func(s *catalog.Service) { s.Owner.UserID = 99999 }, "owner.user_id"},
		{"form not JSON", func(s *catalog.Service) { s.Form.Schema = json.RawMessage(`{"type":`) }, "form"},
		{"layout without a schema", func(s *catalog.Service) { s.Form.Schema = nil }, "form"},
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		before := w.rows(t)
		stored, err := w.c.Get(ctx, catalogtest.Allowance)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, create := range []bool{false, true} {
					in := catalogtest.Services(w.f.Committee.ID, w.f.Office.ID)[0]
					in.Version = stored.Version
					if create {
						in.Code, in.Version = "new-service", 0
					}
					tt.edit(&in)
					_, err := w.c.Put(ctx, w.f.Admin, in)
					if !hasField(err, tt.field) {
						t.Errorf("create %v: Put = %v, want a field error on %q", create, err, tt.field)
					}
				}
				if got := w.rows(t); got != before {
					t.Errorf("rows %v after a refused Put, want %v", got, before)
				}
				if got, _ := w.c.Get(ctx, catalogtest.Allowance); got.Version != stored.Version {
					t.Errorf("version %d after a refused Put, want %d", got.Version, stored.Version)
				}
			})
		}
	})
}

// hasField reports whether err is EINVALID naming field.
func hasField(err error, field string) bool {
	e := okno.AsError(err)
	if e == nil || e.Code != okno.EINVALID {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field || strings.HasPrefix(f.Field, field+".") || strings.HasPrefix(f.Field, field+"#") {
			return true
		}
	}
	return false
}

func TestPutWhoMay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		sv, err := w.c.Get(ctx, catalogtest.Stall)
		if err != nil {
			t.Fatal(err)
		}
		for _, actor := range []okno.Actor{
			{},
			{Kind: okno.ActorCitizen, UserID: 5},
			{Kind: okno.ActorStaff, UserID: 6, OrgID: w.f.Committee.ID, Roles: []okno.Role{okno.RoleAdmin}}, // a body's admin, not the region's
			{Kind: okno.ActorStaff, UserID: 7, OrgID: w.f.Region.ID, Roles: []okno.Role{okno.RoleOfficial}},
		} {
			before := w.rows(t)
			if _, err := w.c.Put(ctx, actor, sv); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("Put as %s = %v, want forbidden", actor.Ref(), err)
			}
			if err := w.c.PutCategory(ctx, actor, catalog.Category{Code: "x1", Title: catalog.Text{"ru": "Икс"}}); !okno.IsCode(err, okno.EFORBIDDEN) {
				t.Errorf("PutCategory as %s = %v, want forbidden", actor.Ref(), err)
			}
			if got := w.rows(t); got != before {
				t.Errorf("rows %v after a forbidden Put, want %v", got, before)
			}
		}
		sv.Fee.Kopecks = 200000
		got, err := w.c.Put(ctx, w.f.Admin, sv)
		if err != nil || got.Version != sv.Version+1 {
			t.Fatalf("Put as the region's admin = v%d, %v; want v%d", got.Version, err, sv.Version+1)
		}
		// The version read is now stale: a second edit from it conflicts.
		if _, err := w.c.Put(ctx, w.f.Admin, sv); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("Put with a stale version = %v, want conflict", err)
		}
		sv.Code, sv.Version = "another-stall", 3
		if _, err := w.c.Put(ctx, w.f.Admin, sv); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("create with a version = %v, want conflict", err)
		}
		var audited int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action = 'catalog.service.update' AND object_id = ?`, catalogtest.Stall).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("%d update entries audited (%v), want 1", audited, err)
		}
	})
}

func TestOwnedBy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		var staff, citizen int64
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for kind, id := range map[string]*int64{"staff": &staff, "citizen": &citizen} {
				if err := tx.QueryRowContext(ctx, `INSERT INTO users (kind, password_hash, created_at, updated_at) VALUES (?, 'x', ?, ?) RETURNING id`,
					kind, start, start).Scan(id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{catalogtest.Stall, catalogtest.Meters} {
			sv, err := w.c.Get(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			sv.Owner.UserID = staff
			if _, err := w.c.Put(ctx, w.f.Admin, sv); err != nil {
				t.Fatal(err)
			}
		}
		got, err := w.c.OwnedBy(ctx, staff)
		if diff := cmp.Diff([]string{catalogtest.Stall, catalogtest.Meters}, got); diff != "" || err != nil {
			t.Errorf("OwnedBy (%v) (-want +got):\n%s", err, diff)
		}
		sv, _ := w.c.Get(ctx, catalogtest.Allowance)
		sv.Owner.UserID = citizen // a citizen cannot own a service
		if _, err := w.c.Put(ctx, w.f.Admin, sv); !hasField(err, "owner.user_id") {
			t.Errorf("Put with a citizen as owner = %v, want a field error on owner.user_id", err)
		}
	})
}
