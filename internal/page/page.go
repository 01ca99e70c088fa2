// Package page is the one way lists are cut into pages: a limit (default
// 20, at most 100) and an opaque cursor that points after the last item of
// the previous page. Lists are ordered by id, and ids sort by creation.
package page

import (
	"encoding/base64"
	"strconv"

	"atelier/internal/errs"
)

// Default and maximum page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Request asks for one page.
type Request struct {
	Limit int
	// After is the decoded cursor: the id of the last item already seen.
	After string
}

// Parse reads ?limit= and ?cursor= values.
func Parse(limit, cursor string) (Request, error) {
	r := Request{Limit: DefaultLimit}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return r, errs.Invalid("limit", "limit_invalid").With("max", MaxLimit)
		}
		r.Limit = n
	}
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil {
			return r, errs.Invalid("cursor", "cursor_invalid")
		}
		r.After = string(b)
	}
	return r, nil
}

// Norm returns r with a usable limit.
func (r Request) Norm() Request {
	if r.Limit <= 0 {
		r.Limit = DefaultLimit
	}
	if r.Limit > MaxLimit {
		r.Limit = MaxLimit
	}
	return r
}

// Page is one page of items and the cursor of the next page ("" at the end).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Cut turns the rows of a query that fetched Limit+1 rows into a page.
func Cut[T any](rows []T, r Request, id func(T) string) Page[T] {
	p := Page[T]{Items: rows}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(rows) > r.Limit {
		p.Items = rows[:r.Limit]
		p.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(id(rows[r.Limit-1])))
	}
	return p
}
