package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// runOkno runs the command line as main would, with its output captured.
func runOkno(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err = run(context.Background(), env, args)
	return out.String(), err
}

// TestDemoServesAndAuditCatchesAnEditedRow runs `okno demo` on port 0, checks
// the server answers, stops it gracefully, then proves `okno audit verify`
// passes on the untouched database and fails, naming the entry, once a row
// of the audit log is edited behind Okno's back.
func TestDemoServesAndAuditCatchesAnEditedRow(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Ready: func(addr string) { ready <- addr }}
	done := make(chan error, 1)
	go func() { done <- run(ctx, env, []string{"demo", "--data", data, "--addr", "127.0.0.1:0"}) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("okno demo stopped: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("okno demo did not start")
	}
	for _, path := range []string{"/healthz", "/readyz", "/", "/metrics"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	for _, want := range []string{"Окно работает: http://" + addr, "admin@okno.test", "Пароль всех демо-учётных записей"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}

	got, err := runOkno(t, "audit", "verify", "--data", data)
	if err != nil || !strings.Contains(got, "audit log intact") {
		t.Fatalf("verify of an untouched log = %q, %v", got, err)
	}

	db, err := sql.Open("sqlite", filepath.Join(data, "okno.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_entries SET action = 'identity.nothing_happened' WHERE seq = 42`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = runOkno(t, "audit", "verify", "--data", data)
	var ex exitError
	if !errors.As(err, &ex) || ex.code == 0 || !strings.Contains(ex.msg, "first bad entry 42") {
		t.Fatalf("verify of an edited log = %v, want a non-zero exit naming entry 42", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	_, err := runOkno(t, "frobnicate")
	var ex exitError
	if !errors.As(err, &ex) || ex.code != 2 {
		t.Fatalf("err = %v, want exit 2", err)
	}
}

func TestAPIKeyCreate(t *testing.T) {
	data := t.TempDir()
	if _, err := runOkno(t, "apikey", "create", "--data", data, "--name", "ЦУР", "--org", "spb"); err == nil {
		t.Fatal("key for an organisation that does not exist: want an error")
	}
	// Load the demo organisations through a short demo run, then create a key.
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(a string) { ready <- a }}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, env, []string{"demo", "--data", data, "--addr", "127.0.0.1:0", "--workers", "0"})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	cancel()
	<-done
	key, err := runOkno(t, "apikey", "create", "--data", data, "--name", "ЦУР", "--org", "spb.admin.nevsky")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "okno_") {
		t.Fatalf("key = %q, want okno_…", key)
	}
}
