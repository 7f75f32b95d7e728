package outbox

import (
	"errors"
	"time"
)

// topic is one registered handler and how its failures are retried.
type topic struct {
	handler Handler
	retry   retryPolicy
}

// retryPolicy says how long a run may take and how failures are retried.
type retryPolicy struct {
	maxAttempts int
	timeout     time.Duration
	base, cap   time.Duration
}

// defaultRetry suits calls to outside systems (gateways, registries): about
// ten tries spread over an hour and a half, which rides out a typical outage
// of a messaging gateway without hammering it.
var defaultRetry = retryPolicy{
	maxAttempts: 10,
	timeout:     time.Minute,
	base:        10 * time.Second,
	cap:         time.Hour,
}

// Option tunes how a topic's messages are run and retried.
type Option func(*retryPolicy)

// MaxAttempts bounds how many times a message is run before it is marked
// dead (default 10). Runs cut short by a crash count too, so a message that
// kills its worker cannot loop forever.
func MaxAttempts(n int) Option {
	return func(p *retryPolicy) { p.maxAttempts = max(n, 1) }
}

// Timeout bounds one run of the handler (default 1 minute): its context is
// cancelled then. The claim's lease is the longest timeout of the registered
// topics plus a grace period, so a handler that ignores its context may be
// run again elsewhere once the lease expires.
func Timeout(d time.Duration) Option {
	return func(p *retryPolicy) {
		if d > 0 {
			p.timeout = d
		}
	}
}

// Backoff sets the delay before a retry: base after the first failure,
// doubling after each further one, never more than cap (defaults 10 s and
// 1 h). The delay actually used is drawn between half of it and all of it,
// so messages that failed together do not come back together.
func Backoff(base, cap time.Duration) Option {
	return func(p *retryPolicy) {
		if base > 0 {
			p.base = base
		}
		p.cap = max(cap, p.base)
	}
}

// backoff returns the delay before the retry that follows the n-th failed
// run (n ≥ 1), given jitter(k) returning a uniform value in [0, k).
func (p retryPolicy) backoff(n int, jitter func(int64) int64) time.Duration {
	d := p.base
	for i := 1; i < n && d < p.cap; i++ {
		d *= 2
	}
	d = min(d, p.cap)
	half := d / 2
	return half + time.Duration(jitter(int64(d-half)+1))
}

// Permanent marks err as not worth retrying (a malformed payload, a
// recipient that does not exist): the message is marked dead at once.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return "permanent: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err, or an error it wraps, came from Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
