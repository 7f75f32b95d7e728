package metrics

import (
	"bufio"
	"slices"
	"sort"
)

// Gauge is a value that goes up and down (requests in flight, queue length).
type Gauge struct{ v atomicFloat }

// Set sets the value.
func (g *Gauge) Set(v float64) { g.v.set(v) }

// Add adds d, which may be negative.
func (g *Gauge) Add(d float64) { g.v.add(d) }

// Inc adds one.
func (g *Gauge) Inc() { g.v.add(1) }

// Dec subtracts one.
func (g *Gauge) Dec() { g.v.add(-1) }

// Value returns the current value, for tests.
func (g *Gauge) Value() float64 { return g.v.load() }

// GaugeVec is a gauge per combination of label values.
type GaugeVec struct{ v *vec[Gauge] }

// NewGaugeVec registers a gauge family with the given label names.
func (r *Registry) NewGaugeVec(name, help string, labels ...string) *GaugeVec {
	g := &GaugeVec{v: newVec(name, help, labels, func() *Gauge { return new(Gauge) })}
	r.register(g, labels)
	return g
}

// NewGauge registers a gauge without labels.
func (r *Registry) NewGauge(name, help string) *Gauge {
	return r.NewGaugeVec(name, help).With()
}

// With returns the gauge for the label values.
func (g *GaugeVec) With(values ...string) *Gauge { return g.v.with(values) }

func (g *GaugeVec) name() string { return g.v.fname }

func (g *GaugeVec) write(w *bufio.Writer) {
	header(w, g.v.fname, g.v.help, "gauge")
	for _, e := range g.v.sorted() {
		sample(w, g.v.fname, g.v.labels, e.values, "", "", e.s.Value())
	}
}

// gaugeFunc is a gauge family whose values are read at scrape time.
type gaugeFunc struct {
	fname, help string
	labels      []string
	collect     func(emit func(v float64, values ...string))
}

// NewGaugeFunc registers a gauge read by calling f at each scrape: for
// values another component already keeps (database pool statistics, outbox
// lag), so nothing has to copy them on every change. f must be quick and
// safe for concurrent use.
func (r *Registry) NewGaugeFunc(name, help string, f func() float64) {
	r.NewGaugeVecFunc(name, help, nil, func(emit func(float64, ...string)) { emit(f()) })
}

// NewGaugeVecFunc registers a labelled gauge family read at scrape time:
// collect calls emit once per series with its value and label values, e.g.
// one call per pool with labels {pool, state}.
func (r *Registry) NewGaugeVecFunc(name, help string, labels []string, collect func(emit func(v float64, values ...string))) {
	r.register(&gaugeFunc{fname: name, help: help, labels: slices.Clone(labels), collect: collect}, labels)
}

func (g *gaugeFunc) name() string { return g.fname }

func (g *gaugeFunc) write(w *bufio.Writer) {
	type point struct {
		values []string
		v      float64
	}
	var points []point
	g.collect(func(v float64, values ...string) {
		if len(values) != len(g.labels) {
			return // a wrong call would corrupt the exposition; drop it
		}
		points = append(points, point{slices.Clone(values), v})
	})
	sort.SliceStable(points, func(i, j int) bool { return slices.Compare(points[i].values, points[j].values) < 0 })
	header(w, g.fname, g.help, "gauge")
	for _, p := range points {
		sample(w, g.fname, g.labels, p.values, "", "", p.v)
	}
}
