package application_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// TestStartPrefillsFromProfile starts a draft on the first page of the
// form with the fields the form marks x-prefill filled from the profile,
// and records the start in the audit log.
func TestStartPrefillsFromProfile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"applicant": map[string]any{"lastName": "Иванова", "firstName": "Анна", "middleName": "Сергеевна",
			"birthDate": "1994-03-12", "snils": "11223344595", "phone": "+79211234567", "email": "ivanova@mail.ru"}}
		if diff := cmp.Diff(want, d.Data); diff != "" {
			t.Errorf("prefilled data (-want +got):\n%s", diff)
		}
		if d.Page != "applicant" || d.Version != 1 || d.Service != allowance || d.UserID != f.anna {
			t.Errorf("draft = page %q version %d service %q user %d, want applicant 1 %s %d", d.Page, d.Version, d.Service, d.UserID, allowance, f.anna)
		}
		got, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("draft read back (-want +got):\n%s", diff)
		}
		var last string
		for _, e := range f.log.Entries() {
			last = e.Action
		}
		if last != "application.draft_start" {
			t.Errorf("last audited action = %q, want application.draft_start", last)
		}
	})
}

// TestStartRefuses refuses to start a draft for anyone but a citizen, below
// the service's assurance level, and for services one does not apply for
// online.
func TestStartRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		staff := okno.Actor{Kind: okno.ActorStaff, UserID: f.anna, OrgID: f.body.ID, Roles: []okno.Role{okno.RoleOperator}}
		for _, tc := range []struct {
			name    string
			actor   okno.Actor
			service string
			code    okno.ErrorCode
			key     string
		}{
			{"anonymous", okno.Actor{}, allowance, okno.EUNAUTHORIZED, "application.sign_in"},
			{"staff", staff, allowance, okno.EFORBIDDEN, "application.citizens_only"},
			{"simplified account", as(f.weak), allowance, okno.EFORBIDDEN, "application.assurance"},
			{"standard for confirmed", as(f.anna), confirmed, okno.EFORBIDDEN, "application.assurance"},
			{"in person only", as(f.anna), inPerson, okno.EINVALID, "application.not_online"},
			{"unknown", as(f.anna), "no-such-service", okno.ENOTFOUND, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.count("drafts")
				_, err := f.s.Start(context.Background(), tc.actor, tc.service)
				if okno.ErrorCodeOf(err) != tc.code || tc.key != "" && okno.AsError(err).Key != tc.key {
					t.Errorf("Start = %v, want %s %s", err, tc.code, tc.key)
				}
				if n := f.count("drafts"); n != before {
					t.Errorf("drafts = %d after a refused start, want %d", n, before)
				}
			})
		}
	})
}

// TestStartLimitsOpenDrafts refuses a draft over MaxOpenDrafts.
func TestStartLimitsOpenDrafts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for range application.MaxOpenDrafts {
			if _, err := f.s.Start(ctx, as(f.anna), allowance); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.Start(ctx, as(f.anna), allowance); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("Start over the limit = %v, want conflict", err)
		}
		if _, err := f.s.Start(ctx, as(f.boris), allowance); err != nil {
			t.Errorf("another citizen's Start = %v, want a draft", err)
		}
	})
}

// keys lists the pointers and keys of problems.
func keys(errs []formdecl.FieldError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Pointer+" "+e.Key)
	}
	return out
}

// TestSaveKeepsValuesAndReportsPageProblems stores every answer, wrong
// ones too, and reports only the problems of the saved page's fields —
// including its required fields left empty — and refuses answers to
// fields of other pages.
func TestSaveKeepsValuesAndReportsPageProblems(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		got, errs, err := f.s.Save(ctx, as(f.anna), d.ID, d.Version, "applicant", map[string]any{
			"/applicant/snils":     "123-456",
			"/applicant/firstName": nil, // cleared by the citizen
			"/applicant/passport":  "40 14 123456",
			"/payment/method":      "bank", // not on this page
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"/applicant/firstName formdecl.required", "/applicant/snils formdecl.snils_format", "/payment/method application.not_on_page"}
		if diff := cmp.Diff(want, sortedKeys(errs)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		stored, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		applicant := stored.Data["applicant"].(map[string]any)
		if applicant["snils"] != "123-456" || applicant["passport"] != "40 14 123456" || applicant["firstName"] != nil {
			t.Errorf("stored applicant = %s, want the wrong SNILS kept, the passport added, the first name gone", jsonOf(applicant))
		}
		if _, ok := stored.Data["payment"]; ok {
			t.Errorf("an answer to another page was stored: %s", jsonOf(stored.Data))
		}
		if stored.Version != 2 || got.Version != 2 || stored.Page != "applicant" {
			t.Errorf("version %d (returned %d), page %q; want 2 and applicant", stored.Version, got.Version, stored.Page)
		}
	})
}

