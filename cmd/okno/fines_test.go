package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runFines runs `okno fines ...` (cmdFines directly, so the test does not
// depend on the command table).
func runFines(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err := cmdFines(context.Background(), env, args)
	return out.String(), err
}

// TestFinesCommands generates demo fines, imports the traffic police's
// file twice (the second run replays every batch), refuses an unknown
// source in Russian, and runs a small bench.
func TestFinesCommands(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	out, err := runFines(t, "generate", "--count", "400", "--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "DEMO DATA: 400 records") {
		t.Errorf("generate said %q", out)
	}
	file := filepath.Join(dir, "gibdd.jsonl")
	out, err = runFines(t, "import", "--data", data, "--source", "gibdd", "--batch", "100", file)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^read \d+, applied \d+, stale \(duplicates, late\) \d+, rejected 0, batches \d+, replayed 0 in `).MatchString(out) {
		t.Errorf("import said %q", out)
	}
	out, err = runFines(t, "import", "--data", data, "--source", "gibdd", "--batch", "100", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "applied 0,") || !strings.Contains(out, "batches 0,") || strings.Contains(out, "replayed 0 ") {
		t.Errorf("second import said %q, want every batch replayed", out)
	}
	_, err = runFines(t, "import", "--data", data, "--source", "nobody", file)
	var ex exitError
	if !errors.As(err, &ex) || ex.code != 1 || !strings.Contains(ex.msg, "Неизвестный источник") {
		t.Errorf("unknown source: %v, want a Russian message", err)
	}
	out, err = runFines(t, "bench", "--data", t.TempDir(), "--count", "300", "--lookups", "20")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "citizen's fines: 20 lookups") || !strings.Contains(out, "records/s") {
		t.Errorf("bench said %q", out)
	}
	if _, err := runFines(t, "frobnicate"); !errors.As(err, &ex) || ex.code != 2 {
		t.Errorf("unknown subcommand: %v, want usage", err)
	}
}
