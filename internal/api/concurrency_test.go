package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/ledger"
	"atelier/internal/users"
)

// caller is one person's HTTP client for many goroutines: it never fails
// the test itself (only the test goroutine may), it reports.
type caller struct {
	base, token string
	c           *http.Client
}

func (c caller) do(method, path string, body any, headers ...string) (int, map[string]any) {
	var r *bytes.Reader
	if body == nil {
		body = map[string]any{}
	}
	b, _ := json.Marshal(body)
	r = bytes.NewReader(b)
	req, _ := http.NewRequest(method, c.base+"/api/v1"+path, r)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		return 0, map[string]any{"transport": err.Error()}
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// Money under concurrency (issue 11): dozens of people at once deposit,
// order, deliver and accept, cancel by mutual agreement, run milestone
// offers, claim the satisfaction guarantee and have operators grant it,
// while the test clock races ahead (timers complete orders, release money,
// expire requests). Whatever each call answers, the server never fails
// (no 5xx), and afterwards: the ledger balances, no balance that must not
// be is negative, invoice numbers run 1..N without a gap or a repeat,
// every order is in a known state, and no finished order holds money.
func TestConcurrentMarketplace(t *testing.T) {
	apptest.Each(t, func(t *testing.T, s *apptest.Server) {
		ctx := t.Context()
		client := &http.Client{Timeout: 30 * time.Second}
		sign := func(c *apptest.Client) caller { return caller{base: s.URL, token: c.Token, c: client} }

		if _, err := s.App.Users.CreateOperator(ctx, users.NewUser{Email: "ops@race.test", Password: "correct horse", Name: "Ops"}); err != nil {
			t.Fatal(err)
		}
		opsC := s.Client(t)
		opsC.Token = opsC.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@race.test", "password": "correct horse"})["token"].(string)
		sellerC, _ := s.SignUp(t, "seller@race.test", "Sal Seller")
		fr := sellerC.Must(201, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Sal Studio", "country": "FR",
			"hourly_rate": usd(8000)})["id"].(string)
		app := sellerC.Must(201, "POST", "/api/v1/freelancers/"+fr+"/pro-application", map[string]any{"message": "Portfolio."})["id"].(string)
		opsC.Must(200, "POST", "/api/v1/pro-applications/"+app+"/approve", nil)
		svc := sellerC.Must(201, "POST", "/api/v1/services", map[string]any{"freelancer_id": fr, "title": "Brand identity for your startup",
			"description": "Logo, palette, type.", "category": "graphics-design", "max_quantity": 3,
			"packages": []map[string]any{{"name": "Basic", "price": usd(30000), "delivery_days": 5, "revisions": 1}}})["id"].(string)
		seller, ops := sign(sellerC), sign(opsC)

		const accounts, perAccount, opsEach = 10, 4, 12
		type acct struct {
			id    string
			admin caller
		}
		var accs []acct
		for i := range accounts {
			c, _ := s.SignUp(t, fmt.Sprintf("admin%d@race.test", i), fmt.Sprintf("Admin %d", i))
			id := c.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": fmt.Sprintf("Race %d", i)})["id"].(string)
			c.Must(201, "POST", "/api/v1/accounts/"+id+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
			accs = append(accs, acct{id: id, admin: sign(c)})
		}

		var failures atomic.Int32
		var mu sync.Mutex
		var problems []string
		report := func(format string, args ...any) {
			failures.Add(1)
			mu.Lock()
			if len(problems) < 20 {
				problems = append(problems, fmt.Sprintf(format, args...))
			}
			mu.Unlock()
		}
		// call makes a request and reports a server failure; refusals
		// (4xx) are the domain saying no to a move that raced another.
		call := func(c caller, method, path string, body any, headers ...string) (int, map[string]any) {
			st, out := c.do(method, path, body, headers...)
			if st == 0 || st >= 500 {
				report("%s %s: %d %v", method, path, st, out)
			}
			return st, out
		}

		stop := make(chan struct{})
		clockDone := make(chan struct{})
		go func() { // the clock races ahead: 6 hours every 150 ms
			defer close(clockDone)
			anon := caller{base: s.URL, c: client}
			for {
				select {
				case <-stop:
					return
				case <-time.After(150 * time.Millisecond):
					call(anon, "POST", "/test-clock/advance", map[string]any{"duration": "6h"})
				}
			}
		}()

		var wg sync.WaitGroup
		for ai, a := range accs {
			for u := range perAccount {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(ai), uint64(u)))
					acc := "/accounts/" + a.id
					var mine []string // this person's orders
					pick := func() string {
						if len(mine) == 0 {
							return ""
						}
						return mine[r.IntN(len(mine))]
					}
					for range opsEach {
						switch r.IntN(7) {
						case 0: // a deposit, sometimes sent twice with one key
							key := fmt.Sprintf("dep-%d-%d-%d", ai, u, r.IntN(1000000))
							body := map[string]any{"amount": usd(5000 + 1000*r.IntN(50))}
							call(a.admin, "POST", acc+"/deposits", body, "Idempotency-Key", key)
							if r.IntN(2) == 0 {
								call(a.admin, "POST", acc+"/deposits", body, "Idempotency-Key", key)
							}
						case 1, 2: // an order
							if st, o := call(a.admin, "POST", "/orders", map[string]any{"account_id": a.id, "service_id": svc, "package": "Basic",
								"quantity": 1 + r.IntN(3)}); st == 201 {
								mine = append(mine, o["id"].(string))
							}
						case 3: // delivered and accepted, maybe with a guarantee claim granted
							if id := pick(); id != "" {
								call(seller, "POST", "/orders/"+id+"/deliveries", map[string]any{"message": "Done"})
								if st, _ := call(a.admin, "POST", "/orders/"+id+"/accept", nil); st == 200 && r.IntN(2) == 0 {
									if st, cl := call(a.admin, "POST", "/orders/"+id+"/guarantee-claim", map[string]any{"reason": "Not what we asked"}); st == 201 {
										call(ops, "POST", "/guarantee-claims/"+cl["id"].(string)+"/approve", map[string]any{"note": "Granted"})
									}
								}
							}
						case 4: // a mutual cancellation
							if id := pick(); id != "" {
								if st, _ := call(a.admin, "POST", "/orders/"+id+"/cancellation", map[string]any{"reason": "Plans changed"}); st == 200 || st == 201 {
									call(seller, "POST", "/orders/"+id+"/cancellation/accept", nil)
								}
							}
						case 5: // a milestone offer run to its first approval
							st, of := call(seller, "POST", "/offers", milestonesOffer(a.id, 20000, 15000))
							if st != 201 {
								continue
							}
							st, o := call(a.admin, "POST", "/offers/"+of["id"].(string)+"/accept", nil)
							if st != 201 && st != 200 {
								continue
							}
							id := o["id"].(string)
							mine = append(mine, id)
							if ms, ok := o["milestones"].([]any); ok && len(ms) > 0 {
								m := ms[0].(map[string]any)["id"].(string)
								call(seller, "POST", "/orders/"+id+"/milestones/"+m+"/deliver", map[string]any{"message": "Stage A"})
								call(a.admin, "POST", "/orders/"+id+"/milestones/"+m+"/approve", nil)
								if r.IntN(2) == 0 {
									call(a.admin, "POST", "/orders/"+id+"/stop", nil)
								}
							}
						case 6: // a look at the money, as people do
							call(a.admin, "GET", acc+"/balance", nil)
						}
					}
				}()
			}
		}
		wg.Wait()
		close(stop)
		<-clockDone
		// Let every timer due in the next month fire.
		anon := caller{base: s.URL, c: client}
		for range 10 {
			call(anon, "POST", "/test-clock/advance", map[string]any{"duration": "72h"})
		}
		if failures.Load() > 0 {
			t.Fatalf("%d server failures, first ones:\n%v", failures.Load(), problems)
		}

		d := s.App.DB
		rep, err := ledger.Check(ctx, d)
		if err != nil || !rep.Balanced {
			t.Fatalf("ledger: %+v %v", rep, err)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM ledger_accounts WHERE balance < 0 AND NOT may_go_negative`); n != 0 {
			t.Fatalf("%d ledger accounts below zero", n)
		}
		seqs, err := db.Strings(ctx, d, `SELECT seq FROM invoices ORDER BY issuer, seq`)
		if err != nil {
			t.Fatal(err)
		}
		for i, sq := range seqs {
			if sq != fmt.Sprint(i+1) {
				t.Fatalf("invoice numbers: %d-th is %s", i+1, sq)
			}
		}
		if n := count(`SELECT COUNT(*) FROM orders WHERE status NOT IN ('pending_approval', 'awaiting_payment', 'active', 'delivered', 'completed', 'cancelled', 'rejected')`); n != 0 {
			t.Fatalf("%d orders in an unknown state", n)
		}
		if n := count(`SELECT COUNT(*) FROM ledger_accounts la JOIN orders o ON o.id = la.owner
			WHERE la.kind = 'escrow' AND la.balance <> 0 AND o.status IN ('completed', 'cancelled', 'rejected')`); n != 0 {
			t.Fatalf("%d finished orders still hold money in escrow", n)
		}
		// The per-day sums of spend (rewards levels, the dashboard's chart)
		// are the sums of its rows.
		if n := count(`SELECT COUNT(*) FROM (SELECT account_id, currency, at / 86400000000 AS day, SUM(amount) AS amount
			FROM spend GROUP BY account_id, currency, at / 86400000000) s
			FULL JOIN spend_days d ON d.account_id = s.account_id AND d.currency = s.currency AND d.day = s.day
			WHERE COALESCE(s.amount, 0) <> COALESCE(d.amount, 0)`); n != 0 {
			t.Fatalf("%d days of spend disagree with its rows", n)
		}
		// The books: invoices less credit notes are the money charged less
		// the money given back, for every account.
		reconcile(t, d)
		orders := count(`SELECT COUNT(*) FROM orders`)
		t.Logf("%d orders, %d invoices, %d ledger transactions, %d guarantee refunds, %d cancellations", orders, len(seqs), rep.Transactions,
			count(`SELECT COUNT(*) FROM ledger_transactions WHERE kind LIKE 'guarantee%'`), count(`SELECT COUNT(*) FROM orders WHERE status = 'cancelled'`))
		if orders < accounts*perAccount {
			t.Fatalf("only %d orders: the load did not run", orders)
		}
	})
}
