package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/okno/okno/paydemo"
	"github.com/okno/okno/payment"
)

// TestPaydemoServesPaysAndNotifies runs `okno paydemo` on port 0, creates
// a payment through its API, pays on its page and receives the signed
// notifications at a real endpoint; then stops it gracefully.
func TestPaydemoServesPaysAndNotifies(t *testing.T) {
	secret := []byte("a-secret-of-enough-length")
	secretFile := filepath.Join(t.TempDir(), "paydemo.secret")
	if err := os.WriteFile(secretFile, append(secret, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	events := make(chan string, 10)
	okno := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n, err := payment.Verify(secret, body, r.Header, time.Now(), 5*time.Minute)
		if err != nil {
			t.Errorf("notification: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		events <- n.Event
	}))
	defer okno.Close()

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	env := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Ready: func(addr string) { ready <- addr }}
	done := make(chan error, 1)
	go func() {
		done <- cmdPaydemo(ctx, env, []string{"--addr", "127.0.0.1:0", "--secret-file", secretFile, "--notify-url", okno.URL,
			"--state-file", filepath.Join(t.TempDir(), "state.json")})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("okno paydemo stopped: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("okno paydemo did not start")
	}
	c := &paydemo.Client{BaseURL: "http://" + addr, Secret: secret}
	p, err := c.Create(ctx, payment.CreateRequest{IdempotencyKey: "k", Amount: 10000, Description: "Госпошлина", ReturnURL: "https://okno.example/back"})
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(p.ConfirmationURL, map[string][]string{"action": {"pay"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "https://okno.example/back" {
		t.Errorf("after paying: %d to %q, want 303 to the return URL", resp.StatusCode, got)
	}
	select {
	case ev := <-events:
		if ev != payment.EventSucceeded {
			t.Errorf("notification: got %s, want %s", ev, payment.EventSucceeded)
		}
	case <-time.After(time.Minute):
		t.Fatal("no notification arrived")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
}

func TestPaydemoUsage(t *testing.T) {
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	if err := cmdPaydemo(context.Background(), env, []string{"--addr", "127.0.0.1:0"}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("without a secret and a notify URL: got %v, want the usage", err)
	}
}
