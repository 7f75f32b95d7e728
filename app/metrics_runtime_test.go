package app_test

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"github.com/okno/okno/web/webtest"
)

// TestRuntimeMetrics: the memory figures the load generator samples are
// exposed, under their usual names, with values a live process has.
func TestRuntimeMetrics(t *testing.T) {
	a := webtest.StartLive(t, "").App
	var b bytes.Buffer
	if _, err := a.Metrics.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes", "go_goroutines", "process_resident_memory_bytes"} {
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b.Bytes())
		if m == nil {
			t.Errorf("%s is not exposed", name)
			continue
		}
		if v, err := strconv.ParseFloat(string(m[1]), 64); err != nil || v <= 0 {
			t.Errorf("%s = %s, want a positive number", name, m[1])
		}
	}
}
