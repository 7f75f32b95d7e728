package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "okno.conf")
	os.WriteFile(file, []byte("# comment\naddr = 127.0.0.1:9000\nworkers = 3\nlog-format = \"text\"\n"), 0o600)
	env := map[string]string{"OKNO_CONFIG": file, "OKNO_WORKERS": "5"}
	c, rest, err := parseConfig("serve", []string{"--log-level", "debug", "extra"}, func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Workers != 5 || c.LogFormat != "text" || c.LogLevel != "debug" {
		t.Fatalf("config = %+v", c)
	}
	if len(rest) != 1 || rest[0] != "extra" {
		t.Fatalf("rest = %v", rest)
	}
}

func TestConfigValidateNamesEveryProblem(t *testing.T) {
	env := map[string]string{"OKNO_ADDR": "nonsense", "OKNO_SQLITE_SYNC": "OFF", "OKNO_DB": "mysql://x"}
	_, _, err := parseConfig("serve", nil, func(k string) string { return env[k] }, nil)
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{"addr", "sqlite-sync", "db must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestConfigFileUnknownKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "okno.conf")
	os.WriteFile(file, []byte("adress = x\n"), 0o600)
	_, _, err := parseConfig("serve", []string{"--config", file}, func(string) string { return "" }, nil)
	if err == nil || !strings.Contains(err.Error(), `unknown setting "adress"`) {
		t.Fatalf("err = %v", err)
	}
}
