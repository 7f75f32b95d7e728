package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// run drives the servers for the configured duration and reports.
func (b *bench) run(ctx context.Context, mem *memoryWatch) benchResult {
	window := min(max(b.o.Duration/10, time.Second), time.Minute)
	start := time.Now()
	b.rec = newRecorder(start, window)
	mem.sample(ctx, 0)
	runCtx, cancel := context.WithTimeout(ctx, b.o.Duration)
	defer cancel()
	stop := b.watch(runCtx, start, mem)
	dropped := b.drive(runCtx, start)
	stop()
	elapsed := time.Since(start)
	mem.sample(ctx, elapsed) // after the load: what the server keeps
	seconds := elapsed.Seconds()
	all, kinds, timeline := b.rec.result(seconds)
	mode := "closed"
	if b.o.Rate > 0 {
		mode = "open"
	}
	warmAt := seconds / 10
	res := benchResult{Mix: b.o.Mix, Servers: b.o.URLs, Mode: mode, Rate: b.o.Rate, Concurrency: b.o.Concurrency,
		Seconds: seconds, kindResult: all, Kinds: kinds, Dropped: dropped, Timeline: timeline, Memory: mem.result(warmAt)}
	res.Trend = trendOf(timeline, window.Seconds(), seconds, res.Memory)
	return res
}

// picker chooses a kind of operation by weight.
type picker struct {
	kinds []string
	cum   []int
}

func newPicker(w map[string]int) picker {
	var p picker
	total := 0
	for _, k := range benchKinds {
		if w[k] > 0 {
			total += w[k]
			p.kinds = append(p.kinds, k)
			p.cum = append(p.cum, total)
		}
	}
	return p
}

func (p picker) pick(r *rand.Rand) string {
	n := r.IntN(p.cum[len(p.cum)-1])
	for i, c := range p.cum {
		if n < c {
			return p.kinds[i]
		}
	}
	return p.kinds[len(p.kinds)-1]
}

// drive runs the operations until ctx ends and returns how many were due
// but never sent (open loop).
func (b *bench) drive(ctx context.Context, start time.Time) (dropped int) {
	p := newPicker(b.o.Weights)
	var wg sync.WaitGroup
	do := func(r *rand.Rand, kind string, due time.Time) {
		ok := b.operate(ctx, r, kind, due)
		if ctx.Err() != nil && !ok {
			return // cut off by the end of the run, not the server's fault
		}
		b.rec.op(kind, ok)
	}
	if b.o.Rate <= 0 {
		for i := range b.o.Concurrency {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(start.UnixNano()), uint64(i)))
				for ctx.Err() == nil {
					do(r, p.pick(r), time.Now())
				}
			})
		}
		wg.Wait()
		return 0
	}
	type ticket struct {
		due  time.Time
		kind string
	}
	tickets := make(chan ticket, b.o.Concurrency*64)
	var late atomic.Int64 // due, queued, and still waiting for a client when the run ended
	for i := range b.o.Concurrency {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(start.UnixNano()), uint64(i)))
			for t := range tickets {
				if ctx.Err() == nil {
					do(r, t.kind, t.due)
				} else {
					late.Add(1)
				}
			}
		})
	}
	r := rand.New(rand.NewPCG(uint64(start.UnixNano()), 1<<32))
	interval := time.Second / time.Duration(b.o.Rate)
	timer := time.NewTimer(0)
	defer timer.Stop()
schedule:
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			timer.Reset(d)
			select {
			case <-ctx.Done():
				break schedule
			case <-timer.C:
			}
		}
		select {
		case tickets <- ticket{due, p.pick(r)}:
		case <-ctx.Done():
			break schedule
		default:
			dropped++ // the queue of due operations is full: the server is far behind
		}
	}
	close(tickets)
	wg.Wait()
	return dropped + int(late.Load())
}

// operate runs one operation of kind and says whether it went through
// whole.
func (b *bench) operate(ctx context.Context, r *rand.Rand, kind string, due time.Time) bool {
	switch kind {
	case kindAppeals:
		return b.appeal(ctx, due)
	case kindApplications:
		return b.application(ctx, r, due)
	case kindOfficials:
		return b.official(ctx, r, due)
	default:
		return b.read(ctx, r, due)
	}
}

// watch prints a progress line and samples the servers' memory every
// --progress until stopped.
func (b *bench) watch(ctx context.Context, start time.Time, mem *memoryWatch) func() {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(b.o.Every)
		defer t.Stop()
		var lastOK int64
		last := start
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				mem.sample(ctx, now.Sub(start))
				ok := b.rec.ok.Load()
				fmt.Fprintf(b.progress, "%6.0f s  ops %d  requests %d  ok %d (%.0f/s now)  errors %d%s\n",
					now.Sub(start).Seconds(), b.rec.ops.Load(), b.rec.requests.Load(), ok, float64(ok-lastOK)/now.Sub(last).Seconds(),
					b.rec.fails.Load(), mem.latest())
				lastOK, last = ok, now
			}
		}
	}()
	return func() { close(done); <-finished }
}

// reply is what a request got back.
type reply struct {
	status   int
	body     []byte
	location string
}

// maxReplyBody bounds what is read of an answer; the rest is drained.
const maxReplyBody = 4 << 20

// send sends req as part of an operation of kind, measuring from since,
// and records it. s, when set, is the citizen's session it goes with. It
// returns false when the request failed: a transport error, or a status
// other than 2xx and 3xx (a form's 303 is its success).
func (b *bench) send(ctx context.Context, kind string, since time.Time, req *http.Request, s *benchSession) (reply, bool) {
	return b.sendWith(ctx, b.client, kind, since, req, s)
}

// sendWith is send through client.
func (b *bench) sendWith(ctx context.Context, client *http.Client, kind string, since time.Time, req *http.Request, s *benchSession) (reply, bool) {
	if s != nil {
		s.attach(req)
	}
	res, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			b.rec.request(kind, time.Since(since), transportFailure(err))
		}
		return reply{}, false
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxReplyBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<20))
	res.Body.Close()
	d := time.Since(since)
	rep := reply{status: res.StatusCode, body: body, location: res.Header.Get("Location")}
	if s != nil {
		s.update(res, body)
	}
	fail := ""
	if res.StatusCode < 200 || res.StatusCode >= 400 {
		fail = "status " + strconv.Itoa(res.StatusCode)
	}
	b.rec.request(kind, d, fail)
	return rep, fail == ""
}

// transportFailure names a request that got no answer.
func transportFailure(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "connection"
}
