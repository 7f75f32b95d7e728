package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// cmdBench drives a running Okno over HTTP and measures it: the load
// generator of issue 4's figures (appeals accepted per second through
// Open311 and the JSON API) that issue 7 grows into mixed load. It reports
// throughput, latency percentiles and errors by kind, as text or JSON.
//
// Open loop (--rate > 0): requests are scheduled at a fixed rate whatever
// the server does, and each latency is measured from when the request was
// due, so a stalled server cannot hide its stall (no coordinated
// omission). Closed loop (--rate 0): --concurrency clients send as fast as
// answers come.
func cmdBench(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var o benchOptions
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the server's base URL")
	fs.StringVar(&o.Key, "key", "", "API key (okno_…) the submissions are made with")
	fs.StringVar(&o.Target, "target", "open311", "what to drive: open311 (POST /open311/v2/requests.json) or api (POST /api/v1/appeals)")
	fs.IntVar(&o.Rate, "rate", 0, "requests per second (open loop); 0: closed loop at --concurrency")
	fs.IntVar(&o.Concurrency, "concurrency", 64, "requests in flight at most")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long to run")
	fs.StringVar(&o.Input, "input", "", "JSON lines (.gz ok) of appeals to draw texts and places from (e.g. ../shared/data/spb-appeals-dev.jsonl.gz); synthetic when empty")
	fs.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return exitError{2, ""}
	}
	if o.Key == "" {
		return exitError{2, "okno bench: --key is required (okno apikey create --name bench --org CODE)"}
	}
	if o.Target != "open311" && o.Target != "api" {
		return exitError{2, fmt.Sprintf("okno bench: unknown --target %q: use open311 or api", o.Target)}
	}
	if o.Concurrency < 1 || o.Duration <= 0 || o.Rate < 0 {
		return exitError{2, "okno bench: --concurrency, --duration must be positive and --rate not negative"}
	}
	samples, err := loadSamples(o.Input)
	if err != nil {
		return err
	}
	b := &bench{o: o, samples: samples, client: benchClient(o.Concurrency), progress: env.Stderr}
	if b.codes, err = b.serviceCodes(ctx); err != nil {
		return err
	}
	res := b.run(ctx)
	if o.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	res.print(env.Stdout)
	return nil
}

type benchOptions struct {
	URL, Key, Target, Input string
	Rate, Concurrency       int
	Duration                time.Duration
	JSON                    bool
}

// sample is one appeal to send: text and place.
type sample struct {
	Text     string
	Lat, Lon float64
}

type bench struct {
	o        benchOptions
	samples  []sample
	codes    []string
	client   *http.Client
	progress io.Writer
	seq      atomic.Int64
}

func benchClient(conc int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conc * 2,
		MaxIdleConnsPerHost: conc * 2,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// serviceCodes asks the server's Open311 service list for the codes to
// submit under.
func (b *bench) serviceCodes(ctx context.Context) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(b.o.URL, "/")+"/open311/v2/services.json", nil)
	if err != nil {
		return nil, err
	}
	res, err := b.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("okno bench: the server does not answer: %w", err)
	}
	defer res.Body.Close()
	var list []struct {
		Code string `json:"service_code"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 8<<20)).Decode(&list); err != nil || res.StatusCode != 200 {
		return nil, fmt.Errorf("okno bench: GET /open311/v2/services.json: status %d, %v", res.StatusCode, err)
	}
	codes := make([]string, 0, len(list))
	for _, s := range list {
		codes = append(codes, s.Code)
	}
	if len(codes) == 0 {
		return nil, errors.New("okno bench: the server lists no services")
	}
	return codes, nil
}

// loadSamples reads texts and places from path, or makes synthetic ones.
func loadSamples(path string) ([]sample, error) {
	if path == "" {
		words := []string{"яма", "на", "дороге", "во", "дворе", "не", "убран", "снег", "сломан", "фонарь",
			"переполнены", "контейнеры", "протекает", "крыша", "парадная", "грязная", "нет", "отопления"}
		r := rand.New(rand.NewPCG(1, 2))
		out := make([]sample, 1000)
		for i := range out {
			var sb strings.Builder
			for j := 0; j < 12+r.IntN(30); j++ {
				if j > 0 {
					sb.WriteByte(' ')
				}
				sb.WriteString(words[r.IntN(len(words))])
			}
			// Inside the city's built-up core, where every district is.
			out[i] = sample{Text: "Проверка нагрузки: " + sb.String(), Lat: 59.85 + r.Float64()*0.15, Lon: 30.20 + r.Float64()*0.25}
		}
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rd io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rd = zr
	}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var out []sample
	for sc.Scan() && len(out) < 100000 {
		var rec struct {
			Text string `json:"text"`
			Lat  string `json:"lat"`
			Lon  string `json:"lon"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		lat, err1 := strconv.ParseFloat(rec.Lat, 64)
		lon, err2 := strconv.ParseFloat(rec.Lon, 64)
		if err1 != nil || err2 != nil || len([]rune(rec.Text)) < 10 || len([]rune(rec.Text)) > 4000 {
			continue
		}
		out = append(out, sample{Text: rec.Text, Lat: lat, Lon: lon})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no usable records", path)
	}
	return out, nil
}

