package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/web"
	"github.com/okno/okno/web/webtest"
)

// apiClient calls the API of a live app as one member of the matrix's
// cast: with its API key, or with its session cookie and the session's
// CSRF token in a header, as the portal's own scripts would.
type apiClient struct {
	t    *testing.T
	live *webtest.Live
	ra   realActor
	csrf string
	lang string // Accept-Language; "" sends none
}

func newAPIClient(t *testing.T, live *webtest.Live, ra realActor) *apiClient {
	t.Helper()
	c := &apiClient{t: t, live: live, ra: ra}
	if ra.token != "" {
		page := live.NewVisitor(t).SignedIn(ra.token).Get("/design").Last
		m := csrfTokenRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no CSRF token on the page", ra.name)
		}
		c.csrf = m[1]
	}
	return c
}

// actor finds a member of the cast by name.
func (w world) actor(t *testing.T, name string) realActor {
	t.Helper()
	for _, ra := range w.cast {
		if ra.name == name {
			return ra
		}
	}
	t.Fatalf("no %s in the cast", name)
	return realActor{}
}

// do sends a request; header holds pairs of names and values.
func (c *apiClient) do(method, path string, body io.Reader, contentType string, header ...string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.live.URL+path, body)
	mustOK(c.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.ra.token != "" {
		req.AddCookie(&http.Cookie{Name: "okno_session", Value: c.ra.token})
		req.Header.Set(web.CSRFHeader, c.csrf)
	}
	if c.ra.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.ra.key)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	mustOK(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	mustOK(c.t, err)
	return res.StatusCode, res.Header, b
}

// call sends in as JSON (nil: no body) and decodes a success answer into
// out (nil: none). It returns the status and the body.
func (c *apiClient) call(method, path string, in, out any, header ...string) (int, []byte) {
	c.t.Helper()
	var body io.Reader
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		mustOK(c.t, err)
		body, ct = bytes.NewReader(b), "application/json"
	}
	status, _, b := c.do(method, path, body, ct, header...)
	if out != nil && status < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
	return status, b
}

// upload is a file in a multipart request.
type upload struct {
	field, name string
	content     []byte
}

// postFiles posts a multipart body: request as the JSON part "request"
// (nil: none), fields as plain parts, and the files.
func (c *apiClient) postFiles(path string, request any, fields map[string]string, files ...upload) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if request != nil {
		b, err := json.Marshal(request)
		mustOK(c.t, err)
		mustOK(c.t, mw.WriteField("request", string(b)))
	}
	for k, v := range fields {
		mustOK(c.t, mw.WriteField(k, v))
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile(f.field, f.name)
		mustOK(c.t, err)
		_, err = fw.Write(f.content)
		mustOK(c.t, err)
	}
	mustOK(c.t, mw.Close())
	status, _, b := c.do("POST", path, &body, mw.FormDataContentType())
	return status, b
}

// caseAnswer is what the tests read of a case in the API.
type caseAnswer struct {
	ID         int64          `json:"id"`
	Ref        string         `json:"ref"`
	State      string         `json:"state"`
	StateTitle string         `json:"state_title"`
	Version    int64          `json:"version"`
	Channel    string         `json:"channel"`
	OrgID      int64          `json:"org_id"`
	Data       map[string]any `json:"data"`
}

// problemAnswer is an RFC 9457 problem as the tests read it.
type problemAnswer struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func readProblem(t *testing.T, b []byte) problemAnswer {
	t.Helper()
	var p problemAnswer
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("not a problem: %v\n%s", err, b)
	}
	return p
}

func (p problemAnswer) fields() []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

func casePath(id int64) string { return "/api/v1/cases/" + strconv.FormatInt(id, 10) }

// act moves a case through the engine directly, as a member of the cast.
func act(t *testing.T, live *webtest.Live, ra realActor, id int64, action, comment string) casework.Case {
	t.Helper()
	ctx := context.Background()
	c, err := live.App.Cases.Get(ctx, ra.actor, id)
	mustOK(t, err)
	c, err = live.App.Cases.Act(ctx, ra.actor, casework.ActionInput{CaseID: id, Version: c.Version, Action: action, Comment: comment})
	mustOK(t, err)
	return c
}

