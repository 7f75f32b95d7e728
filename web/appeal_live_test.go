package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web/webtest"
)

// appealWorld is a district with its administration (an official and an
// operator), a citizen, and a routing rule that sends every reason of
// the first two categories there.
type appealWorld struct {
	district                 int64
	admin                    org.Organisation
	citizen, official, opTok string
	key                      string          // an API key of the administration
	reasons                  []appeal.Reason // of the first category, then the second
}

// must stops a test or benchmark on err.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func buildAppealWorld(t testing.TB, live *webtest.Live) appealWorld {
	t.Helper()
	ctx, id, orgs := context.Background(), live.App.Identity, live.App.Orgs
	var w appealWorld
	res, err := live.App.Geo.Import(ctx, &geo.FeatureCollection{Source: "test", Features: []geo.Feature{{Name: "Центральный район",
		Geometry: geo.MultiPolygon{geo.Polygon{geo.Ring{{Lat: 59.9, Lon: 30.3}, {Lat: 59.9, Lon: 30.4}, {Lat: 59.95, Lon: 30.4}, {Lat: 59.95, Lon: 30.3}, {Lat: 59.9, Lon: 30.3}}}}}}},
		geo.LevelDistrict, okno.System)
	must(t, err)
	w.district = res.IDs[0]
	root, err := orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindRegionGovernment, Name: "Правительство", Hours: org.OfficeHours()}, okno.System)
	must(t, err)
	w.admin, err = orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Центрального района", ParentID: root.ID, Hours: org.OfficeHours()}, okno.System)
	must(t, err)
	staff := func(name string, role okno.Role) string {
		uid, err := id.CreateStaff(ctx, okno.System, name+"@spb.example", "Сотрудник "+name, castPassword)
		must(t, err)
		p, err := orgs.CreatePosition(ctx, org.Position{OrgID: w.admin.ID, Title: "Должность " + name, Role: role}, okno.System)
		must(t, err)
		must(t, orgs.AssignStaff(ctx, uid, p.ID, okno.System))
		ss, err := id.SignInStaff(ctx, identity.Credentials{Contact: name + "@spb.example", Password: castPassword})
		must(t, err)
		must(t, id.SelectOrganisation(ctx, ss.ID, w.admin.ID))
		return ss.Token
	}
	w.official, w.opTok = staff("official", okno.RoleOfficial), staff("operator", okno.RoleOperator)
	contact := "zhitel@example.ru"
	must(t, id.SignUp(ctx, identity.NewAccount{Contact: contact, Password: castPassword, DisplayName: "Житель"}))
	must(t, id.Confirm(ctx, contact, live.CodeFor(t, contact)))
	ss, err := id.SignIn(ctx, identity.Credentials{Contact: contact, Password: castPassword})
	must(t, err)
	w.citizen = ss.Token
	w.key, _, err = id.CreateAPIKey(ctx, okno.System, "ЦУР", w.admin.ID)
	must(t, err)

	tax, err := live.App.Appeals.Taxonomy(ctx)
	must(t, err)
	if len(tax.Categories) < 2 {
		t.Fatalf("the shipped taxonomy has %d categories", len(tax.Categories))
	}
	for _, c := range tax.Categories[:2] {
		_, err := live.App.Appeals.SetRoute(ctx, okno.System, appeal.RouteInput{CategoryID: c.ID, OrgID: w.admin.ID})
		must(t, err)
		w.reasons = append(w.reasons, c.Reasons[0])
	}
	return w
}

