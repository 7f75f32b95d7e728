package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/web/webtest"
)

var complaintKeyRE = regexp.MustCompile(`name="key" value="([^"]+)"`)

// TestComplaintPages follows a citizen filing a pre-trial complaint about
// their case: the offer on the case page, the form's errors with answers
// kept, the check step with «Изменить» (nothing filed yet), the confirmation with the number and the 15 working days, a
// double submit that files one complaint, the complaint among their cases
// and on the original's timeline, the controlling body's view with the
// history attached, and another citizen refused.
func TestComplaintPages(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		me := w.actor(t, "citizen-simplified")
		page := "/cabinet/cases/" + strconv.FormatInt(w.caseID, 10)
		v := live.NewVisitor(t).SignedIn(me.token)

		v.Get(page)
		v.Expect(200, `href="`+page+`/complaint"`, "Подать жалобу")
		v.Get(page + "/complaint")
		v.Expect(200, "На что вы жалуетесь", "Нарушен срок предоставления услуги", "Отказали исправить опечатки или ошибки",
			`type="checkbox"`, `name="text"`)
		key := complaintKeyRE.FindStringSubmatch(v.Last)
		if key == nil {
			t.Fatal("the form has no idempotency key")
		}

		v.Post(page+"/complaint", "key", key[1])
		v.Expect(422, "Есть ошибки", `href="#f-grounds"`, `href="#f-text"`, "Выберите, на что вы жалуетесь", "Опишите, что произошло")
		v.Post(page+"/complaint", "key", key[1], "grounds", "deadline", "text", "плохо")
		v.Expect(422, `href="#f-text"`, ">плохо</textarea>", `value="deadline" checked`)
		if strings.Contains(v.Last, `href="#f-grounds"`) {
			t.Errorf("the chosen ground is reported missing")
		}
		text := "Яму во дворе не заделали, срок ответа давно прошёл."
		v.Post(page+"/complaint", "key", key[1], "grounds", "unlawful_refusal", "grounds", "deadline", "text", text)
		v.Expect(200, "Проверьте жалобу", "Нарушен срок предоставления услуги; Незаконно отказали в услуге", text,
			`name="edit"`, "Изменить", `name="confirm"`)
		v.Post(page+"/complaint", "key", key[1], "grounds", "deadline", "grounds", "unlawful_refusal", "text", text, "edit", "1")
		v.Expect(200, "На что вы жалуетесь", `value="deadline" checked`, `value="unlawful_refusal" checked`, text)
		if n := countComplaints(t, live, w.caseID); n != 0 {
			t.Errorf("%d complaints before confirming, want none", n)
		}
		v.Post(page+"/complaint", "key", key[1], "grounds", "deadline", "grounds", "unlawful_refusal", "text", text, "confirm", "1")
		v.Expect(200, "Жалоба подана", "Номер жалобы", "15 рабочих дней", "включительно", "Вернуться к делу")
		sent := v.URL
		if !strings.HasPrefix(sent, "/cabinet/complaints/") {
			t.Fatalf("filing landed on %s, want the confirmation", sent)
		}
		complaintID, err := strconv.ParseInt(strings.TrimPrefix(sent, "/cabinet/complaints/"), 10, 64)
		mustOK(t, err)
		// The browser's back button and a second click: the same complaint.
		v.Post(page+"/complaint", "key", key[1], "grounds", "deadline", "grounds", "unlawful_refusal", "text", text, "confirm", "1")
		v.Expect(200, "Жалоба подана")
		if v.URL != sent {
			t.Errorf("a double submit landed on %s, want %s", v.URL, sent)
		}
		if n := countComplaints(t, live, w.caseID); n != 1 {
			t.Errorf("%d complaints after a double submit, want 1", n)
		}

		c, err := live.App.Cases.Get(context.Background(), me.actor, complaintID)
		mustOK(t, err)
		if c.OrgID != w.root.ID || c.Process != "complaint" {
			t.Errorf("the complaint went to %d on %s, want the region (%d, above the district) on complaint", c.OrgID, c.Process, w.root.ID)
		}
		v.Get("/cabinet/cases")
		v.Expect(200, "Жалоба по делу № ")
		v.Get(page)
		v.Expect(200, "Подана жалоба", "№ "+c.Ref, "Жалоба № "+c.Ref)

		staff := live.NewVisitor(t).SignedIn(w.actor(t, "admin-region").token)
		staff.Get("/staff/cases/" + strconv.FormatInt(complaintID, 10))
		orig, err := live.App.Cases.Get(context.Background(), me.actor, w.caseID)
		mustOK(t, err)
		staff.Expect(200, "Жалоба по делу № "+orig.Ref, "original_ref", "/staff/cases/"+strconv.FormatInt(w.caseID, 10),
			"История дела "+orig.Ref+".pdf", text)

		other := live.NewVisitor(t).SignedIn(w.actor(t, "another-citizen").token)
		other.Get(page + "/complaint")
		other.Expect(404)
		other.Get(sent)
		other.Expect(404)

		v.Get(page + "/complaint?lang=en")
		v.Expect(200, "File a complaint", "The deadline for providing the service was broken")
	})
}

// closedApplication opens an application of citizen at w's organisation A
// and refuses it, as A's official would.
func closedApplication(t *testing.T, live *webtest.Live, w world, citizen okno.Actor) casework.Case {
	t.Helper()
	ctx := context.Background()
	c, err := live.App.Cases.Open(ctx, citizen, casework.NewCase{Process: "application", OrgID: w.a.ID, Subject: "Разрешение на парковку"})
	mustOK(t, err)
	off := w.actor(t, "staff-official").actor
	c, err = live.App.Cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "register"})
	mustOK(t, err)
	c, err = live.App.Cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "refuse",
		Comment: "Нет права на услугу", Fields: map[string]string{"ground": "not_entitled"}})
	mustOK(t, err)
	return c
}

func countComplaints(t *testing.T, live *webtest.Live, caseID int64) int {
	t.Helper()
	var n int
	mustOK(t, live.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM complaints WHERE original_case_id = ?`, caseID).Scan(&n))
	return n
}
