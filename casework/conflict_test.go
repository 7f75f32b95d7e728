package casework_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// snapshot is everything an action writes, to prove one wrote nothing.
type snapshot struct {
	Case                                       string
	Events, Documents, Audit, Outbox           int
	NoticeDeliveries, WebhookDeliveries, Blobs int
}

func (f *fixture) snapshot(id int64) snapshot {
	f.t.Helper()
	ctx := context.Background()
	var s snapshot
	var version int64
	var state, updated string
	err := f.db.QueryRowContext(ctx, `SELECT version, state, CAST(updated_at AS TEXT) FROM cases WHERE id = ?`, id).
		Scan(&version, &state, &updated)
	if err != nil {
		f.t.Fatal(err)
	}
	s.Case = state + "@" + updated
	for q, n := range map[string]*int{
		`SELECT COUNT(*) FROM case_events`:        &s.Events,
		`SELECT COUNT(*) FROM case_documents`:     &s.Documents,
		`SELECT COUNT(*) FROM audit_entries`:      &s.Audit,
		`SELECT COUNT(*) FROM outbox`:             &s.Outbox,
		`SELECT COUNT(*) FROM notify_deliveries`:  &s.NoticeDeliveries,
		`SELECT COUNT(*) FROM webhook_deliveries`: &s.WebhookDeliveries,
	} {
		if err := f.db.QueryRowContext(ctx, q).Scan(n); err != nil {
			f.t.Fatal(err)
		}
	}
	s.Blobs = f.blobCount()
	return s
}

// blobCount counts the objects in the blob store: a refused file must not
// even be stored.
func (f *fixture) blobCount() int {
	f.t.Helper()
	n := 0
	err := filepath.WalkDir(f.blobDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(path, "previews") {
			n++
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestStaleVersion: acting on a version someone else already moved on is
// a conflict and writes nothing — no event, no document row, no audit
// entry, no notice.
func TestStaleVersion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		c := f.openAppeal("Не горит фонарь")
		stale := c
		c = f.act(f.operatorActor(), c, "publish", "", nil)
		before := f.snapshot(c.ID)
		for _, in := range []casework.ActionInput{
			{CaseID: c.ID, Version: stale.Version, Action: "reject", Comment: "Повтор", Fields: map[string]string{"reason": "duplicate"}},
			{CaseID: c.ID, Version: c.Version - 1, Action: "answer", Comment: "Починили", Documents: []casework.Upload{{Name: "a.png", Content: pngFile(t)}}},
			{CaseID: c.ID, Version: c.Version + 1, Action: "answer", Comment: "Починили"},
		} {
			// The boss may reject too; the operator no longer sees the case
			// once it left moderation.
			_, err := f.s.Act(ctx, f.bossActor(), in)
			if e := okno.AsError(err); e.Code != okno.ECONFLICT || e.Key != "casework.conflict" {
				t.Errorf("%s at version %d: err = %v, want casework.conflict", in.Action, in.Version, err)
			}
		}
		if _, err := f.s.Note(ctx, f.specActor(), c.ID, stale.Version, "заметка"); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("note on a stale version: err = %v, want conflict", err)
		}
		if _, err := f.s.Assign(ctx, f.bossActor(), c.ID, stale.Version, casework.Assignment{PositionID: f.pos.spec.ID, AssigneeID: f.u.spec}); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("assign on a stale version: err = %v, want conflict", err)
		}
		if _, err := f.s.Attach(ctx, f.citizenActor(), c.ID, stale.Version, casework.Upload{Name: "b.png", Content: pngFile(t)}); !okno.IsCode(err, okno.ECONFLICT) {
			t.Errorf("attach on a stale version: err = %v, want conflict", err)
		}
		if diff := cmp.Diff(before, f.snapshot(c.ID)); diff != "" {
			t.Errorf("stale actions wrote something (-before +after):\n%s", diff)
		}
	})
}

// TestRace: two officials answer the same case at the same moment, each
// with a file. Exactly one wins; the other gets the conflict, and only
// the winner's event, document and audit entry are written.
func TestRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		for round := range 5 {
			c := f.act(f.operatorActor(), f.openAppeal("Сосулька"), "publish", "", nil)
			before := f.snapshot(c.ID)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, actor := range []okno.Actor{f.specActor(), f.spec2Actor()} {
				wg.Go(func() {
					_, errs[i] = f.s.Act(ctx, actor, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "answer",
						Comment: "Сбили", Documents: []casework.Upload{{Kind: "photo_after", Name: "после.png", Content: pngFile(t)}}})
				})
			}
			wg.Wait()
			won, lost := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case okno.IsCode(err, okno.ECONFLICT):
					lost++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won != 1 || lost != 1 {
				t.Fatalf("round %d: %d won, %d lost; want one of each", round, won, lost)
			}
			after := f.snapshot(c.ID)
			if after.Events != before.Events+1 || after.Documents != before.Documents+1 || after.Audit != before.Audit+1 {
				t.Errorf("round %d: %+v after %+v: want one event, one document, one audit entry more", round, after, before)
			}
			got, err := f.s.Get(ctx, f.specActor(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != "answered" || got.Version != c.Version+1 {
				t.Errorf("round %d: case at %s v%d, want answered v%d", round, got.State, got.Version, c.Version+1)
			}
		}
	})
}
