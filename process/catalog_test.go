package process

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/okno/okno/i18n"
)

// notMessages are "process." strings in the code that are not catalogue
// keys.
var notMessages = map[string]bool{"process.publish": true} // the audit action

// TestEveryKeyIsInTheCatalogue: every problem and error key this package
// writes has Russian and English text, and the catalogue's process keys
// are all used. The i18n package's own scan does not see problem keys.
func TestEveryKeyIsInTheCatalogue(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(process\.[a-z0-9_.]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			if !notMessages[m[1]] {
				used[m[1]] = true
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k := range used {
		if !cat.Has(k) {
			t.Errorf("key %q is used but missing from i18n/messages/process.json", k)
		}
	}
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "process.") && !used[k] {
			t.Errorf("key %q is in the catalogue but never used", k)
		}
	}
}

// TestProblemsTranslate renders a problem with arguments in both
// languages: the arguments fill the text.
func TestProblemsTranslate(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := Problem{Key: "process.on_timeout_not_from_state", Args: []any{"auto_close", "review"}}
	for _, lang := range i18n.Langs {
		got := cat.Localizer(lang).T(p.Key, p.Args...)
		if !strings.Contains(got, "auto_close") || !strings.Contains(got, "review") || strings.Contains(got, "%!") {
			t.Errorf("%s: %q", lang, got)
		}
	}
}