func TestCaseAPIOpenAndRead(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		key := newAPIClient(t, live, w.actor(t, "apikey"))
		in := map[string]any{"process": "appeal", "org_id": w.a.ID, "subject": "Не горит фонарь", "data": map[string]any{"address": "Невский проспект, 1"}}

		var first, again caseAnswer
		status, b := key.call("POST", "/api/v1/cases", in, &first, "Idempotency-Key", "cur-2026-0001")
		if status != 201 {
			t.Fatalf("open: %d %s", status, b)
		}
		if first.State != "moderation" || first.StateTitle != "На модерации" || first.Channel != "api" || first.OrgID != w.a.ID ||
			first.Data["address"] != "Невский проспект, 1" || first.Ref == "" {
			t.Errorf("opened %+v", first)
		}
		if status, b := key.call("POST", "/api/v1/cases", in, &again, "Idempotency-Key", "cur-2026-0001"); status != 201 || again.ID != first.ID {
			t.Errorf("retry with the same key: %d, case %d, want the first one's %d\n%s", status, again.ID, first.ID, b)
		}

		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		if status, b := key.call("GET", "/api/v1/cases", nil, &list); status != 200 || len(list.Items) != 2 {
			t.Errorf("the key's organisation's cases: %d, %d items, want the world's and its own\n%s", status, len(list.Items), b)
		}
		key.lang = "en"
		var read caseAnswer
		if status, b := key.call("GET", casePath(first.ID), nil, &read); status != 200 || read.StateTitle != "In moderation" {
			t.Errorf("read in English: %d %+v\n%s", status, read, b)
		}

		citizen := newAPIClient(t, live, w.actor(t, "citizen-simplified"))
		var mine struct {
			Items []struct {
				ID         int64  `json:"id"`
				StateTitle string `json:"state_title"`
				Waiting    bool   `json:"waiting_for_me"`
			} `json:"items"`
		}
		if status, b := citizen.call("GET", "/api/v1/cases?view=org", nil, &mine); status != 200 || len(mine.Items) != 1 || mine.Items[0].ID != w.caseID {
			t.Fatalf("the citizen's own cases, whatever the view: %d %s", status, b)
		}
		if !strings.HasPrefix(mine.Items[0].StateTitle, "Модератор проверяет") {
			t.Errorf("a citizen is told the state in plain words, got %q", mine.Items[0].StateTitle)
		}

		other := newAPIClient(t, live, w.actor(t, "another-citizen"))
		status, b = other.call("GET", casePath(w.caseID), nil, nil)
		if p := readProblem(t, b); status != 404 || p.Type != "urn:okno:problem:not_found" {
			t.Errorf("another citizen's case: %d %+v", status, p)
		}
		if status, b := other.call("GET", "/api/v1/cases", nil, &mine); status != 200 || len(mine.Items) != 0 {
			t.Errorf("another citizen's list: %d %s", status, b)
		}
	})
}

