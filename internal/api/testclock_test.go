package api_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// The test clock runs like time really passed: one jump of 360 hours,
// fifteen of 24 hours and 360 of one hour over the same story leave the
// same books — ledger, invoices (numbers and dates), earnings, e-mails,
// and every state and date of the orders, reports, requests, offers and
// invitations. Each timer runs at its own due instant inside a jump: the
// hourly week is charged on Monday 12:00, not at the end of the jump.
func TestTestClockJumpsLikeTimePassed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		type variant struct {
			name  string
			jumps []string
		}
		variants := []variant{
			{"one 360h jump", []string{"360h"}},
			{"fifteen 24h jumps", slices.Repeat([]string{"24h"}, 15)},
			{"360 1h jumps", slices.Repeat([]string{"1h"}, 360)},
		}
		var first []string
		for i, v := range variants {
			h, labels := jumpStory(t, e)
			for _, d := range v.jumps {
				h.clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": d})
			}
			books := snapshot(t, h.s.App.DB, labels)
			if i == 0 {
				first = books
				jumpStoryHappenedOnTime(t, h, books)
				continue
			}
			if diff := linesDiff(first, books); diff != "" {
				t.Fatalf("%s and %s leave different books:\n%s", variants[0].name, v.name, diff)
			}
		}
	})
}

// jumpStory starts a market on the Sunday 18:00 UTC before the second
// Monday (t0 + 6 days 18 hours) with one of each timer waiting: an hourly
// week reported (charged Monday 12:00, released after Friday, cleared a
// week later), a delivered milestone (approved after 8 days), a delivered
// order (completed after 3 days, reviews shown 10 days later), an
// unanswered cancellation (accepted after 2 days), an unanswered request
// for more time (withdrawn after 4 days), an unanswered offer (expired
// after 14 days) and an invitation (expired after 7 days). labels names
// the story's ids, so that two runs can be compared.
func jumpStory(t *testing.T, e db.Engine) (hourlyMarket, map[string]string) {
	t.Helper()
	h := newHourlyMarket(t, e, nil)
	h.at(t, 6*day+18*hour)
	h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 3, 2.5, 0, 2, 1.5, 1))

	of := h.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(h.ac, 30000, 20000))
	milestones := h.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", map[string]any{})["id"].(string)
	ms := "/api/v1/orders/" + milestones + "/milestones/"
	h.seller.Must(200, "POST", ms+milestone(h.admin.Must(200, "GET", "/api/v1/orders/"+milestones, nil), 0)["id"].(string)+"/deliver",
		map[string]any{"message": "Designs"})

	place := func() string {
		return h.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": h.ac, "service_id": h.service, "package": "Basic"})["id"].(string)
	}
	delivered, cancelled, extended := place(), place(), place()
	h.seller.Must(201, "POST", "/api/v1/orders/"+delivered+"/deliveries", map[string]any{"message": "Here it is"})
	h.seller.Must(201, "POST", "/api/v1/orders/"+cancelled+"/cancellation", map[string]any{"reason": "We cannot do it"})
	h.seller.Must(201, "POST", "/api/v1/orders/"+extended+"/resolutions", map[string]any{"kind": "extend_delivery", "days": 3, "message": "Fonts are late"})
	unanswered := h.seller.Must(201, "POST", "/api/v1/offers", map[string]any{"account_id": h.ac, "kind": "fixed", "title": "Landing page",
		"description": "One page", "price": usd(40000), "delivery_days": 4, "revisions": 1})["id"].(string)
	invitation := h.admin.Must(201, "POST", "/api/v1/accounts/"+h.ac+"/invitations", map[string]any{"email": "late@acme.test"})["id"].(string)

	return h, map[string]string{h.ac: "acme", h.freelancer: "sam", h.service: "service", h.order: "hourly", milestones: "milestones",
		delivered: "delivered", cancelled: "cancelled", extended: "extended", of["id"].(string): "milestone-offer",
		unanswered: "unanswered-offer", invitation: "invitation"}
}

