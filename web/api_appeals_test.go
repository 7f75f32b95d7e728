package web_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
)

func TestAPIAppeals(t *testing.T) {
	s, f := appealServer(t)
	key := actor("apikey")
	citizen := actor("citizen-simplified")
	post := func(a string, path, body string, header ...string) *http.Response {
		r := actor(a).NewRequest("POST", path, strings.NewReader(body), "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return s.do(t, r)
	}
	photo := base64.StdEncoding.EncodeToString(pngPixel)

	// Filing: 201 with the appeal and its address; a retry with the same
	// key files nothing new. Without author_hint, the contact's e-mail
	// tells the client's users apart.
	body := `{"reason":"pothole","text":"Яма <script>x</script> на дороге","lat":59.93,"lon":30.33,"anonymous":true,` +
		`"contact":{"first_name":"Ирина","email":"i@example.ru"},"photos":[{"name":"a.png","content_base64":"` + photo + `"}]}`
	for range 2 {
		res := post("apikey", "/api/v1/appeals", body, "Idempotency-Key", "abc-1")
		b := expectStatus(t, res, http.StatusCreated)
		if loc := res.Header.Get("Location"); loc != "/api/v1/appeals/41" {
			t.Errorf("Location %q", loc)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(b), &got); err != nil {
			t.Fatal(err)
		}
		if got["id"] != 41.0 || got["ref"] != "П-2026-000041" || got["status"] != "moderation" || got["text"] != "Яма <script>x</script> на дороге" {
			t.Errorf("created %s", b)
		}
	}
	subs := f.submissions()
	if len(subs) != 1 {
		t.Fatalf("%d filed", len(subs))
	}
	if c := subs[0]; c.Channel != casework.ChannelAPI || !c.HasPoint || c.Lat != 59.93 || !c.Anonymous || c.IdempotencyKey != "abc-1" ||
		len(c.Photos) != 1 || string(c.Photos[0].Content) != string(pngPixel) || c.Contact.FirstName != "Ирина" || c.AuthorHint != "i@example.ru" {
		t.Errorf("submitted %+v", c)
	}

	// Bad input: problems naming the field, nothing filed.
	bad := []struct {
		name, body, field string
		status            int
	}{
		{"half a point", `{"reason":"pothole","text":"Яма на дороге","lat":59.9}`, "lat", 422},
		{"latitude out of range", `{"reason":"pothole","text":"Яма на дороге","lat":100,"lon":30}`, "lat", 422},
		{"photo not base64", `{"reason":"pothole","text":"Яма на дороге","lat":59.9,"lon":30.3,"photos":[{"name":"a.jpg","content_base64":"!!"}]}`, "photos[0].content_base64", 422},
		{"photo without a name", `{"reason":"pothole","text":"Яма на дороге","lat":59.9,"lon":30.3,"photos":[{"content_base64":"` + photo + `"}]}`, "photos[0].name", 422},
		{"six photos", `{"text":"Яма на дороге","photos":[{},{},{},{},{},{}]}`, "photos", 422},
		{"unknown field", `{"reason":"pothole","txt":"Яма"}`, "", 400},
		{"wrong type", `{"reason":"pothole","text":5}`, "text", 422},
		{"not JSON", `яма`, "", 400},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			res := post("apikey", "/api/v1/appeals", c.body)
			b := expectStatus(t, res, c.status)
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			if c.field != "" && !strings.Contains(b, `"field":"`+c.field+`"`) {
				t.Errorf("the problem does not name %s: %s", c.field, b)
			}
		})
	}
	if res := post("apikey", "/api/v1/appeals", `{}`, "Idempotency-Key", "ключ"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a non-ASCII key: %d", res.StatusCode)
	}
	// The feature's own refusals pass through with its field names made the API's.
	f.submitErr = okno.Invalid(okno.FieldError{Field: "point", Key: "web.appeals.point_outside"})
	b := expectStatus(t, post("apikey", "/api/v1/appeals", `{"reason":"pothole","text":"Яма на дороге","lat":55.7,"lon":37.6}`), http.StatusUnprocessableEntity)
	if !strings.Contains(b, `"field":"lat"`) || !strings.Contains(b, "Точка за границами районов") {
		t.Errorf("outside: %s", b)
	}
	f.submitErr = nil
	if n := len(f.submissions()); n != 1 {
		t.Errorf("%d filed after bad input", n)
	}
	// The anonymous may not file.
	if res := s.do(t, actor("anonymous").NewRequest("POST", "/api/v1/appeals", strings.NewReader(body), "application/json")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", res.StatusCode)
	}

	// One appeal; a listing, public: no flags.
	expectPage(t, s.do(t, key.NewRequest("GET", "/api/v1/appeals/41", nil, "")), http.StatusOK, `"id":41`, `"reason":{"id":11,"code":"pothole"`)
	expectPage(t, s.do(t, key.NewRequest("GET", "/api/v1/appeals/999", nil, "")), http.StatusNotFound, "urn:okno:problem:not_found")
	list := expectPage(t, s.do(t, citizen.NewRequest("GET", "/api/v1/appeals?status=open,answered&category=1&bbox=30,59,31,60&from=2026-11-01&limit=10", nil, "")),
		http.StatusOK, `"items":[`, `"next":"cursor-2"`)
	if strings.Contains(list, "flags") || strings.Contains(list, `"version"`) {
		t.Errorf("the public listing shows staff data: %s", list)
	}
	q := f.listed[len(f.listed)-1]
	if len(q.Statuses) != 2 || q.CategoryIDs[0] != 1 || q.BBox == nil || q.BBox.MaxLat != 60 || q.From.IsZero() || q.Limit != 10 {
		t.Errorf("query %+v", q)
	}
	for _, bad := range []string{"status=lost", "category=x", "bbox=1,2,3", "from=вчера", "limit=5000", "org=-1"} {
		if res := s.do(t, key.NewRequest("GET", "/api/v1/appeals?"+bad, nil, "")); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}

	// The taxonomy and the suggestion.
	expectPage(t, s.do(t, key.NewRequest("GET", "/api/v1/appeal-categories", nil, "")), http.StatusOK,
		`"code":"roads"`, `"hint":"Выбоины и провалы асфальта на дороге"`)
	expectPage(t, s.do(t, key.NewRequest("GET", "/api/v1/appeals/suggest?text=%D1%8F%D0%BC%D0%B0+%D0%BD%D0%B0+%D0%B4%D0%BE%D1%80%D0%BE%D0%B3%D0%B5", nil, "")),
		http.StatusOK, `"reason_code":"pothole"`, `"confidence":0.91`)
	expectPage(t, s.do(t, key.NewRequest("GET", "/api/v1/appeals/suggest?text=a&k=0", nil, "")), http.StatusUnprocessableEntity, `"field":"k"`)

	// Re-categorising and joining.
	expectStatus(t, post("apikey", "/api/v1/appeals/41/recategorise", `{"version":3,"reason":"road_signs","comment":"знак","reroute":true}`), http.StatusOK)
	if len(f.recat) != 1 || f.recat[0] != "41 v3 road_signs знак true" {
		t.Errorf("recategorised %v", f.recat)
	}
	expectPage(t, post("apikey", "/api/v1/appeals/41/recategorise", `{"version":3}`), http.StatusUnprocessableEntity, `"field":"reason"`)
	expectStatus(t, post("citizen-simplified", "/api/v1/appeals/41/join", ``), http.StatusOK)

	// The OpenAPI document describes them.
	expectPage(t, s.do(t, key.NewRequest("GET", "/api/v1/openapi.json", nil, "")), http.StatusOK,
		`"/api/v1/appeals"`, `"/api/v1/appeals/{id}/recategorise"`, `"/api/v1/appeal-categories"`, `"content_base64"`)
}
