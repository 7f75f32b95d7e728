package accrual

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

func TestDedupeAcrossChannels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		r := fine(1, "99 12 345678")
		if _, err := f.svc.ImportFile(ctx, okno.System, "gibdd", bytes.NewReader(jsonl(t, r, fine(2, "9912345678"))), nil); err != nil {
			t.Fatal(err)
		}
		// The same fine pushed by the other source, and by the first one again.
		rep, err := f.push(t, "ampp", amppSecret, r)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ImportReport{Records: 1, Stale: 1, Batches: 1}, rep); diff != "" {
			t.Errorf("push report (-want +got):\n%s", diff)
		}
		if _, err := f.push(t, "gibdd", gibddSecret, r); err != nil {
			t.Fatal(err)
		}
		if got := f.count(t, "accruals"); got != 2 {
			t.Errorf("accruals = %d, want 2", got)
		}
		if got := f.count(t, "accrual_changes"); got != 2 {
			t.Errorf("history rows = %d, want 2 (duplicates are not history)", got)
		}
	})
}

func TestChangesApplyInIssuerOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		clarified := func(seq, amount int64) Record {
			r := fine(7, "9912345678")
			r.Kind, r.Seq, r.Amount = ChangeClarify, seq, amount
			return r
		}
		annul := func(seq int64) Record {
			r := fine(7, "9912345678")
			r.Kind, r.Seq = ChangeAnnul, seq
			return r
		}
		type step struct {
			name       string
			rec        Record
			wantStatus Status
			wantSeq    int64
			wantAmount int64
		}
		steps := []step{
			{"a clarification arrives before its fine", clarified(2, 70000), StatusClarified, 2, 70000},
			{"the fine's first record arrives late", fine(7, "9912345678"), StatusClarified, 2, 70000},
			{"a newer clarification applies", clarified(3, 80000), StatusClarified, 3, 80000},
			{"annulment", annul(5), StatusAnnulled, 5, 50000},
			{"an older clarification arriving late does not revive it", clarified(4, 90000), StatusAnnulled, 5, 50000},
			{"the same annulment again changes nothing", annul(5), StatusAnnulled, 5, 50000},
			{"a change the issuer sequenced after the annulment revives it", clarified(6, 60000), StatusClarified, 6, 60000},
		}
		for _, s := range steps {
			if _, err := f.push(t, "gibdd", gibddSecret, s.rec); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			st, seq, amount := f.state(t, uin(7))
			if st != s.wantStatus || seq != s.wantSeq || amount != s.wantAmount {
				t.Errorf("%s: got %s seq %d amount %d, want %s seq %d amount %d", s.name, st, seq, amount, s.wantStatus, s.wantSeq, s.wantAmount)
			}
		}
		hist, err := f.svc.History(context.Background(), uin(7))
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, h := range hist {
			kinds = append(kinds, fmt.Sprintf("%s %d %s", h.Kind, h.Seq, h.Status))
		}
		want := []string{"clarify 2 clarified", "clarify 3 clarified", "annul 5 annulled", "clarify 6 clarified"}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
	})
}

func TestChangesInOneBatchApplyBySeq(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		annul := fine(8, "9912345678")
		annul.Kind, annul.Seq = ChangeAnnul, 9
		clar := fine(8, "9912345678")
		clar.Kind, clar.Seq, clar.Amount = ChangeClarify, 4, 1000
		rep, err := f.push(t, "gibdd", gibddSecret, annul, clar, fine(8, "9912345678"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ImportReport{Records: 3, Applied: 3, Batches: 1}, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		if st, seq, _ := f.state(t, uin(8)); st != StatusAnnulled || seq != 9 {
			t.Errorf("got %s seq %d, want annulled seq 9", st, seq)
		}
	})
}

