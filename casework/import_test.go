package casework_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// historic is an appeal from another system's history that went
// moderation → review → answered (with the body's answer) and then to
// final, opened on day 1 of November 2020.
func historic(key string, orgID int64, final string) casework.Historic {
	h := casework.Historic{Process: "appeal", OrgID: orgID, Subject: "Яма во дворе", Key: key,
		Data: map[string]any{"text": "Яма у парадной 3"}, CreatedAt: at(2020, 11, 1, 10, 0),
		Events: []casework.HistoricEvent{
			{ToState: "review", At: at(2020, 11, 2, 9, 0)},
			{ToState: "answered", ActorName: "Жилищное агентство", Comment: "Яма засыпана.", At: at(2020, 11, 10, 15, 0)},
		}}
	if final != "" {
		h.Events = append(h.Events, casework.HistoricEvent{ToState: final, At: at(2020, 11, 25, 3, 0)})
	}
	return h
}

// TestImportTx: historic cases are stored closed (or open) as their
// timelines left them, with their events and sealed answers, audited
// once each after the feature's projection, without a single effect; a
// bad one is left out with its reason; imported keys are not imported
// again.
func TestImportTx(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		bad := historic("spb:4", f.housing.ID, "")
		bad.Events = append(bad.Events, casework.HistoricEvent{ToState: "nowhere", At: at(2020, 11, 12, 0, 0)})
		late := historic("spb:5", f.housing.ID, "")
		late.Events[1].At = at(2020, 10, 1, 0, 0) // before the one before it
		open := historic("spb:2", f.housing.ID, "")
		open.Events = open.Events[:1] // still under review
		hs := []casework.Historic{
			historic("spb:1", f.housing.ID, "closed_fixed"),
			open,
			historic("spb:3", f.housing.ID, "closed_auto"),
			bad, late,
			historic("spb:1", f.housing.ID, "closed_fixed"), // repeated in the batch
			historic("spb:6", 99999, "closed_fixed"),        // no such organisation
		}
		outboxBefore := importCountRows(t, db, "outbox")
		var auditAtProjection int
		var got []casework.Imported
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			var err error
			got, err = f.s.ImportTx(ctx, tx, okno.System, hs, func(im []casework.Imported) error {
				auditAtProjection = len(f.log.Entries())
				return nil
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		wantErr := []string{"", "", "", "casework.import_state_unknown", "casework.import_time_order", "casework.import_repeated", "casework.org_unknown"}
		for i, im := range got {
			if k := importErrKey(im.Err); k != wantErr[i] {
				t.Errorf("case %d (%s): error %q (%v), want %q", i, hs[i].Key, k, im.Err, wantErr[i])
			}
			if (im.Case.ID != 0) != (wantErr[i] == "") {
				t.Errorf("case %d: id %d with error %v", i, im.Case.ID, im.Err)
			}
		}
		if n := importCountRows(t, db, "outbox"); n != outboxBefore {
			t.Errorf("import enqueued %d outbox messages, want none", n-outboxBefore)
		}
		imports := 0
		for _, e := range f.log.Entries() {
			if e.Action == "case.import" {
				imports++
			}
		}
		if imports != 3 || auditAtProjection != len(f.log.Entries())-3 {
			t.Errorf("%d case.import audit entries (%d before the projection of %d), want 3 after it",
				imports, auditAtProjection, len(f.log.Entries()))
		}

		fixed, err := f.s.Get(ctx, f.specActor(), got[0].Case.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fixed.State != "closed_fixed" || fixed.Outcome != "fixed" || fixed.Channel != casework.ChannelImport ||
			!fixed.ClosedAt.Equal(at(2020, 11, 25, 3, 0)) || fixed.Version != 4 || fixed.Data["text"] != "Яма у парадной 3" {
			t.Errorf("fixed case: %+v", fixed)
		}
		if !fixed.LegalMetAt.Equal(at(2020, 11, 10, 15, 0)) || !fixed.Legal.Due.Equal(midnight(2020, 12, 2)) {
			t.Errorf("fixed case's legal clock: met %v, due %v; want met at the answer, due 2 December", fixed.LegalMetAt, fixed.Legal.Due)
		}
		tl, err := f.s.Timeline(ctx, f.specActor(), fixed.ID)
		if err != nil {
			t.Fatal(err)
		}
		type step struct{ Kind, Action, From, To, ActorName, Comment string }
		var steps []step
		for _, e := range tl {
			steps = append(steps, step{string(e.Kind), e.Action, e.FromState, e.ToState, e.ActorName, e.Comment})
		}
		want := []step{
			{"opened", "", "", "moderation", "", ""},
			{"action", "publish", "moderation", "review", "", ""},
			{"action", "answer", "review", "answered", "Жилищное агентство", "Яма засыпана."},
			{"action", "confirm", "answered", "closed_fixed", "", ""},
		}
		if d := cmp.Diff(want, steps); d != "" {
			t.Errorf("timeline (-want +got):\n%s", d)
		}

		var nextDue [3]sql.NullTime
		for i := range nextDue {
			if err := db.QueryRowContext(ctx, `SELECT next_due_at FROM cases WHERE id = ?`, got[i].Case.ID).Scan(&nextDue[i]); err != nil {
				t.Fatal(err)
			}
		}
		if nextDue[0].Valid || nextDue[2].Valid {
			t.Errorf("closed cases have next_due_at %v, %v; want NULL", nextDue[0], nextDue[2])
		}
		if !nextDue[1].Valid || got[1].Case.State != "review" || !got[1].Case.ClosedAt.IsZero() {
			t.Errorf("open case: state %s, closed %v, next due %v; want under review with its step clock",
				got[1].Case.State, got[1].Case.ClosedAt, nextDue[1])
		}

		// A re-run imports nothing: every key is known.
		again := []casework.Historic{historic("spb:1", f.housing.ID, "closed_fixed"), open}
		err = db.InTx(ctx, func(tx *sqldb.Tx) error {
			var err error
			got, err = f.s.ImportTx(ctx, tx, okno.System, again, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, im := range got {
			if !okno.IsCode(im.Err, okno.ECONFLICT) {
				t.Errorf("re-run, case %d: %v, want a conflict", i, im.Err)
			}
		}
	})
}

// TestImportTxMany: a batch larger than one statement carries is stored
// whole, every case with its own reference number and timeline.
func TestImportTxMany(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		f.openAppeal("Случай до импорта") // ids continue after it
		hs := make([]casework.Historic, 1500)
		for i := range hs {
			hs[i] = historic(fmt.Sprintf("spb:%d", i), f.housing.ID, "closed_auto")
		}
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			got, err := f.s.ImportTx(ctx, tx, okno.System, hs, nil)
			for i, im := range got {
				if im.Err != nil {
					t.Fatalf("case %d: %v", i, im.Err)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var cases, refs, events int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT ref) FROM cases WHERE channel = 'import'`).Scan(&cases, &refs); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id
			WHERE c.channel = 'import'`).Scan(&events); err != nil {
			t.Fatal(err)
		}
		if cases != 1500 || refs != 1500 || events != 1500*4 {
			t.Errorf("%d cases, %d references, %d events; want 1500, 1500, 6000", cases, refs, events)
		}
		// A case opened afterwards takes the next free id.
		c := f.openAppeal("Случай после импорта")
		if c.ID == 0 {
			t.Error("no case opened after the import")
		}
	})
}

func importCountRows(t *testing.T, db *sqldb.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// errKey is the catalogue key of an okno error (its first field's, for
// field errors), or "" for nil.
func importErrKey(err error) string {
	if err == nil {
		return ""
	}
	var e *okno.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if len(e.Fields) > 0 {
		return e.Fields[0].Key
	}
	return e.Key
}
