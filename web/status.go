package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/okno/okno"
)

// Catalogue keys the web layer raises itself.
const (
	keyCSRF     = "error.csrf"
	keyTooLarge = "error.too_large"
)

// statusOf maps an error to its HTTP status. This is the one place where
// okno error codes meet HTTP.
func statusOf(e *okno.Error) int {
	switch e.Code {
	case okno.EINVALID:
		switch {
		case e.Key == keyTooLarge:
			return http.StatusRequestEntityTooLarge
		case len(e.Fields) > 0:
			return http.StatusUnprocessableEntity // well-formed, but the values are wrong
		}
		return http.StatusBadRequest
	case okno.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case okno.EFORBIDDEN:
		return http.StatusForbidden
	case okno.ENOTFOUND:
		return http.StatusNotFound
	case okno.ECONFLICT:
		return http.StatusConflict
	case okno.ERATELIMITED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// classify turns transport errors into okno errors: a body over its limit
// is 413, never 500.
func classify(err error) *okno.Error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return okno.Wrap(okno.EINVALID, keyTooLarge, err)
	}
	return okno.AsError(err)
}

// retryAfter says how long a rate-limited client should wait: the error
// chain may hold a value with a RetryAfter method (the limiter's own error);
// otherwise a minute.
func retryAfter(err error) string {
	var ra interface{ RetryAfter() time.Duration }
	d := time.Minute
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		d = ra.RetryAfter()
	}
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
