package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The two doors appeals come through in this test.
const (
	doorAPI     = "api"     // POST /api/v1/appeals, JSON, Bearer key
	doorOpen311 = "open311" // POST /open311/v2/requests.json, form, api_key
)

// keyPrefix starts every idempotency key the test sends, so its rows are
// told apart from the demo's. No LIKE wildcard in it.
const keyPrefix = "crash-"

// request is one logical request: sent again with the same idempotency
// key until it is acknowledged, as a well-behaved client does after a
// broken connection.
type request struct {
	Key    string
	Door   string
	Reason string
	Text   string
	Lat    float64
	Lon    float64
	Email  string
}

// ack is a request the server answered with a 2xx, and what it answered.
type ack struct {
	request
	ID       int64
	Ref      string    // the JSON API returns it; Open311 returns the id only
	Attempts int       // sends it took, 1 when no crash got in the way
	LastSend time.Time // when the acknowledged send began
}

// loader drives appeals at the server from several goroutines and keeps a
// ledger of every acknowledgement.
type loader struct {
	url, key string
	codes    []string // reasons to file under (Open311 service codes)
	seed     uint64
	client   *http.Client

	mu       sync.Mutex
	acks     []ack
	problems []string // answers no crash explains: any 4xx but 429

	onAck func(ack) // told of each acknowledgement, from the worker that got it

	stopping atomic.Bool  // no new logical requests after it is set
	retries  atomic.Int64 // sends that got no 2xx (server down, killed mid-request)

	whyMu sync.Mutex
	why   map[string]int // retries by what the send got: "refused", "broken", "status 503"
}

// retried counts a send that got no acknowledgement, by what it got.
func (l *loader) retried(status int, err error) {
	l.retries.Add(1)
	// Refused: the server was down and nothing was sent. Broken: the
	// request was on its way or being served when the process died — the
	// case where it may have committed without an answer.
	kind := "broken"
	switch {
	case err == nil:
		kind = "status " + strconv.Itoa(status)
	case errors.Is(err, syscall.ECONNREFUSED):
		kind = "refused"
	}
	l.whyMu.Lock()
	defer l.whyMu.Unlock()
	if l.why == nil {
		l.why = map[string]int{}
	}
	l.why[kind]++
}

func newLoader(url, key string, codes []string, seed uint64) *loader {
	return &loader{url: url, key: key, codes: codes, seed: seed, client: &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32},
	}}
}

// run starts workers goroutines and returns a function that stops them:
// each finishes the logical request it is on (until acknowledged), so the
// ledger ends with nothing half-sent. ctx bounds the whole run.
func (l *loader) run(ctx context.Context, workers int) (stop func()) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(l.seed, uint64(w)))
			for n := 0; !l.stopping.Load() && ctx.Err() == nil; n++ {
				r := l.newRequest(rnd, w, n)
				a, err := l.untilAcked(ctx, r)
				if err != nil {
					l.problem("%s %s: %v", r.Door, r.Key, err)
					return
				}
				l.mu.Lock()
				l.acks = append(l.acks, a)
				l.mu.Unlock()
				if l.onAck != nil {
					l.onAck(a)
				}
			}
		}()
	}
	return func() {
		l.stopping.Store(true)
		wg.Wait()
	}
}

func (l *loader) problem(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

// problemList is a copy of the problems so far.
func (l *loader) problemList() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.problems...)
}

// newRequest makes worker w's n-th request through either door at random.
// The text names the key (so a mixed-up row shows); each request has its
// own author (the per-author rate limit is not what is tested).
func (l *loader) newRequest(rnd *rand.Rand, w, n int) request {
	door := doorAPI
	if rnd.IntN(2) == 1 {
		door = doorOpen311
	}
	key := fmt.Sprintf("%s%s-%d-%d", keyPrefix, door, w, n)
	words := []string{"яма", "на", "дороге", "во", "дворе", "не", "убран", "снег", "сломан", "фонарь", "протекает", "крыша"}
	var sb strings.Builder
	sb.WriteString("Проверка устойчивости " + key + ":")
	for range 8 + rnd.IntN(20) {
		sb.WriteString(" " + words[rnd.IntN(len(words))])
	}
	// Six decimals, as Open311 sends them; inside the city's core.
	round := func(f float64) float64 { v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 6, 64), 64); return v }
	return request{Key: key, Door: door, Reason: l.codes[rnd.IntN(len(l.codes))], Text: sb.String(),
		Lat: round(59.85 + rnd.Float64()*0.15), Lon: round(30.20 + rnd.Float64()*0.25),
		Email: strings.ReplaceAll(key, "-", ".") + "@okno.test"}
}

