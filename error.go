package okno

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an error for every door: HTTP status, API problem type,
// CLI exit code. Codes are few on purpose.
type ErrorCode string

// The error codes. Anything unclassified is EINTERNAL.
const (
	EINVALID      ErrorCode = "invalid"
	EUNAUTHORIZED ErrorCode = "unauthorized"
	EFORBIDDEN    ErrorCode = "forbidden"
	ENOTFOUND     ErrorCode = "not_found"
	ECONFLICT     ErrorCode = "conflict"
	ERATELIMITED  ErrorCode = "rate_limited"
	EINTERNAL     ErrorCode = "internal"
)

// Error is Okno's one error type. Key names a message in the i18n catalogue
// (Russian first, English second) that is safe to show a citizen; Args fill
// its placeholders. Fields lists per-field problems for forms and the API.
// Err is the cause: logged, never shown.
type Error struct {
	Code   ErrorCode
	Key    string
	Args   []any
	Fields []FieldError
	Err    error
}

// FieldError is a problem with one input field, named by its path
// (e.g. "snils", "address.house"), with a catalogue key.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Error implements error. The text is for logs and developers.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error with a code and a catalogue key.
func Errorf(code ErrorCode, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Wrap returns an error with a code and a catalogue key whose cause is err.
func Wrap(code ErrorCode, key string, err error) *Error {
	return &Error{Code: code, Key: key, Err: err}
}

// Invalid returns an EINVALID error listing field problems. It is nil when
// fields is empty, so validators can end with `return okno.Invalid(fe...)`
// only after checking; prefer FieldErrors.Err.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Key: "error.invalid", Fields: fields}
}

// FieldErrors collects field problems during validation.
type FieldErrors []FieldError

// Add records a problem with field.
func (fe *FieldErrors) Add(field, key string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Key: key, Args: args})
}

// Err returns an EINVALID *Error listing the problems, or nil if there are none.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return Invalid(fe...)
}

// ErrorCodeOf returns the code of the first *Error in err's chain, or
// EINTERNAL for any other non-nil error.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns the first *Error in err's chain, or an EINTERNAL error
// wrapping err, so every door can render something safe.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: err}
}

// IsCode reports whether err carries code.
func IsCode(err error, code ErrorCode) bool { return ErrorCodeOf(err) == code }
