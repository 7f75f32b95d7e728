package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/complaint"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/rating"
	"github.com/okno/okno/web/webtest"
)

// TestQualityOfCatalogueService runs through the real catalogue and
// applications: a service of organisation A names the region as its
// controlling body and staff-owner as its responsible person; a citizen
// applies, is refused, rates it low and complains. The complaint goes to
// the region, the rating counts for the service, which is flagged on the
// region's dashboard and on its owner's (and only there).
func TestQualityOfCatalogueService(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		ctx := context.Background()
		owner := w.actor(t, "staff-owner")
		svc := catalog.Service{Code: "quality-test-parking", Title: catalog.Text{"ru": "Разрешение на парковку для проверки", "en": "Test parking permit"},
			Summary: catalog.Text{"ru": "Проверочная услуга"}, Level: catalog.LevelRegional, Recipients: []catalog.Recipient{catalog.RecipientCitizen},
			Kind: catalog.KindApplication, Assurance: identity.AssuranceSimplified, OrgID: w.a.ID, ComplaintOrgID: w.b.ID, Process: "application",
			Owner: catalog.Owner{Name: "Ответственный", Position: "Начальник отдела", UserID: owner.actor.UserID},
			Form: catalog.Form{Schema: []byte(`{"type": "object", "required": ["plate"], "properties": {"plate": {"type": "string", "minLength": 4, "maxLength": 12, "title": "Госномер"}}}`),
				Layout: []byte(`{"pages": [{"id": "car", "title": "Автомобиль", "fields": ["/plate"]}]}`)},
			Published: true}
		_, err := live.App.Services.Put(ctx, okno.System, svc)
		mustOK(t, err)

		me := w.actor(t, "citizen-simplified")
		d, err := live.App.Applications.Start(ctx, me.actor, svc.Code)
		mustOK(t, err)
		d, problems, err := live.App.Applications.Save(ctx, me.actor, d.ID, d.Version, "car", map[string]any{"/plate": "А123ВС178"})
		mustOK(t, err)
		if len(problems) > 0 {
			t.Fatalf("the answer has problems: %v", problems)
		}
		c, err := live.App.Applications.Submit(ctx, me.actor, application.Submission{DraftID: d.ID, Version: d.Version})
		mustOK(t, err)
		off := w.actor(t, "staff-official").actor
		c, err = live.App.Cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "register"})
		mustOK(t, err)
		_, err = live.App.Cases.Act(ctx, off, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: "refuse",
			Comment: "Нет права на услугу", Fields: map[string]string{"ground": "not_entitled"}})
		mustOK(t, err)

		r, err := live.App.Ratings.Rate(ctx, me.actor, rating.Input{CaseID: c.ID, Scores: rating.Scores{rating.Time: 2,
			rating.Courtesy: 4, rating.Comfort: 5, rating.Information: 3, rating.Convenience: 4}, Problems: []string{"deadline", "unclear_info"}})
		mustOK(t, err)
		if r.Service != svc.Code {
			t.Errorf("the rating counts for service %q, want %q", r.Service, svc.Code)
		}
		filed, err := live.App.Complaints.File(ctx, me.actor, complaint.Filing{CaseID: c.ID, Grounds: []string{"unlawful_refusal"},
			Text: "Право на парковку у меня есть: я живу в этой зоне."})
		mustOK(t, err)
		cc, err := live.App.Cases.Get(ctx, me.actor, filed.CaseID)
		mustOK(t, err)
		if cc.OrgID != w.b.ID {
			t.Errorf("the complaint went to %d, want the controlling body the service names (%d)", cc.OrgID, w.b.ID)
		}

		for _, who := range []string{"staff-controller", "staff-owner"} {
			v := live.NewVisitor(t).SignedIn(w.actor(t, who).token)
			v.Get("/staff/quality")
			v.Expect(200, "⚑ Разрешение на парковку для проверки", "Требует внимания: ниже 4,5", "3,6", "1 услуга требует внимания")
		}
		v := live.NewVisitor(t).SignedIn(w.actor(t, "staff-controller").token)
		v.Get("/staff/quality")
		if !strings.Contains(v.Last, "⚑ Администрация Центрального района") {
			t.Errorf("the region's view lacks the flagged body:\n%s", v.Last)
		}
		v = live.NewVisitor(t).SignedIn(me.token)
		v.Get("/cabinet/cases/" + strconv.FormatInt(c.ID, 10))
		v.Expect(200, "Вы оценили: 3,6", "Жалоба № "+filed.Ref, "Подать жалобу")
	})
}
