package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// staffVisitor signs a staff member in through the back-office door.
func staffVisitor(t *testing.T, live *webtest.Live, email string) *webtest.Visitor {
	t.Helper()
	v := live.NewVisitor(t)
	v.Get("/staff/signin")
	v.Post("/staff/signin", "contact", email, "password", castPassword)
	return v
}

// TestStaffSignInAndSwitch: a person working for two organisations signs
// in, chooses one, sees its tools, and switches to the other.
func TestStaffSignInAndSwitch(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		v := staffVisitor(t, live, "admin-region@spb.example")
		v.Expect(http.StatusOK, "Рабочий стол", "Правительство Санкт-Петербурга", "Организации")

		// The citizens' door refuses staff accounts.
		c := live.NewVisitor(t)
		c.Get("/signin")
		c.Post("/signin", "contact", "staff-operator@spb.example", "password", castPassword)
		c.Expect(http.StatusUnauthorized, "Неверный логин или пароль")

		// An operator of A acts for A at once: one organisation, no choice to make.
		op := staffVisitor(t, live, "staff-operator@spb.example")
		op.Expect(http.StatusOK, "Администрация Центрального района", "Граждане")
		if strings.Contains(op.Last, `name="org_id"`) {
			t.Error("a person with one organisation is offered a switcher")
		}
		// Choosing an organisation where they hold no position is refused.
		op.Post("/staff/organisation", "org_id", strconv.FormatInt(w.b.ID, 10))
		op.Expect(http.StatusUnprocessableEntity, "Есть ошибки")

		// Give the region administrator a post in A too, then switch.
		ctx := context.Background()
		p, err := live.App.Orgs.CreatePosition(ctx, orgPosition(w.a.ID, "Куратор района", okno.RoleSupervisor), okno.System)
		mustOK(t, err)
		admin := actorNamed(w, "admin-region")
		mustOK(t, live.App.Orgs.AssignStaff(ctx, admin.actor.UserID, p.ID, okno.System))
		v.Get("/staff").Expect(http.StatusOK, `name="org_id"`)
		v.Post("/staff/organisation", "org_id", strconv.FormatInt(w.a.ID, 10))
		v.Expect(http.StatusOK, "Вы работаете от имени:", "Администрация Центрального района", "Входящие")
		if strings.Contains(v.Last, `href="/admin/organisations"`) {
			t.Error("a supervisor is shown the administrators' tools")
		}
		v.Get("/admin/organisations")
		v.Expect(http.StatusForbidden)
	})
}

// TestOperatorConfirmsInPerson: an operator finds a citizen by СНИЛС, types
// a wrong passport (nothing changes), then the right one.
func TestOperatorConfirmsInPerson(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		op := staffVisitor(t, live, "staff-operator@spb.example")
		snils := validSNILS(2)
		op.Get("/staff/citizens?by=snils&q="+snils).Expect(http.StatusOK, "Петров Иван", "Стандартная", "Подтвердить личность")
		found := op.Last[strings.Index(op.Last, `id="found-title"`):]
		found = found[:strings.Index(found, "</dl>")]
		if strings.Contains(found, snils) || !strings.Contains(found, "***-***-*** 84") {
			t.Error("the result shows the whole СНИЛС; operators see it masked")
		}
		op.Get("/staff/citizens?by=email&q=nobody@example.ru").Expect(http.StatusUnprocessableEntity, "Гражданин с такими данными не найден")

		op.Get("/staff/citizens?by=snils&q=" + snils)
		id := strconv.FormatInt(w.standard, 10)
		op.Post("/staff/citizens/"+id+"/confirm", "by", "snils", "q", snils, "passport", "4010 999999")
		op.Expect(http.StatusUnprocessableEntity, "не совпадают")
		p, err := live.App.Identity.Profile(context.Background(), w.standard)
		mustOK(t, err)
		if p.Assurance != identity.AssuranceStandard {
			t.Fatalf("after a wrong passport the level is %s", p.Assurance)
		}
		op.Post("/staff/citizens/"+id+"/confirm", "by", "snils", "q", snils, "passport", "4010 100002")
		op.Expect(http.StatusOK, "Личность подтверждена")
		p, err = live.App.Identity.Profile(context.Background(), w.standard)
		mustOK(t, err)
		if p.Assurance != identity.AssuranceConfirmed {
			t.Fatalf("after the operator's check the level is %s", p.Assurance)
		}
	})
}