func TestPushRefusals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		good := jsonl(t, fine(1, "9912345678"))
		badUIN := fine(2, "9912345678")
		badUIN.UIN = badUIN.UIN[:19] + string('0'+(badUIN.UIN[19]-'0'+1)%10)
		zero := fine(3, "9912345678")
		zero.Amount = 0
		absurd := fine(4, "9912345678")
		absurd.Amount = MaxAmount + 1
		negative := fine(5, "9912345678")
		negative.Amount = -100
		noDoc := fine(6, "")
		badDoc := fine(7, "12")
		tests := []struct {
			name, source, sig string
			body              []byte
			code              okno.ErrorCode
			fields            []string
		}{
			{"unknown source", "nobody", Sign(gibddSecret, good), good, okno.EUNAUTHORIZED, nil},
			{"bad signature", "gibdd", Sign(amppSecret, good), good, okno.EUNAUTHORIZED, nil},
			{"no signature", "gibdd", "", good, okno.EUNAUTHORIZED, nil},
			{"garbage signature", "gibdd", "sha256=zz", good, okno.EUNAUTHORIZED, nil},
			{"wrong check digit", "gibdd", "", jsonl(t, fine(1, "9912345678"), badUIN), okno.EINVALID, []string{"records[1].uin=accrual.uin_check"}},
			{"zero amount", "gibdd", "", jsonl(t, zero), okno.EINVALID, []string{"records[0].amount=accrual.amount_positive"}},
			{"negative amount", "gibdd", "", jsonl(t, negative), okno.EINVALID, []string{"records[0].amount=accrual.amount_positive"}},
			{"absurd amount", "gibdd", "", jsonl(t, absurd), okno.EINVALID, []string{"records[0].amount=accrual.amount_absurd"}},
			{"no document", "gibdd", "", jsonl(t, noDoc), okno.EINVALID, []string{"records[0].licence=accrual.doc_required"}},
			{"bad document", "gibdd", "", jsonl(t, badDoc), okno.EINVALID, []string{"records[0].licence=accrual.doc_invalid"}},
			{"not JSON", "gibdd", "", []byte("{\"uin\": 1"), okno.EINVALID, []string{"records[0]=accrual.json_invalid"}},
			{"unknown field", "gibdd", "", []byte(`{"uin":"` + uin(1) + `","amount_rub":5}`), okno.EINVALID, []string{"records[0]=accrual.json_invalid"}},
			{"empty", "gibdd", "", []byte("\n"), okno.EINVALID, []string{"body=accrual.push_empty"}},
			{"too large", "gibdd", "", bytes.Repeat([]byte(" "), MaxPushBytes+1), okno.EINVALID, []string{"body=accrual.push_too_large"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sig := tt.sig
				if sig == "" && tt.code == okno.EINVALID {
					sig = Sign(gibddSecret, tt.body)
				}
				_, err := f.svc.Push(ctx, okno.System, tt.source, tt.body, sig)
				if got := okno.ErrorCodeOf(err); got != tt.code {
					t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
				}
				if diff := cmp.Diff(tt.fields, fieldKeys(err)); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				for _, table := range []string{"accruals", "accrual_imports", "accrual_changes"} {
					if n := f.count(t, table); n != 0 {
						t.Errorf("%s has %d rows after a refused push, want 0", table, n)
					}
				}
			})
		}
	})
}

func TestPushReplayIsNoOp(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		body := jsonl(t, fine(1, "9912345678"), fine(2, "78УК123456"))
		if _, err := f.svc.Push(ctx, okno.System, "gibdd", body, Sign(gibddSecret, body)); err != nil {
			t.Fatal(err)
		}
		audits := len(f.audit.Entries())
		rep, err := f.svc.Push(ctx, okno.System, "gibdd", body, Sign(gibddSecret, body))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ImportReport{Records: 2, Replayed: 1}, rep); diff != "" {
			t.Errorf("replay report (-want +got):\n%s", diff)
		}
		if got := len(f.audit.Entries()); got != audits {
			t.Errorf("audit entries after replay = %d, want %d", got, audits)
		}
		if got := f.count(t, "accrual_imports"); got != 1 {
			t.Errorf("imports = %d, want 1", got)
		}
	})
}

func TestImportFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		bad := fine(3, "9912345678")
		bad.Amount = 0
		// Seven lines, batches of three: three transactions, one audit entry each.
		file := append(jsonl(t, fine(1, "9912345678"), fine(2, "9912345678"), bad, fine(4, "9912345678")),
			append([]byte("not json\n\n"), jsonl(t, fine(5, "9912345678"), fine(1, "9912345678"))...)...)
		rep, err := f.svc.ImportFile(ctx, okno.System, "gibdd", bytes.NewReader(file), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rejections) != 2 || rep.Rejections[0].Line != 3 || rep.Rejections[1].Line != 5 {
			t.Errorf("rejections = %+v, want lines 3 and 5", rep.Rejections)
		}
		if diff := cmp.Diff([]string{"amount=accrual.amount_positive"}, fieldKeys(rep.Rejections[0].Err)); diff != "" {
			t.Errorf("line 3 (-want +got):\n%s", diff)
		}
		rep.Rejections = nil
		if diff := cmp.Diff(ImportReport{Records: 7, Applied: 4, Stale: 1, Rejected: 2, Batches: 3}, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		var imports int
		for _, e := range f.audit.Entries() {
			if e.Action == "accrual.import" {
				imports++
			}
		}
		if imports != 3 {
			t.Errorf("audit entries = %d, want one per batch (3)", imports)
		}
		// Running it again (as after a crash) replays every batch.
		again, err := f.svc.ImportFile(ctx, okno.System, "gibdd", bytes.NewReader(file), nil)
		if err != nil {
			t.Fatal(err)
		}
		if again.Replayed != 3 || again.Applied != 0 {
			t.Errorf("second run: %+v, want 3 batches replayed, none applied", again)
		}
		if got := f.count(t, "accruals"); got != 4 {
			t.Errorf("accruals = %d, want 4", got)
		}
		if _, err := f.svc.ImportFile(ctx, okno.System, "nobody", bytes.NewReader(file), nil); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("unknown source: %v, want invalid", err)
		}
	})
}

func TestPayerDocumentsAreSealed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		if _, err := f.push(t, "gibdd", gibddSecret, fine(1, "99 12 345678")); err != nil {
			t.Fatal(err)
		}
		var enc, bidx []byte
		if err := db.QueryRowContext(context.Background(), `SELECT payer_enc, licence_bidx FROM accruals`).Scan(&enc, &bidx); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(enc, []byte("345678")) {
			t.Error("payer_enc holds the licence number in plaintext")
		}
		plain, err := f.keys.Open(enc, payerAAD(uin(1)))
		if err != nil || !bytes.Contains(plain, []byte("9912345678")) {
			t.Errorf("opened payer = %q, %v; want the normalised licence", plain, err)
		}
		if want := f.keys.BlindIndex("accrual.licence", "9912345678"); !bytes.Equal(bidx, want) {
			t.Error("licence_bidx is not the blind index of the normalised number")
		}
	})
}

func TestPushArrayAndLongLine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		lines := jsonl(t, fine(1, "9912345678"), fine(2, "9912345678"))
		body := append(append([]byte("["), bytes.ReplaceAll(bytes.TrimSpace(lines), []byte("\n"), []byte(","))...), ']')
		rep, err := f.svc.Push(ctx, okno.System, "gibdd", body, Sign(gibddSecret, body))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied != 2 {
			t.Errorf("applied %d from a JSON array, want 2", rep.Applied)
		}
		long := append(bytes.Repeat([]byte(" "), maxLine+1), []byte("{}\n")...)
		_, err = f.svc.ImportFile(ctx, okno.System, "gibdd", bytes.NewReader(long), nil)
		if e := okno.AsError(err); e.Code != okno.EINVALID || e.Key != "accrual.line_too_long" {
			t.Errorf("long line: %v, want accrual.line_too_long", err)
		}
	})
}
