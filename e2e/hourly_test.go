package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/i18n"
	"atelier/internal/users"
)

// clockTo moves the server's test clock forward to t (the API's test-clock
// route, which also runs what became due).
func (s *server) clockTo(t *testing.T, at time.Time) {
	t.Helper()
	by := at.Sub(s.now(t))
	if by <= 0 {
		return
	}
	s.advanceClock(t, by.String())
}

// advanceClock moves the server's test clock forward by a duration as the
// API reads it ("49h", "4d"), which also runs what became due.
func (s *server) advanceClock(t *testing.T, by string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"duration": by})
	res, err := http.Post(s.URL+"/api/v1/test-clock/advance", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("advance the test clock: %d", res.StatusCode)
	}
}

// now reads the server's test clock.
func (s *server) now(t *testing.T) time.Time {
	t.Helper()
	res, err := http.Get(s.URL + "/api/v1/test-clock")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Now time.Time `json:"now"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Now
}

// The hourly contract story of PRODUCT.md §6 in a browser: a Pro
// freelancer sends an account an hourly offer (80.00 an hour, 10 hours a
// week); the client's admin accepts it; the freelancer files the first
// week's report in the weekly form (8 h and 1.5 h); at Monday 12:00 UTC
// the week is charged (760.00 + 41.80 in fees) with its invoice, which
// the client reads in the weekly review; the freelancer reports the
// second week; after the first week's Friday it is released to the
// freelancer, and the client disputes the second once it is charged.
func TestProFreelancerHourlyContractWeeklyReportChargeAndDispute(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()
		a := srv.App

		st := srv.studioProfile(t, "Backend engineering")
		fanny, acc, studio := st.fanny, st.acc, st.profile
		op, err := a.Users.CreateOperator(ctx, users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		app, err := a.Catalog.ApplyForPro(ctx, fanny, studio.ID, "Ten years of Go.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Catalog.ApproveProApplication(ctx, op, app.ID); err != nil {
			t.Fatal(err)
		}

		// Fanny, Pro, writes an hourly offer to Alice's account by its id.
		fa := srv.signedIn(t, browser, "Fanny", "fanny@example.com")
		fa.open("/offers/new")
		fa.check("#kind-hourly")
		fa.typeIn("#f-other-account-id", acc.ID)
		fa.typeIn("#f-title", "Backend work, by the hour")
		fa.typeIn("#f-description", "Go services and SQL, as the week needs.")
		fa.typeIn("#f-hourly-rate", "80")
		fa.typeIn("#f-weekly-limit-hours", "10")
		fa.click("#send-offer")
		fa.sees("Offer sent.", "$80.00 an hour", "10 hours a week")
		offerURL := strings.TrimPrefix(fa.location(), srv.URL)

		// Alice reads it: one week at the limit is what approval counts.
		al := srv.signedIn(t, browser, "Alice", "alice@example.com")
		al.open(offerURL)
		al.sees("$80.00 an hour", "10 hours a week", "It is quoted as one week at the limit ($844.00 with fees)")
		al.click("#accept-offer")
		al.sees("Offer accepted: the hourly contract has started.", "Hourly contract", "Active", "No weekly report yet.")
		orderURL := strings.TrimPrefix(al.location(), srv.URL)

		// The next Wednesday 10:00 UTC: Fanny fills the week's form; the
		// days to come are disabled.
		t0 := clocktest.NextMonday(srv.now(t))
		date := func(n int) string { return t0.AddDate(0, 0, n).Format("2006-01-02") }
		srv.clockTo(t, t0.Add(2*24*time.Hour+10*time.Hour))
		fa.open(orderURL)
		fa.sees("Report the week of", "Not yet", "You can change this report until")
		if n := fa.count(`#weekly-report input[name^="hours."][disabled]`); n != 4 {
			t.Fatalf("%d days disabled on Wednesday, want 4 (Thursday to Sunday)", n)
		}
		fa.typeIn("#f-hours-0", "8")
		fa.typeIn("#f-note-0", "Billing service: idempotent charges.")
		fa.typeIn("#f-hours-1", "4")
		fa.typeIn("#f-note-1", "Reviews and the SQL migration.")
		fa.click("#file-report")
		fa.sees("The week's hours are above its limit of 10 hours.")
		fa.sees("In this form: 12 h of 10 h")
		fa.fill("#f-hours-1", "1.5")
		fa.click("#file-report")
		fa.sees("Report saved.", "Saved: 9.5 h of the week's 10-hour limit", "Edit the report of the week of")
		if shoot {
			fa.screenshot("hourly-report-form")
		}

		// Monday 12:00 UTC: the week is charged; Alice reads it with its
		// invoice.
		srv.clockTo(t, t0.Add(7*24*time.Hour+12*time.Hour+time.Minute))
		al.open(orderURL)
		week1 := al.within("#report-" + date(0))
		for _, want := range []string{"Charged", "9.5 h", "$760.00", "$41.80", "$801.80", "Billing service: idempotent charges."} {
			if !strings.Contains(week1, want) {
				t.Fatalf("the first week reads %q, lacks %q", week1, want)
			}
		}
		al.click("#report-" + date(0) + " .report-invoice")
		al.sees("week of "+i18n.Day("en", t0), "$801.80") // the invoice line, worded in the reader's language

		// Fanny reports Monday of the second week.
		fa.open(orderURL)
		fa.sees("Charged")
		fa.typeIn("#f-hours-0", "3")
		fa.typeIn("#f-note-0", "Webhooks retry policy.")
		fa.click("#file-report")
		fa.sees("Report saved.", "Saved: 3 h of the week's 10-hour limit")

		// The third Monday 12:00: the first week was released after its
		// Friday; the second is charged, and Alice disputes it.
		srv.clockTo(t, t0.Add(14*24*time.Hour+12*time.Hour+time.Minute))
		al.open(orderURL)
		if got := al.within("#report-" + date(0)); !strings.Contains(got, "Released") {
			t.Fatalf("the first week reads %q after its Friday", got)
		}
		week2 := al.within("#report-" + date(7))
		if !strings.Contains(week2, "Charged") || !strings.Contains(week2, "$240.00") || !strings.Contains(week2, "Dispute this week") {
			t.Fatalf("the second week reads %q", week2)
		}
		if shoot {
			al.screenshot("hourly-review")
		}
		al.typeIn("#f-dispute-reason-"+date(7), "We agreed on 2 hours for the webhooks.")
		al.click("#dispute-" + date(7))
		al.sees("Tick the box to confirm the dispute.") // the reason is kept
		al.check("#f-dispute-confirm-" + date(7))
		al.click("#dispute-" + date(7))
		al.sees("Week disputed", "Dispute: We agreed on 2 hours for the webhooks.")
		if got := al.within("#report-" + date(7)); !strings.Contains(got, "Disputed") {
			t.Fatalf("the second week reads %q", got)
		}

		// Fanny's earnings: the first week less the 20% commission.
		fa.open("/sell")
		if got := fa.within("#earnings-pending"); got != "$608.00" {
			t.Fatalf("pending earnings read %q, want $608.00", got)
		}
	})
}
