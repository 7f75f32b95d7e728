package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

func testServer(t *testing.T) *Server {
	t.Helper()
	return New(Config{CSRFKey: []byte("internal-test-csrf-key-0123456789")}, Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// TestRouteTable walks the route table: every route has an access rule, a
// handler and, under /api/, its OpenAPI description.
func TestRouteTable(t *testing.T) {
	s := testServer(t)
	for _, p := range routeProblems(s.Routes()) {
		t.Error(p)
	}
	for _, rt := range s.Routes() {
		t.Logf("%-28s %s", rt, rt.Access)
	}
}

// TestRouteProblemsCatches keeps the route table test able to fail.
func TestRouteProblemsCatches(t *testing.T) {
	h := func(http.ResponseWriter, *http.Request) error { return nil }
	bad := []Route{
		{Method: "GET", Pattern: "/no-rule", Handler: h},
		{Method: "GET", Pattern: "/no-handler", Access: Public()},
		{Method: "GET", Pattern: "/api/v1/undocumented", Access: Public(), Handler: h},
		{Method: "GET", Pattern: "/documented", Access: Public(), Handler: h, API: &APIDoc{}},
		{Method: "GET", Pattern: "/key", Access: APIKeyAccess(), Handler: h},
		{Method: "GET", Pattern: "/bad-role", Access: StaffWith("janitor"), Handler: h},
		{Method: "GET", Pattern: "/no-rule", Access: Public(), Handler: h},
		{Method: "FETCH", Pattern: "/x", Access: Public(), Handler: h},
	}
	got := routeProblems(bad)
	want := []string{
		"GET /no-rule: no access rule",
		"GET /no-handler: no handler",
		"GET /api/v1/undocumented: API route without APIDoc",
		"GET /documented: APIDoc on a route outside /api/",
		"GET /key: API-key access outside /api/",
		"GET /bad-role: no access rule",
		"GET /no-rule: declared twice",
		`FETCH /x: unknown method "FETCH"`,
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestOpenAPIMatchesRouteTable: every /api/v1 route is documented and the
// document names no route that does not exist.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	s := testServer(t)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	var documented, routed []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	for _, rt := range s.Routes() {
		if strings.HasPrefix(rt.Pattern, "/api/v1/") {
			routed = append(routed, rt.Method+" "+wildcardRE.ReplaceAllString(rt.Pattern, "{$1}"))
		}
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if diff := cmp.Diff(routed, documented); diff != "" {
		t.Errorf("OpenAPI paths differ from /api/v1 routes (-routes +documented):\n%s", diff)
	}
}

// serve builds the middleware around extra routes, so enforcement can be
// tested on rules the real table does not use yet.
func serveWith(s *Server, routes ...Route) http.Handler {
	mux := http.NewServeMux()
	for i := range routes {
		mux.Handle(routes[i].String(), s.route(&routes[i]))
	}
	return s.outer(mux)
}

func ok(w http.ResponseWriter, _ *http.Request) error {
	_, err := io.WriteString(w, "ok")
	return err
}

func TestAccessEnforced(t *testing.T) {
	s := testServer(t)
	citizen := Session{UserID: 1, Kind: okno.ActorCitizen, Assurance: AssuranceSimplified, CSRF: "c"}
	official := Session{UserID: 2, Kind: okno.ActorStaff, OrgID: 5, CSRF: "s"}
	s.deps.Sessions = sessionsFunc(func(token string) (Session, error) {
		switch token {
		case "citizen":
			return citizen, nil
		case "official":
			return official, nil
		}
		return Session{}, okno.Errorf(okno.EUNAUTHORIZED, "error.unauthorized")
	})
	s.deps.Roles = rolesFunc(func(user, org int64) []okno.Role {
		if user == 2 && org == 5 {
			return []okno.Role{okno.RoleOfficial}
		}
		return nil
	})
	h := serveWith(s,
		Route{Method: "GET", Pattern: "/cabinet", Access: Citizen(), Handler: ok},
		Route{Method: "GET", Pattern: "/pay", Access: CitizenAssured(AssuranceConfirmed), Handler: ok},
		Route{Method: "GET", Pattern: "/inbox", Access: StaffWith(okno.RoleOfficial), Handler: ok},
		Route{Method: "GET", Pattern: "/admin", Access: StaffWith(okno.RoleAdmin), Handler: ok},
		Route{Method: "GET", Pattern: "/signin", Access: AnonymousOnly(), Handler: ok},
		Route{Method: "GET", Pattern: "/unset", Handler: ok},
		Route{Method: "GET", Pattern: "/api/v1/cases", Access: Staff(), Handler: ok, API: &APIDoc{}},
	)
	tests := []struct {
		path, token string
		status      int
		location    string
	}{
		{"/cabinet", "", 303, "/signin?next=%2Fcabinet%3Fx%3D1"},
		{"/cabinet", "expired", 303, "/signin?next=%2Fcabinet%3Fx%3D1"},
		{"/cabinet", "citizen", 200, ""},
		{"/cabinet", "official", 403, ""},
		{"/pay", "citizen", 403, ""},
		{"/inbox", "official", 200, ""},
		{"/inbox", "citizen", 403, ""},
		{"/admin", "official", 403, ""},
		{"/signin", "", 200, ""},
		{"/signin", "citizen", 303, "/"},
		{"/unset", "", 303, "/signin?next=%2Funset%3Fx%3D1"},
		{"/unset", "official", 403, ""},
		{"/api/v1/cases", "", 401, ""},
		{"/api/v1/cases", "official", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path+" as "+tt.token, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.path+"?x=1", nil)
			if tt.token != "" {
				r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tt.token})
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Header().Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
		})
	}
}

