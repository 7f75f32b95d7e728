package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/okno/okno/storetest"
)

// benchServer stands in for Okno: it lists two services and accepts every
// third submission with 201, refuses the others with 429 or 400.
func benchServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var posts atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open311/v2/services.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"service_code":"a"},{"service_code":"b"}]`))
	})
	mux.HandleFunc("POST /open311/v2/requests.json", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("api_key") != "okno_k" || r.FormValue("service_code") == "" || r.FormValue("email") == "" {
			t.Errorf("bad submission %v", r.Form)
		}
		switch posts.Add(1) % 3 {
		case 0:
			w.WriteHeader(429)
		case 1:
			w.WriteHeader(201)
		default:
			w.WriteHeader(400)
		}
	})
	mux.HandleFunc("POST /api/v1/appeals", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer okno_k" || r.Header.Get("Idempotency-Key") == "" {
			t.Errorf("bad API submission %v", r.Header)
		}
		posts.Add(1)
		w.WriteHeader(201)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &posts
}

func TestBenchCountsAndClassifies(t *testing.T) {
	srv, posts := benchServer(t)
	out, err := runOkno(t, "bench", "--mix", "open311", "--url", srv.URL, "--key", "okno_k", "--duration", "300ms", "--concurrency", "4", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Requests == 0 || r.OK == 0 || r.Errors["status 429"] == 0 || r.Errors["status 400"] == 0 {
		t.Errorf("result %+v", r)
	}
	if got := r.OK + r.Errors["status 429"] + r.Errors["status 400"]; got > int(posts.Load()) || got < r.Requests-4 {
		t.Errorf("counted %d of %d sent (%d posted)", got, r.Requests, posts.Load())
	}
	if !(r.P50ms <= r.P90ms && r.P90ms <= r.P99ms && r.P99ms <= r.MaxMs) {
		t.Errorf("percentiles out of order: %+v", r)
	}
}

func TestBenchOpenLoopKeepsTheRate(t *testing.T) {
	srv, posts := benchServer(t)
	out, err := runOkno(t, "bench", "--url", srv.URL, "--key", "okno_k", "--target", "api", "--rate", "200", "--duration", "500ms")
	if err != nil {
		t.Fatal(err)
	}
	// 200/s for half a second is about 100 requests; the scheduler must
	// neither stall nor flood.
	if n := posts.Load(); n < 50 || n > 110 {
		t.Errorf("%d requests at 200/s over 0.5 s: %s", n, out)
	}
	if !strings.Contains(out, "open loop at 200/s") {
		t.Errorf("output %q", out)
	}
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--key", "k", "--target", "soap"},
		{"bench", "--key", "k", "--rate", "-1"},
	} {
		if _, err := runOkno(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	// An unreachable server is a clear error, not a hang.
	if _, err := runOkno(t, "bench", "--key", "k", "--url", "http://127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("unreachable server: %v", err)
	}
}

// startDemo runs `okno demo` on a loopback port over dsn ("" for SQLite in
// a temporary directory) until the test ends, and returns its URL and
// data directory.
func startDemo(t *testing.T, dsn string) (url, data string) {
	t.Helper()
	data = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Ready: func(addr string) { ready <- addr }}
	done := make(chan error, 1)
	args := []string{"demo", "--data", data, "--addr", "127.0.0.1:0"}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	go func() { done <- run(ctx, env, args) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("okno demo: %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr, data
	case err := <-done:
		done <- err
		t.Fatalf("okno demo stopped: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("okno demo did not start")
	}
	return "", ""
}

// TestBenchMixedAgainstTheDemo runs the mixed load for a few seconds
// against a real Okno (the demo, on SQLite and on PostgreSQL): every kind
// of operation goes through, whole, and the server never answers 5xx.
func TestBenchMixedAgainstTheDemo(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn := ""
			if engine == "postgres" {
				dsn = storetest.PostgresDSN(t)
			}
			url, data := startDemo(t, dsn)
			key := func(org, roles string) string {
				args := []string{"apikey", "create", "--data", data, "--name", "bench " + org, "--org", org, "--roles", roles}
				if dsn != "" {
					args = append(args, "--db", dsn)
				}
				out, err := runOkno(t, args...)
				if err != nil {
					t.Fatal(err)
				}
				return strings.TrimSpace(out)
			}
			submitter, official := key("spb", ""), key("spb.gcup", "official")
			out, err := runOkno(t, "bench", "--url", url, "--key", submitter, "--official-key", official,
				"--duration", "3s", "--concurrency", "4", "--progress", "1s", "--json",
				// Even weights, so that each kind runs often in a short run.
				"--weights", "appeals=1,applications=1,officials=1,readers=1")
			if err != nil {
				t.Fatal(err)
			}
			var r benchResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			for _, kind := range benchKinds {
				k := r.Kinds[kind]
				if k.Operations == 0 || k.OperationsOK == 0 || k.OK == 0 {
					t.Errorf("%s: %+v", kind, k)
				}
				if k.ErrorClasses["5xx"] > 0 || k.ErrorClasses["connection"] > 0 || k.ErrorClasses["timeout"] > 0 {
					t.Errorf("%s failed: %v", kind, k.Errors)
				}
			}
			// An application is a draft, its pages, the check and the
			// confirmation: many requests per operation.
			if a := r.Kinds[kindApplications]; a.Requests < 8*a.OperationsOK {
				t.Errorf("applications: %d requests for %d whole ones", a.Requests, a.OperationsOK)
			}
			// Sampled from /metrics at the start, every second (at least once) and
			// at the end.
			if len(r.Memory) != 1 || r.Memory[0].Server != url || r.Memory[0].Samples < 3 {
				t.Fatalf("memory %+v", r.Memory)
			}
			if m := r.Memory[0]; m.RSS == nil || m.Heap == nil || m.RSS.MaxMiB < m.RSS.EndMiB || m.Heap.MaxMiB <= 0 || m.RSS.MaxMiB < m.Heap.MaxMiB {
				t.Errorf("memory figures: rss %+v heap %+v", m.RSS, m.Heap)
			}
			if r.Requests != sumRequests(r.Kinds) || r.OK == 0 || r.Seconds < 3 {
				t.Errorf("overall %+v", r.kindResult)
			}
		})
	}
}

func sumRequests(kinds map[string]kindResult) int {
	n := 0
	for _, k := range kinds {
		n += k.Requests
	}
	return n
}

// TestBenchRoundRobin sends to every server given.
func TestBenchRoundRobin(t *testing.T) {
	a, postsA := benchServer(t)
	b, postsB := benchServer(t)
	if _, err := runOkno(t, "bench", "--mix", "api", "--url", a.URL+","+b.URL, "--key", "okno_k", "--rate", "100", "--concurrency", "2", "--duration", "300ms"); err != nil {
		t.Fatal(err)
	}
	// Alternating, the two differ by one at most, plus the requests cut
	// off at the end (two in flight at most).
	if na, nb := postsA.Load(), postsB.Load(); na < 3 || nb < 3 || na-nb > 3 || nb-na > 3 {
		t.Errorf("posts to the two servers: %d and %d, want about even", na, nb)
	}
}

func TestBenchParsesWeights(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]int
	}{
		{"appeals=1", map[string]int{"appeals": 1}},
		{"appeals=3, readers=14,officials=0", map[string]int{"appeals": 3, "readers": 14, "officials": 0}},
		{defaultWeights, map[string]int{"appeals": 3, "applications": 1, "officials": 2, "readers": 14}},
		{"appeals=0", nil},
		{"lurkers=1", nil},
		{"appeals=-1", nil},
		{"appeals", nil},
		{"", nil},
	} {
		got, err := parseWeights(tc.in)
		if tc.want == nil {
			if err == nil {
				t.Errorf("%q: %v, want an error", tc.in, got)
			}
			continue
		}
		if diff := cmp.Diff(tc.want, got); err != nil || diff != "" {
			t.Errorf("%q: %v (-want +got):\n%s", tc.in, err, diff)
		}
	}
}

func TestBenchReadsMemoryMetrics(t *testing.T) {
	for _, tc := range []struct {
		in        string
		rss, heap int64
	}{
		{"# HELP process_resident_memory_bytes x\nprocess_resident_memory_bytes 1.2e+08\ngo_memstats_heap_inuse_bytes 5000\n", 120000000, 5000},
		{"go_memstats_heap_alloc_bytes 7000\n", -1, 7000},
		{"go_memstats_heap_alloc_bytes 7000\ngo_memstats_heap_inuse_bytes 8000\n", -1, 8000},
		{"okno_db_connections{pool=\"write\",state=\"idle\"} 1\n", -1, -1},
		{"process_resident_memory_bytes nonsense\n", -1, -1},
		{"process_resident_memory_bytes 0\n", -1, -1}, // not Linux: not known
	} {
		rss, heap := parseMemoryMetrics(strings.NewReader(tc.in))
		if rss != tc.rss || heap != tc.heap {
			t.Errorf("%q: rss %d heap %d, want %d %d", tc.in, rss, heap, tc.rss, tc.heap)
		}
	}
}

func TestBenchReadsProcessMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	if rss := procRSS(os.Getpid()); rss < 1<<20 {
		t.Errorf("this process's resident memory: %d bytes", rss)
	}
	if rss := procRSS(1 << 30); rss != -1 {
		t.Errorf("a process that does not exist: %d", rss)
	}
}

func TestBenchTrend(t *testing.T) {
	win := func(p99 ...float64) []windowResult {
		var out []windowResult
		for i, p := range p99 {
			out = append(out, windowResult{FromSeconds: float64(i * 10), Requests: 100, P99ms: p})
		}
		return out
	}
	mem := func(warm, end float64) []serverMemory {
		return []serverMemory{{Server: "a", RSS: &memFigures{StartMiB: 50, WarmMiB: warm, MaxMiB: end, EndMiB: end}}}
	}
	yes, no := true, false
	for _, tc := range []struct {
		name     string
		timeline []windowResult
		mem      []serverMemory
		want     trend
	}{
		{"flat", win(90, 20, 22, 21), mem(100, 110), trend{FirstP99ms: 20, LastP99ms: 21, LatencyFlat: true, MemoryFlat: &yes, Windows: 4}},
		{"slower", win(90, 20, 40, 60), nil, trend{FirstP99ms: 20, LastP99ms: 60, Windows: 4}},
		{"leak", win(20, 20, 20), mem(100, 200), trend{FirstP99ms: 20, LastP99ms: 20, LatencyFlat: true, MemoryFlat: &no, Windows: 3}},
		{"short", win(20), nil, trend{Windows: 1, Note: "too short a run to see a trend"}},
	} {
		got := trendOf(tc.timeline, 10, float64(len(tc.timeline)*10), tc.mem)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestBenchReadsCitizens(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := readCitizens(write("ok", "# citizens\na@x.ru:pa:ss\n\nb@x.ru:q\n"))
	if diff := cmp.Diff([][2]string{{"a@x.ru", "pa:ss"}, {"b@x.ru", "q"}}, got); err != nil || diff != "" {
		t.Errorf("%v (-want +got):\n%s", err, diff)
	}
	for _, bad := range []string{"a@x.ru\n", ":p\n", "a@x.ru:\n", "# none\n"} {
		if got, err := readCitizens(write("bad", bad)); err == nil {
			t.Errorf("%q: %v, want an error", bad, got)
		}
	}
}
