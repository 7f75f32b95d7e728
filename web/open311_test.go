package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/casework"
)

// The Open311 door against a fake appeals service (open311_fake_test.go):
// every resource in both formats, every error the specification names,
// and the documents' shapes checked element by element against the
// specification's examples. Live tests with the real app are in
// open311_live_test.go.

func TestOpen311Discovery(t *testing.T) {
	srv, _ := newOpen311Server(t)
	for _, path := range []string{"/open311/v2/discovery.xml", "/open311/discovery.xml"} {
		rec := open311Do(t, srv, "GET", path, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: status %d\n%s", path, rec.Code, rec.Body)
		}
		root := open311ParseXML(t, rec)
		if diff := cmp.Diff([]string{"changeset", "contact", "key_service", "endpoints"}, root.names()); root.Name != "discovery" || diff != "" {
			t.Fatalf("<%s> (-want +got):\n%s", root.Name, diff)
		}
		ep := root.child("endpoints").child("endpoint")
		if diff := cmp.Diff([]string{"specification", "url", "changeset", "type", "formats"}, ep.names()); diff != "" {
			t.Errorf("endpoint (-want +got):\n%s", diff)
		}
		if got := ep.child("url").Text; got != "http://example.com/open311/v2" {
			t.Errorf("url %q", got)
		}
		var formats []string
		for _, c := range ep.child("formats").Children {
			formats = append(formats, c.Name+"="+c.Text)
		}
		if diff := cmp.Diff([]string{"format=text/xml", "format=application/json"}, formats); diff != "" {
			t.Errorf("formats (-want +got):\n%s", diff)
		}
	}
	rec := open311Do(t, srv, "GET", "/open311/v2/discovery.json", nil)
	var d struct {
		Changeset, Contact, KeyService string
		Endpoints                      []struct {
			Specification, URL, Changeset, Type string
			Formats                             []string
		}
	}
	open311ParseJSON(t, rec, &d)
	if len(d.Endpoints) != 1 || d.Endpoints[0].Specification != "http://wiki.open311.org/GeoReport_v2" ||
		d.Endpoints[0].Type != "production" || !slices.Equal(d.Endpoints[0].Formats, []string{"text/xml", "application/json"}) {
		t.Errorf("discovery: %+v", d)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("public reads must be open to other sites' scripts")
	}
}

func TestOpen311Services(t *testing.T) {
	srv, _ := newOpen311Server(t)
	rec := open311Do(t, srv, "GET", "/open311/v2/services.xml?jurisdiction_id=example.com", nil)
	root := open311ParseXML(t, rec)
	if root.Name != "services" || len(root.Children) != 3 {
		t.Fatalf("<%s> with %d children, want <services> with 3", root.Name, len(root.Children))
	}
	s := root.Children[0]
	if diff := cmp.Diff([]string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}, s.names()); s.Name != "service" || diff != "" {
		t.Fatalf("<%s> (-want +got):\n%s", s.Name, diff)
	}
	got := map[string]string{}
	for _, c := range s.Children {
		got[c.Name] = c.Text
	}
	want := map[string]string{"service_code": "pothole", "service_name": "Яма на проезжей части", "description": "Яма, выбоина, провал асфальта",
		"metadata": "true", "type": "realtime", "keywords": "яма, асфальт", "group": "Дороги"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("service (-want +got):\n%s", diff)
	}

	rec = open311Do(t, srv, "GET", "/open311/v2/services.json", nil)
	var raw []json.RawMessage
	open311ParseJSON(t, rec, &raw)
	if len(raw) != 3 {
		t.Fatalf("%d services, want 3", len(raw))
	}
	var signs map[string]any
	json.Unmarshal(raw[1], &signs)
	wantSigns := map[string]any{"service_code": "signs", "service_name": "Дорожные знаки", "description": nil, "metadata": true,
		"type": "realtime", "keywords": nil, "group": "Дороги"}
	if diff := cmp.Diff(wantSigns, signs); diff != "" {
		t.Errorf("service without a hint (-want +got):\n%s", diff)
	}

	// English readers get English names where the taxonomy has them.
	req := httptest.NewRequest("GET", "/open311/v2/services.json", nil)
	req.Header.Set("Accept-Language", "en")
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	var en []map[string]any
	open311ParseJSON(t, rec, &en)
	if en[0]["service_name"] != "Pothole" || en[0]["group"] != "Roads" || en[1]["service_name"] != "Дорожные знаки" {
		t.Errorf("English names: %v", en[:2])
	}
}

