package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// cmdBench drives a running Okno over HTTP and measures it: the load
// generator of issue 4's figures (appeals accepted per second through
// Open311 and the JSON API), grown in issue 7 into a realistic mix of
// citizens, officials and readers. It reports throughput, latency
// percentiles and errors by kind, per kind of visitor and overall, with the
// server's memory over the run, as text or JSON.
//
// Open loop (--rate > 0): operations are scheduled at a fixed rate whatever
// the server does, and the latency of an operation's first request is
// measured from when it was due, so a stalled server cannot hide its stall
// (no coordinated omission). Closed loop (--rate 0): --concurrency clients
// send as fast as answers come.
func cmdBench(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, benchUsage)
		fs.PrintDefaults()
	}
	var o benchOptions
	var urls []string
	fs.Func("url", "the server's base URL; repeat or separate by commas for several servers, taken round-robin (default http://127.0.0.1:8080)", func(s string) error {
		for _, u := range strings.Split(s, ",") {
			if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
				urls = append(urls, u)
			}
		}
		return nil
	})
	fs.StringVar(&o.Key, "key", "", "API key (okno_…) appeals are submitted with")
	fs.StringVar(&o.OfficialKey, "official-key", "", "API key with the official role (okno apikey create --roles official) the officials act with; default --key")
	fs.StringVar(&o.Mix, "mix", "mixed", "what to drive: mixed (citizens, officials, readers), open311 (POST /open311/v2/requests.json) or api (POST /api/v1/appeals)")
	fs.StringVar(&o.Mix, "target", "mixed", "the same as --mix (issue 4's name)")
	weights := fs.String("weights", defaultWeights, "mixed: relative weights of the kinds of operation")
	fs.StringVar(&o.Citizens, "citizens", "", "mixed: file of login:password lines of citizens (standard level or above) who apply and read their cases; default the demo's petr@ and maria@okno.test")
	fs.IntVar(&o.Rate, "rate", 0, "operations per second (open loop); 0: closed loop at --concurrency")
	fs.IntVar(&o.Concurrency, "concurrency", 64, "operations in flight at most")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long to run")
	fs.DurationVar(&o.Every, "progress", 5*time.Second, "how often to print a progress line and sample the servers' memory")
	fs.StringVar(&o.Input, "input", "", "JSON lines (.gz ok) of appeals to draw texts, categories and places from (e.g. ../shared/data/spb-appeals-dev.jsonl.gz); synthetic when empty")
	fs.StringVar(&o.PIDs, "server-pid", "", "process IDs of the servers (comma-separated), whose resident memory is read from /proc when /metrics does not report it")
	fs.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return exitError{2, ""}
	}
	if len(urls) == 0 {
		urls = []string{"http://127.0.0.1:8080"}
	}
	o.URLs = urls
	if o.Key == "" {
		return exitError{2, "okno bench: --key is required (okno apikey create --name bench --org CODE [--roles official])"}
	}
	if o.OfficialKey == "" {
		o.OfficialKey = o.Key
	}
	switch o.Mix {
	case "open311", "api":
		o.Weights = map[string]int{kindAppeals: 1}
	case "mixed":
		w, err := parseWeights(*weights)
		if err != nil {
			return exitError{2, "okno bench: " + err.Error()}
		}
		o.Weights = w
	default:
		return exitError{2, fmt.Sprintf("okno bench: unknown --mix %q: use mixed, open311 or api", o.Mix)}
	}
	if o.Concurrency < 1 || o.Duration <= 0 || o.Rate < 0 || o.Every <= 0 {
		return exitError{2, "okno bench: --concurrency, --duration, --progress must be positive and --rate not negative"}
	}
	pids, err := parsePIDs(o.PIDs)
	if err != nil {
		return exitError{2, "okno bench: " + err.Error()}
	}
	samples, err := loadSamples(o.Input)
	if err != nil {
		return err
	}
	b := &bench{o: o, samples: samples, client: benchClient(o.Concurrency), progress: env.Stderr}
	b.visitors = visitorClients(o.URLs, o.Concurrency)
	if err := b.prepare(ctx); err != nil {
		return err
	}
	mem := newMemoryWatch(b.client, o.URLs, pids)
	res := b.run(ctx, mem)
	if o.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	res.print(env.Stdout)
	return nil
}

const benchUsage = `Usage: okno bench --key KEY [flags]

Drives a running Okno and reports throughput, latency (p50, p90, p99, max)
and errors by kind, per kind of operation and overall, and the servers'
memory at the start, at most and at the end.

The mixed load (--mix mixed, the default) is made of operations of four
kinds, chosen at random by --weights (default ` + defaultWeights + `):
  appeals       a citizen's appeal through POST /api/v1/appeals with an
                Idempotency-Key (texts, categories and places from --input)
  applications  a signed-in citizen applies for the demo's resident parking
                permit (resident-parking-permit): starts a draft,
                fills each page, checks, submits (about ten requests)
  officials     an official (--official-key) lists the organisation's
                cases, reads one's allowed actions and takes one; in the
                demo the applications go to spb.gcup, so:
                okno apikey create --name bench-official --org spb.gcup --roles official
  readers       the map API over a random area, the catalogue, a service's
                card, a search, or a signed-in citizen's cases; on loopback
                anonymous readers come from many 127.0.1.x addresses, as a
                site's readers each have their own
Citizens come from --citizens (login:password lines) or are the demo's
(okno demo); they sign in once at the start. --rate counts operations;
the report counts requests too.

A server that lacks memory figures in /metrics can be watched through
/proc with --server-pid.

`

