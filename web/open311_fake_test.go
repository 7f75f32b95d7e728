package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// What the Open311 tests share: a fake appeals service, a server built
// on it, and readers of the answers that check their shape (well-formed
// XML declared UTF-8 without namespaces, JSON) on the way.

// open311Now is the fake clock of these tests.
var open311Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// open311Fake implements web.Appeals for what Open311 uses, recording
// what it was asked.
type open311Fake struct {
	web.Appeals // the rest: unused here, nil

	mu        sync.Mutex
	submitted []appeal.Submission
	actors    []okno.Actor
	query     appeal.Query
	updates   appeal.UpdateQuery
	listed    []appeal.Appeal
}

func (f *open311Fake) Taxonomy(context.Context) (*appeal.Taxonomy, error) {
	return &appeal.Taxonomy{Categories: []appeal.Category{
		{ID: 1, Code: "roads", Title: "Дороги", TitleEn: "Roads", Reasons: []appeal.Reason{
			{ID: 11, Code: "pothole", Title: "Яма на проезжей части", TitleEn: "Pothole", Hint: "Яма, выбоина, провал асфальта", Keywords: []string{"яма", "асфальт"}},
			{ID: 12, Code: "signs", Title: "Дорожные знаки"},
		}},
		{ID: 2, Code: "yards", Title: "Дворы", Reasons: []appeal.Reason{
			{ID: 21, Code: "snow", Title: "Неубранный снег", Hint: "Снег и наледь во дворе"},
		}},
	}}, nil
}

func (f *open311Fake) Submit(_ context.Context, actor okno.Actor, in appeal.Submission) (appeal.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case in.Text == "flood":
		return appeal.Appeal{}, okno.Errorf(okno.ERATELIMITED, "appeal.rate_limited")
	case len([]rune(in.Text)) > 4000:
		var fe okno.FieldErrors
		fe.Add("text", "appeal.text_long", 4000)
		return appeal.Appeal{}, fe.Err()
	}
	f.submitted = append(f.submitted, in)
	f.actors = append(f.actors, actor)
	return appeal.Appeal{CaseID: 42, Status: appeal.StatusModeration, DueAt: time.Date(2026, 12, 20, 21, 0, 0, 0, time.UTC)}, nil
}

func (f *open311Fake) List(_ context.Context, q appeal.Query) (appeal.Page[appeal.Appeal], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.query = q
	return appeal.Page[appeal.Appeal]{Items: f.listed}, nil
}

func (f *open311Fake) Public(_ context.Context, id int64) (appeal.Appeal, error) {
	if id != 7 {
		return appeal.Appeal{}, okno.Errorf(okno.ENOTFOUND, "appeal.public.not_found")
	}
	return open311Sample(), nil
}

func (f *open311Fake) ByToken(_ context.Context, token string) (appeal.Appeal, error) {
	if token != "tok-123" {
		return appeal.Appeal{}, okno.Errorf(okno.ENOTFOUND, "appeal.public.not_found")
	}
	return appeal.Appeal{CaseID: 42, Status: appeal.StatusModeration}, nil
}

func (f *open311Fake) Updates(_ context.Context, q appeal.UpdateQuery) ([]appeal.Update, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = q
	return []appeal.Update{
		{ID: 501, CaseID: 7, Status: appeal.StatusOpen, At: time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)},
		{ID: 502, CaseID: 7, Status: appeal.StatusAnswered, Description: "Яму заделают до 1 декабря", At: time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC)},
		{ID: 503, CaseID: 8, Status: appeal.StatusFixedAuto, At: time.Date(2026, 11, 19, 11, 0, 0, 0, time.UTC)},
	}, nil
}

// open311Sample is a published appeal as the public sees it.
func open311Sample() appeal.Appeal {
	return appeal.Appeal{
		CaseID: 7, Ref: "2026-000007", ReasonCode: "pothole", ReasonTitle: "Яма на проезжей части",
		OrgName: "Администрация Центрального района", Lat: 59.9386, Lon: 30.3141, Address: "Невский пр., 1",
		Text: "Яма <b>глубокая</b> & опасная", Status: appeal.StatusFixed, AuthorName: "Анна",
		CreatedAt: time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC),
		ClosedAt: time.Date(2026, 11, 9, 7, 0, 0, 0, time.UTC), DueAt: time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC),
	}
}

