package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// moderator publishes acknowledged appeals through the case API while the
// server is being killed: a case action, guarded by the case's version
// instead of a key. A send whose answer was lost is sent again with the
// same version; if the first one committed, the second cannot act twice.
type moderator struct {
	url       string
	key       string // an operator of the region: publishes in any organisation
	reader    string // a supervisor of the region: sees every case in full
	client    *http.Client
	l         *loader // for problems and retries
	queue     chan int64
	mu        sync.Mutex
	published []publication
}

// publication is a publish action the server acknowledged.
type publication struct {
	CaseID   int64
	Attempts int
	// Seen is true when the acknowledgement was the case read back in
	// review after a send that got no answer: the action had committed
	// before the crash and the retry could not take it again.
	Seen bool
}

func newModerator(l *loader, key, reader string) *moderator {
	return &moderator{url: l.url, key: key, reader: reader, client: l.client, l: l, queue: make(chan int64, 1024)}
}

// offer queues a freshly filed appeal for publishing, unless the queue is
// full: only some appeals are published, as in life.
func (m *moderator) offer(caseID int64) {
	select {
	case m.queue <- caseID:
	default:
	}
}

// run starts workers that publish queued appeals until stop is called;
// each finishes the case it is on.
func (m *moderator) run(ctx context.Context, workers int) (stop func()) {
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				case <-ctx.Done():
					return
				case id := <-m.queue:
					p, err := m.untilPublished(ctx, id)
					if err != nil {
						m.l.problem("publish case %d: %v", id, err)
						return
					}
					m.mu.Lock()
					m.published = append(m.published, p)
					m.mu.Unlock()
				}
			}
		}()
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

// untilPublished takes "publish" on case id at version 1 until the server
// says it is taken. A 409 or 404 after a send that got no answer is read
// as "maybe it committed": the case is read back as the supervisor, and
// if it is in review at version 2, the lost answer was a success. (A
// 404, not a 409: once published, the case leaves what a region operator
// sees.)
func (m *moderator) untilPublished(ctx context.Context, id int64) (publication, error) {
	backoff := time.NewTimer(0)
	defer backoff.Stop()
	lost := false // a send before got no answer
	for attempt := 1; ; attempt++ {
		<-backoff.C
		if ctx.Err() != nil {
			return publication{}, ctx.Err()
		}
		status, body, err := m.do(ctx, "POST", "/api/v1/cases/"+strconv.FormatInt(id, 10)+"/actions", m.key,
			`{"action":"publish","version":1}`)
		switch {
		case err == nil && status == http.StatusOK:
			var c caseState
			if err := json.Unmarshal([]byte(body), &c); err != nil || c.State != "review" || c.Version != 2 {
				return publication{}, fmt.Errorf("%w: publish answered %s", errUnexpected, body)
			}
			return publication{CaseID: id, Attempts: attempt}, nil
		case err == nil && lost && (status == http.StatusConflict || status == http.StatusNotFound):
			c, err := m.read(ctx, id)
			if err == nil && c.State == "review" && c.Version == 2 {
				return publication{CaseID: id, Attempts: attempt, Seen: true}, nil
			}
			if err == nil {
				return publication{}, fmt.Errorf("%w: status %d after a lost answer, and the case is %s v%d", errUnexpected, status, c.State, c.Version)
			}
			// The server died between the two requests: try again.
		case err == nil && status/100 == 4 && status != http.StatusTooManyRequests:
			return publication{}, fmt.Errorf("%w: status %d: %s", errUnexpected, status, body)
		}
		lost = true
		m.l.retried(status, err)
		backoff.Reset(10 * time.Millisecond)
	}
}

// caseState is what the case API says of a case's place in its process.
type caseState struct {
	State   string `json:"state"`
	Version int64  `json:"version"`
}

// read reads case id as the supervisor.
func (m *moderator) read(ctx context.Context, id int64) (caseState, error) {
	status, body, err := m.do(ctx, "GET", "/api/v1/cases/"+strconv.FormatInt(id, 10), m.reader, "")
	if err != nil {
		return caseState{}, err
	}
	if status != http.StatusOK {
		return caseState{}, fmt.Errorf("GET case %d: status %d", id, status)
	}
	var c caseState
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return caseState{}, fmt.Errorf("%w: GET case %d: %s", errUnexpected, id, body)
	}
	return c, nil
}

func (m *moderator) do(ctx context.Context, method, path, key, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, m.url+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := m.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, string(raw), err
}

// publications is a copy of the acknowledged publications.
func (m *moderator) publications() []publication {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]publication(nil), m.published...)
}
