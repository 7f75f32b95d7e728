package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/app"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
)

// citizenWithCase gives the app a citizen (returned with their password's
// contact) whose appeal to the district the district has asked a question
// about, and the official who asked.
func citizenWithCase(t *testing.T, a *app.App) (contact string, c casework.Case, official okno.Actor) {
	t.Helper()
	ctx := context.Background()
	contact = "olga@example.ru"
	must(t, a.Identity.SignUp(ctx, identity.NewAccount{Contact: contact, Password: citizenPassword, DisplayName: "Ольга"}))
	if _, err := a.Outbox.ProcessDue(ctx); err != nil {
		t.Fatal(err)
	}
	ms, err := a.Mailbox.ListFor(ctx, contact, 1)
	if err != nil || len(ms) == 0 {
		t.Fatalf("no code for %s: %v", contact, err)
	}
	must(t, a.Identity.Confirm(ctx, contact, codeRE.FindString(ms[0].Body)))
	ss, err := a.Identity.SignIn(ctx, identity.Credentials{Contact: contact, Password: citizenPassword})
	must(t, err)
	citizen := okno.Actor{Kind: okno.ActorCitizen, UserID: ss.UserID}

	orgs, err := a.Orgs.List(ctx, org.ListQuery{Limit: 10})
	must(t, err)
	var district org.Organisation
	for _, o := range orgs {
		if o.Kind == org.KindDistrictAdministration {
			district = o
		}
	}
	uid, err := a.Identity.CreateStaff(ctx, okno.System, "official@gov.spb.example", "Пётр Иванов", staffPassword)
	must(t, err)
	p, err := a.Orgs.CreatePosition(ctx, org.Position{OrgID: district.ID, Title: "Главный специалист отдела благоустройства", Role: okno.RoleOfficial}, okno.System)
	must(t, err)
	must(t, a.Orgs.AssignStaff(ctx, uid, p.ID, okno.System))
	official = okno.Actor{Kind: okno.ActorStaff, UserID: uid, OrgID: district.ID, Roles: []okno.Role{okno.RoleOfficial, okno.RoleOperator}, Name: "Пётр Иванов"}

	c, err = a.Cases.Open(ctx, citizen, casework.NewCase{Process: "appeal", OrgID: district.ID, Subject: "Яма во дворе дома 5",
		Documents: []casework.Upload{{Name: "яма.png", Content: smallPNG(t)}}})
	must(t, err)
	c = takeAction(t, a, official, c, "publish", "")
	c, err = a.Cases.Assign(ctx, official, c.ID, c.Version, casework.Assignment{PositionID: p.ID, AssigneeID: uid})
	must(t, err)
	c = takeAction(t, a, official, c, "request_info", "Уточните, пожалуйста, у какого подъезда яма")
	return contact, c, official
}

const citizenPassword = "белые ночи над Невой"

func takeAction(t *testing.T, a *app.App, actor okno.Actor, c casework.Case, action, comment string) casework.Case {
	t.Helper()
	c, err := a.Cases.Act(context.Background(), actor, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: action, Comment: comment})
	must(t, err)
	return c
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 5)
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

// TestCitizenCasesWalk is a citizen answering a request for information
// in a real browser: "my cases", the case page, the reply form with a
// mistake and without, the channels page, in both languages; every page
// checked with axe-core, the list and the case photographed at phone and
// desktop widths.
func TestCitizenCasesWalk(t *testing.T) {
	a, base := startApp(t)
	contact, c, official := citizenWithCase(t, a)
	page := "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)
	b := Start(t, base)
	b.Resize(375, 812)

	b.Visit("/signin?lang=ru")
	b.Fill("#f-contact", contact)
	b.Fill("#f-password", citizenPassword)
	b.ClickAndWait("form.form button[type=submit]")
	b.ClickAndWait(`a[href="/cabinet/cases"]`)
	b.CheckPage("my cases")
	if got := b.Text(".notes__item .tag"); got != "Нужно ваше действие" {
		t.Errorf("the case's tag: %q", got)
	}
	shoot(t, b, "my-cases")
	b.ClickAndWait(`a[href="` + page + `"]`)
	b.CheckPage("case waiting for the citizen")
	shoot(t, b, "case")
	b.ClickAndWait(`a[href*="action=reply"]`)
	shoot(t, b, "reply")
	b.Visit(page)
	b.ClickAndWait(`a[href*="action=reply"]`)
	b.CheckPage("reply form")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text(".error-summary__title"); got != "Есть ошибки" {
		t.Fatalf("a reply without its comment: %q (screenshot: %s)", got, b.Screenshot("reply"))
	}
	b.CheckPage("reply form with an error")
	b.Fill("#f-comment", "У второго подъезда, справа от входа")
	b.ClickAndWait("form.form button[type=submit]")
	if got := b.Text(".banner__heading"); got != "Готово" {
		t.Fatalf("after the reply: %q (screenshot: %s)", got, b.Screenshot("replied"))
	}
	b.CheckPage("case after the reply")

	takeAction(t, a, official, mustGet(t, a, official, c.ID), "answer", "Яму заделали 12 марта")
	b.Visit(page)
	b.CheckPage("case answered")
	b.Visit(page + "?action=refute")
	b.CheckPage("refute form")
	b.Visit("/cabinet/channels")
	b.CheckPage("channels")
	b.Visit("/cabinet/cases?lang=en")
	b.CheckPage("my cases in English")
	b.Visit(page)
	b.CheckPage("case in English")
	b.Visit("/cabinet/channels")
	b.CheckPage("channels in English")
}

func mustGet(t *testing.T, a *app.App, actor okno.Actor, id int64) casework.Case {
	t.Helper()
	c, err := a.Cases.Get(context.Background(), actor, id)
	must(t, err)
	return c
}
