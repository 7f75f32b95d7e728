package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/okno/okno/instant"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

var instantResultURL = regexp.MustCompile(`/cabinet/instant/(\d+)$`)

// petrSNILS is the demo citizen Пётр Петров's SNILS: the demo registry
// has him in the housing queue.
const petrSNILS = "112-233-445 95"

// TestInstantFines: a citizen checks a car's fines — a wrong number, a
// script typed in, then a real one — and sees them labelled as demo data,
// in both languages, in their history; another citizen cannot open them.
func TestInstantFines(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		putInstantServices(t, live)
		_, token := newInstantCitizen(t, live, "anna", "")
		v := live.NewVisitor(t).SignedIn(token)
		form := "/services/" + instantFines + "/instant"

		v.Get(form)
		v.Expect(200, "Проверка штрафов ГИБДД", "Демонстрационные данные", "СТС 78 УВ 123456",
			`name="/vehicle/stsSeries"`, `name="/vehicle/stsNumber"`, `name="/licence"`, "Получить результат")

		v.Post(form, "/vehicle/stsSeries", "78 УВ", "/vehicle/stsNumber", "12345")
		v.Expect(422, "Есть ошибки", `href="#f-vehicle-stsNumber"`, `value="12345"`, `value="78 УВ"`)
		v.Post(form)
		v.Expect(422, "Есть ошибки", "Введите номер свидетельства о регистрации ТС (СТС) или водительского удостоверения")
		v.Post(form, "/vehicle/stsSeries", `<script>alert(1)</script>`, "/vehicle/stsNumber", "123456")
		if v.Status != 422 || strings.Contains(v.Last, "<script>alert") || !strings.Contains(v.Last, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("a script typed in: %d, escaped: %v", v.Status, strings.Contains(v.Last, "&lt;script&gt;"))
		}
		if n := instantRequests(t, live); n != 0 {
			t.Errorf("%d requests recorded from invalid forms", n)
		}

		v.Post(form, "/vehicle/stsSeries", "78 yb", "/vehicle/stsNumber", "123456")
		v.Expect(200, "Неоплаченные штрафы", "Демонстрационные данные", "не имеют юридической силы",
			"ч. 1 ст. 12.12 КоАП РФ", "Проезд на запрещающий сигнал светофора", "включительно", "срок скидки истёк", "УИН для оплаты", "Сведения найдены")
		m := instantResultURL.FindStringSubmatch(v.URL)
		if m == nil {
			t.Fatalf("the result at %s", v.URL)
		}
		if strings.Contains(v.Last, "18810178260000000013") {
			t.Errorf("a paid fine is listed")
		}
		v.Get(v.URL + "?lang=en")
		v.Expect(200, "Unpaid fines", "Demonstration data", "Amount")
		v.Get(m[0] + "?lang=ru")

		v.Post(form, "/vehicle/stsSeries", "47 ОО", "/vehicle/stsNumber", "000001")
		v.Expect(200, "Неоплаченных штрафов нет", "Сведений нет", "Демонстрационные данные")

		v.Get("/cabinet/instant")
		v.Expect(200, "Мои запросы сведений и справки", "Неоплаченные штрафы", "Неоплаченных штрафов нет", `href="`+m[0]+`"`)

		_, other := newInstantCitizen(t, live, "boris", "")
		o := live.NewVisitor(t).SignedIn(other)
		o.Get(m[0])
		o.Expect(404)
		o.Get("/cabinet/instant")
		o.Expect(200, "Вы ещё не запрашивали")
	})
}

// TestInstantCertificate: the housing-queue certificate needs the standard
// level (a simplified account is told how to raise it); Пётр's form comes
// prefilled with his SNILS, and the result is a numbered certificate.
func TestInstantCertificate(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		putInstantServices(t, live)
		form := "/services/" + instantHousing + "/instant"

		_, simple := newInstantCitizen(t, live, "anna", "")
		s := live.NewVisitor(t).SignedIn(simple)
		s.Get(form)
		s.Expect(403, "/cabinet/level/check")
		s.Post(form, "/snils", petrSNILS)
		s.Expect(403, "/cabinet/level/check")

		_, token := newInstantCitizen(t, live, "petr", petrSNILS)
		v := live.NewVisitor(t).SignedIn(token)
		v.Get(form)
		v.Expect(200, `value="11223344595"`) // the profile keeps its digits
		v.Post(form, "/snils", "123-456-789 64")
		v.Expect(422, "Справку выдают только о себе")
		v.Post(form, "/snils", petrSNILS)
		v.Expect(200, "Справка", "Справка о статусе в очереди на жильё", "Номер справки", "И-20", "1234", "общая очередь",
			"Демонстрационные данные", "печатью в браузере")
	})
}

// TestInstantMeterReadings: readings are accepted with the previous ones
// shown; a reading below the previous one is refused at its field.
func TestInstantMeterReadings(t *testing.T) {
	live := webtest.StartLive(t, "")
	putInstantServices(t, live)
	_, token := newInstantCitizen(t, live, "anna", "")
	v := live.NewVisitor(t).SignedIn(token)
	form := "/services/" + instantMeters + "/instant"
	v.Get(form)
	v.Expect(200, `name="/account"`, `name="/cold"`)
	v.Post(form, "/account", "1234567890", "/cold", "100", "/hot", "")
	v.Expect(422, "Показания не могут быть меньше предыдущих: 120,5", `href="#f-cold"`, `value="100"`)
	v.Post(form, "/account", "1234567890", "/cold", "121,5", "/hot", "81")
	v.Expect(200, "Показания приняты", "Холодная вода", "120,5", "121,5", "Горячая вода", "Принято")
}

// TestInstantWithoutRegistry: with no registry connected the pages say the
// service is unavailable (503), never answering from made-up data.
func TestInstantWithoutRegistry(t *testing.T) {
	live := webtest.StartLive(t, "")
	putInstantServices(t, live)
	cast := webtest.Cast()
	deps := webtest.NewFakes(cast).Deps()
	deps.Services = live.App.Services
	deps.Instant = instant.New(instant.Deps{DB: live.App.DB, Catalog: live.App.Services, Profiles: live.App.Identity})
	srv := web.New(webtest.Config(), deps).Handler()
	citizen := cast[1]
	for _, method := range []string{"GET", "POST"} {
		body, ct := webtest.Form("/vehicle/stsNumber", "123456")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, citizen.NewRequest(method, "/services/"+instantFines+"/instant", body, ct))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "Услуга временно недоступна") ||
			strings.Contains(rec.Body.String(), "Демонстрационные данные") {
			t.Errorf("%s: %d %s", method, rec.Code, excerptOf(rec.Body.String()))
		}
	}
}

// instantRequests counts the recorded instant requests.
func instantRequests(t *testing.T, live *webtest.Live) int {
	t.Helper()
	var n int
	if err := live.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM instant_requests`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// excerptOf is the start of a page's main content, for messages.
func excerptOf(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	return page[:min(len(page), 400)]
}
