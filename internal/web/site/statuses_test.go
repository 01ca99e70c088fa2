package site_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/orders/offers"
)

// The order pages compare statuses, kinds and states with words the
// domain knows: a status renamed in orders (and in the schema, which
// TestStatusesMatchTheSchema holds to the code) cannot leave a page
// comparing with the old word, which would compile and quietly never match.
func TestOrderPagesCompareWithKnownStatuses(t *testing.T) {
	t.Parallel()
	known := []string{"done", "current", "todo", string(orders.ContractSuspended)} // the progress bar's stages; suspended is shown over the state
	for _, list := range [][]string{
		toStrings(orders.Statuses), toStrings(orders.Kinds), toStrings(offers.OfferStatuses), toStrings(orders.MilestoneStatuses), toStrings(orders.ReportStatuses),
		toStrings(orders.ContractStates), toStrings(orders.RequestKinds), toStrings(orders.RequestStatuses), toStrings(orders.ClaimStatuses), toStrings(approvals.CommitStatuses),
	} {
		known = append(known, list...)
	}
	compare := regexp.MustCompile(`\b(?:eq|ne) [$.A-Za-z]*\.(?:Status|Kind|State) "([a-z_]+)"`)
	files := []string{"pages/order.html", "pages/order_stop.html", "pages/offer.html", "pages/offers.html",
		"layout/partials.html", "layout/hourly.html", "layout/resolutions.html"}
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("templates", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range compare.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !slices.Contains(known, m[1]) {
				t.Errorf("%s compares with %q, which no status, kind or state of orders is: %s", f, m[1], m[0])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("only %d comparisons found: the pattern no longer reads the templates", seen)
	}
}

func toStrings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}
