package web_test

import (
	"archive/zip"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/web/webtest"
)

// analyticsWorld is a region government with an administrator, a
// district administration with an official, a district, a category and
// appeals written with plain SQL (analytics reads only the appeals table).
type analyticsWorld struct {
	admin, official string // session tokens
	region          org.Organisation
	district        int64
	category        int64
}

func staffSession(t *testing.T, live *webtest.Live, name string, o org.Organisation, role okno.Role) string {
	t.Helper()
	ctx, id, orgs := context.Background(), live.App.Identity, live.App.Orgs
	uid, err := id.CreateStaff(ctx, okno.System, name+"@spb.example", "Сотрудник "+name, castPassword)
	mustOK(t, err)
	p, err := orgs.CreatePosition(ctx, org.Position{OrgID: o.ID, Title: "Должность " + name, Role: role}, okno.System)
	mustOK(t, err)
	mustOK(t, orgs.AssignStaff(ctx, uid, p.ID, okno.System))
	ss, err := id.SignInStaff(ctx, identity.Credentials{Contact: name + "@spb.example", Password: castPassword})
	mustOK(t, err)
	mustOK(t, id.SelectOrganisation(ctx, ss.ID, o.ID))
	return ss.Token
}

func buildAnalyticsWorld(t *testing.T, live *webtest.Live) analyticsWorld {
	t.Helper()
	ctx := context.Background()
	var w analyticsWorld
	var err error
	w.region, err = live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство Санкт-Петербурга", Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)
	district, err := live.App.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Центрального района", ParentID: w.region.ID, Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)
	w.admin = staffSession(t, live, "analyst", w.region, okno.RoleAdmin)
	w.official = staffSession(t, live, "clerk", district, okno.RoleOfficial)

	db := live.App.DB
	now := sqldb.Now(time.Now())
	one := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		mustOK(t, db.InTx(ctx, func(tx *sqldb.Tx) error { return tx.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id) }))
		return id
	}
	w.district = one(`INSERT INTO territories (name, level, geometry, min_lon, min_lat, max_lon, max_lat, created_at, updated_at)
		VALUES ('Аналитический район', 'district', '{"type":"MultiPolygon","coordinates":[[[[30,59],[31,59],[31,60],[30,59]]]]}', 30, 59, 31, 60, ?, ?)`, now, now)
	w.category = one(`INSERT INTO appeal_categories (code, title) VALUES ('analytics-test', 'Проверка аналитики')`)
	reason := one(`INSERT INTO appeal_reasons (category_id, code, title) VALUES (?, 'analytics-test-r', 'Проверка')`, w.category)
	process := one(`INSERT INTO process_versions (name, version, kind, source, digest, published_at, published_by)
		VALUES ('analytics-test', 1, 'appeal', '', 'x', ?, 'system')`, now)
	text := "Не горит фонарь у дома 7 на Садовой улице уже третью неделю, вечером совсем темно"
	for i := range 4 {
		created := now.Add(-time.Duration(i) * time.Minute)
		id := one(`INSERT INTO cases (ref, kind, process_id, state, version, org_id, subject, channel, legal_period, legal_due_at, created_by, created_at, updated_at)
			VALUES (?, 'appeal', ?, 'review', 1, ?, 'Обращение', 'web', '30d', ?, 'system', ?, ?)`, fmt.Sprintf("AN-%d", i), process, district.ID, created.Add(720*time.Hour), created, created)
		_, err := db.ExecContext(ctx, `INSERT INTO appeals (case_id, ref, category_id, reason_id, territory_id, org_id, lat, lon, cell, public_text,
			author_key, channel, status, state, created_at, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 30.33, 0, ?, ?, 'web', 'open', 'review', ?, ?, ?)`,
			id, fmt.Sprintf("AN-%d", i), w.category, reason, w.district, district.ID, 59.93+float64(i)*0.0003, text, fmt.Sprintf("secret-author-%d", i),
			created, created.Add(720*time.Hour), created)
		mustOK(t, err)
	}
	if _, err := live.App.Appeals.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestAnalyticsPages(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildAnalyticsWorld(t, live)
		v := live.NewVisitor(t).SignedIn(w.admin)

		v.Get("/analytics").Expect(200, "Аналитический район", "Проверка аналитики", "<svg", `data-density=`)
		v.Get("/analytics?from=15.03.2021").Expect(422, "Введите дату в виде ГГГГ-ММ-ДД")
		v.Get("/analytics?from=2021-03-15&to=2021-03-01").Expect(422, "Конец периода должен быть не раньше его начала")
		v.Get("/analytics/efficiency").Expect(200, "Администрация Центрального района")
		v.Get("/analytics/spikes").Expect(200, "Аналитический район")
		v.Get("/analytics/spikes?day=вчера").Expect(422, "Введите дату")

		// Groups: none until computed, then the four near-duplicates.
		v.Get("/analytics/groups").Expect(200, "Групп похожих обращений пока нет")
		rep, err := live.App.Appeals.ComputeGroups(context.Background(), appeal.GroupOptions{})
		if err != nil || rep.Groups != 1 {
			t.Fatalf("groups: %+v, %v", rep, err)
		}
		v.Get("/analytics/groups").Expect(200, "Не горит фонарь")
		link := regexp.MustCompile(`href="(/analytics/groups/\d+)"`).FindStringSubmatch(v.Last)
		if link == nil {
			t.Fatal("no link to the group")
		}
		v.Get(link[1]).Expect(200, "AN-0", "AN-3", "Предложить проект")
		v.Get("/analytics/groups/999999").Expect(404)

		// An initiative from the group; bad input is shown and changes nothing.
		groupID := strings.TrimPrefix(link[1], "/analytics/groups/")
		v.Post("/analytics/initiatives", "source", "group", "group", groupID, "title", "")
		v.Expect(422, "Название — не короче 3 символов")
		v.Post("/analytics/initiatives", "source", "group", "group", "999999", "title", "Освещение Садовой улицы")
		v.Expect(422, "Такой группы похожих обращений нет")
		v.NoRedirects().Post("/analytics/initiatives", "source", "group", "group", groupID, "title", "Освещение Садовой улицы")
		if v.Status != 303 {
			t.Fatalf("create: status %d, want 303", v.Status)
		}
		v.Get("/analytics/initiatives").Expect(200, "Освещение Садовой улицы", "Предложен", `data-initiatives=`)
		id := regexp.MustCompile(`/analytics/initiatives/(\d+)/status`).FindStringSubmatch(v.Last)
		if id == nil {
			t.Fatal("no status form")
		}
		v.Post("/analytics/initiatives/"+id[1]+"/status", "status", "accepted")
		v.Get("/analytics/initiatives").Expect(200, "Принят")

		// Exports: CSV for Russian Excel, XLSX that unzips; no personal data.
		v.Get("/analytics/export.csv?kind=appeals").Expect(200, "AN-0")
		if !strings.HasPrefix(v.Last, "\ufeff") || !strings.Contains(v.Last, "Номер;Подано;") || strings.Contains(v.Last, "secret-author") || strings.Contains(v.Last, "фонарь") {
			t.Errorf("CSV export:\n%s", v.Last)
		}
		v.Get("/analytics/export.csv?kind=density").Expect(200, "Аналитический район;Проверка аналитики;4;4")
		v.Get("/analytics/export.csv?kind=efficiency").Expect(200, "Администрация Центрального района;4;0;0;0;0;")
		v.Get("/analytics/export.csv?kind=names").Expect(422)
		v.Get("/analytics/export.xlsx?kind=appeals")
		zr, err := zip.NewReader(strings.NewReader(v.Last), int64(len(v.Last)))
		if err != nil || v.Status != 200 {
			t.Fatalf("XLSX export: status %d, %v", v.Status, err)
		}
		found := false
		for _, f := range zr.File {
			found = found || f.Name == "xl/worksheets/sheet1.xml"
		}
		if !found {
			t.Error("the XLSX export has no sheet")
		}

		// An official is not admitted.
		live.NewVisitor(t).SignedIn(w.official).Get("/analytics").Expect(403)
	})
}
