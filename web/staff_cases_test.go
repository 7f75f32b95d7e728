package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/web/webtest"
)

// TestStaffInbox: officials see their organisation's cases in the views,
// search by number and by words, page by cursor; another organisation's
// official sees none of them; a run-out legal clock is marked in words.
func TestStaffInbox(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		o := newOffice(t, db)
		pothole := o.openAppeal("Яма на дороге")
		o.openAppeal("Мусор во дворе")

		// The cases wait in the specialists' position: theirs, not the head's.
		o.visitor("head").Get("/staff/cases").Expect(http.StatusOK, "Входящие", `aria-current="page">Мои</a>`, "Здесь нет дел.")
		spec := o.visitor("spec")
		spec.Get("/staff/cases").Expect(http.StatusOK, "Яма на дороге", "Мусор во дворе", "не назначен")
		spec.Get("/staff/cases?view=org").Expect(http.StatusOK, pothole.Ref, "Яма на дороге", "Мусор во дворе",
			"На модерации", "Сообщение о проблеме", "остался 31 день")
		spec.Get("/staff/cases?view=org&q="+url.QueryEscape(pothole.Ref)).Expect(http.StatusOK, "Яма на дороге")
		if strings.Contains(spec.Last, "Мусор во дворе") {
			t.Error("a search by number shows other cases")
		}
		spec.Get("/staff/cases?view=org&q="+url.QueryEscape("МУСОР")).Expect(http.StatusOK, "Мусор во дворе")
		if strings.Contains(spec.Last, "Яма на дороге") {
			t.Error("a search by words shows cases without them")
		}
		spec.Get("/staff/cases?view=org&process=appeal&state=review").Expect(http.StatusOK, "Здесь нет дел.")
		spec.Get("/staff/cases?view=org&after=garbage").Expect(http.StatusUnprocessableEntity, "Есть ошибки", "Неверная ссылка на следующую страницу")
		spec.Get("/staff/cases?view=everything").Expect(http.StatusUnprocessableEntity, "Такого раздела входящих нет")

		o.visitor("other").Get("/staff/cases?view=org").Expect(http.StatusOK, "Здесь нет дел.")

		o.clock.Add(32 * 24 * time.Hour)
		spec.Get("/staff/cases?view=overdue").Expect(http.StatusOK, "Яма на дороге", "Просрочено", "на 2 дня")
	})
}

// TestStaffInboxPages: 51 cases make two pages; the second starts where
// the first ended and leads back to the start.
func TestStaffInboxPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		o := newOffice(t, db)
		var refs []string
		for i := range 51 {
			refs = append(refs, o.openAppeal(fmt.Sprintf("Обращение %02d", i)).Ref)
		}
		spec := o.visitor("spec")
		spec.Get("/staff/cases?view=org").Expect(http.StatusOK, refs[0], refs[49], `rel="next"`)
		if strings.Contains(spec.Last, refs[50]) {
			t.Fatal("the first page holds more than 50 cases")
		}
		next := between(spec.Last, `class="pagination__link" href="`, `"`)
		spec.Get(strings.ReplaceAll(next, "&amp;", "&")).Expect(http.StatusOK, refs[50], "В начало списка")
		if strings.Contains(spec.Last, ">"+refs[49]+"<") || strings.Contains(spec.Last, `rel="next"`) {
			t.Error("the second page repeats the first or leads further")
		}
	})
}

