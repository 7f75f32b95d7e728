package metrics

import (
	"bufio"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
)

// DefBuckets suit request durations in seconds, from 5 ms to 10 s.
func DefBuckets() []float64 {
	return []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// Histogram counts observations into cumulative buckets and keeps their sum.
type Histogram struct {
	upper []float64 // shared with the vector; read only

	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	count  uint64
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(h.upper, v) // first bucket with upper bound >= v
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.count++
	h.mu.Unlock()
}

// Count returns how many values were observed, for tests.
func (h *Histogram) Count() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// HistogramVec is a histogram per combination of label values.
type HistogramVec struct {
	v     *vec[Histogram]
	upper []float64
}

// NewHistogramVec registers a histogram family. buckets are upper bounds,
// strictly increasing; +Inf is implied.
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	upper := slices.Clone(buckets)
	if n := len(upper); n > 0 && math.IsInf(upper[n-1], +1) {
		upper = upper[:n-1]
	}
	for i := 1; i < len(upper); i++ {
		if upper[i] <= upper[i-1] {
			panic(fmt.Sprintf("metrics: %s buckets are not strictly increasing", name))
		}
	}
	h := &HistogramVec{upper: upper}
	h.v = newVec(name, help, labels, func() *Histogram {
		return &Histogram{upper: upper, counts: make([]uint64, len(upper)+1)}
	})
	r.register(h, labels)
	return h
}

// NewHistogram registers a histogram without labels.
func (r *Registry) NewHistogram(name, help string, buckets []float64) *Histogram {
	return r.NewHistogramVec(name, help, buckets).With()
}

// With returns the histogram for the label values.
func (h *HistogramVec) With(values ...string) *Histogram { return h.v.with(values) }

func (h *HistogramVec) name() string { return h.v.fname }

func (h *HistogramVec) write(w *bufio.Writer) {
	header(w, h.v.fname, h.v.help, "histogram")
	for _, e := range h.v.sorted() {
		e.s.mu.Lock()
		counts := slices.Clone(e.s.counts)
		sum, count := e.s.sum, e.s.count
		e.s.mu.Unlock()
		var cum uint64
		for i, c := range counts {
			cum += c
			le := "+Inf"
			if i < len(h.upper) {
				le = formatFloat(h.upper[i])
			}
			sample(w, h.v.fname+"_bucket", h.v.labels, e.values, "le", le, float64(cum))
		}
		sample(w, h.v.fname+"_sum", h.v.labels, e.values, "", "", sum)
		sample(w, h.v.fname+"_count", h.v.labels, e.values, "", "", float64(count))
	}
}
