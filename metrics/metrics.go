// Package metrics is a small implementation of Prometheus metrics — counter,
// gauge and histogram vectors with labels, and gauges read at scrape time —
// exposed in the text format 0.0.4.
//
// There is no default registry: a Registry is made by whoever serves
// /metrics and passed to whoever records. It must never grow into a
// general-purpose client: only what Okno's operators need.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

var (
	nameRE  = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// family is one metric name with its help, type and series.
type family interface {
	name() string
	// write appends the family's samples, sorted, to w (after HELP and TYPE).
	write(w *bufio.Writer)
}

// Registry holds metric families and writes them for a scrape. It is safe
// for concurrent use.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: map[string]family{}}
}

// register adds f. Metric names and labels are fixed by code, so a bad or
// duplicate name is a programming error found at start-up: it panics.
func (r *Registry) register(f family, labels []string) {
	if !nameRE.MatchString(f.name()) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", f.name()))
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) || strings.HasPrefix(l, "__") || l == "le" {
			panic(fmt.Sprintf("metrics: invalid label name %q for %s", l, f.name()))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[f.name()]; dup {
		panic(fmt.Sprintf("metrics: %s registered twice", f.name()))
	}
	r.families[f.name()] = f
}

// WriteTo writes every family in the text exposition format, sorted by name
// and each family's series by label values, so output is stable.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	fams := make([]family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	sort.Slice(fams, func(i, j int) bool { return fams[i].name() < fams[j].name() })
	cw := &countWriter{w: w}
	bw := bufio.NewWriter(cw)
	for _, f := range fams {
		f.write(bw)
	}
	err := bw.Flush()
	return cw.n, err
}

// Handler serves the registry for Prometheus scrapes.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		r.WriteTo(w) //nolint:errcheck // the client went away; nothing to tell it
	})
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// header writes the HELP and TYPE lines.
func header(w *bufio.Writer, name, help, typ string) {
	w.WriteString("# HELP " + name + " " + escapeHelp(help) + "\n")
	w.WriteString("# TYPE " + name + " " + typ + "\n")
}

// vec is the label handling shared by every vector: series keyed by their
// label values.
type vec[S any] struct {
	fname  string
	help   string
	labels []string
	newS   func() *S

	mu     sync.RWMutex
	series map[string]*entry[S]
}

type entry[S any] struct {
	values []string
	s      *S
}

func newVec[S any](name, help string, labels []string, newS func() *S) *vec[S] {
	return &vec[S]{fname: name, help: help, labels: slices.Clone(labels), newS: newS, series: map[string]*entry[S]{}}
}

func (v *vec[S]) name() string { return v.fname }

// with returns the series for values, creating it on first use. A wrong
// number of values is a programming error: it panics.
func (v *vec[S]) with(values []string) *S {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s has %d labels, got %d values", v.fname, len(v.labels), len(values)))
	}
	key := strings.Join(values, "\xff")
	v.mu.RLock()
	e, ok := v.series[key]
	v.mu.RUnlock()
	if ok {
		return e.s
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if e, ok := v.series[key]; ok {
		return e.s
	}
	e = &entry[S]{values: slices.Clone(values), s: v.newS()}
	v.series[key] = e
	return e.s
}

// sorted returns the series ordered by label values.
func (v *vec[S]) sorted() []*entry[S] {
	v.mu.RLock()
	out := make([]*entry[S], 0, len(v.series))
	for _, e := range v.series {
		out = append(out, e)
	}
	v.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return slices.Compare(out[i].values, out[j].values) < 0 })
	return out
}
