package paydemo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno/payment"
)

var secret = []byte("paydemo-test-secret-0123456789")

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder is Okno's notification endpoint: it verifies each
// notification and answers with status.
type recorder struct {
	mu     sync.Mutex
	ids    []string
	status int
	clock  *clock
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	n, err := payment.Verify(secret, body, req.Header, r.clock.Now(), 5*time.Minute)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	r.ids = append(r.ids, n.ID)
	w.WriteHeader(r.status)
}

type env struct {
	srv    *Server
	url    string
	client *Client
	rec    *recorder
	clock  *clock
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	e := &env{clock: &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}}
	e.rec = &recorder{status: http.StatusOK, clock: e.clock}
	okno := httptest.NewServer(e.rec)
	t.Cleanup(okno.Close)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	o.Secret, o.NotifyURL, o.PublicURL, o.Now = secret, okno.URL, ts.URL, e.clock.Now
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	h, e.srv, e.url = srv.Handler(), srv, ts.URL
	e.client = &Client{BaseURL: ts.URL, Secret: secret}
	return e
}

// call makes a raw API request and returns the status and the error text.
func (e *env) call(t *testing.T, method, path, auth, key, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Error string `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v.Error
}

// pay presses a button on a payment's page.
func (e *env) press(t *testing.T, p payment.ProviderPayment, action string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(p.ConfirmationURL, map[string][]string{"action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("press %s: %d", action, resp.StatusCode)
	}
}

func TestAPIRefusals(t *testing.T) {
	e := newEnv(t, Options{})
	auth := "Bearer " + string(secret)
	ok := `{"amount":10000,"description":"Госпошлина","return_url":"https://okno.example/back"}`
	created, _ := e.call(t, "POST", "/api/v1/payments", auth, "k1", ok)
	if created != http.StatusCreated {
		t.Fatalf("create: %d", created)
	}
	for _, tc := range []struct {
		name, method, path, auth, key, body string
		want                                int
	}{
		{"no authorisation", "POST", "/api/v1/payments", "", "k2", ok, http.StatusUnauthorized},
		{"wrong secret", "POST", "/api/v1/payments", "Bearer nope", "k2", ok, http.StatusUnauthorized},
		{"no idempotency key", "POST", "/api/v1/payments", auth, "", ok, http.StatusBadRequest},
		{"not JSON", "POST", "/api/v1/payments", auth, "k2", "{", http.StatusBadRequest},
		{"negative amount", "POST", "/api/v1/payments", auth, "k2", `{"amount":-1,"description":"x","return_url":"https://a"}`, http.StatusUnprocessableEntity},
		{"absurd amount", "POST", "/api/v1/payments", auth, "k2", `{"amount":10000000001,"description":"x","return_url":"https://a"}`, http.StatusUnprocessableEntity},
		{"return URL", "POST", "/api/v1/payments", auth, "k2", `{"amount":1,"description":"x","return_url":"javascript:x"}`, http.StatusUnprocessableEntity},
		{"the same key, the same request", "POST", "/api/v1/payments", auth, "k1", ok, http.StatusOK},
		{"the same key, another request", "POST", "/api/v1/payments", auth, "k1", strings.Replace(ok, "10000", "20000", 1), http.StatusUnprocessableEntity},
		{"unknown payment", "GET", "/api/v1/payments/pd_nobody", auth, "", "", http.StatusNotFound},
		{"statement without a date", "GET", "/api/v1/statement?date=yesterday", auth, "", "", http.StatusBadRequest},
	} {
		if got, msg := e.call(t, tc.method, tc.path, tc.auth, tc.key, tc.body); got != tc.want {
			t.Errorf("%s: got %d (%s), want %d", tc.name, got, msg, tc.want)
		}
	}
	p, err := e.client.Create(context.Background(), payment.CreateRequest{IdempotencyKey: "k3", Amount: 5000, Description: "x", ReturnURL: "https://a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Refund(context.Background(), p.ID, 5000, "r1"); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("refund of an unpaid payment: got %v, want 409", err)
	}
}

func TestPageIsLabelledAndPayingNotifies(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	p, err := e.client.Create(ctx, payment.CreateRequest{IdempotencyKey: "k", Amount: 123456, Description: "Штраф <b>ГИБДД</b>", ReturnURL: "https://okno.example/back"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(p.ConfirmationURL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"Демонстрационная платёжная система — деньги не списываются", "1\u00a0234,56\u00a0₽", "Оплатить", "Отказаться", "Штраф &lt;b&gt;ГИБДД&lt;/b&gt;"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP: %q", csp)
	}
	e.press(t, p, "pay")
	if n := e.srv.Deliver(ctx); n != 2 {
		t.Errorf("delivered %d, want 2 (pending, succeeded)", n)
	}
	got, err := e.client.Get(ctx, p.ID)
	if err != nil || got.Status != payment.StatusSucceeded || got.PaidAt.IsZero() {
		t.Errorf("after paying: got %+v, %v", got, err)
	}
	st, err := e.client.Statement(ctx, e.clock.Now())
	if err != nil || len(st.Payments) != 1 || st.Payments[0].ID != p.ID {
		t.Errorf("statement: got %+v, %v; want the payment", st, err)
	}
}

func TestNotificationsAreRetriedUntilAcknowledged(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	p, err := e.client.Create(ctx, payment.CreateRequest{IdempotencyKey: "k", Amount: 100, Description: "x", ReturnURL: "https://a"})
	if err != nil {
		t.Fatal(err)
	}
	e.rec.status = http.StatusServiceUnavailable
	e.press(t, p, "decline")
	if n := e.srv.Deliver(ctx); n != 0 || e.srv.Pending() != 1 {
		t.Fatalf("refused: acknowledged %d, pending %d; want 0, 1", n, e.srv.Pending())
	}
	e.srv.Deliver(ctx) // not due yet: nothing is sent
	if len(e.rec.ids) != 1 {
		t.Errorf("sent %d times before the backoff passed, want 1", len(e.rec.ids))
	}
	e.rec.status = http.StatusOK
	e.clock.Add(time.Second)
	if n := e.srv.Deliver(ctx); n != 1 || e.srv.Pending() != 0 || len(e.rec.ids) != 2 || e.rec.ids[0] != e.rec.ids[1] {
		t.Errorf("retry: acknowledged %d, pending %d, sent %v; want the same notification acknowledged", n, e.srv.Pending(), e.rec.ids)
	}
}

func TestChaosShufflesAndRepeats(t *testing.T) {
	e := newEnv(t, Options{Chaos: true, Seed: 3})
	ctx := context.Background()
	for i := range 6 {
		p, err := e.client.Create(ctx, payment.CreateRequest{IdempotencyKey: string(rune('a' + i)), Amount: 100, Description: "x", ReturnURL: "https://a"})
		if err != nil {
			t.Fatal(err)
		}
		e.press(t, p, "pay")
	}
	if n := e.srv.Deliver(ctx); n != 0 {
		t.Errorf("delivered %d before the chaos delay, want 0", n)
	}
	e.clock.Add(chaosDelay)
	if n := e.srv.Deliver(ctx); n != 6 {
		t.Errorf("acknowledged %d, want 6", n)
	}
	seen := map[string]bool{}
	for _, id := range e.rec.ids {
		seen[id] = true
	}
	if len(seen) != 6 || len(e.rec.ids) <= 6 {
		t.Errorf("sent %d notifications, %d distinct; want 6 distinct, some twice", len(e.rec.ids), len(seen))
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StateFile: file})
	ctx := context.Background()
	req := payment.CreateRequest{IdempotencyKey: "k", Amount: 100, Description: "x", ReturnURL: "https://a"}
	p, err := e.client.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again := newEnv(t, Options{StateFile: file})
	got, err := again.client.Create(ctx, req)
	if err != nil || got.ID != p.ID {
		t.Errorf("after a restart the same key made %+v, %v; want payment %s", got, err, p.ID)
	}
}