func TestCaseAPIActAndDocuments(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		citizen := newAPIClient(t, live, w.actor(t, "citizen-simplified"))
		operator := newAPIClient(t, live, w.actor(t, "staff-operator"))
		official := newAPIClient(t, live, w.actor(t, "staff-official"))
		path := casePath(w.caseID)

		var c caseAnswer
		citizen.call("GET", path, nil, &c)
		if status, b := operator.call("POST", path+"/actions", map[string]any{"action": "publish", "version": c.Version}, &c); status != 200 || c.State != "review" {
			t.Fatalf("publish: %d %s", status, b)
		}
		ask := map[string]any{"action": "request_info", "version": c.Version, "comment": "Уточните, пожалуйста, номер дома"}
		if status, b := official.call("POST", path+"/actions", ask, &c); status != 200 || c.State != "info_requested" {
			t.Fatalf("request_info: %d %s", status, b)
		}

		var allowed struct {
			Version int64 `json:"version"`
			Items   []struct {
				Name    string `json:"name"`
				Comment string `json:"comment"`
			} `json:"items"`
		}
		if status, b := citizen.call("GET", path+"/actions", nil, &allowed); status != 200 || allowed.Version != c.Version ||
			len(allowed.Items) != 1 || allowed.Items[0].Name != "reply" || allowed.Items[0].Comment != "required" {
			t.Fatalf("the citizen's actions: %d %s", status, b)
		}

		photo := testPNG(t)
		reply := map[string]any{"action": "reply", "version": c.Version, "comment": "Дом 5, у второго подъезда"}
		status, b := citizen.postFiles(path+"/actions", reply, nil, upload{"documents", "двор/подъезд.png", photo})
		if err := json.Unmarshal(b, &c); status != 200 || err != nil || c.State != "review" {
			t.Fatalf("reply with a photo: %d %s", status, b)
		}

		var docs struct {
			Items []struct {
				ID        int64  `json:"id"`
				Name      string `json:"name"`
				MediaType string `json:"media_type"`
				URL       string `json:"url"`
			} `json:"items"`
		}
		if status, b := citizen.call("GET", path+"/documents", nil, &docs); status != 200 || len(docs.Items) != 2 {
			t.Fatalf("documents: %d %s", status, b)
		}
		got := docs.Items[1]
		if got.Name != "подъезд.png" || got.MediaType != "image/png" {
			t.Errorf("the reply's photo: %+v", got)
		}
		status, h, content := citizen.do("GET", got.URL, nil, "")
		if status != 200 || !bytes.Equal(content, photo) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="`) {
			t.Errorf("download: %d, %d bytes, headers %v", status, len(content), h)
		}

		var timeline struct {
			Items []struct {
				Action  string `json:"action"`
				Comment string `json:"comment"`
			} `json:"items"`
		}
		citizen.call("GET", path+"/timeline", nil, &timeline)
		var actions []string
		for _, e := range timeline.Items {
			if e.Action != "" {
				actions = append(actions, e.Action)
			}
		}
		if diff := cmp.Diff([]string{"publish", "request_info", "reply"}, actions); diff != "" {
			t.Errorf("the citizen's timeline (-want +got):\n%s", diff)
		}

		// Attaching outside an action, and an official's view of the case.
		status, b = official.postFiles(path+"/documents", nil, map[string]string{"version": strconv.FormatInt(c.Version, 10)},
			upload{"documents", "акт.png", testPNG(t)})
		if status != 201 {
			t.Errorf("attach: %d %s", status, b)
		}
		if status, b := official.call("POST", path+"/assign", map[string]any{"version": c.Version}, nil); status != 409 {
			t.Errorf("assign on the version before the attachment: %d %s", status, b)
		}
	})
}

