package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/web/webtest"
)

// pngPixel is a one-pixel PNG.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

var keyInput = regexp.MustCompile(`name="key" value="(web-[0-9a-f]{32})"`)

func TestAppealFormPage(t *testing.T) {
	s, _ := appealServer(t)
	citizen := actor("citizen-simplified")
	page := expectPage(t, s.do(t, citizen.NewRequest("GET", "/appeals/new", nil, "")), http.StatusOK,
		"Сообщить о проблеме", "Дороги", "Яма на проезжей части", "Выбоины и провалы асфальта на дороге",
		`name="reason" value="pothole"`, `id="text-counter" data-max="4000"`, `hx-get="/appeals/suggest"`,
		"Скрыть моё имя от других", `<option value="3">Центральный район</option>`, "appeal-form.js")
	if !keyInput.MatchString(page) {
		t.Error("the form has no idempotency key")
	}
	// Only citizens file through this form: staff are refused, the
	// anonymous are sent to sign in.
	if res := s.do(t, actor("staff-official").NewRequest("GET", "/appeals/new", nil, "")); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Errorf("staff: status %d", res.StatusCode)
	}
	if res := s.do(t, actor("anonymous").NewRequest("GET", "/appeals/new", nil, "")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: status %d", res.StatusCode)
	}
}

func TestAppealFormBadInput(t *testing.T) {
	s, f := appealServer(t)
	citizen := actor("citizen-simplified")
	post := func(pairs ...string) *http.Response {
		b, ct := webtest.Form(pairs...)
		return s.do(t, citizen.NewRequest("POST", "/appeals/new", b, ct))
	}
	long := strings.Repeat("я", 4001)
	cases := []struct {
		name  string
		pairs []string
		want  []string
	}{
		{"nothing", nil, []string{"Выберите причину сообщения", "Опишите проблему", "Отметьте место на карте или введите адрес"}},
		{"unknown reason and short text", []string{"reason", "teleport", "text", "яма", "address", "Невский, 1", "territory", "3"},
			[]string{"Такой причины нет", "не меньше 10 символов"}},
		{"long text", []string{"reason", "pothole", "text", long, "lat", "59.93", "lon", "30.33"},
			[]string{"не длиннее 4000 символов, сейчас 4001"}},
		{"half a point", []string{"reason", "pothole", "text", "Большая яма у дома", "lat", "59.93"},
			[]string{"Долгота — число от −180 до 180"}},
		{"not numbers", []string{"reason", "pothole", "text", "Большая яма у дома", "lat", "север", "lon", "1e999"},
			[]string{"Широта — число от −90 до 90", "Долгота — число от −180 до 180"}},
		{"outside every district", []string{"reason", "pothole", "text", "Большая яма у дома", "lat", "55.75", "lon", "37.61"},
			[]string{"Точка за границами районов", `<select class="select select--error" id="f-territory"`}},
		{"address without district", []string{"reason", "pothole", "text", "Большая яма у дома", "address", "Невский, 1"},
			[]string{"Выберите район, в котором находится этот адрес"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page := expectPage(t, post(c.pairs...), http.StatusUnprocessableEntity, append(c.want, "error-summary")...)
			// What was typed is kept.
			for i := 0; i+1 < len(c.pairs); i += 2 {
				if c.pairs[i] == "text" && !strings.Contains(page, c.pairs[i+1]) {
					t.Error("the text was not kept")
				}
			}
		})
	}
	if n := len(f.submissions()); n != 0 {
		t.Errorf("%d appeals filed from bad input", n)
	}
}

