package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/application"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

var draftURL = regexp.MustCompile(`^/applications/(\d+)/pages/([a-z]+)`)

// startDraft applies for a service as v and returns the draft's ID; v is
// left on the first page.
func startDraft(t *testing.T, v *webtest.Visitor, code string) int64 {
	t.Helper()
	v.Get("/cabinet")
	v.Post("/services/" + code + "/apply")
	v.Expect(200)
	m := draftURL.FindStringSubmatch(v.URL)
	if m == nil {
		t.Fatalf("after starting: at %s, want a form page", v.URL)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// applicationsOf counts a citizen's sent applications.
func applicationsOf(t *testing.T, live *webtest.Live, userID int64) int {
	t.Helper()
	page, err := live.App.Applications.Mine(context.Background(), okno.Actor{Kind: okno.ActorCitizen, UserID: userID}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range page.Items {
		if it.Kind == application.ItemApplication {
			n++
		}
	}
	return n
}

// TestApplyWholeApplication goes through a whole application on the
// pages: start → each page (a mistake, then fixed) → a repeatable group →
// a document → check your answers → change an answer → send (without the
// consent, then with it, then again) → the confirmation → "Мои заявки" →
// the case page; and the same draft refused to another citizen.
func TestApplyWholeApplication(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		putApplyServices(t, live, identity.AssuranceStandard)
		anna := newApplyCitizen(t, live, "anna", 1, true)
		v := live.NewVisitor(t).SignedIn(anna.token)

		// A visitor whose session ended goes to sign in, then to the card.
		anon := live.NewVisitor(t).NoRedirects()
		anon.Get("/design")
		anon.Post("/services/" + applyCode + "/apply")
		if anon.Status != 303 || anon.Location() != "/signin?next="+url.QueryEscape("/services/"+applyCode) {
			t.Errorf("anonymous start: %d to %q", anon.Status, anon.Location())
		}

		id := startDraft(t, v, applyCode)
		base := "/applications/" + strconv.FormatInt(id, 10)
		v.Expect(200, "Пособие для проверки", "Шаг 1 из 6", "О вас", `name="/name"`, "Как в паспорте", `inputmode="decimal"`)

		v.Post(base+"/pages/about", "page", "about", "/name", "А", "/age", "сорок", "/income", "1 000,50")
		v.Expect(422, "Есть ошибки", `href="#f-name"`, "не короче 2", `href="#f-age"`, "целое число", `value="сорок"`)
		v.Post(base+"/pages/about", "page", "about", "/name", "Анна Петрова", "/age", "34", "/income", "1 000,50")
		v.Expect(200, "Документы и контакты", "Шаг 2 из 6", `name="/birth.day"`)

		v.Post(base+"/pages/ids", "/birth.day", "31", "/birth.month", "2", "/birth.year", "1990", "/snils", "112-233-445 96", "/phone", "+7 921 555-44-33")
		v.Expect(422, `href="#f-birth"`, `value="31"`, `href="#f-snils"`)
		v.Post(base+"/pages/ids", "/birth.day", "1", "/birth.month", "4", "/birth.year", "1990", "/snils", validSNILS(101), "/phone", "+7 921 555-44-33")
		v.Expect(200, "Обстоятельства", "Я сам", "Представитель", "Центральный", `type="checkbox"`)

		v.Post(base+"/pages/choices", "/kind", "self", "/benefits", "large-family", "/hasCar", "false", "/district", "centralny")
		v.Expect(200, "Ребёнок 1", "Добавить ещё")

		v.Post(base+"/pages/children", "/children.n", "1", "/children/0/fullName", "Иван Петров", "action", "add:/children")
		v.Expect(200, "Ребёнок 2", `value="Иван Петров"`, "Удалить")
		v.Post(base+"/pages/children", "/children.n", "2", "/children/0/fullName", "Иван Петров", "/children/1/fullName", "Ли", "action", "continue")
		v.Expect(422, `href="#f-children-1-fullName"`, `value="Ли"`)
		v.Post(base+"/pages/children", "/children.n", "2", "/children/0/fullName", "Иван Петров", "/children/1/fullName", "Ли", "action", "remove:/children/1")
		v.Expect(200, "Ребёнок 1")
		if strings.Contains(v.Last, "Ребёнок 2") {
			t.Errorf("the removed child is still on the page")
		}
		v.Post(base+"/pages/children", "/children.n", "1", "/children/0/fullName", "Иван Петров", "/children/0/born.day", "5", "/children/0/born.month", "6", "/children/0/born.year", "2024")
		v.Expect(200, "Документы", `accept="image/png,image/jpeg,application/pdf"`, `capture="environment"`)

		v.Post(base+"/pages/files", "page", "files")
		v.Expect(422, "Приложите файл: Скан паспорта", `href="#f-scan"`)
		v.PostFile(base+"/pages/files", "/scan", "паспорт.png", testPNG(t), "page", "files", "action", "upload:/scan")
		v.Expect(200, "паспорт.png")
		v.PostFile(base+"/pages/files", "/docs", "справка.txt", []byte("not an image"), "page", "files", "action", "upload:/docs")
		v.Expect(422, "паспорт.png")
		v.PostFile(base+"/files", "/docs", "справка.png", testPNG(t), "page", "files")
		v.Expect(200, "паспорт.png", "справка.png")
		if !strings.HasSuffix(v.URL, "/pages/files") {
			t.Errorf("after attaching: at %s, want the page it was chosen on", v.URL)
		}
		v.Get(base + "/check")
		del := regexp.MustCompile(`href="(` + base + `/files/\d+)" download>справка\.png<`).FindStringSubmatch(v.Last)
		if del == nil {
			t.Fatal("the check page does not list the document")
		}
		req, _ := http.NewRequest("GET", live.URL+del[1], nil)
		req.AddCookie(&http.Cookie{Name: "okno_session", Value: anna.token})
		res, err := http.DefaultClient.Do(req)
		mustOK(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(body) != string(testPNG(t)) || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("downloading the document: %d, %d bytes, %v", res.StatusCode, len(body), res.Header)
		}
		v.Post(del[1] + "/delete")
		v.Expect(200, "паспорт.png")
		if strings.Contains(v.Last, "справка.png") {
			t.Errorf("the deleted document is still listed")
		}
		v.Get(base + "/pages/files")
		v.Post(base+"/pages/files", "page", "files")
		v.Expect(200, `<h1 class="heading-xl">Сведения верны</h1>`, "Да, подтверждаю")
		v.Post(base+"/pages/agree", "/agree", "true")
		v.Expect(200, "Проверьте ответы", "Анна Петрова", "1000.50", "Центральный", "Иван Петров", "Изменить", "паспорт.png",
			"Я даю согласие", "Отправить заявление")

		v.Get(base + "/pages/about?return=check")
		v.Expect(200, `name="return" value="check"`, "Сохранить и вернуться")
		v.Post(base+"/pages/about", "page", "about", "return", "check", "/name", "Анна Сергеевна Петрова", "/age", "34", "/income", "1000.50")
		v.Expect(200, "Проверьте ответы", "Анна Сергеевна Петрова")

		v.Post(base + "/submit")
		v.Expect(422, "Есть ошибки", `href="#f-consent"`)
		if n := applicationsOf(t, live, anna.id); n != 0 {
			t.Fatalf("%d applications sent without the consent", n)
		}
		v.Post(base+"/submit", "consent", "yes")
		v.Expect(200, "Заявление отправлено", "Номер заявления", "включительно", "Следить за заявлением")
		caseLink := regexp.MustCompile(`href="(/cabinet/cases/\d+)"`).FindStringSubmatch(v.Last)
		if caseLink == nil {
			t.Fatal("no link to the case on the confirmation")
		}
		v.Get("/cabinet")
		v.Post(base+"/submit", "consent", "yes") // a double click
		v.Expect(200, "Заявление отправлено")
		if n := applicationsOf(t, live, anna.id); n != 1 {
			t.Errorf("%d applications after submitting twice, want 1", n)
		}

		v.Get("/cabinet")
		v.Expect(200, `href="/cabinet/applications"`)
		v.Get("/cabinet/applications")
		v.Expect(200, "Мои заявки", "Пособие для проверки", caseLink[1])
		v.Get(caseLink[1])
		v.Expect(200, `href="/services/`+applyCode+`"`, "Пособие для проверки")

		other := newApplyCitizen(t, live, "boris", 2, true)
		ov := live.NewVisitor(t).SignedIn(other.token).NoRedirects()
		for _, p := range []string{base, base + "/pages/about", base + "/check", base + "/sent"} {
			if ov.Get(p); ov.Status != 404 {
				t.Errorf("another citizen GET %s: %d, want 404", p, ov.Status)
			}
		}
		ov.Get("/cabinet")
		if ov.Post(base + "/delete"); ov.Status != 404 {
			t.Errorf("another citizen deleting: %d, want 404", ov.Status)
		}
	})
}

// TestApplyDraftSurvivesSignOut fills a page, signs out, signs in again
// and finds the draft where it was left, values kept; then discards it
// after the confirmation step.
func TestApplyDraftSurvivesSignOut(t *testing.T) {
	live := webtest.StartLive(t, "")
	putApplyServices(t, live, identity.AssuranceStandard)
	vera := newApplyCitizen(t, live, "vera", 3, true)
	v := live.NewVisitor(t).SignedIn(vera.token)
	id := startDraft(t, v, applyCode)
	base := "/applications/" + strconv.FormatInt(id, 10)
	v.Post(base+"/pages/about", "/name", "Вера Иванова", "/age", "41")
	v.Expect(200, "Документы и контакты")
	v.Post("/signout")

	v = live.NewVisitor(t)
	v.Get("/signin?next=" + url.QueryEscape(base))
	v.Post("/signin", "contact", vera.contact, "password", vera.password, "next", base)
	v.Expect(200, "Документы и контакты")
	if !strings.HasSuffix(v.URL, "/pages/ids") {
		t.Errorf("resumed at %s, want the page left", v.URL)
	}
	v.Get(base + "/pages/about")
	v.Expect(200, `value="Вера Иванова"`, `value="41"`)

	v.Get(base + "/pages/about?lang=en")
	v.Expect(200, "Full name", "Step 1 of 6", "Continue")
	v.Get("/cabinet/applications?lang=ru")
	v.Expect(200, "Черновик", "Продолжить", base)
	v.Post(base + "/delete")
	v.Expect(200, "Удалить черновик?", "Да, удалить")
	v.Post(base+"/delete", "confirm", "yes")
	v.Expect(200, "Черновик удалён")
	v.NoRedirects().Get(base)
	if v.Status != 404 {
		t.Errorf("a deleted draft: %d, want 404", v.Status)
	}
}

// TestApplyLevelTooLow shows a citizen below the service's level how to
// raise it, rather than a bare refusal; staff may not apply.
func TestApplyLevelTooLow(t *testing.T) {
	live := webtest.StartLive(t, "")
	putApplyServices(t, live, identity.AssuranceStandard)
	weak := newApplyCitizen(t, live, "weak", 4, false)
	v := live.NewVisitor(t).SignedIn(weak.token)
	v.Get("/cabinet")
	v.Post("/services/" + applyCode + "/apply")
	v.Expect(403, "Нужна подтверждённая учётная запись", `href="/cabinet/level/check"`, "Пособие для проверки", `href="/services/`+applyCode+`"`)
	v.Post("/services/no-such-service/apply")
	if v.Status != 404 {
		t.Errorf("an unknown service: %d, want 404", v.Status)
	}
}

// TestApplyWithoutLayout applies for a service whose form has no layout:
// one page with every field, objects opened into their fields.
func TestApplyWithoutLayout(t *testing.T) {
	live := webtest.StartLive(t, "")
	putApplyServices(t, live, identity.AssuranceStandard)
	c := newApplyCitizen(t, live, "plain", 6, true)
	v := live.NewVisitor(t).SignedIn(c.token)
	id := startDraft(t, v, applyPlainCode)
	base := "/applications/" + strconv.FormatInt(id, 10)
	v.Expect(200, "Шаг 1 из 1", `name="/name"`, `name="/address/street"`, "Улица")
	v.Post(base+"/pages/form", "/name", "Я", "/address/street", "Невский проспект")
	v.Expect(422, `href="#f-name"`, `value="Невский проспект"`)
	v.Post(base+"/pages/form", "/name", "Яна", "/address/street", "Невский проспект")
	v.Expect(200, "Проверьте ответы", "Яна", "Невский проспект")
	v.Get(base)
	v.Expect(200, "Проверьте ответы")
	v.Post(base+"/submit", "consent", "yes")
	v.Expect(200, "Заявление отправлено")
}

// TestApplyDistrictFirst chooses from a large hierarchical directory: the
// district first, then only that district's schools; choosing another
// district drops a school that is not in it.
func TestApplyDistrictFirst(t *testing.T) {
	live := webtest.StartLive(t, "")
	putApplyServices(t, live, identity.AssuranceStandard)
	c := newApplyCitizen(t, live, "schools", 8, true)
	v := live.NewVisitor(t).SignedIn(c.token)
	base := "/applications/" + strconv.FormatInt(startDraft(t, v, applyCode), 10)
	v.Get(base + "/pages/choices")
	v.Expect(200, `name="/school.parent"`, `value="parent:/school"`, "Сначала выберите район")
	if strings.Contains(v.Last, "Школа № 1 (centralny)") {
		t.Errorf("schools listed before a district is chosen")
	}
	v.Post(base+"/pages/choices", "/school.parent", "primorsky", "action", "parent:/school")
	v.Expect(200, "Школа № 20 (primorsky)", `name="/school"`)
	if strings.Contains(v.Last, "(centralny)") {
		t.Errorf("another district's schools are listed")
	}
	v.Post(base+"/pages/choices", "/school.parent", "primorsky", "/school", "primorsky-7", "/kind", "self", "/district", "centralny")
	v.Expect(200, "Ребёнок 1")
	v.Get(base + "/pages/choices")
	v.Expect(200, `<option value="primorsky-7" selected>`, `<option value="primorsky" selected>`)
	v.Post(base+"/pages/choices", "/school.parent", "centralny", "/school", "primorsky-7", "/kind", "self", "action", "parent:/school")
	v.Expect(200, "Школа № 1 (centralny)")
	if strings.Contains(v.Last, `value="primorsky-7" selected`) {
		t.Errorf("a school of the district left is still chosen")
	}
}

// TestApplyMinePaging pages "Мои заявки" by keyset: the newest first, a
// link to the next page, the rest there.
func TestApplyMinePaging(t *testing.T) {
	live := webtest.StartLive(t, "")
	putApplyServices(t, live, identity.AssuranceStandard)
	c := newApplyCitizen(t, live, "many", 10, true)
	me := okno.Actor{Kind: okno.ActorCitizen, UserID: c.id}
	var ids []int64
	for range 23 {
		d, err := live.App.Applications.Start(context.Background(), me, applyCode)
		mustOK(t, err)
		ids = append(ids, d.ID)
	}
	v := live.NewVisitor(t).SignedIn(c.token)
	v.Get("/cabinet/applications")
	v.Expect(200, "Мои заявки", `rel="next"`)
	next := regexp.MustCompile(`href="(/cabinet/applications\?after=[^"]+)" rel="next"`).FindStringSubmatch(v.Last)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	first := strings.Count(v.Last, `class="apply-list__item"`)
	v.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
	v.Expect(200, `rel="prev"`)
	second := strings.Count(v.Last, `class="apply-list__item"`)
	if first != 20 || first+second != len(ids) {
		t.Errorf("pages of %d and %d drafts, want 20 and %d", first, second, len(ids)-20)
	}
	v.Get("/cabinet/applications?after=" + strings.Repeat("x", 300))
	if v.Status != 400 {
		t.Errorf("a cursor over the limit: %d, want 400", v.Status)
	}
}
