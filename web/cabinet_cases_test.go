package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/web/webtest"
)

// TestCitizenCasePages follows a citizen through "my cases": the list,
// the case page with what happens next and who is responsible, a request
// for information answered with a photo (after a missing comment and a
// stale form), the download, and the same pages refused to another
// citizen.
func TestCitizenCasePages(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	me := w.actor(t, "citizen-simplified")
	page := "/cabinet/cases/" + strconv.FormatInt(w.caseID, 10)
	v := live.NewVisitor(t).SignedIn(me.token)

	v.Get("/cabinet")
	v.Expect(200, `href="/cabinet/cases"`)
	v.Get("/cabinet/cases")
	v.Expect(200, "Мои дела", "Яма во дворе", "Модератор проверяет сообщение", "Ответ — до ", "включительно", "В работе")
	if strings.Contains(v.Last, "Нужно ваше действие") {
		t.Errorf("a case in moderation asks for the citizen's action")
	}

	act(t, live, w.actor(t, "staff-operator"), w.caseID, "publish", "")
	c := act(t, live, w.actor(t, "staff-official"), w.caseID, "request_info", "Уточните номер дома")
	v.Get("/cabinet/cases")
	v.Expect(200, "Нужно ваше действие", "Срок приостановлен")
	v.Get(page)
	v.Expect(200, "Яма во дворе", "Что нужно от вас", "Ответьте на его вопрос", "Уточните номер дома",
		"Сообщение исполнителя:", "Кто отвечает за дело сейчас", "Администрация Центрального района", "Ответить на запрос", "яма.png", "от вас")

	v.Get(page + "?action=reply")
	v.Expect(200, `enctype="multipart/form-data"`, `name="comment"`, `type="file"`, `name="version" value="`+strconv.FormatInt(c.Version, 10)+`"`)
	version := strconv.FormatInt(c.Version, 10)
	v.Post(page+"/actions", "action", "reply", "version", version)
	v.Expect(422, "Есть ошибки", `href="#f-comment"`)
	v.Post(page+"/actions", "action", "reply", "version", strconv.FormatInt(c.Version-1, 10), "comment", "Дом 5, второй подъезд")
	v.Expect(409, "Пока вы заполняли форму, дело изменилось", "Дом 5, второй подъезд")
	v.PostFile(page+"/actions", "documents", "подъезд.png", testPNG(t), "action", "reply", "version", version, "comment", "Дом 5, второй подъезд")
	v.Expect(200, "Готово", "Дом 5, второй подъезд", "подъезд.png", "Вы", "Исполнитель разбирается")

	link := regexp.MustCompile(`href="(/cabinet/cases/\d+/documents/\d+)" download>подъезд\.png<`).FindStringSubmatch(v.Last)
	if link == nil {
		t.Fatalf("no link to the photo on the page")
	}
	status, h, body := getAs(t, live, me.token, link[1])
	if status != 200 || string(body) != string(testPNG(t)) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != `attachment; filename="_______.png"; filename*=UTF-8''%D0%BF%D0%BE%D0%B4%D1%8A%D0%B5%D0%B7%D0%B4.png` {
		t.Errorf("download: %d, %d bytes, %v", status, len(body), h)
	}

	other := live.NewVisitor(t).SignedIn(w.actor(t, "another-citizen").token).NoRedirects()
	for _, path := range []string{page, page + "?action=reply", link[1]} {
		if other.Get(path); other.Status != 404 {
			t.Errorf("another citizen GET %s: %d", path, other.Status)
		}
	}
	other.Get("/cabinet/cases")
	other.Post(page+"/actions", "action", "reply", "version", strconv.FormatInt(c.Version+1, 10), "comment", "Я сосед")
	if other.Status != 404 {
		t.Errorf("another citizen acting: %d", other.Status)
	}
	after, err := live.App.Cases.Get(context.Background(), okno.System, w.caseID)
	mustOK(t, err)
	if after.Version != c.Version+1 {
		t.Errorf("version %d, want %d: only the citizen's own reply counts", after.Version, c.Version+1)
	}

	v.Get("/cabinet/cases?lang=en")
	v.Expect(200, "My cases", "Your report is with the responsible body")
}

// TestCitizenCasePagesForClosedCases: a case that closed offers reopening
// and says when it closed; a reply to it, from a form left open, is
// refused with a reason and changes nothing.
func TestCitizenCasePagesForClosedCases(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	me := w.actor(t, "citizen-simplified")
	page := "/cabinet/cases/" + strconv.FormatInt(w.caseID, 10)
	act(t, live, w.actor(t, "staff-operator"), w.caseID, "publish", "")
	act(t, live, w.actor(t, "staff-official"), w.caseID, "answer", "Яму заделали")
	v := live.NewVisitor(t).SignedIn(me.token)
	v.Get("/cabinet/cases")
	v.Expect(200, "Нужно ваше действие", "Ответ подготовлен")
	v.Get(page)
	v.Expect(200, "Подтвердить решение", "Проблема не решена", "Яму заделали")
	c := act(t, live, me, w.caseID, "confirm", "")

	v.Get(page)
	v.Expect(200, "Решено", "Дело закрыто", "Открыть снова")
	v.Post(page+"/actions", "action", "reply", "version", strconv.FormatInt(c.Version, 10), "comment", "И ещё")
	v.Expect(400, "Действие не выполнено")
	after, err := live.App.Cases.Get(context.Background(), okno.System, w.caseID)
	mustOK(t, err)
	if after.Version != c.Version || after.State != c.State {
		t.Errorf("the closed case changed: %d %s", after.Version, after.State)
	}
}

// TestCitizenChannels: the citizen chooses e-mail besides the cabinet.
func TestCitizenChannels(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	v := live.NewVisitor(t).SignedIn(w.actor(t, "citizen-simplified").token)
	v.Get("/cabinet/channels")
	v.Expect(200, "Как сообщать о ходе дел", "В личный кабинет уведомления приходят всегда", `type="checkbox"`, "Электронная почта", "СМС")
	v.Post("/cabinet/channels", "channels", "email")
	v.Expect(200, "Способы уведомлений сохранены", `value="email" checked`)
	if strings.Contains(v.Last, `value="sms" checked`) {
		t.Errorf("SMS is on without being chosen")
	}
	v.Post("/cabinet/channels", "channels", "pigeon")
	if v.Status < 400 || v.Status >= 500 || !strings.Contains(v.Last, "Есть ошибки") {
		t.Errorf("an unknown channel: %d", v.Status)
	}
}

// getAs loads path with a session, returning the status, headers and body.
func getAs(t *testing.T, live *webtest.Live, token, path string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", live.URL+path, nil)
	mustOK(t, err)
	req.AddCookie(&http.Cookie{Name: "okno_session", Value: token})
	res, err := http.DefaultClient.Do(req)
	mustOK(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	mustOK(t, err)
	return res.StatusCode, res.Header, b
}
