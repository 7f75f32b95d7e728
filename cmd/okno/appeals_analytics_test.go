package main

import (
	"strings"
	"testing"
)

// TestAppealsAnalytics runs the commands on an empty database: each
// answers, and a bad command or flag is a usage error (exit 2).
func TestAppealsAnalytics(t *testing.T) {
	data := t.TempDir()
	out, code := runProcess(t, "appeals", "analytics", "refresh", "--data", data)
	if code != 0 || !strings.Contains(out, "refreshed (full): 0 appeals") {
		t.Errorf("refresh: exit %d\n%s", code, out)
	}
	out, code = runProcess(t, "appeals", "analytics", "refresh", "--data", data)
	if code != 0 || !strings.Contains(out, "refreshed (incremental)") {
		t.Errorf("second refresh: exit %d\n%s", code, out)
	}
	out, code = runProcess(t, "appeals", "analytics", "groups", "--data", data, "--days", "30")
	if code != 0 || !strings.Contains(out, "0 texts") {
		t.Errorf("groups: exit %d\n%s", code, out)
	}
	out, code = runProcess(t, "appeals", "analytics", "spikes", "--data", data, "--day", "2021-03-15")
	if code != 0 || !strings.Contains(out, "no spikes") {
		t.Errorf("spikes: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"appeals", "analytics"},
		{"appeals", "analytics", "guess"},
		{"appeals", "analytics", "spikes", "--data", data, "--day", "15.03.2021"},
		{"appeals", "analytics", "groups", "--data", data, "--days", "0"},
	} {
		if out, code := runProcess(t, args...); code != 2 {
			t.Errorf("okno %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	if out, code := runProcess(t, "appeals", "analytics", "groups", "--data", data, "--threshold", "2"); code != 1 || !strings.Contains(out, "Порог сходства") {
		t.Errorf("threshold 2: exit %d\n%s", code, out)
	}
}
