package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno/web/webtest"
)

// TestRatingPages follows a citizen rating a service after a refusal:
// no offer while the case is open, the form's errors (a missing score,
// a low score without what went wrong) with answers kept, the thank-you
// page, «Вы оценили» on the case page, changing the rating; and the
// region's dashboard with the flagged body first, marked in words.
func TestRatingPages(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		me := w.actor(t, "citizen-simplified")
		v := live.NewVisitor(t).SignedIn(me.token)

		open := "/cabinet/cases/" + strconv.FormatInt(w.caseID, 10)
		v.Get(open)
		v.Expect(200)
		if strings.Contains(v.Last, "Оценить качество услуги") {
			t.Errorf("an open case offers a rating")
		}
		v.Get(open + "/rating")
		v.Expect(403, "после того, как по делу принято решение")

		c := closedApplication(t, live, w, me.actor)
		page := "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)
		v.Get(page)
		v.Expect(200, "Оценить качество услуги", `href="`+page+`/rating"`)
		v.Get(page + "/rating")
		v.Expect(200, "Срок предоставления услуги", "Вежливость и компетентность сотрудников", "5 — отлично", "1 — очень плохо",
			"Что пошло не так", `name="time"`, `name="convenience"`)

		v.Post(page+"/rating", "time", "5", "courtesy", "5", "comfort", "5", "information", "9")
		v.Expect(422, "Есть ошибки", `href="#f-information"`, `href="#f-convenience"`, "Оценка должна быть от 1 до 5", "Поставьте оценку от 1 до 5")
		v.Post(page+"/rating", "time", "2", "courtesy", "5", "comfort", "5", "information", "5", "convenience", "4", "comment", "Долго")
		v.Expect(422, `href="#f-problems"`, "Отметьте, что пошло не так", ">Долго</textarea>", `value="2" checked`)
		v.Post(page+"/rating", "time", "2", "courtesy", "5", "comfort", "5", "information", "5", "convenience", "4",
			"problems", "deadline", "problems", "queue", "comment", "Долго")
		v.Expect(200, "Спасибо за оценку", "4,2", "То, что пошло не так, увидит ответственный")
		v.Get(page)
		v.Expect(200, "Вы оценили: 4,2", "в течение 14 дней")
		v.Get(page + "/rating")
		v.Expect(200, "Оценку можно изменить в течение 14 дней", `value="deadline" checked`, `value="queue" checked`, ">Долго</textarea>")
		v.Post(page+"/rating", "time", "4", "courtesy", "5", "comfort", "5", "information", "5", "convenience", "5")
		v.Expect(200, "Спасибо за оценку", "4,8")

		other := live.NewVisitor(t).SignedIn(w.actor(t, "another-citizen").token)
		other.Get(page + "/rating")
		other.Expect(404)

		// A second case, rated low: the body is flagged (4,1 overall over
		// two ratings), first and in words.
		c2 := closedApplication(t, live, w, me.actor)
		v.Get("/cabinet/cases/" + strconv.FormatInt(c2.ID, 10) + "/rating")
		v.Post("/cabinet/cases/"+strconv.FormatInt(c2.ID, 10)+"/rating", "time", "1", "courtesy", "3", "comfort", "4", "information", "4",
			"convenience", "3", "problems", "rude")
		v.Expect(200, "Спасибо за оценку", "3,0")
		boss := live.NewVisitor(t).SignedIn(w.actor(t, "staff-supervisor").token)
		boss.Get("/staff/quality")
		boss.Expect(200, "Качество услуг", "Ведомства", "⚑ Администрация Центрального района", "Требует внимания: ниже 4,5", "3,9",
			"Оценок услуг пока нет")
		boss.Get("/staff/quality?lang=en")
		boss.Expect(200, "Service quality", "Needs attention: under 4.5")
		owner := live.NewVisitor(t).SignedIn(w.actor(t, "staff-owner").token)
		owner.Get("/staff/quality")
		owner.Expect(200, "по услугам, за которые вы отвечаете", "Оценок услуг пока нет")
		if strings.Contains(owner.Last, "Администрация Центрального района") {
			t.Errorf("an owner sees the organisations' table")
		}
		official := live.NewVisitor(t).SignedIn(w.actor(t, "staff-official").token)
		official.Get("/staff/quality")
		official.Expect(403)
	})
}