// TestAppealLive files an appeal through the citizen's pages on the whole
// app, then works it on the back office's case page: the appeal panel and
// re-categorisation.
func TestAppealLive(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildAppealWorld(t, live)
		first, second := w.reasons[0], w.reasons[len(w.reasons)-1]

		cit := live.NewVisitor(t).SignedIn(w.citizen)
		cit.Get("/appeals/new").Expect(http.StatusOK, first.Title)
		key := keyInput.FindStringSubmatch(cit.Last)[1]
		text := "Во дворе большая яма <b>уже месяц</b>, машины объезжают по газону"
		answers := []string{"key", key, "reason", first.Code, "text", text, "lat", "59.925", "lon", "30.35", "address", "ул. Рубинштейна, 3"}

		// Outside every district: a clear message and the district select.
		cit.Post("/appeals/new", "key", key, "reason", first.Code, "text", text, "lat", "55.75", "lon", "37.61")
		cit.Expect(http.StatusUnprocessableEntity, "Точка за границами районов", "Центральный район")

		cit.Post("/appeals/new", answers...)
		cit.Expect(http.StatusOK, "Проверьте сообщение", "ул. Рубинштейна, 3", "Отправить сообщение")
		cit.PostFile("/appeals", "photos", "yama.png", testPNG(t), answers...)
		cit.Expect(http.StatusOK, "Сообщение отправлено", "в течение одного рабочего дня")
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(cit.URL, "/appeals/"), "/sent"), 10, 64)
		if err != nil {
			t.Fatalf("confirmation at %s", cit.URL)
		}
		// The same form again (a double click) files nothing new.
		cit.PostFile("/appeals", "photos", "yama.png", testPNG(t), answers...)
		if cit.URL != "/appeals/"+strconv.FormatInt(id, 10)+"/sent" {
			t.Errorf("the retry landed on %s", cit.URL)
		}

		// The official sees the appeal panel and changes the reason.
		off := live.NewVisitor(t).SignedIn(w.official)
		off.Get("/staff/cases/"+strconv.FormatInt(id, 10)).Expect(http.StatusOK, "Сообщение о проблеме", first.Title,
			"ул. Рубинштейна, 3", "59.925000, 30.350000", "Изменить причину", "&lt;b&gt;уже месяц&lt;/b&gt;")
		// A stale version: the case moved on while the official wrote.
		off.Post("/staff/appeals/"+strconv.FormatInt(id, 10)+"/recategorise", "version", "999", "reason", second.Code, "comment", "Не та причина")
		off.Expect(http.StatusConflict, "Не та причина")
		off.Post("/staff/appeals/"+strconv.FormatInt(id, 10)+"/recategorise", "version", versionOf(t, off.Last), "reason", "")
		off.Expect(http.StatusUnprocessableEntity, "Выберите причину сообщения")
		off.Post("/staff/appeals/"+strconv.FormatInt(id, 10)+"/recategorise", "version", versionOf(t, off.Last), "reason", second.Code, "comment", "Не та причина")
		off.Expect(http.StatusOK, "Причина изменена", second.Title, "Не та причина")

		// Once published, the answer's form offers the reason's canned
		// replies (script fills the comment from the select), and the
		// panel lists them for when script is off.
		op := live.NewVisitor(t).SignedIn(w.opTok)
		op.Get("/staff/cases/"+strconv.FormatInt(id, 10)).Expect(http.StatusOK, "Принять в работу")
		op.Post("/staff/cases/"+strconv.FormatInt(id, 10)+"/actions", "action", "publish", "version", versionOf(t, op.Last))
		op.Expect(http.StatusOK)
		off.Get("/staff/cases/"+strconv.FormatInt(id, 10)).Expect(http.StatusOK, `data-reply-to="act-answer-comment"`)
		if len(second.Replies) > 0 {
			off.Expect(http.StatusOK, "Шаблоны ответов по этой причине", `<option value="appeal-`+strconv.FormatInt(second.Replies[0].ID, 10)+`"`)
		}

		// The operator registers a caller's appeal: recorded as such.
		op.Get("/staff/appeals/new").Expect(http.StatusOK, "Телефон звонящего")
		call := []string{"key", keyInput.FindStringSubmatch(op.Last)[1], "caller_phone", "+7 921 555-44-33", "caller_first_name", "Пётр",
			"reason", first.Code, "text", "Звонок: во дворе яма у второго подъезда, сосед видел, его телефон +7 921 111-22-33", "lat", "59.926", "lon", "30.351"}
		op.Post("/staff/appeals/new", call...).Expect(http.StatusOK, "Проверьте сообщение", "Пётр")
		op.PostFile("/staff/appeals", "photos", "yama.png", testPNG(t), call...)
		op.Expect(http.StatusOK, "Сообщение отправлено", "Открыть дело")
		opID := strings.TrimSuffix(strings.TrimPrefix(op.URL, "/staff/appeals/"), "/sent")
		// Screening flagged the neighbour's phone for the moderator, by
		// kind, never by value.
		off.Get("/staff/cases/"+opID).Expect(http.StatusOK, "Сообщение о проблеме", "оператор за заявителя",
			"Отметки проверки", "Чужие персональные данные</strong> телефон")
	})
}

// versionOf reads the case's version from the recategorisation form.
func versionOf(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `action="/staff/appeals/`)
	if i < 0 {
		t.Fatal("no re-categorisation form")
	}
	const marker = `name="version" value="`
	j := strings.Index(page[i:], marker)
	if j < 0 {
		t.Fatal("no version in the form")
	}
	rest := page[i+j+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
