package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestEmbeddedCatalog loads the real catalogue: it fails when any key misses
// Russian or English, misses a plural form, or is defined in two files.
func TestEmbeddedCatalog(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"error.invalid", "error.internal", "error.conflict", "error.not_found",
		"error.forbidden", "error.unauthorized", "error.rate_limited", "error.csrf"} {
		if !c.Has(key) {
			t.Errorf("catalogue misses %q", key)
		}
	}
}

// errorKeyPatterns find catalogue keys written as literals where errors are
// made. Keys built at run time are not found: this is a best effort net.
var errorKeyPatterns = []*regexp.Regexp{
	regexp.MustCompile(`okno\.(?:Errorf|Wrap)\(\s*[^,()]+,\s*"([^"]+)"`),
	regexp.MustCompile(`\.Add\(\s*"[^"]*"\s*,\s*"([^"]+)"`),
	regexp.MustCompile(`okno\.FieldError\{[^}]*Key:\s*"([^"]+)"`),
}

// TestErrorKeysInCatalogue scans the repository's non-test Go files for keys
// used in okno errors and fails for each one the catalogue lacks.
func TestErrorKeysInCatalogue(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found above the i18n package: %v", err)
	}
	missing := map[string][]string{} // key → files using it
	scanned := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		rel, _ := filepath.Rel(root, path)
		for _, re := range errorKeyPatterns {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				if !c.Has(m[1]) {
					missing[m[1]] = append(missing[m[1]], rel)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned == 0 {
		t.Fatal("scanned no Go files: the walk is broken")
	}
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("error key %q is used in %s but missing from i18n/messages", k, strings.Join(missing[k], ", "))
	}
}

// TestErrorKeyPatterns keeps the scanner honest: each pattern must find
// what it is meant to find.
func TestErrorKeyPatterns(t *testing.T) {
	src := `return okno.Errorf(okno.ENOTFOUND, "a.one", id)
	return okno.Wrap(okno.EINTERNAL, "a.two", err)
	fe.Add("snils", "a.three")
	fe.Add( "phone" , "a.four", 10)
	f := okno.FieldError{Field: "x", Key: "a.five"}
	return okno.Errorf(code, key) // dynamic: skipped`
	var got []string
	for _, re := range errorKeyPatterns {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			got = append(got, m[1])
		}
	}
	sort.Strings(got)
	want := "a.five a.four a.one a.three a.two"
	if strings.Join(got, " ") != want {
		t.Errorf("found %q, want %q", strings.Join(got, " "), want)
	}
}
