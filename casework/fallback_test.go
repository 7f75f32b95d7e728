package casework_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// bareProcess is what an administrator might publish: notices on opening
// and on an action, and no templates for either.
const bareProcess = `
name: bare
kind: appeal
title: {ru: Простое обращение, en: Plain appeal}
legal_clock: {days: 30, unit: calendar}
states:
  - name: review
    start: true
    title: {ru: На рассмотрении, en: In review}
  - name: done
    terminal: true
    outcome: answered
    title: {ru: Рассмотрено, en: Done}
actions:
  - name: answer
    title: {ru: Ответить, en: Answer}
    from: [review]
    to: done
    by: [{role: official}]
    comment: required
    effects:
      - {kind: notify, audience: applicant}
`

// TestGenericTemplates: a process published without templates of its own
// works: its opening and its actions are told with the generic
// "case.opened" and "case.action", while a process with its own keeps them.
func TestGenericTemplates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 10, 0))
		if _, _, err := f.procs.Publish(ctx, okno.System, []byte(bareProcess)); err != nil {
			t.Fatalf("publish: %v: %v", err, process.ProblemsOf(err))
		}
		c, err := f.s.Open(ctx, f.citizenActor(), casework.NewCase{Process: "bare", OrgID: f.housing.ID, Subject: "Яма во дворе"})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		f.act(f.specActor(), c, "answer", "Яму засыпали", nil)
		f.openAppeal("Засор ливнёвки")
		var got []string
		for _, n := range f.notices() {
			got = append(got, n.Template+"/"+n.Audience)
		}
		want := []string{"case.opened/applicant", "case.action/applicant", "appeal.opened/applicant"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("templates (-want +got):\n%s", diff)
		}
	})
}
