package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory figures are read from each server's /metrics when it exports the
// usual gauges (the Prometheus Go client's names, so dashboards made for
// other Go services read them too), or from /proc for --server-pid.
const (
	metricRSS     = "process_resident_memory_bytes"
	metricHeap    = "go_memstats_heap_inuse_bytes"
	metricHeapAlt = "go_memstats_heap_alloc_bytes"
)

// memoryWatch samples the servers' memory during a run.
type memoryWatch struct {
	client *http.Client
	urls   []string
	pids   []int

	mu      sync.Mutex
	order   []string
	samples map[string][]memSample
}

// memSample is one reading; -1 where the figure is not known.
type memSample struct {
	At        float64 // seconds since the start
	RSS, Heap int64
}

func newMemoryWatch(c *http.Client, urls []string, pids []int) *memoryWatch {
	return &memoryWatch{client: c, urls: urls, pids: pids, samples: map[string][]memSample{}}
}

// sample reads every server once; at is the time since the start.
func (m *memoryWatch) sample(ctx context.Context, at time.Duration) {
	for _, u := range m.urls {
		rss, heap := m.fromMetrics(ctx, u)
		if rss >= 0 || heap >= 0 {
			m.add(u, memSample{At: at.Seconds(), RSS: rss, Heap: heap})
		}
	}
	for _, pid := range m.pids {
		if rss := procRSS(pid); rss >= 0 {
			m.add("pid "+strconv.Itoa(pid), memSample{At: at.Seconds(), RSS: rss, Heap: -1})
		}
	}
}

func (m *memoryWatch) add(server string, s memSample) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.samples[server]; !ok {
		m.order = append(m.order, server)
	}
	m.samples[server] = append(m.samples[server], s)
}

// fromMetrics reads the memory gauges of base's /metrics; -1 for each one
// it does not export.
func (m *memoryWatch) fromMetrics(ctx context.Context, base string) (rss, heap int64) {
	rss, heap = -1, -1
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return
	}
	res, err := m.client.Do(req)
	if err != nil {
		return
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return
	}
	return parseMemoryMetrics(io.LimitReader(res.Body, 8<<20))
}

// parseMemoryMetrics finds the memory gauges in Prometheus text.
func parseMemoryMetrics(r io.Reader) (rss, heap int64) {
	rss, heap = -1, -1
	alt := int64(-1)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case metricRSS:
			if f > 0 { // 0 where the server cannot tell
				rss = int64(f)
			}
		case metricHeap:
			heap = int64(f)
		case metricHeapAlt:
			alt = int64(f)
		}
	}
	if heap < 0 {
		heap = alt
	}
	return rss, heap
}

// procRSS is a local process's resident memory in bytes, or -1.
func procRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

// memFigures are one figure's start, highest and end, in MiB.
type memFigures struct {
	StartMiB float64 `json:"start_mib"`
	MaxMiB   float64 `json:"max_mib"`
	EndMiB   float64 `json:"end_mib"`
	// WarmMiB is the figure once the load has run a tenth of the time:
	// what a flat run ends near.
	WarmMiB float64 `json:"warm_mib"`
}

// serverMemory is what was seen of one server's memory.
type serverMemory struct {
	Server  string      `json:"server"`
	Samples int         `json:"samples"`
	RSS     *memFigures `json:"rss,omitempty"`
	Heap    *memFigures `json:"heap,omitempty"`
}

// result summarises the samples; warmAt is when the warm-up ends.
func (m *memoryWatch) result(warmAt float64) []serverMemory {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []serverMemory
	for _, server := range m.order {
		ss := m.samples[server]
		sm := serverMemory{Server: server, Samples: len(ss)}
		sm.RSS = figures(ss, warmAt, func(s memSample) int64 { return s.RSS })
		sm.Heap = figures(ss, warmAt, func(s memSample) int64 { return s.Heap })
		out = append(out, sm)
	}
	return out
}

func figures(ss []memSample, warmAt float64, get func(memSample) int64) *memFigures {
	var f *memFigures
	const mib = 1 << 20
	for _, s := range ss {
		v := get(s)
		if v < 0 {
			continue
		}
		x := float64(v) / mib
		if f == nil {
			f = &memFigures{StartMiB: x, WarmMiB: x}
		}
		if s.At <= warmAt {
			f.WarmMiB = x
		}
		f.MaxMiB = max(f.MaxMiB, x)
		f.EndMiB = x
	}
	return f
}

func printMemory(w io.Writer, ms []serverMemory) {
	if len(ms) == 0 {
		fmt.Fprintln(w, "server memory: not reported (the servers' /metrics export no "+metricRSS+" or "+metricHeap+"; give --server-pid for local ones)")
		return
	}
	for _, m := range ms {
		fmt.Fprintf(w, "memory %s (%d samples):", m.Server, m.Samples)
		if m.RSS != nil {
			fmt.Fprintf(w, " resident start %.1f, max %.1f, end %.1f MiB;", m.RSS.StartMiB, m.RSS.MaxMiB, m.RSS.EndMiB)
		}
		if m.Heap != nil {
			fmt.Fprintf(w, " heap start %.1f, max %.1f, end %.1f MiB;", m.Heap.StartMiB, m.Heap.MaxMiB, m.Heap.EndMiB)
		}
		fmt.Fprintln(w)
	}
}

// latest is the newest figures, for the progress line.
func (m *memoryWatch) latest() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sb strings.Builder
	for _, server := range m.order {
		ss := m.samples[server]
		s := ss[len(ss)-1]
		switch {
		case s.RSS >= 0:
			fmt.Fprintf(&sb, "  rss %.0f MiB", float64(s.RSS)/(1<<20))
		case s.Heap >= 0:
			fmt.Fprintf(&sb, "  heap %.0f MiB", float64(s.Heap)/(1<<20))
		}
	}
	return sb.String()
}
