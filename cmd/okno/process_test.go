package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okno/okno/process"
)

// probe is a small valid definition of its own name, so that the tests
// never meet the shipped ones.
const probe = `name: probe
kind: appeal
title: {ru: Проба, en: Probe}
legal_clock: {days: 30}
states:
  - {name: open, start: true, title: {ru: Открыто}}
  - {name: done, terminal: true, outcome: fixed, title: {ru: Готово}}
actions:
  - {name: close, title: {ru: Закрыть}, from: [open], to: done, by: [{role: official}]}
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runProcess runs the command line and returns its standard output and the
// exit code main would exit with.
func runProcess(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	err := run(context.Background(), env, args)
	var ex exitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ex):
		return out.String() + ex.msg, ex.code
	}
	t.Fatalf("okno %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	return "", 0
}

func TestProcessValidate(t *testing.T) {
	dir := t.TempDir()
	files, err := process.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	good := writeFile(t, dir, "appeal.yaml", string(files["appeal.yaml"]))
	broken := writeFile(t, dir, "broken.yaml", strings.Replace(strings.Replace(probe, "title: {ru: Проба", "titel: {ru: Проба", 1), "to: done", "to: gone", 1))

	out, code := runProcess(t, "process", "validate", good)
	if code != 0 || !strings.Contains(out, "1 files: no problems") {
		t.Errorf("valid file: exit %d\n%s", code, out)
	}

	out, code = runProcess(t, "process", "validate", good, broken)
	if code != 1 {
		t.Errorf("broken file: exit %d, want 1", code)
	}
	for _, want := range []string{
		broken + ":3:1: Неизвестный ключ «titel»",
		broken + ":9:59: Неизвестное состояние «gone»",
		"1 of 2 files have problems",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, good+":") {
		t.Errorf("the valid file is reported:\n%s", out)
	}

	out, code = runProcess(t, "process", "validate", broken, "--lang", "en")
	if code != 1 || !strings.Contains(out, broken+":3:1: Unknown key “titel”") {
		t.Errorf("--lang en: exit %d\n%s", code, out)
	}

	if _, code := runProcess(t, "process", "validate"); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if _, code := runProcess(t, "process", "validate", "--lang", "fr", good); code != 2 {
		t.Errorf("unknown language: exit %d, want 2", code)
	}
	if out, code := runProcess(t, "process", "validate", filepath.Join(dir, "missing.yaml")); code != 1 || !strings.Contains(out, "missing.yaml") {
		t.Errorf("missing file: exit %d\n%s", code, out)
	}
}

func TestProcessPublishAndList(t *testing.T) {
	data := t.TempDir()
	file := writeFile(t, t.TempDir(), "probe.yaml", probe)

	out, code := runProcess(t, "process", "publish", "--data", data, file)
	if code != 0 || !strings.Contains(out, "published probe v1") {
		t.Fatalf("first publish: exit %d\n%s", code, out)
	}
	out, code = runProcess(t, "process", "publish", "--data", data, file)
	if code != 0 || !strings.Contains(out, "unchanged: probe v1") {
		t.Errorf("same file again: exit %d\n%s", code, out)
	}
	writeFile(t, filepath.Dir(file), "probe.yaml", probe+"# changed\n")
	out, code = runProcess(t, "process", "publish", "--data", data, file)
	if code != 0 || !strings.Contains(out, "published probe v2") {
		t.Errorf("changed file: exit %d\n%s", code, out)
	}

	broken := writeFile(t, t.TempDir(), "broken.yaml", strings.Replace(probe, "to: done", "to: gone", 1))
	out, code = runProcess(t, "process", "publish", "--data", data, broken)
	if code != 1 || !strings.Contains(out, broken+":9:59: Неизвестное состояние «gone»") {
		t.Errorf("broken file: exit %d\n%s", code, out)
	}

	out, code = runProcess(t, "process", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "probe") || !strings.Contains(out, "v2") || !strings.Contains(out, "Проба") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if _, code := runProcess(t, "process", "publish", "--data", data); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
