package metrics

import (
	"bufio"
	"fmt"
	"math"
	"sync/atomic"
)

// atomicFloat is a float64 updated without locks.
type atomicFloat struct{ bits atomic.Uint64 }

func (a *atomicFloat) add(d float64) {
	for {
		old := a.bits.Load()
		if a.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

func (a *atomicFloat) set(v float64) { a.bits.Store(math.Float64bits(v)) }
func (a *atomicFloat) load() float64 { return math.Float64frombits(a.bits.Load()) }

// Counter is a value that only goes up (requests served, messages sent).
type Counter struct{ v atomicFloat }

// Inc adds one.
func (c *Counter) Inc() { c.v.add(1) }

// Add adds d, which must not be negative: a counter going down would read as
// a restart to Prometheus, so it panics.
func (c *Counter) Add(d float64) {
	if d < 0 {
		panic(fmt.Sprintf("metrics: counter decreased by %v", d))
	}
	c.v.add(d)
}

// Value returns the current value, for tests.
func (c *Counter) Value() float64 { return c.v.load() }

// CounterVec is a counter per combination of label values.
type CounterVec struct{ v *vec[Counter] }

// NewCounterVec registers a counter family with the given label names.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{v: newVec(name, help, labels, func() *Counter { return new(Counter) })}
	r.register(c, labels)
	return c
}

// NewCounter registers a counter without labels.
func (r *Registry) NewCounter(name, help string) *Counter {
	return r.NewCounterVec(name, help).With()
}

// With returns the counter for the label values, in the order the labels
// were declared.
func (c *CounterVec) With(values ...string) *Counter { return c.v.with(values) }

func (c *CounterVec) name() string { return c.v.fname }

func (c *CounterVec) write(w *bufio.Writer) {
	header(w, c.v.fname, c.v.help, "counter")
	for _, e := range c.v.sorted() {
		sample(w, c.v.fname, c.v.labels, e.values, "", "", e.s.Value())
	}
}
