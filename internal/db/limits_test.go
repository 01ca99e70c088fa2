package db

import (
	"reflect"
	"testing"
)

func TestInlineLimits(t *testing.T) {
	for _, c := range []struct {
		q     string
		args  []any
		wantQ string
		want  []any
	}{
		{`SELECT a FROM t WHERE b = ? ORDER BY a LIMIT ?`, []any{"x", 21}, `SELECT a FROM t WHERE b = ? ORDER BY a LIMIT 21`, []any{"x"}},
		{`(SELECT 1 LIMIT ? OFFSET ?) UNION ALL (SELECT 2 WHERE c < ? LIMIT ? OFFSET ?)`, []any{20, 40, int64(7), int64(5), 0},
			`(SELECT 1 LIMIT 20 OFFSET 40) UNION ALL (SELECT 2 WHERE c < ? LIMIT 5 OFFSET 0)`, []any{int64(7)}},
		// Not an integer: left to the driver.
		{`SELECT a FROM t LIMIT ?`, []any{"20"}, `SELECT a FROM t LIMIT ?`, []any{"20"}},
		// Placeholders and arguments that do not match: untouched.
		{`SELECT a FROM t WHERE b = ? LIMIT ?`, []any{20}, `SELECT a FROM t WHERE b = ? LIMIT ?`, []any{20}},
		{`SELECT a FROM t WHERE b = ?`, []any{"x"}, `SELECT a FROM t WHERE b = ?`, []any{"x"}},
	} {
		q, args := inlineLimits(c.q, c.args)
		if q != c.wantQ || !reflect.DeepEqual(args, c.want) {
			t.Errorf("%s %v:\n got %s %v\nwant %s %v", c.q, c.args, q, args, c.wantQ, c.want)
		}
	}
}
