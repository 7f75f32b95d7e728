package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/web/webtest"
)

// TestAdminAppealRouting: the region administrator sets a rule, is told
// which field is wrong when a rule cannot work, ends the rule and finds it
// in the history; sets a category's legal period and a reason's canned
// replies. A district administrator may do none of it.
func TestAdminAppealRouting(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		ctx := context.Background()
		tax, err := live.App.Appeals.Taxonomy(ctx)
		mustOK(t, err)
		lift, mkd, ok := tax.Reason("mkd-lift")
		if !ok {
			t.Fatal("no shipped reason mkd-lift")
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }

		v := staffVisitor(t, live, "admin-region@spb.example")
		v.Get("/admin/appeals/routes").Expect(http.StatusOK, "Маршрутизация сообщений", "Правил пока нет", `name="org_id"`)

		v.Post("/admin/appeals/routes", "category_id", id(mkd.ID), "reason_id", id(lift.ID), "territory_id", "", "org_id", "")
		v.Expect(http.StatusUnprocessableEntity, "Выберите организацию, которая будет рассматривать сообщения", `href="#f-org_id"`)
		_, blag, _ := tax.Reason("blag-light-street")
		v.Post("/admin/appeals/routes", "category_id", id(blag.ID), "reason_id", id(lift.ID), "org_id", id(w.a.ID))
		v.Expect(http.StatusUnprocessableEntity, "Эта причина не относится к выбранной категории")
		if rs, _ := live.App.Appeals.Routes(ctx, time.Time{}); len(rs) != 0 {
			t.Fatalf("refused rules changed the table: %+v", rs)
		}

		v.Post("/admin/appeals/routes", "category_id", id(mkd.ID), "reason_id", id(lift.ID), "territory_id", "", "org_id", id(w.a.ID), "position_id", "")
		v.Expect(http.StatusOK, "Правило действует", "Администрация Центрального района", lift.Title)
		rs, err := live.App.Appeals.Routes(ctx, time.Time{})
		mustOK(t, err)
		if len(rs) != 1 || rs[0].OrgID != w.a.ID || rs[0].ReasonID != lift.ID {
			t.Fatalf("table after setting: %+v", rs)
		}
		v.Post("/admin/appeals/routes/"+id(rs[0].ID)+"/end").Expect(http.StatusOK, "Правило закрыто", "Правил пока нет")
		v.Get("/admin/appeals/routes/history").Expect(http.StatusOK, "История правил маршрутизации", "Администрация Центрального района")
		if strings.Contains(v.Last, ">действует<") {
			t.Error("the ended rule is shown in force")
		}

		v.Get("/admin/appeals/categories").Expect(http.StatusOK, "Категории и причины сообщений", mkd.Title, "mkd-lift", "30 дней по закону")
		v.Post("/admin/appeals/categories/period", "target", id(mkd.ID), "legal_period", "восемь")
		v.Expect(http.StatusUnprocessableEntity, "Укажите срок числом дней с буквой")
		v.Post("/admin/appeals/categories/period", "target", id(mkd.ID), "legal_period", "8w")
		v.Expect(http.StatusOK, "Срок сохранён", "8 рабочих дней")
		tax, err = live.App.Appeals.Taxonomy(ctx)
		mustOK(t, err)
		if p := tax.LegalPeriod(lift.ID); p == nil || p.String() != "8w" {
			t.Errorf("legal period of a lift: %v", p)
		}

		replies := "/admin/appeals/reasons/" + id(lift.ID) + "/replies"
		v.Get(replies).Expect(http.StatusOK, "Шаблоны ответов", lift.Title, "Работы выполнены")
		v.Post(replies, "replies[0].title", "Лифт запущен", "replies[0].body", "Уважаемый заявитель! Лифт по адресу [адрес] запущен [дата].",
			"replies[1].title", "", "replies[1].body", "текст без названия")
		v.Expect(http.StatusUnprocessableEntity, "Введите название шаблона", `href="#f-reply-1-title"`)
		v.Post(replies, "replies[0].title", "Лифт запущен", "replies[0].body", "Уважаемый заявитель! Лифт по адресу [адрес] запущен [дата].")
		v.Expect(http.StatusOK, "Шаблоны сохранены", "Лифт запущен")
		tax, _ = live.App.Appeals.Taxonomy(ctx)
		if got, _, _ := tax.ReasonByID(lift.ID); len(got.Replies) != 1 || got.Replies[0].Title != "Лифт запущен" {
			t.Errorf("replies after saving: %+v", got.Replies)
		}

		district := staffVisitor(t, live, "staff-admin@spb.example")
		for _, path := range []string{"/admin/appeals/routes", "/admin/appeals/routes/history", "/admin/appeals/categories", replies} {
			district.Get(path).Expect(http.StatusForbidden)
		}
		district.Post("/admin/appeals/routes", "category_id", id(mkd.ID), "org_id", id(w.a.ID)).Expect(http.StatusForbidden)
		if rs, _ := live.App.Appeals.Routes(ctx, time.Time{}); len(rs) != 0 {
			t.Errorf("a district administrator changed the table: %+v", rs)
		}
	})
}
