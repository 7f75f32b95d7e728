package app

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// registerRuntimeMetrics exposes the process's memory and goroutines under
// the names Prometheus' Go client uses, so dashboards and `okno bench`
// (which samples them to show memory stays flat under load) read them
// the usual way. ReadMemStats stops the world briefly, so one reading
// serves a whole scrape.
func (a *App) registerRuntimeMetrics() {
	var (
		mu sync.Mutex
		at time.Time
		ms runtime.MemStats
	)
	read := func() runtime.MemStats {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) > time.Second {
			runtime.ReadMemStats(&ms)
			at = time.Now()
		}
		return ms
	}
	a.Metrics.NewGaugeFunc("go_memstats_heap_inuse_bytes", "Bytes in in-use heap spans.", func() float64 { return float64(read().HeapInuse) })
	a.Metrics.NewGaugeFunc("go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.", func() float64 { return float64(read().HeapAlloc) })
	a.Metrics.NewGaugeFunc("go_memstats_sys_bytes", "Bytes obtained from the system.", func() float64 { return float64(read().Sys) })
	a.Metrics.NewGaugeFunc("go_goroutines", "Goroutines that currently exist.", func() float64 { return float64(runtime.NumGoroutine()) })
	a.Metrics.NewGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes (Linux; 0 elsewhere).", residentBytes)
}

// residentBytes reads the resident set size from /proc/self/statm (its
// second field, in pages); 0 where there is no such file.
func residentBytes() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return float64(pages * int64(os.Getpagesize()))
}