// TestCaseAPIBadInput sends each kind of bad request the issue names and
// checks the answer is a clear problem and that the case did not change.
func TestCaseAPIBadInput(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		operator, official := w.actor(t, "staff-operator"), w.actor(t, "staff-official")
		act(t, live, operator, w.caseID, "publish", "")
		waiting := act(t, live, official, w.caseID, "request_info", "Уточните адрес")

		closed, err := live.App.Cases.Open(context.Background(), w.actor(t, "citizen-simplified").actor,
			casework.NewCase{Process: "appeal", OrgID: w.a.ID, Subject: "Мусор у остановки"})
		mustOK(t, err)
		act(t, live, operator, closed.ID, "publish", "")
		act(t, live, official, closed.ID, "answer", "Убрали")
		closed = act(t, live, w.actor(t, "citizen-simplified"), closed.ID, "confirm", "")

		citizen := newAPIClient(t, live, w.actor(t, "citizen-simplified"))
		key := newAPIClient(t, live, w.actor(t, "apikey"))
		reply := func(version int64, comment string) map[string]any {
			return map[string]any{"action": "reply", "version": version, "comment": comment}
		}
		big := append(testPNG(t), make([]byte, 10<<20)...)
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 512)...)
		html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")

		tests := []struct {
			name   string
			caseID int64
			send   func() (int, []byte)
			status int
			typ    string
			fields []string
		}{
			{"a forbidden action", w.caseID, func() (int, []byte) {
				return key.call("POST", casePath(w.caseID)+"/actions", reply(waiting.Version, "Ответ за жителя"), nil)
			}, 403, "forbidden", nil},
			{"a stale version", w.caseID, func() (int, []byte) {
				return citizen.call("POST", casePath(w.caseID)+"/actions", reply(waiting.Version-1, "Дом 5"), nil)
			}, 409, "conflict", nil},
			{"an oversized file", w.caseID, func() (int, []byte) {
				return citizen.postFiles(casePath(w.caseID)+"/actions", reply(waiting.Version, "Дом 5"), nil, upload{"documents", "большое.png", big})
			}, 422, "invalid", []string{"documents"}},
			{"a program disguised as a photo", w.caseID, func() (int, []byte) {
				return citizen.postFiles(casePath(w.caseID)+"/actions", reply(waiting.Version, "Дом 5"), nil, upload{"documents", "фото.png", exe})
			}, 422, "invalid", []string{"documents"}},
			{"a page disguised as a PDF", w.caseID, func() (int, []byte) {
				return citizen.postFiles(casePath(w.caseID)+"/actions", reply(waiting.Version, "Дом 5"), nil, upload{"documents", "справка.pdf", html})
			}, 422, "invalid", []string{"documents"}},
			{"a reply to a closed case", closed.ID, func() (int, []byte) {
				return citizen.call("POST", casePath(closed.ID)+"/actions", reply(closed.Version, "Ещё вопрос"), nil)
			}, 400, "invalid", nil},
			{"a JSON body over its limit", w.caseID, func() (int, []byte) {
				return citizen.call("POST", casePath(w.caseID)+"/actions", reply(waiting.Version, strings.Repeat("я", 200<<10)), nil)
			}, 413, "invalid", nil},
			{"invalid JSON", w.caseID, func() (int, []byte) {
				status, _, b := citizen.do("POST", casePath(w.caseID)+"/actions", strings.NewReader(`{"action": "reply",`), "application/json")
				return status, b
			}, 400, "invalid", nil},
			{"a misspelt field", w.caseID, func() (int, []byte) {
				return citizen.call("POST", casePath(w.caseID)+"/actions", map[string]any{"acton": "reply", "version": waiting.Version}, nil)
			}, 400, "invalid", nil},
			{"a version of the wrong type", w.caseID, func() (int, []byte) {
				return citizen.call("POST", casePath(w.caseID)+"/actions", map[string]any{"action": "reply", "version": "3"}, nil)
			}, 422, "invalid", []string{"version"}},
			{"an unknown action", w.caseID, func() (int, []byte) {
				return citizen.call("POST", casePath(w.caseID)+"/actions", map[string]any{"action": "approve_everything", "version": waiting.Version}, nil)
			}, 422, "invalid", []string{"action"}},
			{"a reply without its required comment", w.caseID, func() (int, []byte) {
				return citizen.call("POST", casePath(w.caseID)+"/actions", reply(waiting.Version, ""), nil)
			}, 422, "invalid", []string{"comment"}},
			{"another citizen's case", w.caseID, func() (int, []byte) {
				return newAPIClient(t, live, w.actor(t, "another-citizen")).call("POST", casePath(w.caseID)+"/actions", reply(waiting.Version, "Я сосед"), nil)
			}, 404, "not_found", nil},
			{"a bad idempotency key", w.caseID, func() (int, []byte) {
				return key.call("POST", "/api/v1/cases", map[string]any{"process": "appeal", "org_id": w.a.ID, "subject": "Тест"}, nil, "Idempotency-Key", "ключ с пробелами")
			}, 422, "invalid", []string{"Idempotency-Key"}},
			{"an unknown process", w.caseID, func() (int, []byte) {
				return key.call("POST", "/api/v1/cases", map[string]any{"process": "nonexistent", "org_id": w.a.ID, "subject": "Тест"}, nil)
			}, 422, "invalid", []string{"process"}},
			{"a case for no organisation", w.caseID, func() (int, []byte) {
				return citizen.call("POST", "/api/v1/cases", map[string]any{"process": "appeal", "subject": "Тест"}, nil)
			}, 422, "invalid", []string{"org_id"}},
			{"an attachment without a version", w.caseID, func() (int, []byte) {
				return citizen.postFiles(casePath(w.caseID)+"/documents", nil, nil, upload{"documents", "a.png", testPNG(t)})
			}, 422, "invalid", []string{"version"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, err := live.App.Cases.Get(context.Background(), okno.System, tt.caseID)
				mustOK(t, err)
				status, b := tt.send()
				p := readProblem(t, b)
				if status != tt.status || p.Status != tt.status || p.Type != "urn:okno:problem:"+tt.typ {
					t.Errorf("status %d, problem %+v; want %d %s", status, p, tt.status, tt.typ)
				}
				if p.Detail == "" && len(p.Errors) == 0 {
					t.Errorf("the problem says nothing: %s", b)
				}
				if diff := cmp.Diff(tt.fields, p.fields()); diff != "" {
					t.Errorf("fields named (-want +got):\n%s", diff)
				}
				for _, f := range p.Errors {
					if f.Message == "" || strings.HasPrefix(f.Message, "casework.") || strings.HasPrefix(f.Message, "web.") {
						t.Errorf("field %s: untranslated message %q", f.Field, f.Message)
					}
				}
				after, err := live.App.Cases.Get(context.Background(), okno.System, tt.caseID)
				mustOK(t, err)
				if after.Version != before.Version || after.State != before.State {
					t.Errorf("the case changed: version %d → %d, state %s → %s", before.Version, after.Version, before.State, after.State)
				}
			})
		}
	})
}

