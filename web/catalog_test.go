package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/catalog/catalogtest"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/web/webtest"
)

// scriptTitle is the in-person service's title in these tests: pages must
// show it as text.
const scriptTitle = `<script>alert("x")</script> Разрешение на ларёк`

// catalogWorld is a live app with the test catalogue, a photo of the
// allowance's responsible person, and a simplified-level citizen.
type catalogWorld struct {
	f       catalogtest.Fixture
	photo   []byte
	citizen string // session token, simplified level
}

func buildCatalogWorld(t testing.TB, live *webtest.Live) catalogWorld {
	t.Helper()
	ctx := context.Background()
	var w catalogWorld
	var err error
	w.f, err = catalogtest.Load(ctx, live.App.Services, live.App.Orgs, catalogtest.Options{Edit: func(sv *catalog.Service) {
		if sv.Code == catalogtest.Stall {
			sv.Title = catalog.Text{"ru": scriptTitle}
		}
	}})
	must(t, err)
	w.photo = testPNG(t)
	must(t, live.App.Services.SetOwnerPhoto(ctx, okno.System, catalogtest.Allowance, w.photo))
	id := live.App.Identity
	contact := "katalog@example.ru"
	must(t, id.SignUp(ctx, identity.NewAccount{Contact: contact, Password: castPassword, DisplayName: "Читатель"}))
	must(t, id.Confirm(ctx, contact, live.CodeFor(t, contact)))
	ss, err := id.SignIn(ctx, identity.Credentials{Contact: contact, Password: castPassword})
	must(t, err)
	w.citizen = ss.Token
	return w
}

// TestCatalogPages walks the catalogue's pages as a person without an
// account, in Russian and English.
func TestCatalogPages(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildCatalogWorld(t, live)
		v := live.NewVisitor(t)
		escaped := "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Разрешение на ларёк"
		allowance := "Единовременное пособие при рождении ребёнка"
		meters := "Передача показаний счётчиков воды"
		committee := strconv.FormatInt(w.f.Committee.ID, 10)

		v.Get("/").Expect(http.StatusOK, `action="/services"`, "Рождение ребёнка", `href="/situations/child-birth"`,
			`href="/services?category=family"`, "Семья и дети", allowance, `href="/appeals/new"`, `href="/map"`, `href="/cabinet"`, `href="/services">Услуги</a>`)
		v.Get("/services").Expect(http.StatusOK, allowance, meters, escaped, "Комитет по социальной политике", "Рождение ребёнка", `hx-get="/services/search"`)
		noScript(t, v)
		v.Get("/services?q="+urlq("пособие")).Expect(http.StatusOK, "Найдено по запросу «пособие»", allowance)
		if strings.Contains(v.Last, meters) {
			t.Errorf("a search for the allowance lists the meters")
		}
		v.Get("/services?q="+urlq("gjcj,bt")).Expect(http.StatusOK, allowance) // «пособие», Latin layout
		v.Get("/services?q="+urlq(strings.Repeat("слово ", 12))).Expect(http.StatusOK, "Слишком длинный запрос", `href="#q"`)
		v.Get("/services?category=housing").Expect(http.StatusOK, meters)
		if strings.Contains(v.Last, allowance) {
			t.Errorf("the housing category lists the allowance")
		}
		v.Get("/services?q="+urlq("пособие")+"&level=municipal").Expect(http.StatusOK, "Ничего не нашлось")
		v.Get("/services/search?q="+urlq("ларек")).Expect(http.StatusOK, escaped)
		if strings.Contains(v.Last, "<html") || strings.Contains(v.Last, "<script>alert") {
			t.Errorf("the live search's fragment is a page or holds markup from data:\n%s", v.Last)
		}

		card := "/services/" + catalogtest.Allowance
		v.Get(card).Expect(http.StatusOK, allowance, `aria-current="page">Описание`, "Заполните заявление на портале", "Бесплатно",
			"Стандартная", "10 рабочих дней", "Ребёнок родился более шести месяцев назад", "Деньги на счёт в банке",
			`action="/services/child-birth-allowance/apply"`, `name="csrf_token"`, "Иванова Мария Петровна", "Начальник отдела выплат",
			`src="/services/child-birth-allowance/owner-photo" alt="Фотография: Иванова Мария Петровна"`, "Понадобится войти")
		v.Get(card+"?tab=documents").Expect(http.StatusOK, "Свидетельство о рождении ребёнка", "ведомство запросит само", "нужен оригинал")
		v.Get(card+"?tab=contacts").Expect(http.StatusOK, `href="/agencies/`+committee+`"`, "Санкт-Петербург, Невский пр., 1", "МФЦ Центрального района", "09:00–13:00", "выходной")
		v.Get(card+"?tab=more").Expect(http.StatusOK, "Как обжаловать решение", `href="https://example.org/social-code"`, "Правительство Санкт-Петербурга (тест)")
		live.NewVisitor(t).Get(card+"?lang=en").Expect(http.StatusOK, "One-off child birth allowance", "Description", "Apply")
		v.Get("/services/"+catalogtest.Meters).Expect(http.StatusOK, `href="/services/water-meter-readings/instant"`)
		v.Get("/services/"+catalogtest.Stall).Expect(http.StatusOK, escaped, "Эту услугу получают лично", "1\u202f500\u00a0₽")
		noScript(t, v)
		for _, bad := range []string{"/services/no-such-service", "/services/BAD_CODE", "/situations/nope", "/agencies/abc", "/agencies/" + strconv.FormatInt(w.f.Region.ID, 10), "/services/" + catalogtest.Meters + "/owner-photo"} {
			v.Get(bad).Expect(http.StatusNotFound)
		}
		v.Get("/services/no-such-service").Expect(http.StatusNotFound, "Такой услуги нет в каталоге")

		res, err := http.Get(live.URL + card + "/owner-photo")
		must(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || string(body) != string(w.photo) {
			t.Errorf("owner photo: %d %q, %d bytes; want the PNG", res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}

		v.Get("/situations/child-birth").Expect(http.StatusOK, "Рождение ребёнка", allowance, meters)
		if strings.Index(v.Last, allowance) > strings.Index(v.Last, meters) {
			t.Errorf("the situation's services are out of order")
		}
		v.Get("/agencies").Expect(http.StatusOK, `href="/agencies/`+committee+`"`, "Комитет по социальной политике", "3 услуги")
		v.Get("/agencies/"+committee).Expect(http.StatusOK, "Комитет по социальной политике Санкт-Петербурга (тест)", "Санкт-Петербург, Невский пр., 1", allowance, escaped)
		noScript(t, v)

		// A signed-in citizen below the service's level is told how to rise.
		c := live.NewVisitor(t).SignedIn(w.citizen)
		c.Get(card).Expect(http.StatusOK, "нужна учётная запись уровня «Стандартная», а у вас — «Упрощённая»", `href="/cabinet/level/check"`)
		c.Get("/services/" + catalogtest.Meters)
		if strings.Contains(c.Last, "/cabinet/level/check") {
			t.Errorf("a service for the simplified level tells the citizen to raise theirs")
		}
	})
}