// errUnexpected is an answer that no crash explains.
var errUnexpected = errors.New("unexpected answer")

// untilAcked sends r until a 2xx. A broken connection, a refused one, a
// 5xx or a 429 is what a crash looks like to a client: it retries with the
// same key. Anything else is a problem of its own.
func (l *loader) untilAcked(ctx context.Context, r request) (ack, error) {
	backoff := time.NewTimer(0)
	defer backoff.Stop()
	for attempt := 1; ; attempt++ {
		<-backoff.C
		if ctx.Err() != nil {
			return ack{}, ctx.Err()
		}
		id, ref, status, body, err := l.send(ctx, r)
		switch {
		case err == nil && status/100 == 2:
			return ack{request: r, ID: id, Ref: ref, Attempts: attempt}, nil
		case errors.Is(err, errUnexpected):
			return ack{}, err
		case err == nil && status/100 == 4 && status != http.StatusTooManyRequests:
			return ack{}, fmt.Errorf("%w: status %d: %s", errUnexpected, status, body)
		}
		l.retried(status, err)
		backoff.Reset(10 * time.Millisecond)
	}
}

// send sends r once through its door. err is a transport error or an
// unreadable 2xx body.
func (l *loader) send(ctx context.Context, r request) (id int64, ref string, status int, body string, err error) {
	var req *http.Request
	switch r.Door {
	case doorAPI:
		b, _ := json.Marshal(map[string]any{"reason": r.Reason, "text": r.Text, "lat": r.Lat, "lon": r.Lon,
			"contact": map[string]string{"email": r.Email}})
		req, err = http.NewRequestWithContext(ctx, "POST", l.url+"/api/v1/appeals", bytes.NewReader(b))
		if err != nil {
			return 0, "", 0, "", err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+l.key)
	case doorOpen311:
		form := url.Values{"api_key": {l.key}, "service_code": {r.Reason}, "description": {r.Text},
			"lat": {strconv.FormatFloat(r.Lat, 'f', 6, 64)}, "long": {strconv.FormatFloat(r.Lon, 'f', 6, 64)},
			"email": {r.Email}}
		req, err = http.NewRequestWithContext(ctx, "POST", l.url+"/open311/v2/requests.json", strings.NewReader(form.Encode()))
		if err != nil {
			return 0, "", 0, "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Idempotency-Key", r.Key)
	res, err := l.client.Do(req)
	if err != nil {
		return 0, "", 0, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil || res.StatusCode/100 != 2 {
		return 0, "", res.StatusCode, string(raw), err
	}
	id, ref, err = decodeAck(r.Door, raw)
	return id, ref, res.StatusCode, string(raw), err
}

// decodeAck reads the id (and ref) from a 2xx answer of door.
func decodeAck(door string, raw []byte) (int64, string, error) {
	if door == doorAPI {
		var a struct {
			ID  int64  `json:"id"`
			Ref string `json:"ref"`
		}
		if err := json.Unmarshal(raw, &a); err != nil || a.ID <= 0 || a.Ref == "" {
			return 0, "", fmt.Errorf("%w: api answer %q: %v", errUnexpected, raw, err)
		}
		return a.ID, a.Ref, nil
	}
	var list []struct {
		ID string `json:"service_request_id"`
	}
	if err := json.Unmarshal(raw, &list); err != nil || len(list) != 1 {
		return 0, "", fmt.Errorf("%w: open311 answer %q: %v", errUnexpected, raw, err)
	}
	id, err := strconv.ParseInt(list[0].ID, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", fmt.Errorf("%w: open311 answer %q: bad id", errUnexpected, raw)
	}
	return id, "", nil
}

// acked is how many requests were acknowledged so far.
func (l *loader) acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acks)
}

// ledger is a copy of the acknowledgements so far.
func (l *loader) ledger() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ack(nil), l.acks...)
}