func TestOpen311ServiceDefinition(t *testing.T) {
	srv, _ := newOpen311Server(t)
	rec := open311Do(t, srv, "GET", "/open311/v2/services/pothole.xml", nil)
	root := open311ParseXML(t, rec)
	if diff := cmp.Diff([]string{"service_code", "attributes"}, root.names()); root.Name != "service_definition" || diff != "" {
		t.Fatalf("<%s> (-want +got):\n%s", root.Name, diff)
	}
	if got := root.child("attributes").names(); !slices.Equal(got, []string{"attribute", "attribute"}) {
		t.Fatalf("attributes %v, want anonymous and district", got)
	}
	attr := root.child("attributes").child("attribute")
	wantNames := []string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
	if diff := cmp.Diff(wantNames, attr.names()); diff != "" {
		t.Fatalf("attribute (-want +got):\n%s", diff)
	}
	if attr.child("code").Text != "anonymous" || attr.child("datatype").Text != "singlevaluelist" || attr.child("required").Text != "false" {
		t.Errorf("attribute: %+v", attr)
	}
	var keys []string
	for _, v := range attr.child("values").Children {
		if diff := cmp.Diff([]string{"key", "name"}, v.names()); v.Name != "value" || diff != "" {
			t.Fatalf("<%s> (-want +got):\n%s", v.Name, diff)
		}
		keys = append(keys, v.child("key").Text)
	}
	if !slices.Equal(keys, []string{"true", "false"}) {
		t.Errorf("values %v", keys)
	}

	rec = open311Do(t, srv, "GET", "/open311/v2/services/pothole.json", nil)
	var def struct {
		ServiceCode string `json:"service_code"`
		Attributes  []struct {
			Variable bool
			Code     string
			Required bool
			Order    int
			Values   []struct{ Key, Name string }
		}
	}
	open311ParseJSON(t, rec, &def)
	if def.ServiceCode != "pothole" || len(def.Attributes) != 2 || !def.Attributes[0].Variable || def.Attributes[0].Order != 1 ||
		len(def.Attributes[0].Values) != 2 {
		t.Fatalf("definition: %+v", def)
	}
	district := def.Attributes[1]
	if district.Code != "district" || district.Required || district.Order != 2 ||
		!slices.Equal(district.Values, []struct{ Key, Name string }{{"12", "Центральный район"}, {"13", "Выборгский район"}}) {
		t.Errorf("district attribute: %+v", district)
	}

	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/services/nope.xml", nil), "xml", 404, 404, "nope")
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/services/nope.json", nil), "json", 404, 404, "nope")
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/services/pothole.html", nil), "xml", 400, 400, ".xml")
	open311ExpectError(t, open311Do(t, srv, "GET", "/open311/v2/services/pothole", nil), "xml", 400, 400, ".json")
}

// open311Form is a complete service request as FixMyStreet sends one.
func open311Form() url.Values {
	return url.Values{
		"api_key": {open311Key}, "jurisdiction_id": {"example.com"}, "service_code": {"pothole"},
		"lat": {"59.9386"}, "long": {"30.3141"}, "address_string": {"Невский пр., 1"},
		"email": {"Anna@Example.org"}, "device_id": {"dev-1"}, "account_id": {"acc-9"},
		"first_name": {"Анна"}, "last_name": {"Иванова"}, "phone": {"+7 921 000-00-00"},
		"description": {"Глубокая яма у перехода, машины объезжают по встречной"},
		"media_url":   {"http://169.254.169.254/latest/meta-data/"}, "attribute[anonymous]": {"true"},
		"attribute[unknown]": {"ignored"},
	}
}

