package application_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// touched are the tables a submission writes.
var touched = []string{"cases", "case_events", "case_documents", "applications", "consents", "audit_entries", "outbox"}

// counts counts the rows of the tables a submission writes and the
// submitted drafts.
func (f *fixture) counts() map[string]int {
	f.t.Helper()
	out := map[string]int{}
	for _, table := range touched {
		out[table] = f.count(table)
	}
	out["submitted drafts"] = f.count("drafts WHERE case_id IS NOT NULL")
	return out
}

// TestSubmit opens a case on the service's process with the form data, the
// documents, the service's legal period and the consent recorded, and
// marks the draft submitted: it can no longer change.
func TestSubmit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		before := f.counts()
		c, err := f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Process != "application" || c.OrgID != f.body.ID || c.ApplicantID != f.anna || c.State != "registration" ||
			c.Subject != "Выплата при рождении ребёнка" || c.Channel != "web" {
			t.Errorf("case = %+v", c)
		}
		if want := (calendar.Period{Days: 10, Unit: calendar.WorkingDays}); c.Legal.Period != want {
			t.Errorf("legal period = %v, want %v", c.Legal.Period, want)
		}
		got, err := f.cases.Get(ctx, as(f.anna), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantData := d.Data
		wantData["service"] = allowance
		if diff := cmp.Diff(jsonOf(wantData), jsonOf(got.Data)); diff != "" {
			t.Errorf("case data (-want +got):\n%s", diff)
		}
		docs, err := f.cases.Documents(ctx, as(f.anna), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || docs[0].Name != "паспорт.png" || docs[0].Kind != "attachment" {
			t.Errorf("documents = %+v, want the passport scan", docs)
		}
		after := f.counts()
		for table, n := range map[string]int{"cases": 1, "applications": 1, "consents": 1, "submitted drafts": 1, "case_documents": 1} {
			if after[table]-before[table] != n {
				t.Errorf("%s: %d new rows, want %d", table, after[table]-before[table], n)
			}
		}
		var user, service, caseID int64
		var purpose, version, digest string
		if err := db.QueryRowContext(ctx, `SELECT user_id, service_id, case_id, purpose, text_version, text_digest FROM consents`).Scan(
			&user, &service, &caseID, &purpose, &version, &digest); err != nil {
			t.Fatal(err)
		}
		if user != f.anna || caseID != c.ID || purpose != application.ConsentPurpose || version != application.ConsentVersion || len(digest) != 64 {
			t.Errorf("consent = user %d case %d %s %s %s", user, caseID, purpose, version, digest)
		}
		actions := map[string]bool{}
		for _, e := range f.log.Entries() {
			actions[e.Action] = true
		}
		if !actions["case.open"] || !actions["application.consent"] {
			t.Errorf("audited actions %v, want case.open and application.consent", actions)
		}
		svc, err := f.s.ServiceOf(ctx, c.ID)
		if err != nil || svc.Code != allowance {
			t.Errorf("ServiceOf = %s, %v; want %s", svc.Code, err, allowance)
		}
		sub, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil || sub.CaseID != c.ID {
			t.Errorf("draft's case = %d, %v; want %d", sub.CaseID, err, c.ID)
		}
		_, _, err = f.s.Save(ctx, as(f.anna), d.ID, sub.Version, "contacts", map[string]any{"/applicant/phone": "+79210000000"})
		if !okno.IsCode(err, okno.ECONFLICT) || okno.AsError(err).Key != "application.submitted" {
			t.Errorf("Save after submit = %v, want conflict application.submitted", err)
		}
		if _, err := f.s.Attach(ctx, as(f.anna), d.ID, "/documents", "a.pdf", pdfBytes); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("Attach after submit = %v, want conflict", err)
		}
	})
}

// TestServiceOfOtherCases: a case that is no application has no service.
func TestServiceOfOtherCases(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		if _, err := f.s.ServiceOf(context.Background(), 12345); !okno.IsCode(err, okno.ENOTFOUND) {
			t.Errorf("ServiceOf(unknown) = %v, want not_found", err)
		}
	})
}

// TestSubmitTwice: submitting a draft again, one after the other or at
// the same moment, returns the case the first submit made.
func TestSubmitTwice(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		in := application.Submission{DraftID: d.ID, Version: d.Version, Consent: true}
		first, err := f.s.Submit(ctx, as(f.anna), in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := f.s.Submit(ctx, as(f.anna), in)
		if err != nil || again.ID != first.ID {
			t.Errorf("second Submit = case %d, %v; want case %d", again.ID, err, first.ID)
		}

		d2 := f.ready(f.boris)
		const n = 8
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c, err := f.s.Submit(ctx, as(f.boris), application.Submission{DraftID: d2.ID, Version: d2.Version, Consent: true})
				ids[i], errs[i] = c.ID, err
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Errorf("concurrent Submit %d = case %d, %v; want case %d", i, ids[i], errs[i], ids[0])
			}
		}
		if got := f.counts(); got["cases"] != 2 || got["applications"] != 2 || got["consents"] != 2 {
			t.Errorf("after double submits: %v, want 2 cases, applications and consents", got)
		}
	})
}