// sortedKeys is keys in order.
func sortedKeys(errs []formdecl.FieldError) []string {
	out := keys(errs)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestSaveGroup fills a repeatable group's elements in any order and
// reports the problems of the group's fields.
func TestSaveGroup(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		d, errs, err := f.s.Save(ctx, as(f.anna), d.ID, d.Version, "children", map[string]any{
			"/children/1/fullName": "Иванова Ольга Андреевна",
			"/children/0/fullName": "Иванов Пётр Андреевич",
			"/children/0/snils":    "112-233-445 95",
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []any{
			map[string]any{"fullName": "Иванов Пётр Андреевич", "snils": "112-233-445 95"},
			map[string]any{"fullName": "Иванова Ольга Андреевна"},
		}
		if diff := cmp.Diff(want, d.Data["children"]); diff != "" {
			t.Errorf("children (-want +got):\n%s", diff)
		}
		wantErrs := []string{
			"/children/0/birthDate formdecl.required", "/children/0/certificate formdecl.required",
			"/children/1/birthDate formdecl.required", "/children/1/certificate formdecl.required",
		}
		if diff := cmp.Diff(wantErrs, sortedKeys(errs)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestSaveConflicts refuses a save from a stale page and an unknown page.
func TestSaveConflicts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.Save(ctx, as(f.anna), d.ID, d.Version, "contacts", map[string]any{"/applicant/phone": "+79210000000"}); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Save(ctx, as(f.anna), d.ID, d.Version, "contacts", map[string]any{"/applicant/phone": "+79211111111"})
		if !okno.IsCode(err, okno.ECONFLICT) || okno.AsError(err).Key != "application.stale" {
			t.Errorf("stale Save = %v, want conflict application.stale", err)
		}
		_, _, err = f.s.Save(ctx, as(f.anna), d.ID, d.Version+1, "nope", nil)
		if !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("Save of an unknown page = %v, want invalid", err)
		}
		got, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if phone := got.Data["applicant"].(map[string]any)["phone"]; phone != "+79210000000" || got.Version != 2 {
			t.Errorf("phone %v version %d, want the first save's +79210000000 and 2", phone, got.Version)
		}
	})
}

// TestOthersSeeNoDraft: another citizen and staff get not_found for every
// door of a draft, and nothing changes.
func TestOthersSeeNoDraft(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		fileID := d.Files[0].ID
		staff := okno.Actor{Kind: okno.ActorStaff, UserID: f.boris, OrgID: f.body.ID, Roles: []okno.Role{okno.RoleOfficial, okno.RoleAdmin}}
		for _, who := range []okno.Actor{as(f.boris), staff, {}} {
			for name, call := range map[string]func() error{
				"Draft":  func() error { _, err := f.s.Draft(ctx, who, d.ID); return err },
				"Save":   func() error { _, _, err := f.s.Save(ctx, who, d.ID, d.Version, "contacts", nil); return err },
				"Check":  func() error { _, _, err := f.s.Check(ctx, who, d.ID); return err },
				"Attach": func() error { _, err := f.s.Attach(ctx, who, d.ID, "/documents", "a.pdf", pdfBytes); return err },
				"Detach": func() error { return f.s.Detach(ctx, who, d.ID, fileID) },
				"ReadFile": func() error {
					_, _, err := f.s.ReadFile(ctx, who, d.ID, fileID)
					return err
				},
				"Delete": func() error { return f.s.Delete(ctx, who, d.ID) },
				"Submit": func() error {
					_, err := f.s.Submit(ctx, who, application.Submission{DraftID: d.ID, Version: d.Version, Consent: true})
					return err
				},
			} {
				if err := call(); !okno.IsCode(err, okno.ENOTFOUND) {
					t.Errorf("%s as %s = %v, want not_found", name, who.Ref(), err)
				}
			}
		}
		got, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("the draft changed (-want +got):\n%s", diff)
		}
	})
}

// TestDelete removes a draft with its documents; a submitted one stays.
func TestDelete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		if err := f.s.Delete(ctx, as(f.anna), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Draft(ctx, as(f.anna), d.ID); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("Draft after Delete = %v, want not_found", err)
		}
		if n := f.count("draft_files"); n != 0 {
			t.Errorf("draft_files = %d after Delete, want 0", n)
		}
		s := f.ready(f.anna)
		if _, err := f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: s.ID, Version: s.Version, Consent: true}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Delete(ctx, as(f.anna), s.ID); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("Delete of a submitted draft = %v, want conflict", err)
		}
	})
}