// TestStaffBulkAssign: the head assigns checked cases to a specialist at
// once; a choice nobody offered, no cases, or a specialist giving cases
// to a colleague are refused and change nothing.
func TestStaffBulkAssign(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		o := newOffice(t, db)
		c1, c2, c3 := o.openAppeal("Яма на дороге"), o.openAppeal("Мусор во дворе"), o.openAppeal("Сломанная скамейка")
		head := o.visitor("head")
		head.Get("/staff/cases?view=org").Expect(http.StatusOK, "Назначить выбранные дела", "Анна Смирнова — Специалист")
		to := fmt.Sprintf("u:%d:%d", o.specUser, o.spec.ID)
		ret := "/staff/cases?view=org"

		head.Post("/staff/cases/assign", "return", ret, "target", to)
		head.Expect(http.StatusUnprocessableEntity, "Отметьте дела, которые нужно назначить")
		head.Post("/staff/cases/assign", "return", ret, "case", id(c1), "target", "u:999:1")
		head.Expect(http.StatusUnprocessableEntity, "Есть ошибки", `value="`+id(c1)+`" checked`)

		head.Post("/staff/cases/assign", "return", ret, "case", id(c1), "case", id(c2), "target", to, "comment", "Срочно")
		head.Expect(http.StatusOK, "Назначено 2 дела", `aria-current="page">Все дела организации</a>`)
		for c, want := range map[int64]int64{c1.ID: o.specUser, c2.ID: o.specUser, c3.ID: 0} {
			got, err := o.cases.Get(context.Background(), headActor(o), c)
			if err != nil {
				t.Fatal(err)
			}
			if got.AssigneeID != want {
				t.Errorf("case %d is assigned to %d, want %d", c, got.AssigneeID, want)
			}
		}
		spec := o.visitor("spec")
		spec.Get("/staff/cases").Expect(http.StatusOK, "Яма на дороге", "Анна Смирнова")

		// A specialist may take cases, not hand them to a colleague.
		spec.Get("/staff/cases?view=unassigned")
		spec.Post("/staff/cases/assign", "return", "/staff/cases?view=unassigned", "case", id(c3), "target", fmt.Sprintf("u:%d:%d", o.spec2, o.spec.ID))
		spec.Expect(http.StatusForbidden, "Сломанная скамейка")
		got, err := o.cases.Get(context.Background(), headActor(o), c3.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AssigneeID != 0 {
			t.Errorf("a refused bulk assignment assigned the case to %d", got.AssigneeID)
		}
	})
}

// TestStaffOverdueView: the head sees the counts of A; an official may
// not open the view.
func TestStaffOverdueView(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		o := newOffice(t, db)
		o.openAppeal("Яма на дороге")
		o.openAppeal("Мусор во дворе")
		o.clock.Add(40 * 24 * time.Hour)
		head := o.visitor("head")
		head.Get("/staff/overdue").Expect(http.StatusOK, "Сроки по организациям", "Администрация Центрального района", "(ваша)",
			`<a href="/staff/cases?view=overdue">2</a>`)
		o.visitor("spec").Get("/staff/overdue").Expect(http.StatusForbidden)
		head.Get("/staff").Expect(http.StatusOK, `href="/staff/cases"`, `href="/staff/overdue"`)
	})
}

// TestStaffCasesLive: on the real app (webtest.StartLive, the matrix's
// world), A's official finds the world's case in the organisation's inbox
// and opens it; B's administrator sees neither; the supervisor's view
// counts it for A.
func TestStaffCasesLive(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		page := "/staff/cases/" + strconv.FormatInt(w.caseID, 10)
		official := live.NewVisitor(t).SignedIn(actorNamed(w, "staff-official").token)
		official.Get("/staff/cases?view=org").Expect(http.StatusOK, "Яма во дворе", "На модерации", `href="`+page+`"`)
		official.Get(page).Expect(http.StatusOK, "Яма во дворе", "Сообщение о проблеме", "яма.png", "?preview=1")
		other := live.NewVisitor(t).SignedIn(actorNamed(w, "admin-other-org").token)
		other.Get("/staff/cases?view=org").Expect(http.StatusOK, "Здесь нет дел.")
		other.Get(page).Expect(http.StatusNotFound)
		live.NewVisitor(t).SignedIn(actorNamed(w, "staff-supervisor").token).Get("/staff/overdue").
			Expect(http.StatusOK, "Администрация Центрального района", `<a href="/staff/cases?view=org">1</a>`)
	})
}

func id(c casework.Case) string { return strconv.FormatInt(c.ID, 10) }

// between is the text of s after the first from and before the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}