// TestCaseAPIWritesNeedTheCSRFToken: a signed-in person's write through
// the API is refused without the session's token, as any form would be.
func TestCaseAPIWritesNeedTheCSRFToken(t *testing.T) {
	live := webtest.StartLive(t, "")
	w := buildWorld(t, live)
	citizen := newAPIClient(t, live, w.actor(t, "citizen-simplified"))
	citizen.csrf = "forged"
	c, err := live.App.Cases.Get(context.Background(), okno.System, w.caseID)
	mustOK(t, err)
	status, b := citizen.call("POST", casePath(w.caseID)+"/actions", map[string]any{"action": "reply", "version": c.Version, "comment": "x"}, nil)
	if p := readProblem(t, b); status != 403 || p.Type != "urn:okno:problem:forbidden" {
		t.Errorf("without the token: %d %+v", status, p)
	}
}

// TestCaseAPIInOpenAPI: the case routes are described with their
// parameters and bodies, JSON and multipart.
func TestCaseAPIInOpenAPI(t *testing.T) {
	live := webtest.StartLive(t, "")
	v := live.NewVisitor(t).Get("/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			RequestBody struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Content map[string]any `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(v.Last), &doc); err != nil {
		t.Fatal(err)
	}
	open := doc.Paths["/api/v1/cases"]["post"]
	if !slices.ContainsFunc(open.Parameters, func(p struct {
		Name string `json:"name"`
		In   string `json:"in"`
	}) bool {
		return p.Name == "Idempotency-Key" && p.In == "header"
	}) {
		t.Errorf("POST /api/v1/cases lacks the Idempotency-Key header: %+v", open.Parameters)
	}
	act := doc.Paths["/api/v1/cases/{id}/actions"]["post"]
	for _, mt := range []string{"application/json", "multipart/form-data"} {
		if act.RequestBody.Content[mt] == nil {
			t.Errorf("POST actions lacks a %s body", mt)
		}
	}
	if doc.Paths["/api/v1/cases/{id}/documents/{doc}"]["get"].Responses["200"].Content["application/octet-stream"] == nil {
		t.Errorf("the document download is not described as a file")
	}
	if doc.Paths["/api/v1/cases"]["get"].Responses["200"].Content["application/json"] == nil {
		t.Errorf("the case list has no response schema")
	}
}

// TestCaseAPIKeyWithRolesActs: an integration's key made with the official
// role (the regional control centre answering appeals) takes actions; a key
// without roles reads but may not act.
func TestCaseAPIKeyWithRolesActs(t *testing.T) {
	webtest.Engines(t, func(t *testing.T, dsn string) {
		live := webtest.StartLive(t, dsn)
		w := buildWorld(t, live)
		ctx := context.Background()
		secret, k, err := live.App.Identity.CreateAPIKey(ctx, okno.System, "ЦУР", w.a.ID, okno.RoleOfficial)
		if err != nil {
			t.Fatal(err)
		}
		cur := newAPIClient(t, live, realActor{name: "cur", key: secret, actor: k.Actor()})
		reader := newAPIClient(t, live, w.actor(t, "apikey"))
		operator := newAPIClient(t, live, w.actor(t, "staff-operator"))
		path := casePath(w.caseID)

		var c caseAnswer
		cur.call("GET", path, nil, &c)
		if status, b := operator.call("POST", path+"/actions", map[string]any{"action": "publish", "version": c.Version}, &c); status != 200 {
			t.Fatalf("publish: %d %s", status, b)
		}
		ask := map[string]any{"action": "request_info", "version": c.Version, "comment": "Уточните номер дома"}
		if status, b := reader.call("POST", path+"/actions", ask, nil); status != 403 {
			t.Errorf("a key without roles acting: %d %s, want 403", status, b)
		}
		if status, b := cur.call("POST", path+"/actions", ask, &c); status != 200 || c.State != "info_requested" {
			t.Errorf("the official key acting: %d %s", status, b)
		}
	})
}