// benchResult is what a run measured.
type benchResult struct {
	Target      string         `json:"target"`
	Mode        string         `json:"mode"`
	Rate        int            `json:"rate,omitempty"`
	Concurrency int            `json:"concurrency"`
	Seconds     float64        `json:"seconds"`
	Requests    int            `json:"requests"`
	OK          int            `json:"ok"`
	PerSecond   float64        `json:"ok_per_second"`
	P50ms       float64        `json:"p50_ms"`
	P90ms       float64        `json:"p90_ms"`
	P99ms       float64        `json:"p99_ms"`
	MaxMs       float64        `json:"max_ms"`
	Errors      map[string]int `json:"errors"`
	Dropped     int            `json:"dropped,omitempty"` // open loop: due but never sent (all clients busy till the end)
}

func (r benchResult) print(w io.Writer) {
	fmt.Fprintf(w, "target %s, %s loop", r.Target, r.Mode)
	if r.Rate > 0 {
		fmt.Fprintf(w, " at %d/s", r.Rate)
	}
	fmt.Fprintf(w, ", %d in flight at most, %.1f s\n", r.Concurrency, r.Seconds)
	fmt.Fprintf(w, "requests %d, ok %d (%.0f/s)\n", r.Requests, r.OK, r.PerSecond)
	fmt.Fprintf(w, "latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", r.P50ms, r.P90ms, r.P99ms, r.MaxMs)
	if len(r.Errors) > 0 {
		keys := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "errors %s: %d\n", k, r.Errors[k])
		}
	}
	if r.Dropped > 0 {
		fmt.Fprintf(w, "dropped (never sent): %d\n", r.Dropped)
	}
}

func (b *bench) run(ctx context.Context) benchResult {
	ctx, cancel := context.WithTimeout(ctx, b.o.Duration)
	defer cancel()
	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    = map[string]int{}
		okN     atomic.Int64
		sent    atomic.Int64
		dropped int
	)
	record := func(d time.Duration, kind string) {
		mu.Lock()
		defer mu.Unlock()
		if kind == "" {
			lat = append(lat, d)
			return
		}
		errs[kind]++
	}
	do := func(due time.Time) {
		sent.Add(1)
		kind := b.one(ctx)
		if kind == "" {
			okN.Add(1)
		}
		if ctx.Err() != nil && kind != "" {
			return // cut off by the end of the run, not the server's fault
		}
		record(time.Since(due), kind)
	}
	start := time.Now()
	stopProgress := b.showProgress(start, &sent, &okN)
	var wg sync.WaitGroup
	if b.o.Rate > 0 {
		tickets := make(chan time.Time, b.o.Concurrency*64)
		for range b.o.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for due := range tickets {
					if ctx.Err() != nil {
						continue
					}
					do(due)
				}
			}()
		}
		interval := time.Second / time.Duration(b.o.Rate)
	schedule:
		for i := 0; ; i++ {
			due := start.Add(time.Duration(i) * interval)
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
					break schedule
				case <-time.After(d):
				}
			}
			select {
			case tickets <- due:
			case <-ctx.Done():
				break schedule
			default:
				dropped++ // the queue of due requests is full: the server is far behind
			}
		}
		close(tickets)
	} else {
		for range b.o.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					do(time.Now())
				}
			}()
		}
	}
	wg.Wait()
	stopProgress()
	elapsed := time.Since(start).Seconds()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	mode := "closed"
	if b.o.Rate > 0 {
		mode = "open"
	}
	return benchResult{Target: b.o.Target, Mode: mode, Rate: b.o.Rate, Concurrency: b.o.Concurrency,
		Seconds: elapsed, Requests: int(sent.Load()), OK: int(okN.Load()), PerSecond: float64(okN.Load()) / elapsed,
		P50ms: pct(0.50), P90ms: pct(0.90), P99ms: pct(0.99), MaxMs: pct(1), Errors: errs, Dropped: dropped}
}

// showProgress prints a progress line every second until stopped.
func (b *bench) showProgress(start time.Time, sent, ok *atomic.Int64) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprintln(b.progress)
				return
			case <-t.C:
				s := time.Since(start).Seconds()
				fmt.Fprintf(b.progress, "\r%5.0f s  sent %d  ok %d  (%.0f/s)   ", s, sent.Load(), ok.Load(), float64(ok.Load())/s)
			}
		}
	}()
	return func() { close(done) }
}

// one sends one submission and returns "" on success or the kind of
// failure ("status 429", "timeout", "connection").
func (b *bench) one(ctx context.Context) string {
	n := b.seq.Add(1)
	s := b.samples[int(n)%len(b.samples)]
	code := b.codes[int(n)%len(b.codes)]
	base := strings.TrimRight(b.o.URL, "/")
	var req *http.Request
	var err error
	// Each request is a different author, so the per-author rate limit
	// (which protects against floods from one person) is not what is
	// measured.
	author := fmt.Sprintf("bench-%d-%d@okno.test", os.Getpid(), n)
	switch b.o.Target {
	case "open311":
		form := url.Values{"api_key": {b.o.Key}, "service_code": {code}, "description": {s.Text},
			"lat": {strconv.FormatFloat(s.Lat, 'f', 6, 64)}, "long": {strconv.FormatFloat(s.Lon, 'f', 6, 64)},
			"email": {author}}
		req, err = http.NewRequestWithContext(ctx, "POST", base+"/open311/v2/requests.json", strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	case "api":
		body, _ := json.Marshal(map[string]any{"reason": code, "text": s.Text, "lat": s.Lat, "lon": s.Lon,
			"contact": map[string]string{"email": author}})
		req, err = http.NewRequestWithContext(ctx, "POST", base+"/api/v1/appeals", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+b.o.Key)
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", os.Getpid(), n))
		}
	}
	if err != nil {
		return "request"
	}
	res, err := b.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "connection"
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return ""
	}
	return "status " + strconv.Itoa(res.StatusCode)
}
