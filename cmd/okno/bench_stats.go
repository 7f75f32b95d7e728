package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The kinds of operation of the mixed load.
const (
	kindAppeals      = "appeals"
	kindApplications = "applications"
	kindOfficials    = "officials"
	kindReaders      = "readers"
)

var benchKinds = []string{kindAppeals, kindApplications, kindOfficials, kindReaders}

// defaultWeights is a portal's day as the design assumes it: most visitors
// read; some write appeals; fewer apply, each application being about ten
// requests; officials work the queue.
const defaultWeights = "appeals=3,applications=1,officials=2,readers=14"

// parseWeights reads "kind=n,…"; kinds not named weigh 0.
func parseWeights(s string) (map[string]int, error) {
	out := map[string]int{}
	total := 0
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		k = strings.TrimSpace(k)
		if !ok || err != nil || n < 0 || n > 1000 || !slices.Contains(benchKinds, k) {
			return nil, fmt.Errorf("--weights: %q: want kind=n with n from 0 to 1000 and kind one of %s", part, strings.Join(benchKinds, ", "))
		}
		out[k] = n
		total += n
	}
	if total == 0 {
		return nil, fmt.Errorf("--weights: %q weighs nothing", s)
	}
	return out, nil
}

// recorder collects what every request measured, per kind of operation
// and per window of time (for the trend of a soak).
type recorder struct {
	start  time.Time
	window time.Duration

	mu      sync.Mutex
	kinds   map[string]*kindStats
	windows []*kindStats

	// Counters for the progress line, read without the lock.
	requests, ok, ops atomic.Int64
	fails             atomic.Int64
}

type kindStats struct {
	lat                      []time.Duration // successful requests only
	requests, ok, ops, opsOK int
	errors                   map[string]int
}

func newRecorder(start time.Time, window time.Duration) *recorder {
	return &recorder{start: start, window: window, kinds: map[string]*kindStats{}}
}

func (r *recorder) stats(kind string) *kindStats {
	s := r.kinds[kind]
	if s == nil {
		s = &kindStats{errors: map[string]int{}}
		r.kinds[kind] = s
	}
	return s
}