// jumpStoryHappenedOnTime checks, on the books of the story after 15 days,
// that each timer ran at its due instant, not at the end of the jump.
func jumpStoryHappenedOnTime(t *testing.T, h hourlyMarket, books []string) {
	t.Helper()
	at := func(d time.Duration) string { return h.t0.Add(d).Format("2006-01-02T15:04") }
	sent := 6*day + 18*hour // when the story's requests were made
	released := 11*day + 23*hour + 59*time.Minute
	for _, want := range [][]string{
		// The week is charged and invoiced on Monday 12:00 …
		{"invoices", "kind=hourly", "ref=hourly", "issued_at=" + at(7*day+12*hour)},
		{"hourly_reports", "status=released", "charged_at=" + at(7*day+12*hour), "released_at=" + at(released)},
		// … released once its dispute window (Friday 23:59:59) is over …
		{"ledger_transactions", "kind=release", "ref=hourly", "created_at=" + at(released)},
		// … and cleared seven days later (a Pro freelancer).
		{"earnings", "ref=hourly", "cleared_at=" + at(released+7*day)},
		// The delivery completes the order after 3 days; its reviews,
		// unwritten, are closed 10 days later.
		{"orders", "status=completed", "completed_at=" + at(sent+3*day), "reviews_public_at=" + at(sent+13*day)},
		// The cancellation is accepted after 2 days, the extension
		// request withdrawn after 4, the milestone approved after 8.
		{"order_events", "kind=cancelled", "order_id=cancelled", "at=" + at(sent+2*day)},
		{"order_events", "kind=request_withdrawn", "order_id=extended", "at=" + at(sent+4*day)},
		{"order_events", "kind=milestone_approved", "order_id=milestones", "at=" + at(sent+8*day)},
		// The invitation expires after 7 days, the offer after 14.
		{"invitations", "status=expired", "closed_at=" + at(sent+7*day)},
		{"offers", "status=expired", "decided_at=" + at(sent+14*day)},
	} {
		if !slices.ContainsFunc(books, func(line string) bool {
			if !strings.HasPrefix(line, want[0]+": ") {
				return false
			}
			for _, field := range want[1:] {
				if !strings.Contains(" "+line[len(want[0])+1:]+" ", " "+field+" ") {
					return false
				}
			}
			return true
		}) {
			t.Errorf("no %s row with %v", want[0], want[1:])
		}
	}
	if t.Failed() {
		t.Fatalf("books:\n%s", strings.Join(books, "\n"))
	}
}

// snapshotTables are what a jump may change.
var snapshotTables = []string{"accounts", "audit_log", "earnings", "hourly_contracts", "hourly_reports", "invitations", "invoice_counters",
	"invoices", "job_schedules", "ledger_accounts", "ledger_entries", "ledger_transactions", "notifications", "offers", "order_events",
	"order_milestones", "order_requests", "order_reviews", "orders", "outbox", "spend", "spend_days"}

var (
	idPattern      = regexp.MustCompile(`\b([a-z]+)_[0-9a-f]{32}\b`)
	linkPattern    = regexp.MustCompile(`/verify-email/[A-Za-z0-9_-]{43}`) // a one-time link's random token
	instantPattern = regexp.MustCompile(`(\d{4}-\d\d-\d\dT\d\d:\d\d):\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
)

// snapshot reads every row of the tables a jump may change, as sorted
// lines "table: column=value …" where ids are replaced by their story
// label (or their kind) and instants are cut to the minute: the story's
// own steps take a few milliseconds, which differ from run to run.
func snapshot(t *testing.T, d *db.DB, labels map[string]string) []string {
	t.Helper()
	var lines []string
	for _, table := range snapshotTables {
		rows, err := d.Query(t.Context(), `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var fields []string
			for i, c := range cols {
				if c == "id" {
					continue
				}
				fields = append(fields, c+"="+snapshotValue(c, vals[i], labels))
			}
			slices.Sort(fields)
			lines = append(lines, table+": "+strings.Join(fields, " "))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(lines)
	return lines
}

func snapshotValue(column string, v any, labels map[string]string) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		v = string(x)
	case sql.RawBytes:
		v = string(x)
	}
	if n, ok := v.(int64); ok && n > 1e15 && n < 1e17 { // an instant in microseconds (1970 + 31 years to 1970 + 3,170)
		return db.Time(n).Format("2006-01-02T15:04")
	}
	s := fmt.Sprint(v)
	s = idPattern.ReplaceAllStringFunc(s, func(id string) string {
		if l, ok := labels[id]; ok {
			return l
		}
		return idPattern.FindStringSubmatch(id)[1] + "_…"
	})
	s = linkPattern.ReplaceAllString(s, "/verify-email/…")
	return instantPattern.ReplaceAllString(s, "$1")
}

// linesDiff lists the lines only one of two sorted snapshots has.
func linesDiff(a, b []string) string {
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			fmt.Fprintf(&out, "- %s\n", a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			fmt.Fprintf(&out, "+ %s\n", b[j])
			j++
		default:
			i++
			j++
		}
	}
	return out.String()
}
