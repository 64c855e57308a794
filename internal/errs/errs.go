// Package errs is the one error type of the domain packages. Each error has
// a code that internal/httpapi maps to an HTTP status in one place; the
// message is safe to show to the caller. Anything that is not an *Error is
// internal: logged, and answered with "internal error" and a request id.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error.
type Code string

// Error codes.
const (
	Invalid      Code = "invalid"      // 422: a field is wrong
	Malformed    Code = "malformed"    // 400: the request cannot be read
	NotFound     Code = "not_found"    // 404: absent, or another company's
	Conflict     Code = "conflict"     // 409: clashes with existing data
	Unauthorized Code = "unauthorized" // 401: no valid session or token
	Forbidden    Code = "forbidden"    // 403: the role is too low
	Throttled    Code = "throttled"    // 429
	TooLarge     Code = "too_large"    // 413
	Unavailable  Code = "unavailable"  // 503
	Upstream     Code = "upstream"     // 502: a provider (Twilio) refused or failed
)

// FieldError names one field that is wrong. Field is a JSON path such as
// "body.email".
type FieldError struct {
	Field   string
	Message string
	Value   any
}

// Error is a domain error.
type Error struct {
	Code       Code
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration // for Throttled and Unavailable: sent as Retry-After
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// E makes an error with a code and a message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field makes an Invalid error for one field.
func Field(field, message string, value any) *Error {
	return &Error{Code: Invalid, Message: "validation failed", Fields: []FieldError{{Field: field, Message: message, Value: value}}}
}

// Fields collects field problems; Err returns nil when there are none.
type Fields []FieldError

// Add records a problem with field.
func (f *Fields) Add(field, message string, value any) {
	*f = append(*f, FieldError{Field: field, Message: message, Value: value})
}

// Err returns an Invalid error holding every problem, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "validation failed", Fields: f}
}

// CodeOf returns the code of err, or "" when err is not a domain error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Busy is an Unavailable error (503) with a Retry-After: a shared resource
// (a database connection, a slot for expensive work) is taken right now.
func Busy(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: Unavailable, Message: fmt.Sprintf(format, args...), RetryAfter: retryAfter}
}

// NotFoundf is shorthand for a NotFound error.
func NotFoundf(format string, args ...any) *Error { return E(NotFound, format, args...) }