func TestAppealFiling(t *testing.T) {
	s, f := appealServer(t)
	citizen := actor("citizen-simplified")
	f.nearby = []appeal.Candidate{{Appeal: appeal.Appeal{CaseID: 9, Ref: "П-2026-00009", ReasonTitle: "Яма на проезжей части",
		Text: "Яма у подъезда <b>глубокая</b>", Address: "ул. Рубинштейна, 3", Status: appeal.StatusOpen, Supporters: 4}, Distance: 42.4, Similarity: 0.8}}
	f.byID[9] = f.nearby[0].Appeal

	// The first page leads to the check step: the answers, the appeals
	// nearby with a way to support one, and the photos.
	text := `Яма <script>alert(1)</script> у дома`
	b, ct := webtest.Form("key", "web-00112233445566778899aabbccddeeff", "reason", "pothole", "text", text,
		"lat", "59,934280", "lon", "30.335099", "address", "Невский пр., 28", "anonymous", "1")
	page := expectPage(t, s.do(t, citizen.NewRequest("POST", "/appeals/new", b, ct)), http.StatusOK,
		"Проверьте сообщение", "Похожие сообщения рядом", "П-2026-00009", "42 метра", "поддержали 4 человека",
		`action="/appeals/9/join"`, "Поддержать это сообщение", "Всё равно отправить моё",
		"Дороги — Яма на проезжей части", "Невский пр., 28 (59.934280, 30.335099)",
		`name="key" value="web-00112233445566778899aabbccddeeff"`, `enctype="multipart/form-data"`, `name="photos"`,
		"Яма у подъезда &lt;b&gt;глубокая&lt;/b&gt;", "Яма &lt;script&gt;alert(1)&lt;/script&gt; у дома")
	if strings.Contains(page, "<script>alert") {
		t.Error("the text is not escaped")
	}

	// "Change answers" brings the first page back with them.
	b, ct = multipartBody(t, nil, "key", "web-00112233445566778899aabbccddeeff", "reason", "pothole", "text", text, "lat", "59.934280", "lon", "30.335099", "anonymous", "1", "edit", "1")
	page = expectPage(t, s.do(t, citizen.NewRequest("POST", "/appeals/new", b, ct)), http.StatusOK, `value="59.934280"`, `id="f-anonymous" name="anonymous" value="1" checked`)
	if !strings.Contains(page, `id="reason-pothole" name="reason" value="pothole" checked`) {
		t.Error("the reason is not chosen again")
	}

	// The final send with photos files one appeal, recorded as sent
	// through the web; a second click with the same key files nothing new.
	send := func() *http.Response {
		b, ct := multipartBody(t, map[string][]byte{"yama.png": pngPixel}, "key", "web-00112233445566778899aabbccddeeff", "reason", "pothole",
			"text", text, "lat", "59.934280", "lon", "30.335099", "address", "Невский пр., 28", "anonymous", "1")
		return s.do(t, citizen.NewRequest("POST", "/appeals", b, ct))
	}
	for range 2 {
		res := send()
		expectStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/appeals/41/sent" {
			t.Fatalf("redirected to %q", loc)
		}
	}
	subs := f.submissions()
	if len(subs) != 1 {
		t.Fatalf("%d appeals filed, want 1", len(subs))
	}
	got := subs[0]
	if got.ReasonCode != "pothole" || got.Text != text || !got.HasPoint || got.Lat != 59.93428 || got.Lon != 30.335099 ||
		!got.Anonymous || got.Channel != casework.ChannelWeb || got.IdempotencyKey != "web-00112233445566778899aabbccddeeff" ||
		got.TerritoryID != 0 || len(got.Photos) != 1 || got.Photos[0].Name != "yama.png" || got.Address != "Невский пр., 28" {
		t.Errorf("submitted %+v", got)
	}

	// The confirmation page gives the reference and what happens next.
	expectPage(t, s.do(t, citizen.NewRequest("GET", "/appeals/41/sent", nil, "")), http.StatusOK,
		"Сообщение отправлено", "П-2026-000041", "в течение одного рабочего дня", "не позднее 22.12.2026 включительно",
		`href="/cabinet/cases/41"`)

	// Supporting an appeal nearby instead.
	res := s.do(t, citizen.NewRequest("POST", "/appeals/9/join", nil, ""))
	expectStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/appeals/9/joined" {
		t.Fatalf("join redirected to %q", loc)
	}
	expectPage(t, s.do(t, citizen.NewRequest("GET", "/appeals/9/joined", nil, "")), http.StatusOK,
		"Вы поддержали сообщение", "П-2026-00009", "Сообщение поддержали 5 человек")
	if res := s.do(t, citizen.NewRequest("POST", "/appeals/12345/join", nil, "")); res.StatusCode != http.StatusNotFound {
		t.Errorf("joining a missing appeal: %d", res.StatusCode)
	}
	if res := s.do(t, webtest.WithoutCSRF(citizen.NewRequest("POST", "/appeals/9/join", nil, ""))); res.StatusCode != http.StatusForbidden {
		t.Errorf("joining without the CSRF token: %d", res.StatusCode)
	}
}

func TestAppealSendRefused(t *testing.T) {
	s, f := appealServer(t)
	citizen := actor("citizen-simplified")
	pairs := []string{"key", "web-00112233445566778899aabbccddeeff", "reason", "pothole", "text", "Большая яма у дома", "address", "Невский, 1", "territory", "3"}

	// A photo the feature refuses comes back to the check step.
	f.submitErr = okno.Invalid(okno.FieldError{Field: "photos", Key: "web.appeals.photo_large", Args: []any{10}})
	b, ct := multipartBody(t, map[string][]byte{"big.jpg": []byte("not an image")}, pairs...)
	expectPage(t, s.do(t, citizen.NewRequest("POST", "/appeals", b, ct)), http.StatusUnprocessableEntity,
		"Проверьте сообщение", "Фотография больше 10 МБ", `href="#f-photos"`)

	// Too many appeals: the message, the answers kept, on the first page.
	f.submitErr = okno.Errorf(okno.ERATELIMITED, "web.appeals.suggest_wait")
	b, ct = multipartBody(t, nil, pairs...)
	res := s.do(t, citizen.NewRequest("POST", "/appeals", b, ct))
	expectPage(t, res, http.StatusTooManyRequests, "Слишком много запросов", "Большая яма у дома")

	// Answers changed behind the form's back are checked again.
	f.submitErr = nil
	b, ct = multipartBody(t, nil, "key", "web-00112233445566778899aabbccddeeff", "reason", "pothole", "text", "коротко")
	expectPage(t, s.do(t, citizen.NewRequest("POST", "/appeals", b, ct)), http.StatusUnprocessableEntity, "не меньше 10 символов")
	if n := len(f.submissions()); n != 0 {
		t.Errorf("%d appeals filed", n)
	}
}