// noScript fails when the last page holds the test's script as markup.
func noScript(t *testing.T, v *webtest.Visitor) {
	t.Helper()
	if strings.Contains(v.Last, `<script>alert`) {
		t.Errorf("%s shows a title as markup", v.URL)
	}
}

func urlq(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, " ", "+"), ",", "%2C") }

// TestCatalogSearchRateLimited: the live search answers a person typing,
// not a script.
func TestCatalogSearchRateLimited(t *testing.T) {
	live := webtest.StartLive(t, "")
	v := live.NewVisitor(t)
	limited := false
	for i := 0; i < 100 && !limited; i++ {
		v.Get("/services/search?q=" + urlq("пособие"))
		limited = v.Status == http.StatusTooManyRequests
	}
	if !limited {
		t.Errorf("100 searches in a row were all answered")
	}
}

// TestCatalogAPI reads the catalogue through the JSON API.
func TestCatalogAPI(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildCatalogWorld(t, live)
		get := func(path string, want int, into any) {
			t.Helper()
			res, err := http.Get(live.URL + path)
			must(t, err)
			defer res.Body.Close()
			if res.StatusCode != want {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("GET %s: %d, want %d: %s", path, res.StatusCode, want, b)
			}
			if into != nil {
				must(t, json.NewDecoder(res.Body).Decode(into))
			}
		}
		type list struct {
			Items []struct {
				Code    string            `json:"code"`
				Title   map[string]string `json:"title"`
				OrgName string            `json:"org_name"`
				Score   float64           `json:"score"`
			} `json:"items"`
			Next string `json:"next"`
		}
		var page list
		get("/api/v1/services?limit=2", 200, &page)
		// By title: "<" sorts before letters.
		if len(page.Items) != 2 || page.Next == "" || page.Items[0].Code != catalogtest.Stall || page.Items[1].Code != catalogtest.Allowance {
			t.Fatalf("first page = %+v", page)
		}
		var rest list
		get("/api/v1/services?limit=2&after="+page.Next, 200, &rest)
		if len(rest.Items) != 1 || rest.Next != "" || rest.Items[0].Code != catalogtest.Meters {
			t.Errorf("second page = %+v", rest)
		}
		var found list
		get("/api/v1/services?q="+urlq("показания счетчиков"), 200, &found)
		if len(found.Items) == 0 || found.Items[0].Code != catalogtest.Meters || found.Items[0].Score <= 0 || found.Items[0].OrgName == "" {
			t.Errorf("search = %+v", found)
		}
		var problem struct {
			Status int `json:"status"`
			Errors []struct {
				Field string `json:"field"`
			} `json:"errors"`
		}
		get("/api/v1/services?level=galactic&limit=0", 422, &problem)
		if len(problem.Errors) != 2 {
			t.Errorf("problem = %+v, want errors on level and limit", problem)
		}
		var card struct {
			Code      string `json:"code"`
			Assurance string `json:"assurance"`
			Offices   []struct {
				Address string `json:"address"`
			} `json:"offices"`
			Card struct {
				Documents []struct {
					ByBody bool `json:"by_body"`
				} `json:"documents"`
			} `json:"card"`
			Owner struct {
				PhotoURL string `json:"photo_url"`
			} `json:"owner"`
			Form struct {
				Schema map[string]any `json:"schema"`
				Layout map[string]any `json:"layout"`
			} `json:"form"`
		}
		get("/api/v1/services/"+catalogtest.Allowance, 200, &card)
		if card.Assurance != "standard" || len(card.Offices) != 1 || card.Offices[0].Address != w.f.Office.Address ||
			len(card.Card.Documents) != 2 || !card.Card.Documents[1].ByBody || card.Owner.PhotoURL == "" || card.Form.Schema["type"] != "object" || card.Form.Layout == nil {
			t.Errorf("card = %+v", card)
		}
		get("/api/v1/services/no-such-service", 404, nil)
	})
}
