package orders_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/orders/offers"
)

// Every status, kind and state the code knows is one the database accepts,
// and the other way round: each CHECK (column IN (...)) of the migrated
// schema lists exactly the Go constants. A status renamed or added on one
// side only fails here, not on a customer's order.
func TestStatusesMatchTheSchema(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite, clocktest.New(t))
	for _, c := range []struct {
		table, column string
		want          []string
	}{
		{"orders", "status", toStrings(orders.Statuses)},
		{"orders", "kind", toStrings(orders.Kinds)},
		{"offers", "status", toStrings(offers.OfferStatuses)},
		{"order_milestones", "status", toStrings(orders.MilestoneStatuses)},
		{"hourly_contracts", "state", toStrings(orders.ContractStates)},
		{"hourly_reports", "status", toStrings(orders.ReportStatuses)},
		{"order_requests", "kind", toStrings(orders.RequestKinds)},
		{"order_requests", "status", toStrings(orders.RequestStatuses)},
		{"guarantee_claims", "status", toStrings(orders.ClaimStatuses)},
		{"spend_approvals", "status", toStrings(approvals.CommitStatuses)},
		{"spend_approvals", "kind", toStrings(approvals.CommitKinds)},
	} {
		var sql string
		if err := d.QueryRow(t.Context(), `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, c.table).Scan(&sql); err != nil {
			t.Fatalf("%s: %v", c.table, err)
		}
		m := regexp.MustCompile(`(?m)^\s*` + c.column + `\s[^\n]*CHECK \(` + c.column + ` IN \(([^)]*)\)\)`).FindStringSubmatch(sql)
		if m == nil {
			t.Errorf("%s.%s: no CHECK list in\n%s", c.table, c.column, sql)
			continue
		}
		var schema []string
		for _, w := range strings.Split(m[1], ",") {
			schema = append(schema, strings.Trim(strings.TrimSpace(w), "'"))
		}
		slices.Sort(schema)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(schema, want) {
			t.Errorf("%s.%s: the schema accepts %v, the code knows %v", c.table, c.column, schema, want)
		}
	}
}

func toStrings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}