// TestSubmitInvalid reports every problem at once — the form's, a
// document that is not the draft's, the missing consent — and changes
// nothing.
func TestSubmitInvalid(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d, err := f.s.Start(ctx, as(f.anna), allowance)
		if err != nil {
			t.Fatal(err)
		}
		d, _, err = f.s.Save(ctx, as(f.anna), d.ID, d.Version, "applicant", map[string]any{"/applicant/snils": "112-233-445 96"})
		if err != nil {
			t.Fatal(err)
		}
		d, _, err = f.s.Save(ctx, as(f.anna), d.ID, d.Version, "documents", map[string]any{"/documents": []any{"f999"}})
		if err != nil {
			t.Fatal(err)
		}
		before := f.counts()
		_, err = f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version})
		if !okno.IsCode(err, okno.EINVALID) {
			t.Fatalf("Submit = %v, want invalid", err)
		}
		want := []string{
			"/applicant/passport formdecl.required",
			"/applicant/snils formdecl.snils_checksum", "/children formdecl.required", "/consent formdecl.required",
			"/documents/0 application.file_unknown", "/passportScan formdecl.file_required", "/payment formdecl.required",
			"consent application.consent_required",
		}
		if diff := cmp.Diff(want, sortedKeys(problems(t, err))); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		if fields := okno.AsError(err).Fields; len(fields) != len(want) {
			t.Errorf("okno field errors = %d, want %d", len(fields), len(want))
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("rows changed by a refused submit (-want +got):\n%s", diff)
		}
	})
}

// TestSubmitIsOneTransaction: when the submission's transaction dies after
// the case is written (its last write, the consent's audit entry, fails —
// as if the process were killed before commit), neither the case nor the
// draft's mark nor anything else remains, and submitting again makes
// exactly one case.
func TestSubmitIsOneTransaction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		before := f.counts()
		f.log.arm("application.consent")
		if _, err := f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version, Consent: true}); err == nil {
			t.Fatal("Submit with a dying transaction succeeded")
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("rows left by a dead submit (-want +got):\n%s", diff)
		}
		c, err := f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.counts(); got["cases"] != before["cases"]+1 || got["submitted drafts"] != 1 {
			t.Errorf("after the retry: %v", got)
		}
		if sub, _ := f.s.Draft(ctx, as(f.anna), d.ID); sub.CaseID != c.ID {
			t.Errorf("draft's case = %d, want %d", sub.CaseID, c.ID)
		}
	})
}

// TestSubmitStale refuses a submit from a check page older than the
// draft.
func TestSubmitStale(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		d := f.ready(f.anna)
		_, err := f.s.Submit(context.Background(), as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version - 1, Consent: true})
		if !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("stale Submit = %v, want conflict", err)
		}
	})
}

// TestSubmitDropsHiddenAnswers: answers to questions the citizen no
// longer sees (a bank account, after choosing the post) are neither
// checked nor submitted, though the draft keeps them.
func TestSubmitDropsHiddenAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		d, errs, err := f.s.Save(ctx, as(f.anna), d.ID, d.Version, "payment", map[string]any{
			"/payment/method": "post", "/payment/postOffice": "190000", "/payment/account": "не счёт"})
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) != 0 {
			t.Errorf("saving the payment page = %v, want no problems: the account is not asked", keys(errs))
		}
		if _, errs, err := f.s.Check(ctx, as(f.anna), d.ID); err != nil || len(errs) != 0 {
			t.Errorf("Check = %v, %v; want no problems", keys(errs), err)
		}
		c, err := f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.cases.Get(ctx, as(f.anna), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"method": "post", "postOffice": "190000"}
		if diff := cmp.Diff(jsonOf(want), jsonOf(got.Data["payment"])); diff != "" {
			t.Errorf("submitted payment (-want +got):\n%s", diff)
		}
		kept, err := f.s.Draft(ctx, as(f.anna), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if kept.Data["payment"].(map[string]any)["bik"] != "044030653" {
			t.Errorf("the draft lost the hidden answers: %s", jsonOf(kept.Data["payment"]))
		}
	})
}

// TestSubmitClosedService: a draft of a service withdrawn from the
// catalogue stays, but is not submitted.
func TestSubmitClosedService(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.ready(f.anna)
		svc, err := f.cat.Get(ctx, allowance)
		if err != nil {
			t.Fatal(err)
		}
		svc.Published = false
		if _, err := f.cat.Put(ctx, okno.System, svc); err != nil {
			t.Fatal(err)
		}
		before := f.counts()
		_, err = f.s.Submit(ctx, as(f.anna), application.Submission{DraftID: d.ID, Version: d.Version, Consent: true})
		if !okno.IsCode(err, okno.ECONFLICT) || okno.AsError(err).Key != "application.service_closed" {
			t.Errorf("Submit = %v, want conflict application.service_closed", err)
		}
		if diff := cmp.Diff(before, f.counts()); diff != "" {
			t.Errorf("rows changed (-want +got):\n%s", diff)
		}
		if _, err := f.s.Draft(ctx, as(f.anna), d.ID); err != nil {
			t.Errorf("Draft = %v, want the draft kept", err)
		}
	})
}

// TestSubmitWithoutConsent: a service that requests nothing from other
// bodies asks no consent and records none.
func TestSubmitWithoutConsent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		sure := f.citizen("Галина", identity.AssuranceConfirmed)
		d := f.readyFor(sure, confirmed)
		if _, err := f.s.Submit(context.Background(), as(sure), application.Submission{DraftID: d.ID, Version: d.Version}); err != nil {
			t.Fatal(err)
		}
		if got := f.counts(); got["applications"] != 1 || got["consents"] != 0 {
			t.Errorf("after submit: %v, want 1 application and no consent", got)
		}
	})
}
