package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/web/webtest"
)

// districtsGeoJSON holds two rough squares in Saint Petersburg.
const districtsGeoJSON = `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "Центральный район", "code": "40911000"},
  "geometry": {"type": "Polygon", "coordinates": [[[30.30, 59.92], [30.40, 59.92], [30.40, 59.95], [30.30, 59.95], [30.30, 59.92]]]}},
 {"type": "Feature", "properties": {"name": "Выборгский район", "code": "40326000"},
  "geometry": {"type": "Polygon", "coordinates": [[[30.25, 60.00], [30.40, 60.00], [30.40, 60.10], [30.25, 60.10], [30.25, 60.00]]]}}
]}`

// badGeoJSON has one good feature and one whose ring is not closed: the
// whole file is refused.
const badGeoJSON = `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "Адмиралтейский район"},
  "geometry": {"type": "Polygon", "coordinates": [[[30.25, 59.90], [30.30, 59.90], [30.30, 59.93], [30.25, 59.93], [30.25, 59.90]]]}},
 {"type": "Feature", "properties": {"name": "Невский район"},
  "geometry": {"type": "Polygon", "coordinates": [[[30.40, 59.85], [30.50, 59.85], [30.50, 59.90], [30.40, 59.90]]]}}
]}`

// TestAdminImportsTerritories: the region administrator uploads a GeoJSON
// file, then a bad one (refused whole, in Russian, nothing changed); the
// administrator of a district may not upload at all.
func TestAdminImportsTerritories(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		buildWorld(t, live)
		names := func() []string {
			t.Helper()
			ts, err := live.App.Geo.List(context.Background(), geo.ListQuery{Limit: 100})
			mustOK(t, err)
			var out []string
			for _, tr := range ts {
				out = append(out, tr.Name+" "+string(tr.Level)+" "+tr.Code)
			}
			return out
		}

		v := staffVisitor(t, live, "admin-region@spb.example")
		v.Get("/admin/territories").Expect(http.StatusOK, "Территорий пока нет.", `enctype="multipart/form-data"`)
		v.PostFile("/admin/territories", "file", "districts.geojson", []byte(districtsGeoJSON), "level", "district", "source", "OpenStreetMap, ODbL 1.0")
		v.Expect(http.StatusOK, "Границы загружены", "Новых: 2, изменённых: 0, без изменений: 0.", "Центральный район", "40326000")
		want := []string{"Центральный район district 40911000", "Выборгский район district 40326000"}
		if diff := cmp.Diff(want, names()); diff != "" {
			t.Fatalf("territories after the import (-want +got):\n%s", diff)
		}
		v.Get("/admin/territories?lat=59.93&lon=30.35").Expect(http.StatusOK, "Район: Центральный район")

		v.PostFile("/admin/territories", "file", "bad.geojson", []byte(badGeoJSON), "level", "district")
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки",
			"features[1].geometry.coordinates[0]: Контур не замкнут: первая и последняя точки должны совпадать")
		if strings.Contains(v.Last, "Границы загружены") {
			t.Error("a refused file is reported as uploaded")
		}
		v.PostFile("/admin/territories", "file", "notes.txt", []byte("это не GeoJSON"), "level", "district")
		v.Expect(http.StatusUnprocessableEntity, "Файл не является корректным JSON")
		if diff := cmp.Diff(want, names()); diff != "" {
			t.Errorf("refused files changed the territories (-want +got):\n%s", diff)
		}

		district := staffVisitor(t, live, "staff-admin@spb.example")
		district.Get("/admin/territories").Expect(http.StatusOK, "Загружать границы могут администраторы региона.")
		if strings.Contains(district.Last, `enctype="multipart/form-data"`) {
			t.Error("a district administrator is offered the upload")
		}
		district.PostFile("/admin/territories", "file", "districts.geojson", []byte(districtsGeoJSON), "level", "city")
		district.Expect(http.StatusForbidden)
		if diff := cmp.Diff(want, names()); diff != "" {
			t.Errorf("a district administrator's upload changed the territories (-want +got):\n%s", diff)
		}
	})
}