type sessionsFunc func(token string) (Session, error)

func (f sessionsFunc) Authenticate(_ context.Context, token string) (Session, error) { return f(token) }

type rolesFunc func(user, org int64) []okno.Role

func (f rolesFunc) RolesOf(_ context.Context, user, org int64) ([]okno.Role, error) {
	return f(user, org), nil
}

func TestPanicBecomes500WithoutLeaking(t *testing.T) {
	var logs strings.Builder
	s := New(Config{CSRFKey: []byte("internal-test-csrf-key-0123456789")}, Deps{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	boom := func(http.ResponseWriter, *http.Request) error { panic("secret: passport 4510 123456") }
	h := serveWith(s,
		Route{Method: "GET", Pattern: "/boom", Access: Public(), Handler: boom},
		Route{Method: "GET", Pattern: "/api/v1/boom", Access: Public(), Handler: boom, API: &APIDoc{}},
	)
	for _, path := range []string{"/boom", "/api/v1/boom"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 500 {
			t.Errorf("%s: status = %d, want 500", path, rec.Code)
		}
		b := rec.Body.String()
		if strings.Contains(b, "passport") || strings.Contains(b, "goroutine") || strings.Contains(b, ".go:") {
			t.Errorf("%s: response leaks the panic:\n%s", path, b)
		}
		if !strings.Contains(b, "Извините") || !strings.Contains(b, rec.Header().Get("X-Request-ID")) {
			t.Errorf("%s: response lacks the apology or the request ID:\n%s", path, b)
		}
	}
	if !strings.Contains(logs.String(), "passport 4510") || !strings.Contains(logs.String(), "stack") {
		t.Errorf("panic not logged with its stack:\n%s", logs.String())
	}
}

func TestFieldErrorsAsProblem(t *testing.T) {
	s := testServer(t)
	h := serveWith(s, Route{Method: "POST", Pattern: "/api/v1/appeals", Access: Public(), API: &APIDoc{},
		Handler: func(http.ResponseWriter, *http.Request) error {
			var fe okno.FieldErrors
			fe.Add("email", "error.email_invalid")
			fe.Add("message", "error.too_long", 1000)
			return errors.Join(errors.New("context"), fe.Err())
		}})
	r := httptest.NewRequest("POST", "/api/v1/appeals", nil)
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: "nonce"})
	r.Header.Set(CSRFHeader, CSRFToken(s.csrfKey, "nonce"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var got Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	got.RequestID = ""
	want := Problem{Type: "urn:okno:problem:invalid", Title: "Проверьте введённые данные", Status: 422, Errors: []ProblemField{
		{Field: "email", Message: "Введите адрес электронной почты в формате name@example.ru"},
		{Field: "message", Message: "Введите не больше 1000 символов"},
	}}
	if rec.Code != 422 {
		t.Errorf("status = %d, want 422", rec.Code)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem (-want +got):\n%s", diff)
	}
}

func TestStatusOf(t *testing.T) {
	var fe okno.FieldErrors
	fe.Add("x", "error.required")
	tests := []struct {
		err  *okno.Error
		want int
	}{
		{okno.Errorf(okno.EINVALID, "error.bad_request"), 400},
		{okno.AsError(fe.Err()), 422},
		{okno.Errorf(okno.EINVALID, keyTooLarge), 413},
		{okno.Errorf(okno.EUNAUTHORIZED, "k"), 401},
		{okno.Errorf(okno.EFORBIDDEN, "k"), 403},
		{okno.Errorf(okno.ENOTFOUND, "k"), 404},
		{okno.Errorf(okno.ECONFLICT, "k"), 409},
		{okno.Errorf(okno.ERATELIMITED, "k"), 429},
		{okno.Errorf(okno.EINTERNAL, "k"), 500},
		{okno.AsError(errors.New("driver")), 500},
	}
	for _, tt := range tests {
		if got := statusOf(tt.err); got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

type retryErr struct{}

func (retryErr) Error() string             { return "slow down" }
func (retryErr) RetryAfter() time.Duration { return 90 * time.Second }

func TestRateLimitedSetsRetryAfter(t *testing.T) {
	s := testServer(t)
	h := serveWith(s, Route{Method: "GET", Pattern: "/api/v1/limited", Access: Public(), API: &APIDoc{},
		Handler: func(http.ResponseWriter, *http.Request) error {
			return okno.Wrap(okno.ERATELIMITED, "error.rate_limited", retryErr{})
		}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/limited", nil))
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "90" {
		t.Errorf("got %d, Retry-After %q; want 429, 90", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/cabinet?x=1": "/cabinet?x=1", "https://evil.example/": "/", "//evil.example": "/",
		`/\evil.example`: "/", "cabinet": "/", "": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