func TestOpen311CreateRequest(t *testing.T) {
	for _, f := range []string{"xml", "json"} {
		t.Run(f, func(t *testing.T) {
			srv, fa := newOpen311Server(t)
			rec := open311Do(t, srv, "POST", "/open311/v2/requests."+f, open311Form())
			if rec.Code != 200 {
				t.Fatalf("status %d\n%s", rec.Code, rec.Body)
			}
			if f == "xml" {
				root := open311ParseXML(t, rec)
				req := root.child("request")
				if root.Name != "service_requests" || len(root.Children) != 1 || req.Name != "request" {
					t.Fatalf("answer %+v", root)
				}
				if diff := cmp.Diff([]string{"service_request_id", "service_notice"}, req.names()); diff != "" {
					t.Errorf("request (-want +got):\n%s", diff)
				}
				if req.child("service_request_id").Text != "42" || !strings.Contains(req.child("service_notice").Text, "21.12.2026") {
					t.Errorf("request %+v", req)
				}
			} else {
				var out []map[string]any
				open311ParseJSON(t, rec, &out)
				if len(out) != 1 || out[0]["service_request_id"] != "42" {
					t.Errorf("answer %v", out)
				}
				if _, ok := out[0]["token"]; ok {
					t.Error("a token must not come with a service_request_id")
				}
			}
			want := appeal.Submission{
				ReasonCode: "pothole", Text: "Глубокая яма у перехода, машины объезжают по встречной",
				HasPoint: true, Lat: 59.9386, Lon: 30.3141, Address: "Невский пр., 1", Anonymous: true,
				Channel: casework.ChannelOpen311, AuthorHint: "Anna@Example.org",
				Contact: appeal.Contact{FirstName: "Анна", LastName: "Иванова", Phone: "+7 921 000-00-00", Email: "Anna@Example.org", DeviceID: "dev-1"},
			}
			if len(fa.submitted) != 1 {
				t.Fatalf("%d submissions", len(fa.submitted))
			}
			if diff := cmp.Diff(want, fa.submitted[0]); diff != "" {
				t.Errorf("submission (-want +got):\n%s", diff)
			}
			if a := fa.actors[0]; a.Kind != okno.ActorAPIKey || a.APIKeyID != 9 || a.OrgID != 7 {
				t.Errorf("submitted as %+v, want the key's actor", a)
			}
		})
	}
}

func TestOpen311CreateRequestHints(t *testing.T) {
	srv, fa := newOpen311Server(t)
	form := open311Form()
	form.Del("email")
	form.Del("lat")
	form.Del("long")
	form.Set("attribute[anonymous]", "false")
	form.Set("attribute[district]", "13")
	if rec := open311Do(t, srv, "POST", "/open311/v2/requests.json", form); rec.Code != 200 {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body)
	}
	got := fa.submitted[0]
	if got.AuthorHint != "dev-1" || got.HasPoint || got.Address != "Невский пр., 1" || got.Anonymous || got.TerritoryID != 13 {
		t.Errorf("an address-only request by device: %+v", got)
	}
}

// TestOpen311CreateRequestBearer files with the JSON API's header instead
// of api_key, as a client of both may.
func TestOpen311CreateRequestBearer(t *testing.T) {
	srv, fa := newOpen311Server(t)
	form := open311Form()
	form.Del("api_key")
	req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+open311Key)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || len(fa.actors) != 1 || fa.actors[0].APIKeyID != 9 {
		t.Fatalf("status %d, actors %+v\n%s", rec.Code, fa.actors, rec.Body)
	}
}