// TestAdminCreatesStaff: the administrator of A creates an operator's
// account; the new person signs in on the back-office door and holds the
// operator's role there. A refused form creates nobody.
func TestAdminCreatesStaff(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		ctx := context.Background()
		postOf := func(orgID int64, title string) string {
			t.Helper()
			ps, err := live.App.Orgs.Positions(ctx, orgID)
			mustOK(t, err)
			for _, p := range ps {
				if p.Title == title {
					return strconv.FormatInt(p.ID, 10)
				}
			}
			t.Fatalf("organisation %d has no position %q", orgID, title)
			return ""
		}
		operatorPost := postOf(w.a.ID, "Должность staff-operator")
		const email, password = "new-operator@spb.example", "временный пароль 2026"

		v := staffVisitor(t, live, "staff-admin@spb.example")
		v.Get("/admin/staff").Expect(http.StatusOK, "Сотрудники и ключи API", "Новый сотрудник", "Должность staff-operator")

		// A position of another organisation is not among the choices.
		v.Post("/admin/staff", "display_name", "Мария Новикова", "email", email, "password", password,
			"position_id", postOf(w.b.ID, "Должность admin-other-org"))
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки", `value="Мария Новикова"`)
		v.Post("/admin/staff", "display_name", "Мария Новикова", "email", "staff-official@spb.example", "password", password,
			"position_id", operatorPost)
		v.Expect(http.StatusConflict, "Есть ошибки")
		signin := live.NewVisitor(t)
		signin.Get("/staff/signin")
		signin.Post("/staff/signin", "contact", email, "password", password)
		signin.Expect(http.StatusUnauthorized, "Неверный логин или пароль")

		v.Post("/admin/staff", "display_name", "Мария Новикова", "email", email, "password", password, "position_id", operatorPost)
		v.Expect(http.StatusOK, "Сотрудник добавлен", "Мария Новикова")

		m := live.NewVisitor(t)
		m.Get("/staff/signin")
		m.Post("/staff/signin", "contact", email, "password", password)
		m.Expect(http.StatusOK, "Рабочий стол", "Администрация Центрального района", "Граждане")
		m.Get("/staff/citizens").Expect(http.StatusOK)
		m.Get("/admin/staff").Expect(http.StatusForbidden)
	})
}

var shownKey = regexp.MustCompile(`<code class="code code--key">(okno_[a-z2-7]+_[a-z2-7]+)</code>`)

// TestAdminAPIKeyLifecycle: the administrator makes a key, sees it once,
// a system uses it, the administrator revokes it and it stops working.
func TestAdminAPIKeyLifecycle(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		v := staffVisitor(t, live, "staff-admin@spb.example")
		v.Get("/admin/staff")
		v.Post("/admin/api-keys", "name", "  ")
		v.Expect(http.StatusUnprocessableEntity, "Есть ошибки")
		v.Post("/admin/api-keys", "name", "Портал благоустройства")
		v.Expect(http.StatusCreated, "Ключ создан. Скопируйте его сейчас: больше он показан не будет.", "Портал благоустройства")
		m := shownKey.FindStringSubmatch(v.Last)
		if m == nil {
			t.Fatal("the new key is not shown")
		}
		key := m[1]
		v.Get("/admin/staff")
		if strings.Contains(v.Last, key) {
			t.Error("the key is shown again")
		}

		api := live.NewVisitor(t).Bearer(key)
		api.Get("/api/v1/organisations").Expect(http.StatusOK, "Администрация Центрального района")

		keys, err := live.App.Identity.ListAPIKeys(context.Background(), okno.System, w.a.ID)
		mustOK(t, err)
		id := ""
		for _, k := range keys {
			if k.Name == "Портал благоустройства" {
				id = strconv.FormatInt(k.ID, 10)
			}
		}
		if id == "" || !strings.Contains(v.Last, `action="/admin/api-keys/`+id+`/revoke"`) {
			t.Fatalf("no revoke button for key %q", id)
		}
		v.Post("/admin/api-keys/" + id + "/revoke")
		v.Expect(http.StatusOK, "Ключ отозван")
		api.Get("/api/v1/organisations").Expect(http.StatusUnauthorized)
	})
}