// open311Key is the API key of the webtest cast's API client.
const open311Key = "okno_test_apikey"

// open311Districts implements web.Territories' listing with two districts.
type open311Districts struct{ web.Territories }

func (open311Districts) List(_ context.Context, q geo.ListQuery) ([]geo.Territory, error) {
	if q.Level != geo.LevelDistrict {
		return nil, nil
	}
	return []geo.Territory{{ID: 12, Name: "Центральный район", Level: geo.LevelDistrict}, {ID: 13, Name: "Выборгский район", Level: geo.LevelDistrict}}, nil
}

func newOpen311Server(t testing.TB) (*web.Server, *open311Fake) {
	t.Helper()
	fa := &open311Fake{}
	deps := webtest.NewFakes(webtest.Cast()).Deps()
	deps.Appeals = fa
	deps.Territories = open311Districts{}
	deps.Now = func() time.Time { return open311Now }
	return web.New(webtest.Config(), deps), fa
}

// open311Do sends a request the way an Open311 client does: no cookies,
// no CSRF token, a form body for POST.
func open311Do(t testing.TB, srv *web.Server, method, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec
}

// open311Node is an element of a parsed XML answer.
type open311Node struct {
	Name     string
	Text     string
	Children []*open311Node
}

// names lists the children's element names in order.
func (n *open311Node) names() []string {
	var out []string
	for _, c := range n.Children {
		out = append(out, c.Name)
	}
	return out
}

// child is the first child named name.
func (n *open311Node) child(name string) *open311Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return &open311Node{}
}

// open311ParseXML checks an XML answer is well-formed, declared UTF-8, without
// namespaces or attributes (the specification's plain XML), and returns
// its root element.
func open311ParseXML(t *testing.T, rec *httptest.ResponseRecorder) *open311Node {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Fatalf("Content-Type %q, want text/xml; charset=utf-8", ct)
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Fatalf("no UTF-8 XML declaration: %.80q", body)
	}
	dec := xml.NewDecoder(strings.NewReader(body))
	var stack []*open311Node
	var root *open311Node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("malformed XML: %v\n%s", err, body)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != "" || len(tok.Attr) > 0 {
				t.Fatalf("element %v has a namespace or attributes", tok.Name)
			}
			n := &open311Node{Name: tok.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root != nil {
				t.Fatal("two root elements")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	if root == nil {
		t.Fatal("no root element")
	}
	return root
}

// open311ParseJSON checks a JSON answer's type and decodes it.
func open311ParseJSON(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type %q, want application/json; charset=utf-8", ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, rec.Body)
	}
}

// open311Keys lists an object's keys in the order the answer has them.
func open311Keys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// open311Errors is the specification's error answer in JSON.
type open311Errors []struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// open311ExpectError checks an error answer in format f: its status, its code,
// and that the description mentions each of texts.
func open311ExpectError(t *testing.T, rec *httptest.ResponseRecorder, f string, status, code int, texts ...string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d\n%s", rec.Code, status, rec.Body)
	}
	var descs []string
	if f == "json" {
		var errs open311Errors
		open311ParseJSON(t, rec, &errs)
		for _, e := range errs {
			if e.Code != code {
				t.Errorf("error code %d, want %d", e.Code, code)
			}
			descs = append(descs, e.Description)
		}
	} else {
		root := open311ParseXML(t, rec)
		if root.Name != "errors" {
			t.Fatalf("root <%s>, want <errors>", root.Name)
		}
		for _, e := range root.Children {
			if diff := cmp.Diff([]string{"code", "description"}, e.names()); e.Name != "error" || diff != "" {
				t.Fatalf("<%s> in <errors> (-want +got):\n%s", e.Name, diff)
			}
			if got := e.child("code").Text; got != strconv.Itoa(code) {
				t.Errorf("error code %s, want %d", got, code)
			}
			descs = append(descs, e.child("description").Text)
		}
	}
	if len(descs) == 0 {
		t.Fatal("no errors in the answer")
	}
	all := strings.Join(descs, "\n")
	for _, s := range texts {
		if !strings.Contains(all, s) {
			t.Errorf("errors %q lack %q", all, s)
		}
	}
}