// benchOptions are the command's flags.
type benchOptions struct {
	URLs                         []string
	Key, OfficialKey, Mix, Input string
	Citizens, PIDs               string
	Rate, Concurrency            int
	Duration, Every              time.Duration
	JSON                         bool
	Weights                      map[string]int
}

// bench is one run's state, shared by its workers.
type bench struct {
	o        benchOptions
	samples  []sample
	codes    []string          // appeal reasons (Open311 service codes)
	byName   map[string]string // reason's name → its code, to keep an --input record's category
	services []string          // catalogue service codes
	citizens []*benchSession
	client   *http.Client
	visitors []*http.Client // anonymous readers, each from its own address where it can be
	progress io.Writer
	seq      atomic.Int64
	next     atomic.Uint64 // round-robin over o.URLs
	rec      *recorder
}

func benchClient(conc int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conc * 4,
		MaxIdleConnsPerHost: conc * 2,
		IdleConnTimeout:     90 * time.Second,
	}
	// Redirects are not followed: a form's 303 is its success, and the
	// page it leads to is requested (and measured) on its own.
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// benchVisitors is how many addresses anonymous readers come from when
// the servers are on this machine.
const benchVisitors = 200

// visitorClients are the clients of anonymous readers. A server limits
// some reading per address (the catalogue's search, 4/s), which a site's
// many readers each have their own of; on loopback every 127.x address is
// this machine's, so readers can come from many, as they would. Elsewhere
// they share one, and its limits show as 429.
func visitorClients(urls []string, conc int) []*http.Client {
	for _, u := range urls {
		p, err := url.Parse(u)
		if ip := net.ParseIP(p.Hostname()); err != nil || ip == nil || !ip.IsLoopback() || ip.To4() == nil {
			return []*http.Client{benchClient(conc)}
		}
	}
	out := make([]*http.Client, benchVisitors)
	for i := range out {
		c := benchClient(2)
		d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+i))}}
		c.Transport.(*http.Transport).DialContext = d.DialContext
		out[i] = c
	}
	return out
}

// base is the server the next request goes to: round-robin, as a simple
// load balancer in front of several processes would send it.
func (b *bench) base() string {
	n := b.next.Add(1)
	return b.o.URLs[int(n%uint64(len(b.o.URLs)))]
}

// prepare learns what the servers offer and signs the citizens in.
func (b *bench) prepare(ctx context.Context) error {
	var err error
	if b.codes, b.byName, err = b.serviceCodes(ctx); err != nil {
		return err
	}
	if b.o.Mix != "mixed" {
		return nil
	}
	if b.services, err = b.catalogue(ctx); err != nil {
		return err
	}
	if b.o.Weights[kindApplications] > 0 && !slices.Contains(b.services, benchService) {
		return fmt.Errorf("okno bench: the catalogue has no service %q to apply for (the demo's; or --weights applications=0)", benchService)
	}
	if b.o.Weights[kindApplications] > 0 || b.o.Weights[kindReaders] > 0 {
		creds, err := readCitizens(b.o.Citizens)
		if err != nil {
			return err
		}
		for _, c := range creds {
			s, err := b.signIn(ctx, c[0], c[1])
			if err != nil {
				return err
			}
			b.citizens = append(b.citizens, s)
		}
	}
	return nil
}

// getJSON fetches path from the first server into v, for setting up.
func (b *bench) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", b.o.URLs[0]+path, nil)
	if err != nil {
		return err
	}
	res, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("okno bench: the server does not answer: %w", err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(io.LimitReader(res.Body, 8<<20)).Decode(v); err != nil || res.StatusCode != 200 {
		return fmt.Errorf("okno bench: GET %s: status %d, %v", path, res.StatusCode, err)
	}
	return nil
}

// serviceCodes asks the server's Open311 service list for the codes to
// submit under, and their names, to which an --input record's category
// is matched.
func (b *bench) serviceCodes(ctx context.Context) ([]string, map[string]string, error) {
	var list []struct {
		Code string `json:"service_code"`
		Name string `json:"service_name"`
	}
	if err := b.getJSON(ctx, "/open311/v2/services.json", &list); err != nil {
		return nil, nil, err
	}
	codes := make([]string, 0, len(list))
	byName := make(map[string]string, len(list))
	for _, s := range list {
		codes = append(codes, s.Code)
		byName[strings.ToLower(s.Name)] = s.Code
	}
	if len(codes) == 0 {
		return nil, nil, errors.New("okno bench: the server lists no services")
	}
	return codes, byName, nil
}

// catalogue lists the codes of the catalogue's services, which readers
// open.
func (b *bench) catalogue(ctx context.Context) ([]string, error) {
	var page struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if err := b.getJSON(ctx, "/api/v1/services?limit=100", &page); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(page.Items))
	for _, s := range page.Items {
		out = append(out, s.Code)
	}
	if len(out) == 0 {
		return nil, errors.New("okno bench: the catalogue is empty")
	}
	return out, nil
}

// parsePIDs reads --server-pid.
func parsePIDs(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--server-pid: %q is not a process ID", p)
		}
		out = append(out, n)
	}
	return out, nil
}
