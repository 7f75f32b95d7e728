package main

import (
	"fmt"
	"io"
)

// Limits of "flat" for a soak: after the warm-up, memory may grow by a
// fifth plus a little (caches filling, the allocator's slack), and the
// p99 of the last window may be half again that of the first plus a few
// milliseconds (the noise of a shared machine); more is a leak or a
// slowdown to look into.
const (
	flatMemoryRatio = 1.2
	flatMemoryMiB   = 16
	flatP99Ratio    = 1.5
	flatP99Ms       = 5
)

// trend says whether memory and latency stayed flat over the run: the
// soak test's question.
type trend struct {
	// FirstP99ms and LastP99ms are the p99 of the first window after the
	// warm-up and of the last whole window.
	FirstP99ms  float64 `json:"first_p99_ms"`
	LastP99ms   float64 `json:"last_p99_ms"`
	LatencyFlat bool    `json:"latency_flat"`
	// MemoryFlat is false when any server's memory (resident, or heap
	// when that is all there is) ended above the flat limit of its
	// figure after the warm-up; nil when no server reported memory.
	MemoryFlat *bool  `json:"memory_flat,omitempty"`
	Windows    int    `json:"windows"`
	Note       string `json:"note,omitempty"`
}

func trendOf(timeline []windowResult, window, seconds float64, mem []serverMemory) trend {
	var whole []windowResult
	for _, w := range timeline {
		if w.FromSeconds+window <= seconds+0.001 && w.Requests > 0 {
			whole = append(whole, w)
		}
	}
	t := trend{Windows: len(whole)}
	switch {
	case len(whole) >= 3:
		t.FirstP99ms, t.LastP99ms = whole[1].P99ms, whole[len(whole)-1].P99ms // the first is the warm-up
	case len(whole) == 2:
		t.FirstP99ms, t.LastP99ms = whole[0].P99ms, whole[1].P99ms
	default:
		t.Note = "too short a run to see a trend"
	}
	t.LatencyFlat = len(whole) >= 2 && t.LastP99ms <= t.FirstP99ms*flatP99Ratio+flatP99Ms
	for _, m := range mem {
		f := m.RSS
		if f == nil {
			f = m.Heap
		}
		if f == nil {
			continue
		}
		flat := f.EndMiB <= f.WarmMiB*flatMemoryRatio+flatMemoryMiB
		if t.MemoryFlat == nil || !flat {
			t.MemoryFlat = &flat
		}
	}
	return t
}

func (t trend) print(w io.Writer) {
	if t.Note != "" {
		fmt.Fprintf(w, "trend: %s\n", t.Note)
		return
	}
	verdict := func(flat bool) string {
		if flat {
			return "flat"
		}
		return "NOT FLAT"
	}
	fmt.Fprintf(w, "trend over %d windows: p99 %.1f → %.1f ms (%s)", t.Windows, t.FirstP99ms, t.LastP99ms, verdict(t.LatencyFlat))
	if t.MemoryFlat != nil {
		fmt.Fprintf(w, "; memory %s", verdict(*t.MemoryFlat))
	}
	fmt.Fprintln(w)
}
