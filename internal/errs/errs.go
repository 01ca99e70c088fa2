// Package errs is the error contract between the domain and its faces.
//
// A domain operation that refuses something returns an *Error with a Kind
// (which the API maps to an HTTP status and the web UI to an inline message),
// a stable snake_case Code (which is also the translation key of the message
// a person reads) and, for validation, the Field at fault. Anything that is
// not an *Error is an internal failure: logged, shown as a 500, never leaked.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies a refusal.
type Kind int

// The kinds of refusal, each with one HTTP status.
const (
	KindInvalid      Kind = iota + 1 // 422: the input breaks a rule
	KindMalformed                    // 400: the input cannot be read
	KindUnauthorized                 // 401: not signed in
	KindForbidden                    // 403: signed in, in the account, but not allowed
	KindNotFound                     // 404: does not exist, or belongs to someone else
	KindConflict                     // 409: the state does not allow it now
	KindTooLarge                     // 413: the request body is over its limit
	KindTooMany                      // 429: too many attempts; wait and retry
	KindMethod                       // 405: the path exists, not with this method
)

// Error is a refusal a person can read.
type Error struct {
	Kind  Kind
	Code  string         // stable machine code and message key, e.g. "email_taken"
	Field string         // the input field at fault, if any, e.g. "email"
	Args  map[string]any // values the message may show
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s)", e.Code, e.Field)
	}
	return e.Code
}

// Is lets errors.Is match two *Error values by kind and code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// With returns a copy of e carrying an argument for its message.
func (e *Error) With(key string, v any) *Error {
	c := *e
	c.Args = map[string]any{}
	for k, x := range e.Args {
		c.Args[k] = x
	}
	c.Args[key] = v
	return &c
}

// Invalid is a validation failure on one field.
func Invalid(field, code string) *Error { return &Error{Kind: KindInvalid, Code: code, Field: field} }

// Malformed is input that cannot be decoded.
func Malformed(code string) *Error { return &Error{Kind: KindMalformed, Code: code} }

// NotFound hides what does not exist and what belongs to another account.
func NotFound(code string) *Error { return &Error{Kind: KindNotFound, Code: code} }

// Forbidden is a refusal to a member of the right account without the role.
func Forbidden(code string) *Error { return &Error{Kind: KindForbidden, Code: code} }

// Conflict is an operation the current state does not allow.
func Conflict(code string) *Error { return &Error{Kind: KindConflict, Code: code} }

// TooLarge refuses a request body over its limit.
func TooLarge(code string) *Error { return &Error{Kind: KindTooLarge, Code: code} }

// TooMany refuses an attempt made too often (sign-in failures).
func TooMany(code string) *Error { return &Error{Kind: KindTooMany, Code: code} }

// MethodNotAllowed refuses a method the path does not answer to.
var MethodNotAllowed = &Error{Kind: KindMethod, Code: "method_not_allowed"}

// Unauthorized asks the caller to sign in.
var Unauthorized = &Error{Kind: KindUnauthorized, Code: "not_signed_in"}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