// TestAdminCreatesOrganisation: the administrator of A adds a body under
// A; errors keep the answers; the administrator of B may not touch A.
func TestAdminCreatesOrganisation(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		a := strconv.FormatInt(w.a.ID, 10)
		v := staffVisitor(t, live, "staff-admin@spb.example")
		v.Get("/admin/organisations").Expect(http.StatusOK, "Администрация Центрального района", "Подведомственных организаций нет")
		v.Get("/admin/organisations/new?parent="+a).Expect(http.StatusOK, "Новая организация")
		v.Post("/admin/organisations?parent="+a, "name", "", "short_name", "ЖА Центрального района", "kind", "housing_agency", "inn", "123")
		v.Expect(http.StatusUnprocessableEntity, "Введите название организации", "ИНН должен состоять", `value="ЖА Центрального района"`)
		v.Post("/admin/organisations?parent="+a, "name", "СПб ГКУ «Жилищное агентство Центрального района»", "short_name", "ЖА Центрального района", "kind", "housing_agency")
		v.Expect(http.StatusOK, "Изменения сохранены", "ЖА Центрального района", "Понедельник")
		kids, err := live.App.Orgs.Children(context.Background(), w.a.ID)
		mustOK(t, err)
		if len(kids) != 1 || kids[0].ShortName != "ЖА Центрального района" {
			t.Fatalf("children of A = %+v", kids)
		}

		other := staffVisitor(t, live, "admin-other-org@spb.example")
		other.Get("/admin/organisations/" + a).Expect(http.StatusForbidden)
		other.Get("/admin/organisations/new?parent=" + a)
		other.Post("/admin/organisations?parent="+a, "name", "Чужая", "kind", "agency")
		other.Expect(http.StatusForbidden)
		op := staffVisitor(t, live, "staff-operator@spb.example")
		op.Get("/admin/organisations").Expect(http.StatusForbidden)
	})
}

// TestAPILookup checks the point look-up and its problem details, in
// Russian by default and in English on request.
func TestAPILookup(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		key := actorNamed(w, "apikey").key
		get := func(path, lang string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest("GET", live.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			if lang != "" {
				req.Header.Set("Accept-Language", lang)
			}
			res, err := http.DefaultClient.Do(req)
			mustOK(t, err)
			defer res.Body.Close()
			var body map[string]any
			mustOK(t, json.NewDecoder(res.Body).Decode(&body))
			return res.StatusCode, body
		}
		status, body := get("/api/v1/territories/lookup?lat=59.93&lon=30.31", "")
		if status != 200 || body["items"] == nil {
			t.Fatalf("lookup: %d %v", status, body)
		}
		status, body = get("/api/v1/territories/lookup?lat=91&lon=abc", "")
		if status != 422 {
			t.Fatalf("bad lookup: %d %v", status, body)
		}
		got := body["errors"].([]any)
		want := []any{
			map[string]any{"field": "lat", "message": "Введите широту числом от −90 до 90, например 59.9386"},
			map[string]any{"field": "lon", "message": "Введите долготу числом от −180 до 180, например 30.3141"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("field errors (-want +got):\n%s", diff)
		}
		_, body = get("/api/v1/territories/lookup?lon=30", "en")
		if diff := cmp.Diff([]any{map[string]any{"field": "lat", "message": "Enter the latitude as a number from −90 to 90, for example 59.9386"}}, body["errors"]); diff != "" {
			t.Errorf("English field errors (-want +got):\n%s", diff)
		}
		status, body = get("/api/v1/organisations?limit=2", "")
		if status != 200 || len(body["items"].([]any)) != 2 || body["next"] == nil {
			t.Fatalf("organisations page: %d %v", status, body)
		}
		status, body = get("/api/v1/organisations?after="+body["next"].(string)+"&limit=2", "")
		if status != 200 || len(body["items"].([]any)) != 1 || body["next"] != nil {
			t.Fatalf("last organisations page: %d %v", status, body)
		}
		status, _ = get("/api/v1/organisations/"+strconv.FormatInt(w.b.ID, 10), "")
		if status != 200 {
			t.Errorf("one organisation: %d", status)
		}
	})
}

func actorNamed(w world, name string) realActor {
	for _, ra := range w.cast {
		if ra.name == name {
			return ra
		}
	}
	panic("no actor " + name)
}