func TestOpen311CreateRequestPhotos(t *testing.T) {
	srv, fa := newOpen311Server(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range open311Form() {
		mw.WriteField(k, vs[0])
	}
	for _, name := range []string{"a.jpg", "b.png"} {
		w, _ := mw.CreateFormFile("media", name)
		w.Write([]byte("bytes of " + name))
	}
	mw.Close()
	req := httptest.NewRequest("POST", "/open311/v2/requests.xml", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body)
	}
	var got []string
	for _, p := range fa.submitted[0].Photos {
		got = append(got, p.Name+":"+string(p.Content))
	}
	if diff := cmp.Diff([]string{"a.jpg:bytes of a.jpg", "b.png:bytes of b.png"}, got); diff != "" {
		t.Errorf("photos (-want +got):\n%s", diff)
	}

	req = httptest.NewRequest("POST", "/open311/v2/requests.xml", strings.NewReader("--x\r\nbroken"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	open311ExpectError(t, rec, "xml", 400, 400, "multipart/form-data")
}

func TestOpen311CreateRequestErrors(t *testing.T) {
	with := func(change func(url.Values)) url.Values {
		f := open311Form()
		change(f)
		return f
	}
	for _, tc := range []struct {
		name         string
		path         string
		form         url.Values
		status, code int
		texts        []string
	}{
		{"no api_key", "requests.xml", with(func(f url.Values) { f.Del("api_key") }), 403, 403, []string{"api_key"}},
		{"wrong api_key", "requests.json", with(func(f url.Values) { f.Set("api_key", "okno_wrong") }), 403, 403, []string{"api_key"}},
		{"not a key", "requests.xml", with(func(f url.Values) { f.Set("api_key", "xyz") }), 403, 403, []string{"api_key"}},
		{"no service_code", "requests.xml", with(func(f url.Values) { f.Del("service_code") }), 400, 400, []string{"service_code"}},
		{"unknown service_code", "requests.json", with(func(f url.Values) { f.Set("service_code", "teleport") }), 404, 404, []string{"teleport"}},
		{"unknown jurisdiction", "requests.xml", with(func(f url.Values) { f.Set("jurisdiction_id", "other.org") }), 404, 404, []string{"other.org"}},
		{"malformed lat", "requests.xml", with(func(f url.Values) { f.Set("lat", "59,93") }), 400, 400, []string{"lat: "}},
		{"lat out of range", "requests.json", with(func(f url.Values) { f.Set("lat", "91") }), 400, 400, []string{"lat: "}},
		{"NaN long", "requests.json", with(func(f url.Values) { f.Set("long", "NaN") }), 400, 400, []string{"long: "}},
		{"lat without long", "requests.xml", with(func(f url.Values) { f.Del("long") }), 400, 400, []string{"long: "}},
		{"no location", "requests.xml", with(func(f url.Values) { f.Del("lat"); f.Del("long"); f.Del("address_string") }), 400, 400, []string{"location: ", "lat", "address_string"}},
		{"address_id only", "requests.json", with(func(f url.Values) {
			f.Del("lat")
			f.Del("long")
			f.Del("address_string")
			f.Set("address_id", "545483")
		}), 400, 400, []string{"address_id: "}},
		{"huge description", "requests.xml", with(func(f url.Values) { f.Set("description", strings.Repeat("я", 4001)) }), 400, 400, []string{"description: "}},
		{"huge form", "requests.json", with(func(f url.Values) { f.Set("description", strings.Repeat("a", 1<<20)) }), 400, 413, nil},
		{"huge name", "requests.xml", with(func(f url.Values) { f.Set("first_name", strings.Repeat("я", 501)) }), 400, 400, []string{"first_name: "}},
		{"bad district", "requests.xml", with(func(f url.Values) { f.Set("attribute[district]", "Центральный") }), 400, 400, []string{"attribute[district]: "}},
		{"bad anonymity", "requests.json", with(func(f url.Values) { f.Set("attribute[anonymous]", "maybe") }), 400, 400, []string{"attribute[anonymous]: "}},
		{"flood", "requests.xml", with(func(f url.Values) { f.Set("description", "flood") }), 400, 429, nil},
		{"unknown format", "requests.html", open311Form(), 400, 400, []string{".xml"}},
		{"nothing to create there", "services.xml", open311Form(), 404, 404, nil},
		{"updates are not taken", "servicerequestupdates.xml", open311Form(), 404, 404, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, fa := newOpen311Server(t)
			rec := open311Do(t, srv, "POST", "/open311/v2/"+tc.path, tc.form)
			f := "xml"
			if strings.HasSuffix(tc.path, ".json") {
				f = "json"
			}
			open311ExpectError(t, rec, f, tc.status, tc.code, tc.texts...)
			if len(fa.submitted) != 0 {
				t.Error("a refused request changed something")
			}
		})
	}
	t.Run("rate limit says when to retry", func(t *testing.T) {
		srv, _ := newOpen311Server(t)
		rec := open311Do(t, srv, "POST", "/open311/v2/requests.xml", with(func(f url.Values) { f.Set("description", "flood") }))
		if rec.Header().Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}