func TestAppealSuggest(t *testing.T) {
	s, _ := appealServer(t)
	citizen := actor("citizen-simplified")
	get := func(text string) *http.Response {
		return s.do(t, citizen.NewRequest("GET", "/appeals/suggest?"+url.Values{"text": {text}}.Encode(), nil, ""))
	}
	page := expectPage(t, get("Огромная яма на дороге у дома"), http.StatusOK, "Похоже, это:", `data-choose="reason-pothole"`, "Яма на проезжей части")
	if strings.Contains(page, "<html") {
		t.Error("the fragment carries the layout")
	}
	if p := expectPage(t, get("яма"), http.StatusOK); strings.TrimSpace(p) != "" {
		t.Errorf("a short text suggests %q", p)
	}
	// Long texts cost more; the bucket runs dry and says when to come back.
	long := strings.Repeat("яма на дороге ", 100)
	limited := false
	for range 40 {
		res := get(long)
		body(t, res)
		if res.StatusCode == http.StatusTooManyRequests {
			limited = res.Header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Error("no rate limit on long texts")
	}
	// Another person has a bucket of their own.
	expectPage(t, s.do(t, actor("citizen-standard").NewRequest("GET", "/appeals/suggest?text=яма+на+дороге+большая", nil, "")), http.StatusOK, "Похоже, это:")
}

func TestAppealOperator(t *testing.T) {
	s, f := appealServer(t)
	op := actor("staff-operator")
	expectPage(t, s.do(t, op.NewRequest("GET", "/staff/appeals/new", nil, "")), http.StatusOK,
		"Регистрация сообщения по звонку", "Телефон звонящего", "У звонящего есть учётная запись")
	if res := s.do(t, actor("staff-official").NewRequest("GET", "/staff/appeals/new", nil, "")); res.StatusCode != http.StatusForbidden {
		t.Errorf("an official: status %d", res.StatusCode)
	}

	place := []string{"reason", "snow_yard", "text", "Во дворе не убран снег", "lat", "59.95", "lon", "30.31"}
	b, ct := webtest.Form(append([]string{"caller_phone", "12345"}, place...)...)
	expectPage(t, s.do(t, op.NewRequest("POST", "/staff/appeals/new", b, ct)), http.StatusUnprocessableEntity,
		"Введите имя звонящего", `href="#f-caller_phone"`)
	b, ct = webtest.Form(append([]string{"caller_phone", "+7 921 000-00-00", "find_account", "1"}, place...)...)
	expectPage(t, s.do(t, op.NewRequest("POST", "/staff/appeals/new", b, ct)), http.StatusUnprocessableEntity, "Учётной записи с этим телефоном нет")

	// A caller without an account: their name and phone go with it.
	b, ct = multipartBody(t, nil, append([]string{"key", "web-ffeeddccbbaa99887766554433221100", "caller_phone", "8 (921) 000-00-00",
		"caller_first_name", "Пётр", "caller_last_name", "Иванов"}, place...)...)
	res := s.do(t, op.NewRequest("POST", "/staff/appeals", b, ct))
	expectStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/staff/appeals/41/sent" {
		t.Fatalf("redirected to %q", loc)
	}
	// A caller with an account: filed for it.
	b, ct = multipartBody(t, nil, append([]string{"key", "web-ffeeddccbbaa99887766554433221101", "caller_phone", "+7 916 123-45-67", "find_account", "1"}, place...)...)
	expectStatus(t, s.do(t, op.NewRequest("POST", "/staff/appeals", b, ct)), http.StatusSeeOther)
	subs := f.submissions()
	if len(subs) != 2 {
		t.Fatalf("%d appeals filed", len(subs))
	}
	if c := subs[0]; c.Channel != casework.ChannelOperator || c.Contact.Phone != "+79210000000" || c.Contact.FirstName != "Пётр" || c.ApplicantID != 0 {
		t.Errorf("caller without an account: %+v", c)
	}
	if c := subs[1]; c.Channel != casework.ChannelOperator || c.ApplicantID != 777 || c.Contact.Phone != "" {
		t.Errorf("caller with an account: %+v", c)
	}
	expectPage(t, s.do(t, op.NewRequest("GET", "/staff/appeals/41/sent", nil, "")), http.StatusOK, "П-2026-000041", `href="/staff/cases/41"`)
}

func TestAppealDistricts(t *testing.T) {
	s, _ := appealServer(t)
	res := s.do(t, actor("anonymous").NewRequest("GET", "/appeals/districts.geojson", nil, ""))
	b := expectStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("content type %q", ct)
	}
	if !strings.Contains(b, `"name":"Центральный район"`) || !strings.Contains(b, `"coordinates":[[[[30,59],[31,59],[31,61],[30,59]]]]`) {
		t.Errorf("districts: %s", b)
	}
}
