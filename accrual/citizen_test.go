package accrual

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestCitizenFines(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		me, other := f.citizen(t), f.citizen(t)
		for _, d := range []struct {
			kind DocKind
			num  string
		}{{DocLicence, "99 12 345678"}, {DocSTS, "78 ук 123456"}, {DocLicence, "9912345678"}} {
			if err := f.svc.AddDocument(ctx, me, d.kind, d.num); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.AddDocument(ctx, other, DocLicence, "11 22 333444"); err != nil {
			t.Fatal(err)
		}
		docs, err := f.svc.Documents(ctx, me)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Document{{ID: docs[0].ID, Kind: DocLicence, Masked: "•••••• 5678"}, {ID: docs[1].ID, Kind: DocSTS, Masked: "•••••• 3456"}}, docs); diff != "" {
			t.Errorf("documents (-want +got):\n%s", diff)
		}
		dated := func(n int64, licence, sts, date string) Record {
			r := fine(n, licence)
			r.STS, r.DecisionDate = sts, date
			return r
		}
		paid := dated(4, "", "78УК123456", "2026-03-05")
		annulled := dated(5, "9912345678", "", "2026-03-06")
		annulled.Kind = ChangeAnnul
		if _, err := f.push(t, "gibdd", gibddSecret,
			dated(1, "9912345678", "", "2026-03-01"),
			dated(2, "", "78УК123456", "2026-03-08"),
			dated(3, "1122333444", "", "2026-03-09"), // someone else's
			paid, annulled,
			dated(6, "9912345678", "78УК123456", "2026-03-02"),
		); err != nil {
			t.Fatal(err)
		}
		fee, err := f.svc.Issue(ctx, okno.System, Draft{Fee: "duty", Payer: Payer{UserID: me.UserID}, Purpose: "Госпошлина", Amount: 35000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay(uin(4), 25000, "pay-4"); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC))
		// Pages of two: unpaid newest first, then the settled ones.
		var got []string
		var due []int64
		var days []int
		cursor := ""
		for range 10 {
			page, err := f.svc.Fines(ctx, me, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, fn := range page.Fines {
				got = append(got, fn.UIN)
				due = append(due, fn.DueNow)
				days = append(days, fn.DaysLeft)
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		want := []string{fee.UIN, uin(2), uin(6), uin(1), annulled.UIN, uin(4)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fines (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int64{35000, 25000, 25000, 25000, 0, 0}, due); diff != "" {
			t.Errorf("due now (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{0, 3, 3, 3, 0, 0}, days); diff != "" {
			t.Errorf("discount days left (-want +got):\n%s", diff)
		}
		theirs, err := f.svc.Fines(ctx, other, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(theirs.Fines) != 1 || theirs.Fines[0].UIN != uin(3) {
			t.Errorf("other citizen's fines = %+v, want only %s", theirs.Fines, uin(3))
		}
		if _, err := f.svc.Fines(ctx, okno.Actor{Kind: okno.ActorStaff, UserID: me.UserID}, "", 10); !okno.IsCode(err, okno.EFORBIDDEN) {
			t.Errorf("staff listing a citizen's fines: %v, want forbidden", err)
		}
		if _, err := f.svc.Fines(ctx, me, "zzz", 10); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("bad cursor: %v, want invalid", err)
		}
		if err := f.svc.AddDocument(ctx, me, DocSTS, "78 УК 1234"); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("bad document: %v, want invalid", err)
		}
	})
}

func TestIssueForCase(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		me := f.citizen(t)
		params := map[string]string{"fee": "state_duty", "amount": "35000", "purpose": "Госпошлина за выдачу разрешения", "due_days": "20"}
		var uins []string
		for range 2 { // the same action twice bills once
			err := db.InTx(ctx, func(tx *sqldb.Tx) error {
				return f.svc.IssueForCaseTx(ctx, tx, CaseRef{ApplicantID: me.UserID}, params)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.QueryContext(ctx, `SELECT uin FROM accruals ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var u string
			rows.Scan(&u)
			uins = append(uins, u)
		}
		// Without a case there is nothing to tie the fee to: each run issues one.
		if len(uins) != 2 || !ValidUIN(uins[0]) || uins[0] != MakeUIN("03100643", 1) || uins[1] != MakeUIN("03100643", 2) {
			t.Errorf("uins = %v, want two valid УИНs numbered 1 and 2", uins)
		}
		bad := map[string]string{"fee": "state_duty", "amount": "-5", "purpose": "x"}
		err = db.InTx(ctx, func(tx *sqldb.Tx) error { return f.svc.IssueForCaseTx(ctx, tx, CaseRef{ApplicantID: me.UserID}, bad) })
		if diff := cmp.Diff([]string{"amount=accrual.amount_positive"}, fieldKeys(err)); diff != "" {
			t.Errorf("negative fee (-want +got):\n%s", diff)
		}
	})
}

// caseOf makes a bare case (and its organisation and process version) for
// the fee hook to tie a fee to.
func (f *fixture) caseOf(t *testing.T, applicant int64) CaseRef {
	t.Helper()
	ctx := context.Background()
	now := f.clock.Now()
	var org, proc, id int64
	err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO organisations (kind, name, created_at, updated_at)
			VALUES ('committee', 'Комитет', ?, ?) RETURNING id`, now, now).Scan(&org); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
			VALUES ('permit', 1, 'application', '', '', ?, 'test') RETURNING id`, now).Scan(&proc); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO cases (ref, kind, process_id, state, version, applicant_id, org_id, subject,
			channel, legal_period, legal_due_at, created_by, created_at, updated_at)
			VALUES ('2026-000001', 'application', ?, 'fee', 1, ?, ?, 'Разрешение', 'web', '30d', ?, 'test', ?, ?) RETURNING id`,
			proc, applicant, org, now, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return CaseRef{ID: id, ApplicantID: applicant, OrgID: org}
}

func TestIssueForCaseBillsOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		me := f.citizen(t)
		c := f.caseOf(t, me.UserID)
		params := map[string]string{"fee": "state_duty", "amount": "35000", "purpose": "Госпошлина", "due_days": "20"}
		for range 2 { // the action retried: one fee
			if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return f.svc.IssueForCaseTx(ctx, tx, c, params) }); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.count(t, "accruals"); got != 1 {
			t.Errorf("accruals = %d, want 1", got)
		}
		page, err := f.svc.Fines(ctx, me, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Fines) != 1 {
			t.Fatalf("citizen sees %d accruals, want the fee", len(page.Fines))
		}
		a := page.Fines[0]
		want := Accrual{ID: a.ID, UIN: MakeUIN("03100643", 1), Source: OwnSource, Kind: KindFee, Status: StatusNew, Seq: 1,
			Payer: Payer{UserID: me.UserID}, PayeeOrgID: c.OrgID, Purpose: "Госпошлина", Amount: 35000,
			BillDate: f.clock.Now(), DueDate: f.clock.Now().AddDate(0, 0, 20), CaseID: c.ID, CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}
		if diff := cmp.Diff(want, a.Accrual); diff != "" {
			t.Errorf("fee (-want +got):\n%s", diff)
		}
	})
}
