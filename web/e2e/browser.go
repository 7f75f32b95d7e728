// Package e2e drives real Chromium against a real Okno server: it loads
// pages, walks multi-step flows like a person would, checks every page with
// axe-core and saves screenshots. Tests skip, saying why, when Chromium is
// not installed (CI installs Debian's chromium package).
//
// It is a test helper package: nothing outside tests may import it.
package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package puts the browser.
const ChromiumPath = "/usr/bin/chromium"

//go:embed testdata/axe.min.js
var axeSource string

// Browser is one headless Chromium with one tab, bound to a test.
type Browser struct {
	t    testing.TB
	ctx  context.Context
	base string // server URL, e.g. http://127.0.0.1:41234

	mu       sync.Mutex
	problems []string // console errors, exceptions and CSP violations since the last check
}

// Start launches Chromium for the test, or skips the test when Chromium is
// missing. base is the server's URL; paths given to Visit are relative to it.
func Start(t testing.TB, base string) *Browser {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skipf("browser tests need Chromium at %s (apt-get install -y chromium): %v", ChromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true), // screenshots show the whole layout width
	}
	// A fresh profile per browser. Not t.TempDir: Chromium's helpers may
	// still be writing when the test ends, and that must not fail it.
	profile, err := os.MkdirTemp("", "okno-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	opts = append(opts, chromedp.UserDataDir(profile))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &Browser{t: t, ctx: ctx, base: strings.TrimSuffix(base, "/")}
	chromedp.ListenTarget(ctx, b.listen)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// listen records what a person would not see but a developer must: script
// errors and policy violations (a CSP violation shows up as a log entry).
func (b *Browser) listen(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		p = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			p += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.APITypeError {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			p = "console.error: " + strings.Join(parts, " ")
		}
	case *log.EventEntryAdded:
		// A page that answers 404 on purpose is logged as a network error
		// for the document itself; failed subresources still count.
		if ev.Entry.Level == log.LevelError && !(ev.Entry.Source == log.SourceNetwork && !strings.Contains(ev.Entry.URL, "/assets/")) {
			p = fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if p != "" {
		b.mu.Lock()
		b.problems = append(b.problems, p)
		b.mu.Unlock()
	}
}

// run runs actions; on failure it saves a screenshot and fails the test.
func (b *Browser) run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (screenshot: %s)", what, err, b.Screenshot("failure"))
	}
}

// Visit opens path and waits for the page to load.
func (b *Browser) Visit(path string) {
	b.t.Helper()
	b.run("visit "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady("body", chromedp.ByQuery))
}

// Fill types value into the field matched by the CSS selector, replacing
// what was there.
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	clear := fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)
	b.run("fill "+sel, chromedp.Evaluate(clear, nil), chromedp.SendKeys(sel, value, chromedp.ByQuery))
}

// Click clicks the element matched by sel.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.run("click "+sel, chromedp.Click(sel, chromedp.ByQuery))
}

// ClickAndWait clicks sel (a link or submit button) and waits until the
// next page has loaded.
func (b *Browser) ClickAndWait(sel string) {
	b.t.Helper()
	b.run("click "+sel+" and wait",
		chromedp.Evaluate(`window.__oknoOldPage = true`, nil),
		chromedp.Click(sel, chromedp.ByQuery),
	)
	b.waitFor(`window.__oknoOldPage === undefined && document.readyState === "complete"`)
}

// waitFor polls a JavaScript condition until it holds. Evaluation errors
// while the next page replaces the old one are expected and retried.
func (b *Browser) waitFor(cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(cond, &ok)); err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("waiting for %s: %v (screenshot: %s)", cond, ctx.Err(), b.Screenshot("failure"))
		case <-tick.C:
		}
	}
}

// Text returns the text of the element matched by sel.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	var s string
	b.run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

// Eval evaluates a JavaScript expression into res.
func (b *Browser) Eval(expr string, res any) {
	b.t.Helper()
	b.run("evaluate "+expr, chromedp.Evaluate(expr, res))
}

// Resize sets the viewport, e.g. 375×812 for a phone, 1280×900 for a desktop.
func (b *Browser) Resize(width, height int64) {
	b.t.Helper()
	b.run("resize", chromedp.EmulateViewport(width, height))
}

// Screenshot saves a full-page PNG and returns its path. Files go to
// $OKNO_E2E_ARTIFACTS (CI keeps them) or a temporary directory.
func (b *Browser) Screenshot(name string) string {
	dir := os.Getenv("OKNO_E2E_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "okno-e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "none: " + err.Error()
	}
	var png []byte
	if err := chromedp.Run(b.ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		return "none: " + err.Error()
	}
	safe := strings.NewReplacer("/", "_", " ", "_", "?", "_", "=", "_").Replace(b.t.Name() + "-" + name)
	path := filepath.Join(dir, safe+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "none: " + err.Error()
	}
	return path
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s\n    %s", v.Impact, v.ID, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    at %s\n      %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// Axe runs axe-core (WCAG 2.0–2.2 A and AA rules and best practices) on the
// current page and returns its violations.
func (b *Browser) Axe() []Violation {
	b.t.Helper()
	var loaded bool
	b.run("load axe", chromedp.Evaluate(`typeof axe !== "undefined"`, &loaded))
	if !loaded {
		b.run("inject axe", chromedp.Evaluate(axeSource+";true", nil))
	}
	var raw string
	b.run("run axe", chromedp.Evaluate(`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
	}))))`, &raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	return vs
}

// CheckPage fails the test when the current page has a serious or critical
// axe violation, a script error or a policy violation; lesser axe findings
// are logged.
func (b *Browser) CheckPage(label string) {
	b.t.Helper()
	var bad []string
	for _, v := range b.Axe() {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v.String())
		} else {
			b.t.Logf("%s: axe (%s): %s", label, v.Impact, v.String())
		}
	}
	b.mu.Lock()
	bad = append(bad, b.problems...)
	b.problems = nil
	b.mu.Unlock()
	if len(bad) > 0 {
		b.t.Errorf("%s: %d problem(s) (screenshot: %s):\n  %s", label, len(bad), b.Screenshot(label), strings.Join(bad, "\n  "))
	}
}
