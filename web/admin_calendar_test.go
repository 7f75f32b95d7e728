package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit/audittest"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// regionOrgs answers who administers the region: administrators of
// organisation 1. Nothing else of web.Organisations is used by the page.
type regionOrgs struct{ web.Organisations }

func (regionOrgs) CanAdministerRegion(_ context.Context, a okno.Actor) (bool, error) {
	return a.Kind == okno.ActorSystem || a.OrgID == 1 && a.Has(okno.RoleAdmin), nil
}

var (
	calendarRegionAdmin = webtest.Actor{Name: "region-admin", Roles: []okno.Role{okno.RoleAdmin},
		Session: &web.Session{UserID: 501, Kind: okno.ActorStaff, OrgID: 1, CSRF: "csrf-region-admin", Name: "Администратор"}}
	calendarDistrictAdmin = webtest.Actor{Name: "district-admin", Roles: []okno.Role{okno.RoleAdmin},
		Session: &web.Session{UserID: 502, Kind: okno.ActorStaff, OrgID: 7, CSRF: "csrf-district-admin", Name: "Администратор"}}
)

// calendarServer serves the calendar pages with a real calendar.Service on db.
func calendarServer(t *testing.T, db *sqldb.DB) (testServer, *calendar.Service) {
	t.Helper()
	now := func() time.Time { return time.Date(2026, time.November, 22, 9, 0, 0, 0, time.UTC) }
	cal, err := calendar.New(db, audittest.New(db, now), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	cal.Admins = regionOrgs{}
	deps := webtest.NewFakes([]webtest.Actor{calendarRegionAdmin, calendarDistrictAdmin}).Deps()
	deps.Orgs, deps.Calendars, deps.Now = regionOrgs{}, cal, now
	return testServer{Server: web.New(webtest.Config(), deps)}, cal
}

func expectPage(t *testing.T, res *http.Response, status int, texts ...string) string {
	t.Helper()
	page := body(t, res)
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d:\n%s", res.StatusCode, status, page)
	}
	for _, s := range texts {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	return page
}

func TestAdminCalendar(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		s, cal := calendarServer(t, db)
		admin := calendarRegionAdmin

		expectPage(t, s.do(t, admin.NewRequest("GET", "/admin/calendar", nil, "")), http.StatusOK,
			"Производственный календарь: 2026", "<caption class=\"cal__caption\">Январь</caption>",
			`<abbr title="понедельник">Пн</abbr>`, "Рабочий день вместо выходного",
			`<span class="visually-hidden">, Праздник, нерабочий день: День Победы</span>`,
			`aria-current="date"><a class="cal__link" href="/admin/calendar?date=2026-11-22&amp;year=2026#change">22`,
			"09.01.2026", "(перенесён с 03.01.2026)", "постановление, встроенные данные", "2025 год", "2027 год")

		// Choosing a day fills the form with it.
		page := expectPage(t, s.do(t, admin.NewRequest("GET", "/admin/calendar?year=2026&date=2026-01-09", nil, "")), http.StatusOK,
			`value="09.01.2026"`, `value="03.01.2026"`)
		if !strings.Contains(page, `value="weekend" checked`) {
			t.Error("the form does not have the day's kind chosen")
		}

		form, ct := webtest.Form("date", "30.12.2026", "kind", "weekend", "title", "Решение губернатора", "from", "")
		res := s.do(t, admin.NewRequest("POST", "/admin/calendar", form, ct))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/calendar?saved=2026-12-30&year=2026" {
			t.Fatalf("saving: %d to %q:\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
		}
		if k := cal.Current().Kind(calendar.Date{Year: 2026, Month: 12, Day: 30}); k != calendar.Weekend {
			t.Errorf("2026-12-30 is a %s after saving", k)
		}
		expectPage(t, s.do(t, admin.NewRequest("GET", "/admin/calendar?saved=2026-12-30&year=2026", nil, "")), http.StatusOK,
			"День 30.12.2026 сохранён", "Решение губернатора", "staff:501@org:1")

		form, ct = webtest.Form("date", "31.02.2026", "kind", "party", "from", "вчера")
		expectPage(t, s.do(t, admin.NewRequest("POST", "/admin/calendar", form, ct)), http.StatusUnprocessableEntity,
			"Есть ошибки", `href="#f-date"`, "Введите существующую дату", `href="#f-kind"`, "Выберите, какой это день", `href="#f-from"`)
		form, ct = webtest.Form("date", "01.01.2100", "kind", "holiday", "title", strings.Repeat("я", 201))
		expectPage(t, s.do(t, admin.NewRequest("POST", "/admin/calendar", form, ct)), http.StatusUnprocessableEntity,
			"Год должен быть от 2000 до 2099", "Название должно быть не длиннее 200 символов")

		expectPage(t, s.do(t, admin.NewRequest("GET", "/admin/calendar?year=2030", nil, "")), http.StatusOK, "Праздники 2030 года неизвестны")
		expectPage(t, s.do(t, admin.NewRequest("GET", "/admin/calendar?year=1999", nil, "")), http.StatusBadRequest)
	})
}

func TestAdminCalendarRefusesDistrictAdministrators(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		s, cal := calendarServer(t, db)
		district := calendarDistrictAdmin
		expectPage(t, s.do(t, district.NewRequest("GET", "/admin/calendar", nil, "")), http.StatusForbidden,
			"Изменять производственный календарь могут только администраторы региона")
		form, ct := webtest.Form("date", "30.12.2026", "kind", "weekend")
		expectPage(t, s.do(t, district.NewRequest("POST", "/admin/calendar", form, ct)), http.StatusForbidden)
		if k := cal.Current().Kind(calendar.Date{Year: 2026, Month: 12, Day: 30}); k != calendar.Workday {
			t.Errorf("a refused change made 2026-12-30 a %s", k)
		}
		form, ct = webtest.Form("date", "30.12.2026", "kind", "weekend")
		expectPage(t, s.do(t, webtest.WithoutCSRF(calendarRegionAdmin.NewRequest("POST", "/admin/calendar", form, ct))), http.StatusForbidden)
	})
}