// request records one request of kind that took d and failed with fail
// ("" when it succeeded).
func (r *recorder) request(kind string, d time.Duration, fail string) {
	r.requests.Add(1)
	if fail == "" {
		r.ok.Add(1)
	} else {
		r.fails.Add(1)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	w := int(time.Since(r.start) / r.window)
	for len(r.windows) <= w {
		r.windows = append(r.windows, &kindStats{errors: map[string]int{}})
	}
	for _, s := range []*kindStats{r.stats(kind), r.windows[w]} {
		s.requests++
		if fail == "" {
			s.ok++
			s.lat = append(s.lat, d)
		} else {
			s.errors[fail]++
		}
	}
}

// op records that an operation of kind ended, whole or not.
func (r *recorder) op(kind string, ok bool) {
	r.ops.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats(kind)
	s.ops++
	if ok {
		s.opsOK++
	}
}

// kindResult is what was measured of one kind of operation, or of all.
type kindResult struct {
	Operations   int            `json:"operations"`
	OperationsOK int            `json:"operations_ok"`
	Requests     int            `json:"requests"`
	OK           int            `json:"ok"`
	PerSecond    float64        `json:"ok_per_second"`
	P50ms        float64        `json:"p50_ms"`
	P90ms        float64        `json:"p90_ms"`
	P99ms        float64        `json:"p99_ms"`
	MaxMs        float64        `json:"max_ms"`
	Errors       map[string]int `json:"errors"`        // "status 409", "timeout", "connection"
	ErrorClasses map[string]int `json:"error_classes"` // "4xx", "5xx", "timeout", "connection"
}

// errorClass is the class of a failure: the status class, or the kind of
// transport failure.
func errorClass(fail string) string {
	if code, ok := strings.CutPrefix(fail, "status "); ok && len(code) == 3 {
		return code[:1] + "xx"
	}
	return fail
}

func (s *kindStats) result(seconds float64) kindResult {
	slices.Sort(s.lat)
	pct := func(p float64) float64 {
		if len(s.lat) == 0 {
			return 0
		}
		return float64(s.lat[int(p*float64(len(s.lat)-1))].Microseconds()) / 1000
	}
	classes := map[string]int{}
	for k, n := range s.errors {
		classes[errorClass(k)] += n
	}
	return kindResult{Operations: s.ops, OperationsOK: s.opsOK, Requests: s.requests, OK: s.ok,
		PerSecond: float64(s.ok) / seconds, P50ms: pct(0.50), P90ms: pct(0.90), P99ms: pct(0.99), MaxMs: pct(1),
		Errors: s.errors, ErrorClasses: classes}
}

// merge adds o's figures to s.
func (s *kindStats) merge(o *kindStats) {
	s.lat = append(s.lat, o.lat...)
	s.requests += o.requests
	s.ok += o.ok
	s.ops += o.ops
	s.opsOK += o.opsOK
	for k, n := range o.errors {
		s.errors[k] += n
	}
}

// windowResult is one window of the run: whether latency drifts.
type windowResult struct {
	FromSeconds float64 `json:"from_s"`
	Requests    int     `json:"requests"`
	PerSecond   float64 `json:"ok_per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
}

// benchResult is what a run measured. The figures over all kinds are at
// the top, as issue 4's single-target runs reported them.
type benchResult struct {
	Mix         string   `json:"mix"`
	Servers     []string `json:"servers"`
	Mode        string   `json:"mode"`
	Rate        int      `json:"rate,omitempty"`
	Concurrency int      `json:"concurrency"`
	Seconds     float64  `json:"seconds"`
	kindResult
	Kinds    map[string]kindResult `json:"kinds"`
	Dropped  int                   `json:"dropped,omitempty"` // open loop: due but never sent (the clients were busy)
	Timeline []windowResult        `json:"timeline"`
	Memory   []serverMemory        `json:"memory"`
	Trend    trend                 `json:"trend"`
}

// result turns what was recorded into the report.
func (r *recorder) result(seconds float64) (all kindResult, kinds map[string]kindResult, timeline []windowResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	total := &kindStats{errors: map[string]int{}}
	kinds = map[string]kindResult{}
	for k, s := range r.kinds {
		total.merge(s)
		kinds[k] = s.result(seconds)
	}
	for i, w := range r.windows {
		span := r.window.Seconds()
		if from := float64(i) * span; from+span > seconds {
			span = max(seconds-from, 0.001) // the last window is cut short by the end of the run
		}
		wr := w.result(span)
		timeline = append(timeline, windowResult{FromSeconds: float64(i) * r.window.Seconds(), Requests: wr.Requests,
			PerSecond: wr.PerSecond, P50ms: wr.P50ms, P99ms: wr.P99ms, Errors: wr.Requests - wr.OK})
	}
	return total.result(seconds), kinds, timeline
}

func (r benchResult) print(w io.Writer) {
	fmt.Fprintf(w, "mix %s, %s loop", r.Mix, r.Mode)
	if r.Rate > 0 {
		fmt.Fprintf(w, " at %d/s", r.Rate)
	}
	fmt.Fprintf(w, ", %d in flight at most, %.1f s, %d server(s): %s\n", r.Concurrency, r.Seconds, len(r.Servers), strings.Join(r.Servers, " "))
	// "whole" counts operations that went through to their end (an
	// application sent, an action taken); "ok/s" counts requests.
	fmt.Fprintf(w, "%-13s %7s %7s %7s %8s %8s %8s %8s %8s %8s  %s\n", "", "ops", "whole", "reqs", "ok/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "by kind")
	row := func(name string, k kindResult) {
		fmt.Fprintf(w, "%-13s %7d %7d %7d %8.1f %8.1f %8.1f %8.1f %8.1f %8d  %s\n", name, k.Operations, k.OperationsOK, k.Requests, k.PerSecond,
			k.P50ms, k.P90ms, k.P99ms, k.MaxMs, k.Requests-k.OK, countsText(k.Errors))
	}
	for _, name := range benchKinds {
		if k, ok := r.Kinds[name]; ok {
			row(name, k)
		}
	}
	row("all", r.kindResult)
	if len(r.ErrorClasses) > 0 {
		fmt.Fprintf(w, "errors by class: %s\n", countsText(r.ErrorClasses))
	}
	if r.Dropped > 0 {
		fmt.Fprintf(w, "dropped (never sent): %d\n", r.Dropped)
	}
	printMemory(w, r.Memory)
	r.Trend.print(w)
}

// countsText is "a 1, b 2" in the order of the keys.
func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
