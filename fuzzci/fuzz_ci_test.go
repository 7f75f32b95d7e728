// Package fuzzci runs every fuzz target of the module for a moment in CI.
// `go test ./...` already runs each target's seed corpus as a test; this
// adds a short search for new inputs, so a parser change that panics on
// something near its seeds fails CI rather than production. Long runs are
// by hand: go test -run '^$' -fuzz '^FuzzX$' -fuzztime 5m ./pkg.
package fuzzci

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fuzzTarget is a fuzz function and the package (a path from the module
// root) that holds it.
type fuzzTarget struct {
	pkg, name string
}

// targets are every fuzz target of the module: TestFuzzTargetsListed fails
// when one is added or removed and this table is not.
var targets = []fuzzTarget{
	{"./accrual", "FuzzImportFile"},
	{"./accrual", "FuzzPush"},
	{"./accrual", "FuzzUIN"},
	{"./appeal", "FuzzImport"},
	{"./application", "FuzzSet"},
	{"./blob", "FuzzExifOrientation"},
	{"./blob", "FuzzPreview"},
	{"./blob", "FuzzSniff"},
	{"./calendar", "FuzzParseXML"},
	{"./complaint", "FuzzRenderPDF"},
	{"./formdecl", "FuzzInfo"},
	{"./formdecl", "FuzzParseDecl"},
	{"./formdecl", "FuzzValidate"},
	{"./geo", "FuzzParseGeoJSON"},
	{"./notify", "FuzzEncodeSMS"},
	{"./payment", "FuzzHandleNotification"},
	{"./payment", "FuzzVerify"},
	{"./process", "FuzzParse"},
	{"./ruid", "FuzzEmail"},
	{"./ruid", "FuzzINN"},
	{"./ruid", "FuzzOGRN"},
	{"./ruid", "FuzzPassport"},
	{"./ruid", "FuzzPhone"},
	{"./ruid", "FuzzSNILS"},
	{"./rusearch", "FuzzSearch"},
	{"./rutext", "FuzzTokens"},
	{"./textclass", "FuzzLoad"},
	{"./textclass", "FuzzLoadModel"},
	{"./textclass", "FuzzPredict"},
	{"./web", "FuzzFormPost"},
	{"./web", "FuzzOpen311Query"},
	{"./web", "FuzzOpen311Submission"},
}

// fuzzTime is how much CI fuzzes each target: a count of executions, not
// a duration. Go 1.26's fuzzing coordinator can report a spurious
// "context deadline exceeded" failure when a duration's deadline races a
// worker still running an input (go.dev/issue/75804, fixed in Go 1.27);
// a count has no deadline to race. 2,000 runs take 0.1–7 s per target on
// a 2-core machine (the database-backed ones are the slowest), about the
// two seconds each this budget was sized as.
const fuzzTime = "2000x"

// minimizeTime turns minimising off. The targets that store what they
// accept (a push, an import, a notification) commit per run, and at the
// start of a run nearly every input is new coverage: minimising each
// (60 s by default) would leave no time to fuzz. A failing input is still
// written to the package's testdata/fuzz in full.
const minimizeTime = "0"

// fuzzFunc finds fuzz functions in test files.
var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w*)\(\w+ \*testing\.F\)`)

// moduleRoot is the directory above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no module root above fuzzci: %v", err)
	}
	return root
}

// TestFuzzTargetsListed: the table names exactly the module's fuzz
// targets, so a new one is fuzzed in CI from the day it is written.
func TestFuzzTargetsListed(t *testing.T) {
	root := moduleRoot(t)
	var found []fuzzTarget
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllSubmatch(src, -1) {
			found = append(found, fuzzTarget{"./" + filepath.ToSlash(rel), string(m[1])})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sorted := func(ts []fuzzTarget) []fuzzTarget {
		ts = append([]fuzzTarget(nil), ts...)
		sort.Slice(ts, func(i, j int) bool {
			if ts[i].pkg != ts[j].pkg {
				return ts[i].pkg < ts[j].pkg
			}
			return ts[i].name < ts[j].name
		})
		return ts
	}
	if diff := cmp.Diff(sorted(targets), sorted(found), cmp.AllowUnexported(fuzzTarget{})); diff != "" {
		t.Errorf("fuzz targets in the module differ from the table in fuzz_ci_test.go (-table +module):\n%s", diff)
	}
}

// TestFuzzBriefly fuzzes every target for fuzzTime. Each run has one
// worker and the runs go as parallel subtests (as many at once as -parallel
// allows, GOMAXPROCS by default), so the fixed cost of starting each —
// the instrumented build, the seed corpus — overlaps the others' fuzzing.
// Only in CI: elsewhere `go test ./...` should stay quick, and the seeds
// run anyway.
func TestFuzzBriefly(t *testing.T) {
	if os.Getenv("CI") == "" {
		t.Skip("fuzzing runs only in CI (set CI=true); the seed corpora ran with each package's tests")
	}
	if testing.Short() {
		t.Skip("-short: no fuzzing")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to fuzz with: %v", err)
	}
	root := moduleRoot(t)
	for _, tg := range targets {
		t.Run(strings.TrimPrefix(tg.pkg, "./")+"/"+tg.name, func(t *testing.T) {
			t.Parallel()
			// A hung target fails its own run, not the whole suite's timeout.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, goBin, "test", "-run", "^$", "-fuzz", "^"+tg.name+"$", "-fuzztime", fuzzTime,
				"-fuzzminimizetime", minimizeTime, "-parallel", "1", tg.pkg)
			cmd.Dir = root
			cmd.WaitDelay = 10 * time.Second // the test binary may outlive a killed go command
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test -fuzz %s %s: %v after %s\n%s", tg.name, tg.pkg, err, time.Since(start).Round(time.Millisecond), out)
			}
			t.Logf("%s in %s", lastLine(out), time.Since(start).Round(time.Millisecond))
		})
	}
}

// lastLine is the last non-empty line of a command's output ("ok pkg 2.3s").
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}
