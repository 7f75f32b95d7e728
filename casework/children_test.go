package casework_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// childrenOf lists a case's children as the system sees them.
func (f *fixture) childrenOf(parent int64) []casework.Case {
	f.t.Helper()
	ctx := context.Background()
	rows, err := f.db.QueryContext(ctx, `SELECT id FROM cases WHERE parent_id = ? ORDER BY id`, parent)
	if err != nil {
		f.t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var cs []casework.Case
	for _, id := range ids {
		c, err := f.s.Get(ctx, okno.System, id)
		if err != nil {
			f.t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

// TestChildren: a complex service opens two child cases; when both are
// done, the parent completes by itself — once, however often the news
// arrives.
func TestChildren(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		parent, err := f.s.Open(ctx, f.citizenActor(), casework.NewCase{Process: "complex", OrgID: f.housing.ID, Subject: "Переоформление"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Act(ctx, okno.System, casework.ActionInput{CaseID: parent.ID, Version: parent.Version, Action: "finish"}); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("finish before spawning: err = %v, want invalid", err)
		}
		// The fee hook is not registered yet: an internal error, nothing written.
		before := f.snapshot(parent.ID)
		_, err = f.s.Act(ctx, f.specActor(), casework.ActionInput{CaseID: parent.ID, Version: parent.Version, Action: "spawn"})
		if e := okno.AsError(err); e.Code != okno.EINTERNAL || e.Key != "error.internal" {
			t.Errorf("spawn without the hook: err = %v, want internal", err)
		}
		if diff := cmp.Diff(before, f.snapshot(parent.ID)); diff != "" {
			t.Errorf("a failed effect wrote something (-before +after):\n%s", diff)
		}
		f.s.RegisterHook("payment.state_fee", func(ctx context.Context, tx *sqldb.Tx, c casework.Case, params map[string]string) error {
			b, _ := json.Marshal(map[string]any{"case": c.ID, "amount": params["amount"]})
			return f.q.Enqueue(ctx, tx, outbox.Message{Topic: "test.fee", Key: c.Ref, Payload: b})
		})
		parent = f.act(f.specActor(), parent, "spawn", "", nil)
		var fee []byte
		if err := db.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE topic = 'test.fee'`).Scan(&fee); err != nil ||
			string(fee) != `{"amount":"350","case":`+itoa(parent.ID)+`}` {
			t.Errorf("fee hook wrote %s, %v", fee, err)
		}
		kids := f.childrenOf(parent.ID)
		if len(kids) != 2 {
			t.Fatalf("%d children, want 2", len(kids))
		}
		for i, k := range kids {
			if k.ApplicantID != f.u.citizen || k.OrgID != f.housing.ID || k.Channel != casework.ChannelSystem || k.State != "sent" {
				t.Errorf("child %d = %+v", i, k)
			}
		}
		if kids[0].Process != "tax_request" || kids[1].Process != "land_request" || kids[0].Subject != "Межведомственный запрос" {
			t.Errorf("children %s %q, %s", kids[0].Process, kids[0].Subject, kids[1].Process)
		}
		_, err = f.s.Act(ctx, okno.System, casework.ActionInput{CaseID: parent.ID, Version: parent.Version, Action: "finish"})
		if e := okno.AsError(err); e.Key != "casework.guard_children_done" {
			t.Errorf("finish with children open: err = %v, want guard_children_done", err)
		}

		f.act(f.specActor(), kids[0], "close", "", nil)
		if _, err := f.q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.s.Get(ctx, okno.System, parent.ID); p.State != "waiting" || p.Version != parent.Version+1 {
			t.Errorf("after the first child: %s v%d, want waiting v%d", p.State, p.Version, parent.Version+1)
		}
		f.act(f.specActor(), kids[1], "close", "", nil)
		if _, err := f.q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		p, err := f.s.Get(ctx, f.citizenActor(), parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.State != "done" || p.Open() || p.Outcome != "granted" {
			t.Fatalf("after both children: %s closed %v outcome %q, want done", p.State, p.ClosedAt, p.Outcome)
		}

		// The news of a child arrives again (a worker died after its
		// commit): nothing more happens.
		b, _ := json.Marshal(map[string]int64{"parent": parent.ID, "child": kids[1].ID, "seq": 2})
		err = db.InTx(ctx, func(tx *sqldb.Tx) error {
			return f.q.Enqueue(ctx, tx, outbox.Message{Topic: casework.ChildDoneTopic, Key: "again", Payload: b})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		again, _ := f.s.Get(ctx, okno.System, parent.ID)
		if again.Version != p.Version {
			t.Errorf("a repeated child_done moved the parent from v%d to v%d", p.Version, again.Version)
		}
		es, err := f.s.Timeline(ctx, f.specActor(), parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range es {
			kinds = append(kinds, string(e.Kind)+":"+e.Action)
		}
		want := "opened: action:spawn child_done:child:" + itoa(kids[0].ID) + ":2 child_done:child:" + itoa(kids[1].ID) + ":2 action:finish"
		if got := join(kinds); got != want {
			t.Errorf("parent timeline\n got %s\nwant %s", got, want)
		}
	})
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
