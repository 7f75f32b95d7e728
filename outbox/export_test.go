package outbox

import (
	"context"
	"math/rand/v2"
	"time"
)

// Claim leases up to n due messages without running them, as a worker that
// is about to crash would.
func (q *Queue) Claim(ctx context.Context, n int) ([]Message, error) {
	cs, err := q.claim(ctx, n)
	ms := make([]Message, len(cs))
	for i, c := range cs {
		ms[i] = c.Message
	}
	return ms, err
}

// SetSeed makes the backoff jitter repeatable.
func (q *Queue) SetSeed(seed uint64) {
	q.mu.Lock()
	q.rand = rand.New(rand.NewPCG(seed, seed))
	q.mu.Unlock()
}

// SetPollInterval shortens idle polling in tests of Run.
func (q *Queue) SetPollInterval(d time.Duration) { q.poll = d }

// Lease is how long a claim of the registered topics lasts.
func (q *Queue) Lease() time.Duration {
	_, lease := q.registered()
	return lease
}
