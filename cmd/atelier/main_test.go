package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// The test binary doubles as the atelier binary: run with ATELIER_AS_MAIN=1
// it executes Main, so these tests start real `atelier` processes.
func TestMain(m *testing.M) {
	if os.Getenv("ATELIER_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// node is one running `atelier serve` process.
type node struct {
	cmd  *exec.Cmd
	URL  string
	logs *bytes.Buffer
	mu   *sync.Mutex
	db   []string // the flags that name its database, for commands beside it
}

var addrRe = regexp.MustCompile(`"atelier serving" addr=(\S+)`)

// startNode runs `atelier serve` with args in dir and waits until it listens.
// A node in test mode starts its clock at the tests' start.
func startNode(t *testing.T, dir string, args ...string) *node {
	t.Helper()
	if slices.Contains(args, "--test-mode") {
		args = append(args, "--test-start", clocktest.Start(t).Format(time.RFC3339Nano))
	}
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ATELIER_AS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{cmd: cmd, logs: &bytes.Buffer{}, mu: &sync.Mutex{}, db: []string{"--data-dir", filepath.Join(dir, "atelier-data")}}
	for i, a := range args[:max(0, len(args)-1)] {
		if a == "--database-url" || a == "--data-dir" {
			n.db = args[i : i+2]
		}
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			n.mu.Lock()
			n.logs.WriteString(line + "\n")
			n.mu.Unlock()
			if m := addrRe.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case addr := <-found:
		n.URL = "http://" + addr
	case <-time.After(30 * time.Second):
		t.Fatalf("atelier serve did not start:\n%s", n.log())
	}
	return n
}

func (n *node) log() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.logs.String()
}

func (n *node) call(t *testing.T, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (n *node) must(t *testing.T, want int, token, method, path string, body any) map[string]any {
	t.Helper()
	status, out := n.call(t, token, method, path, body)
	if status != want {
		t.Fatalf("%s %s on %s: %d, want %d: %v", method, path, n.URL, status, want, out)
	}
	return out
}

// signUp registers a person on n, has support verify their address (`atelier
// user verify` beside the running node), and signs them in.
func signUp(t *testing.T, n *node, email string) string {
	n.must(t, 201, "", "POST", "/api/v1/users", map[string]any{"email": email, "password": "correct horse", "name": "Test " + email[:3]})
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), append([]string{"user", "verify", "--email", email}, n.db...), &out, &errOut); code != 0 {
		t.Fatalf("user verify %s: code %d\n%s", email, code, errOut.String())
	}
	return n.must(t, 201, "", "POST", "/api/v1/sessions", map[string]any{"email": email, "password": "correct horse"})["token"].(string)
}

// load has clients place orders for the shop's buyer, spread over nodes,
// until stop closes or a node stops answering; it returns the ids of the
// orders acknowledged (201) and, per node, whether its connection failed.
func (sh shop) load(nodes []*node, clients int, stop <-chan struct{}) (acked []string, gone map[*node]bool) {
	var mu sync.Mutex
	gone = map[*node]bool{}
	var wg sync.WaitGroup
	for c := range clients {
		n := nodes[c%len(nodes)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"account_id": sh.account, "service_id": sh.service, "package": "Basic"})
				req, _ := http.NewRequest("POST", n.URL+"/api/v1/orders", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+sh.buyer)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					gone[n] = true
					mu.Unlock()
					return
				}
				var o map[string]any
				json.NewDecoder(resp.Body).Decode(&o)
				resp.Body.Close()
				if resp.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, o["id"].(string))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return acked, gone
}

// twoNodes starts two `atelier serve` processes in test mode on one fresh
// PostgreSQL database, whose URL it returns too; without
// ATELIER_TEST_DATABASE_URL the test is skipped.
func twoNodes(t *testing.T) (dbURL string, a, b *node) {
	t.Helper()
	cfg := dbtest.Config(t, db.Postgres)
	dir := t.TempDir()
	a = startNode(t, dir, "--test-mode", "--database-url", cfg.URL)
	b = startNode(t, dir, "--test-mode", "--database-url", cfg.URL)
	return cfg.URL, a, b
}

// countWhere counts the items (JSON objects of a list the API returned)
// whose key is value: the timeline's entries of a kind, say.
func countWhere(items []any, key, value string) int {
	n := 0
	for _, it := range items {
		if it.(map[string]any)[key] == value {
			n++
		}
	}
	return n
}

// advanceAll moves the test clocks of nodes by d, all at once (each node
// keeps its own test clock, as each keeps its own sweeper).
func advanceAll(t *testing.T, d time.Duration, nodes ...*node) {
	t.Helper()
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.must(t, 200, "", "POST", "/api/v1/test-clock/advance", map[string]any{"duration": d.String()})
		}()
	}
	wg.Wait()
}

// ids reads every page of a list route and returns the ids of its items.
func (n *node) ids(t *testing.T, token, path string) []string {
	t.Helper()
	var ids []string
	for cursor := ""; ; {
		out := n.must(t, 200, token, "GET", path+"?limit=100&cursor="+cursor, nil)
		for _, it := range out["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		if cursor, _ = out["next_cursor"].(string); cursor == "" {
			return ids
		}
	}
}

// lost returns the first acknowledged id missing from stored, or "".
func lost(acked, stored []string) string {
	have := map[string]bool{}
	for _, id := range stored {
		have[id] = true
	}
	for _, id := range acked {
		if !have[id] {
			return id
		}
	}
	return ""
}

// shop is a small marketplace made through the API: a seller with a
// service (one "Basic" package) and a buyer with an account and a card.
type shop struct{ seller, buyer, freelancer, service, account string }

// newShop makes it: the seller on node a, the buyer on node b (the same
// node may be given twice); e-mails end in @tag.test.
func newShop(t *testing.T, a, b *node, tag string, price int) shop {
	t.Helper()
	s := shop{seller: signUp(t, a, "seller@"+tag+".test"), buyer: signUp(t, b, "buyer@"+tag+".test")}
	s.freelancer = a.must(t, 201, s.seller, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Sam", "country": "FR",
		"hourly_rate": map[string]any{"amount": 5000, "currency": "USD"}})["id"].(string)
	s.service = a.must(t, 201, s.seller, "POST", "/api/v1/services", map[string]any{"freelancer_id": s.freelancer, "title": "A logo for your brand",
		"description": "One logo, three concepts, vector files.", "category": "graphics-design", "max_quantity": 3,
		"packages": []map[string]any{{"name": "Basic", "price": map[string]any{"amount": price, "currency": "USD"}, "delivery_days": 3, "revisions": 1}}})["id"].(string)
	s.account = b.must(t, 201, s.buyer, "POST", "/api/v1/accounts", map[string]any{"name": "Shop of " + tag})["id"].(string)
	b.must(t, 201, s.buyer, "POST", "/api/v1/accounts/"+s.account+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
	// An American company: billed without VAT, so amounts are the prices'.
	b.must(t, 200, s.buyer, "PUT", "/api/v1/accounts/"+s.account+"/billing-info", map[string]any{"country": "US"})
	return s
}

// `atelier serve` with no flags creates ./atelier-data, migrates, answers
// /healthz and the sign-up page, and stops cleanly on SIGTERM.
func TestServeZeroConfigAndGracefulShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := startNode(t, dir)
	if _, err := os.Stat(dir + "/atelier-data/atelier.db"); err != nil {
		t.Fatalf("no database created: %v", err)
	}
	n.must(t, 200, "", "GET", "/healthz", nil)
	n.must(t, 200, "", "GET", "/readyz", nil)
	resp, err := http.Get(n.URL + "/signup")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "<form") {
		t.Fatalf("sign-up page: %d\n%s", resp.StatusCode, page)
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, n.log())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30s after SIGTERM")
	}
	if !strings.Contains(n.log(), "shutting down") {
		t.Fatalf("no graceful shutdown in the log:\n%s", n.log())
	}
}

// `atelier operator create` works while a server runs on the same database.
func TestOperatorCreateBesideARunningServer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		dir := t.TempDir()
		cfg := dbtest.Config(t, e)
		args := []string{"--data-dir", dir + "/data"}
		if cfg.URL != "" {
			args = []string{"--database-url", cfg.URL}
		}
		n := startNode(t, dir, args...)
		tok := signUp(t, n, "someone@example.com")
		n.must(t, 201, tok, "POST", "/api/v1/accounts", map[string]any{"name": "Busy"})

		var out, errOut bytes.Buffer
		code := Main(context.Background(), append([]string{"operator", "create", "--email", "ops@atelier.test", "--password", "operator pass", "--name", "Olga Ops"}, args...), &out, &errOut)
		if code != 0 || !strings.Contains(out.String(), "operator Olga Ops") {
			t.Fatalf("operator create: code %d\n%s%s", code, out.String(), errOut.String())
		}
		opTok := n.must(t, 201, "", "POST", "/api/v1/sessions", map[string]any{"email": "ops@atelier.test", "password": "operator pass"})["token"].(string)
		if me := n.must(t, 200, opTok, "GET", "/api/v1/me", nil); me["operator"] != true {
			t.Fatalf("operator me = %v", me)
		}
		// Bad input: a clear message and a non-zero exit.
		errOut.Reset()
		code = Main(context.Background(), append([]string{"operator", "create", "--email", "ops@atelier.test", "--password", "operator pass", "--name", "Again"}, args...), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), "email_taken") {
			t.Fatalf("duplicate operator: code %d, %s", code, errOut.String())
		}
		// Support marks an address verified, while the server runs.
		n.must(t, 201, "", "POST", "/api/v1/users", map[string]any{"email": "late@example.com", "password": "correct horse", "name": "Late"})
		late := n.must(t, 201, "", "POST", "/api/v1/sessions", map[string]any{"email": "late@example.com", "password": "correct horse"})["token"].(string)
		if me := n.must(t, 200, late, "GET", "/api/v1/me", nil); me["email_verified"] != false {
			t.Fatalf("verified before following the link: %v", me)
		}
		out.Reset()
		code = Main(context.Background(), append([]string{"user", "verify", "--email", "Late@example.com"}, args...), &out, &errOut)
		if code != 0 || !strings.Contains(out.String(), "<late@example.com>: e-mail address verified") {
			t.Fatalf("user verify: code %d\n%s%s", code, out.String(), errOut.String())
		}
		if me := n.must(t, 200, late, "GET", "/api/v1/me", nil); me["email_verified"] != true {
			t.Fatalf("after user verify: %v", me)
		}
		errOut.Reset()
		code = Main(context.Background(), append([]string{"user", "verify", "--email", "nobody@example.com"}, args...), &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), "user_not_found") {
			t.Fatalf("verifying an unknown address: code %d, %s", code, errOut.String())
		}
	})
}

// Two `atelier serve` processes on one PostgreSQL: both sweep when the
// clock passes an invitation's deadline, and it expires exactly once.
func TestTwoNodesExpireAnInvitationOnce(t *testing.T) {
	t.Parallel()
	_, a, b := twoNodes(t)

	tok := signUp(t, a, "admin@two.test")
	acc := a.must(t, 201, tok, "POST", "/api/v1/accounts", map[string]any{"name": "Two Nodes"})["id"].(string)
	// The session made on node a is valid on node b: sessions live in the database.
	inv := b.must(t, 201, tok, "POST", "/api/v1/accounts/"+acc+"/invitations", map[string]any{"email": "slow@two.test"})["id"].(string)

	advanceAll(t, 8*24*time.Hour, a, b)
	if got := a.must(t, 200, tok, "GET", "/api/v1/invitations/"+inv, nil)["status"]; got != "expired" {
		t.Fatalf("status %v", got)
	}
	// Let both background sweepers run a few more times.
	time.Sleep(2500 * time.Millisecond)
	log := b.must(t, 200, tok, "GET", "/api/v1/accounts/"+acc+"/audit-log?limit=100", nil)["items"].([]any)
	expired := countWhere(log, "action", "invitation.expired")
	notes := a.must(t, 200, tok, "GET", "/api/v1/me/notifications", nil)["items"].([]any)
	expiredNotes := countWhere(notes, "kind", "invitation_expired")
	if expired != 1 || expiredNotes != 1 {
		t.Fatalf("expiry applied %d times with %d notifications; want once\nnode a:\n%s\nnode b:\n%s", expired, expiredNotes, a.log(), b.log())
	}
	fired := strings.Count(a.log(), "timer=invitation_expiry") + strings.Count(b.log(), "timer=invitation_expiry")
	if fired != 1 {
		t.Fatalf("timer fired %d times across nodes, want 1", fired)
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "operator create") ||
		!strings.Contains(out.String(), "user verify") {
		t.Fatalf("help: %d %s", code, out.String())
	}
	if code := Main(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
	out.Reset()
	if code := Main(context.Background(), []string{"migrate", "--data-dir", t.TempDir()}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate: %d %s %s", code, out.String(), errOut.String())
	}
}

// `atelier serve --demo` fills a new database, prints the logins, and
// serves a searchable marketplace; a second start keeps the data as it is.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"demo", "--data-dir", dir + "/data", "--services", "120"}, &out, io.Discard); code != 0 {
		t.Fatalf("atelier demo exit %d", code)
	}
	for _, want := range []string{"120 services", "operator@atelier.test", "admin@northwind.test", "billing@northwind.test", "member@northwind.test", "freelancer@atelier.test"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	n := startNode(t, dir, "--data-dir", dir+"/data", "--demo")
	found := n.must(t, 200, "", "GET", "/api/v1/services?q=logo", nil)
	if found["total"].(float64) == 0 {
		t.Fatal("the demo marketplace has no logo services")
	}
	if !strings.Contains(n.log(), "already has data") {
		t.Fatalf("serve --demo on a filled database:\n%s", n.log())
	}
}

// Two `atelier serve` processes on one PostgreSQL: a delivered order left
// unanswered completes once, and its escrow is released once.
func TestTwoNodesAutoCompleteAnOrderOnce(t *testing.T) {
	t.Parallel()
	_, a, b := twoNodes(t)

	sh := newShop(t, a, b, "two", 20000)
	seller, buyer, svc, acc := sh.seller, sh.buyer, sh.service, sh.account
	order := b.must(t, 201, buyer, "POST", "/api/v1/orders", map[string]any{"account_id": acc, "service_id": svc, "package": "Basic"})["id"].(string)
	a.must(t, 201, seller, "POST", "/api/v1/orders/"+order+"/deliveries", map[string]any{"message": "Here it is"})

	advanceAll(t, 4*24*time.Hour, a, b)
	time.Sleep(2500 * time.Millisecond) // both background sweepers run again
	if got := b.must(t, 200, buyer, "GET", "/api/v1/orders/"+order, nil)["status"]; got != "completed" {
		t.Fatalf("status %v", got)
	}
	timeline := a.must(t, 200, seller, "GET", "/api/v1/orders/"+order+"/timeline", nil)["items"].([]any)
	completed := countWhere(timeline, "kind", "completed")
	earnings := a.must(t, 200, seller, "GET", "/api/v1/freelancers/"+sh.freelancer+"/earnings", nil)
	if pending := earnings["pending"].(map[string]any)["amount"].(float64); completed != 1 || pending != 16000 {
		t.Fatalf("completed %d times, pending earnings %v\nnode a:\n%s\nnode b:\n%s", completed, pending, a.log(), b.log())
	}
}

// Two `atelier serve` processes on one PostgreSQL: when the clock passes
// Monday 12:00 UTC, both sweep, and the week of an hourly contract is
// charged once, with one invoice.
// Four weeks of an hourly contract on two nodes sharing one PostgreSQL:
// each reported week is charged once, at its hours, with one invoice; the
// week without a report charges nothing; the ledger balances.
func TestTwoNodesChargeFourHourlyWeeksOnce(t *testing.T) {
	t.Parallel()
	dbURL, a, b := twoNodes(t)

	seller := signUp(t, a, "seller@hourly.test")
	buyer := signUp(t, b, "buyer@hourly.test")
	fr := a.must(t, 201, seller, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Sam", "country": "FR",
		"hourly_rate": map[string]any{"amount": 5000, "currency": "USD"}})["id"].(string)
	app := a.must(t, 201, seller, "POST", "/api/v1/freelancers/"+fr+"/pro-application", map[string]any{"message": "Portfolio."})["id"].(string)
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"operator", "create", "--email", "ops@hourly.test", "--password", "operator pass", "--name", "Olga Ops",
		"--database-url", dbURL}, &out, &errOut); code != 0 {
		t.Fatalf("operator create: %d %s", code, errOut.String())
	}
	ops := a.must(t, 201, "", "POST", "/api/v1/sessions", map[string]any{"email": "ops@hourly.test", "password": "operator pass"})["token"].(string)
	a.must(t, 200, ops, "POST", "/api/v1/pro-applications/"+app+"/approve", nil)
	acc := b.must(t, 201, buyer, "POST", "/api/v1/accounts", map[string]any{"name": "Hourly Corp"})["id"].(string)
	b.must(t, 201, buyer, "POST", "/api/v1/accounts/"+acc+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
	b.must(t, 200, buyer, "PUT", "/api/v1/accounts/"+acc+"/billing-info", map[string]any{"country": "US"}) // no VAT: the invoices are the reports'
	offer := a.must(t, 201, seller, "POST", "/api/v1/offers", map[string]any{"account_id": acc, "kind": "hourly", "title": "Support",
		"hourly_rate": map[string]any{"amount": 5000, "currency": "USD"}, "weekly_limit_hours": 10})["id"].(string)
	order := b.must(t, 201, buyer, "POST", "/api/v1/offers/"+offer+"/accept", map[string]any{})["id"].(string)

	// Both clocks move together to the next Monday 09:00 UTC.
	advance := func(d time.Duration) { advanceAll(t, d, a, b) }
	now, _ := time.Parse(time.RFC3339Nano, a.must(t, 200, "", "GET", "/api/v1/test-clock", nil)["now"].(string))
	monday := clocktest.NextMonday(now)
	advance(monday.Add(9 * time.Hour).Sub(now)) // the first Monday, 09:00 UTC
	hours := []int{3, 0, 5, 2}                  // the second week has no report
	for i, h := range hours {
		week := monday.AddDate(0, 0, 7*i).Format("2006-01-02")
		if h > 0 {
			a.must(t, 201, seller, "POST", "/api/v1/orders/"+order+"/weekly-reports", map[string]any{"week_start": week,
				"days": []map[string]any{{"date": week, "hours": h, "note": "Tickets"}}})
		}
		if i == 0 {
			advance(7*24*time.Hour + 3*time.Hour + 30*time.Minute) // the next Monday, 12:30
		} else {
			advance(7 * 24 * time.Hour)
		}
		time.Sleep(2500 * time.Millisecond) // both background sweepers run again
	}
	// A month has passed on the clock: sign in again.
	signIn := func(email, password string) string {
		return a.must(t, 201, "", "POST", "/api/v1/sessions", map[string]any{"email": email, "password": password})["token"].(string)
	}
	buyer, seller, ops = signIn("buyer@hourly.test", "correct horse"), signIn("seller@hourly.test", "correct horse"), signIn("ops@hourly.test", "operator pass")

	reports := b.must(t, 200, buyer, "GET", "/api/v1/orders/"+order+"/weekly-reports", nil)["items"].([]any)
	invoices := b.must(t, 200, buyer, "GET", "/api/v1/accounts/"+acc+"/invoices", nil)["items"].([]any)
	timeline := a.must(t, 200, seller, "GET", "/api/v1/orders/"+order+"/timeline", nil)["items"].([]any)
	charged := countWhere(timeline, "kind", "hourly_charged")
	if len(reports) != 3 || len(invoices) != 3 || charged != 3 {
		t.Fatalf("%d reports, %d invoices, charged %d times\nnode a:\n%s\nnode b:\n%s", len(reports), len(invoices), charged, a.log(), b.log())
	}
	// Each week at its hours × 50.00, and the invoices add up to the reports.
	billed, invoiced := 0.0, 0.0
	for _, r := range reports {
		r := r.(map[string]any)
		if st := r["status"]; st != "charged" && st != "released" {
			t.Fatalf("report %v is %v", r["week_start"], st)
		}
		if amount := r["amount"].(map[string]any)["amount"].(float64); amount != r["hours"].(float64)*5000 {
			t.Fatalf("week %v: %v hours billed %v", r["week_start"], r["hours"], amount)
		}
		billed += r["total"].(map[string]any)["amount"].(float64)
	}
	for _, inv := range invoices {
		invoiced += inv.(map[string]any)["total"].(map[string]any)["amount"].(float64)
	}
	if billed != invoiced {
		t.Fatalf("reports total %v, invoices total %v", billed, invoiced)
	}
	applied := 0
	for _, m := range regexp.MustCompile(`timer=hourly_charge applied=(\d+)`).FindAllStringSubmatch(a.log()+b.log(), -1) {
		n, _ := strconv.Atoi(m[1])
		applied += n
	}
	if applied != 3 {
		t.Fatalf("hourly charges applied %d times across nodes, want 3", applied)
	}
	if check := a.must(t, 200, ops, "GET", "/api/v1/ledger/check", nil); check["balanced"] != true {
		t.Fatalf("ledger: %v", check)
	}
}

// Two `atelier serve` processes on one PostgreSQL: a cancellation left
// unanswered for 2 days is accepted once — the order cancelled and
// refunded once — and a withdrawn request's timer never cancels.
func TestTwoNodesAutoAcceptACancellationOnce(t *testing.T) {
	t.Parallel()
	_, a, b := twoNodes(t)

	sh := newShop(t, a, b, "two", 20000)
	seller, buyer, svc, acc := sh.seller, sh.buyer, sh.service, sh.account
	order := b.must(t, 201, buyer, "POST", "/api/v1/orders", map[string]any{"account_id": acc, "service_id": svc, "package": "Basic"})["id"].(string)
	kept := b.must(t, 201, buyer, "POST", "/api/v1/orders", map[string]any{"account_id": acc, "service_id": svc, "package": "Basic"})["id"].(string)
	a.must(t, 201, seller, "POST", "/api/v1/orders/"+order+"/cancellation", map[string]any{"reason": "Cannot do it"})
	a.must(t, 201, seller, "POST", "/api/v1/orders/"+kept+"/cancellation", map[string]any{"reason": "Maybe not"})
	b.must(t, 200, seller, "POST", "/api/v1/orders/"+kept+"/cancellation/withdraw", nil)

	advanceAll(t, 49*time.Hour, a, b)
	time.Sleep(2500 * time.Millisecond) // both background sweepers run again
	if got := b.must(t, 200, buyer, "GET", "/api/v1/orders/"+order, nil)["status"]; got != "cancelled" {
		t.Fatalf("status %v", got)
	}
	if got := a.must(t, 200, buyer, "GET", "/api/v1/orders/"+kept, nil)["status"]; got != "active" {
		t.Fatalf("the withdrawn request cancelled its order: %v", got)
	}
	timeline := a.must(t, 200, seller, "GET", "/api/v1/orders/"+order+"/timeline", nil)["items"].([]any)
	cancelled := countWhere(timeline, "kind", "cancelled")
	balance := b.must(t, 200, buyer, "GET", "/api/v1/accounts/"+acc+"/balance", nil)["available"].(map[string]any)["amount"].(float64)
	fired := strings.Count(a.log(), "timer=cancellation_auto_accept") + strings.Count(b.log(), "timer=cancellation_auto_accept")
	if cancelled != 1 || balance != 21100 || fired != 1 {
		t.Fatalf("cancelled %d times, balance %v, timer fired %d times\nnode a:\n%s\nnode b:\n%s", cancelled, balance, fired, a.log(), b.log())
	}
}

// `atelier backup` copies a serving SQLite database; `atelier restore` puts
// the copy in place elsewhere, where a new server finds every order (and
// the sessions, so the same token reads them).
func TestBackupWhileServingThenRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := startNode(t, dir)
	sh := newShop(t, n, n, "backup", 10000)
	buyer, svc, acc := sh.buyer, sh.service, sh.account
	var ids []string
	for q := 1; q <= 3; q++ {
		ids = append(ids, n.must(t, 201, buyer, "POST", "/api/v1/orders", map[string]any{"account_id": acc, "service_id": svc,
			"package": "Basic", "quantity": q})["id"].(string))
	}

	backup := filepath.Join(t.TempDir(), "atelier-backup.db")
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"backup", "--out", backup, "--data-dir", filepath.Join(dir, "atelier-data")}, &out, &errOut); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut.String())
	}
	if code := Main(context.Background(), []string{"backup", "--out", backup, "--data-dir", filepath.Join(dir, "atelier-data")}, &out, &errOut); code == 0 {
		t.Fatal("a backup overwrote an existing file")
	}

	restored := t.TempDir()
	if code := Main(context.Background(), []string{"restore", "--from", filepath.Join(dir, "atelier-data", "missing.db"), "--data-dir", filepath.Join(restored, "atelier-data")}, &out, &errOut); code == 0 {
		t.Fatal("restored a file that does not exist")
	}
	if code := Main(context.Background(), []string{"restore", "--from", backup, "--data-dir", filepath.Join(restored, "atelier-data")}, &out, &errOut); code != 0 {
		t.Fatalf("restore: %d %s", code, errOut.String())
	}
	if code := Main(context.Background(), []string{"restore", "--from", backup, "--data-dir", filepath.Join(restored, "atelier-data")}, &out, &errOut); code == 0 {
		t.Fatal("restore replaced a database without --force")
	}
	m := startNode(t, restored)
	stored := m.ids(t, buyer, "/api/v1/accounts/"+acc+"/orders")
	if id := lost(ids, stored); id != "" {
		t.Fatalf("order %s is not in the restored database (%d orders)", id, len(stored))
	}
	if len(m.must(t, 200, buyer, "GET", "/api/v1/accounts/"+acc+"/invoices", nil)["items"].([]any)) != 3 {
		t.Fatal("the restored database lacks invoices")
	}
}

// Two nodes on one PostgreSQL serve one user's session alike; a node
// killed (SIGKILL) in the middle of a load of orders loses no order it
// acknowledged, and the other keeps serving.
func TestKillOneNodeMidLoad(t *testing.T) {
	t.Parallel()
	cfg := dbtest.Config(t, db.Postgres) // skips without ATELIER_TEST_DATABASE_URL
	dir := t.TempDir()
	a := startNode(t, dir, "--database-url", cfg.URL)
	b := startNode(t, dir, "--database-url", cfg.URL)
	sh := newShop(t, a, a, "kill", 10000)
	buyer, acc := sh.buyer, sh.account
	if me := b.must(t, 200, buyer, "GET", "/api/v1/me", nil); me["email"] != "buyer@kill.test" {
		t.Fatalf("node b does not know node a's session: %v", me)
	}

	// Four clients place orders on both nodes; node a dies under them.
	stop := make(chan struct{})
	time.AfterFunc(1500*time.Millisecond, func() { a.cmd.Process.Kill() })
	time.AfterFunc(4*time.Second, func() { close(stop) })
	acked, gone := sh.load([]*node{a, b}, 4, stop)
	if gone[b] {
		t.Fatal("node b stopped answering when node a died")
	}
	t.Logf("%d orders acknowledged", len(acked))
	if len(acked) < 10 {
		t.Fatalf("only %d orders acknowledged", len(acked))
	}
	stored := b.ids(t, buyer, "/api/v1/accounts/"+acc+"/orders")
	if id := lost(acked, stored); id != "" {
		t.Fatalf("acknowledged order %s is lost (%d acknowledged, %d stored)", id, len(acked), len(stored))
	}
	if status, _ := b.call(t, "", "GET", "/readyz", nil); status != 200 {
		t.Fatalf("node b after node a died: /readyz %d", status)
	}
}

// `atelier migrate-to` copies a whole marketplace from SQLite to an empty
// PostgreSQL: afterwards every table has the same rows, and a node on
// PostgreSQL serves the same orders, sessions and search results.
func TestMigrateToPostgres(t *testing.T) {
	t.Parallel()
	cfg := dbtest.Config(t, db.Postgres) // skips without ATELIER_TEST_DATABASE_URL
	dir := t.TempDir()
	data := filepath.Join(dir, "atelier-data")
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"demo", "--services", "60", "--data-dir", data}, &out, &errOut); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut.String())
	}
	n := startNode(t, dir)
	sh := newShop(t, n, n, "move", 10000)
	seller, buyer, svc, acc := sh.seller, sh.buyer, sh.service, sh.account
	order := n.must(t, 201, buyer, "POST", "/api/v1/orders", map[string]any{"account_id": acc, "service_id": svc, "package": "Basic", "quantity": 2})["id"].(string)
	search := n.must(t, 200, "", "GET", "/api/v1/services?q=logo&sort=price_asc", nil)
	n.cmd.Process.Signal(syscall.SIGTERM)
	n.cmd.Wait()

	if code := Main(context.Background(), []string{"migrate-to", "--data-dir", data}, &out, &errOut); code != 2 {
		t.Fatalf("migrate-to without a PostgreSQL URL: %d", code)
	}
	out.Reset()
	if code := Main(context.Background(), []string{"migrate-to", "--data-dir", data, "--database-url", cfg.URL}, &out, &errOut); code != 0 {
		t.Fatalf("migrate-to: %d %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "every table has the same count on both") {
		t.Fatalf("migrate-to said %q", out.String())
	}
	if code := Main(context.Background(), []string{"migrate-to", "--data-dir", data, "--database-url", cfg.URL}, &out, &errOut); code == 0 {
		t.Fatal("migrate-to copied into a database that is not empty")
	}

	pg := startNode(t, t.TempDir(), "--database-url", cfg.URL)
	if got := pg.must(t, 200, buyer, "GET", "/api/v1/orders/"+order, nil); got["quantity"].(float64) != 2 || got["status"] != "active" {
		t.Fatalf("the order on PostgreSQL: %v", got)
	}
	again := pg.must(t, 200, "", "GET", "/api/v1/services?q=logo&sort=price_asc", nil)
	if again["total"] != search["total"] || len(again["items"].([]any)) != len(search["items"].([]any)) {
		t.Fatalf("search on PostgreSQL: %v matches, on SQLite %v", again["total"], search["total"])
	}
	for i, it := range again["items"].([]any) {
		if it.(map[string]any)["id"] != search["items"].([]any)[i].(map[string]any)["id"] {
			t.Fatalf("search result %d differs", i)
		}
	}
	if check := pg.must(t, 200, seller, "GET", "/api/v1/orders/"+order, nil); check["id"] != order {
		t.Fatal("the seller does not see the order on PostgreSQL")
	}
}

// /readyz follows PostgreSQL: a node whose database connection goes
// through a proxy answers 503 while the proxy is down, and 200 again when
// it is back, without a restart.
func TestReadyzFollowsPostgres(t *testing.T) {
	t.Parallel()
	cfg := dbtest.Config(t, db.Postgres) // skips without ATELIER_TEST_DATABASE_URL
	u, err := url.Parse(cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxyAddr := ln.Addr().String()
	var mu sync.Mutex
	var conns []net.Conn
	up := true
	serve := func(ln net.Listener) {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}
	go serve(ln)
	down := func() {
		mu.Lock()
		defer mu.Unlock()
		ln.Close()
		for _, c := range conns {
			c.Close()
		}
		conns, up = nil, false
	}
	t.Cleanup(func() {
		if up {
			down()
		}
	})
	u.Host = proxyAddr
	n := startNode(t, t.TempDir(), "--database-url", u.String())
	ready := func() int {
		status, _ := n.call(t, "", "GET", "/readyz", nil)
		return status
	}
	if got := ready(); got != 200 {
		t.Fatalf("/readyz with the database up: %d", got)
	}
	down()
	if got := ready(); got != 503 {
		t.Fatalf("/readyz with the database away: %d, want 503", got)
	}
	if status, _ := n.call(t, "", "GET", "/healthz", nil); status != 200 {
		t.Fatalf("/healthz with the database away: %d", status)
	}
	ln, err = net.Listen("tcp", proxyAddr)
	if err != nil {
		t.Fatal(err)
	}
	up = true
	go serve(ln)
	deadline := time.Now().Add(10 * time.Second)
	for ready() != 200 {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover when the database came back")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Crash safety on SQLite: `atelier serve` killed with SIGKILL in the
// middle of a load of orders, then restarted on the same file, still has
// every order it acknowledged, charged once each (one invoice per order, a
// balanced ledger), and the timers due after the restart fire once.
func TestCrashMidLoadThenRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := startNode(t, dir, "--test-mode")
	sh := newShop(t, n, n, "crash", 10000)
	ops := "ops@crash.test"
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"operator", "create", "--email", ops, "--password", "operator pass", "--name", "Olga",
		"--data-dir", filepath.Join(dir, "atelier-data")}, &out, &errOut); code != 0 {
		t.Fatalf("operator create: %s", errOut.String())
	}
	// Three orders delivered before the crash: their 3-day auto-completion
	// is due after the restart.
	var delivered []string
	for range 3 {
		id := n.must(t, 201, sh.buyer, "POST", "/api/v1/orders", map[string]any{"account_id": sh.account, "service_id": sh.service, "package": "Basic"})["id"].(string)
		n.must(t, 201, sh.seller, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Done"})
		delivered = append(delivered, id)
	}
	stop := make(chan struct{})
	time.AfterFunc(1500*time.Millisecond, func() { n.cmd.Process.Kill(); close(stop) })
	acked, _ := sh.load([]*node{n}, 4, stop)
	acked = append(acked, delivered...)
	n.cmd.Wait()
	t.Logf("%d orders acknowledged before the kill", len(acked))

	m := startNode(t, dir, "--test-mode")
	stored := m.ids(t, sh.buyer, "/api/v1/accounts/"+sh.account+"/orders")
	if id := lost(acked, stored); id != "" {
		t.Fatalf("acknowledged order %s is lost after the crash (%d acknowledged, %d stored)", id, len(acked), len(stored))
	}
	// Every stored order was charged once: one invoice each.
	if invoices := m.ids(t, sh.buyer, "/api/v1/accounts/"+sh.account+"/invoices"); len(invoices) != len(stored) {
		t.Fatalf("%d invoices for %d orders", len(invoices), len(stored))
	}
	opsToken := m.must(t, 201, "", "POST", "/api/v1/sessions", map[string]any{"email": ops, "password": "operator pass"})["token"].(string)
	if check := m.must(t, 200, opsToken, "GET", "/api/v1/ledger/check", nil); check["balanced"] != true {
		t.Fatalf("ledger after the crash: %v", check)
	}
	// The timers due after the restart fire, once.
	m.must(t, 200, "", "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "73h"})
	for _, id := range delivered {
		if o := m.must(t, 200, sh.buyer, "GET", "/api/v1/orders/"+id, nil); o["status"] != "completed" {
			t.Fatalf("order %s after its auto-completion: %v", id, o["status"])
		}
		completed := countWhere(m.must(t, 200, sh.seller, "GET", "/api/v1/orders/"+id+"/timeline", nil)["items"].([]any), "kind", "completed")
		if completed != 1 {
			t.Fatalf("order %s completed %d times", id, completed)
		}
	}
}

// The issuer printed on invoices is configured: name, address lines,
// country, VAT number, e-mail, its legal registration and its VAT rate.
func TestSellerIdentityFromFlagsAndEnvironment(t *testing.T) {
	t.Setenv("ATELIER_SELLER_EMAIL", "factures@mon-atelier.example") // the environment, under the flags
	n := startNode(t, t.TempDir(), "--seller-name", "Mon Atelier SARL", "--seller-address", `5 quai Saint-Michel\n75005 Paris`,
		"--seller-vat-id", "FR11222333444", "--seller-legal", "SARL au capital de 5 000 € · RCS Paris 222 333 444", "--vat-rate", "5.5")
	s := newShop(t, n, n, "seller", 10000)
	n.must(t, 201, s.buyer, "POST", "/api/v1/accounts/"+s.account+"/deposits", map[string]any{"amount": map[string]any{"amount": 10000, "currency": "USD"}})
	inv := n.must(t, 200, s.buyer, "GET", "/api/v1/accounts/"+s.account+"/invoices", nil)["items"].([]any)[0].(map[string]any)["seller"].(map[string]any)
	if inv["name"] != "Mon Atelier SARL" || inv["address"] != "5 quai Saint-Michel\n75005 Paris" || inv["vat_id"] != "FR11222333444" ||
		inv["email"] != "factures@mon-atelier.example" || inv["legal"] != "SARL au capital de 5 000 € · RCS Paris 222 333 444" || inv["country"] != "FR" {
		t.Fatalf("the invoice's seller: %v", inv)
	}
	// An order for a French buyer bears the seller's rate: 100.00 + 5.50
	// of fees, and 5.5% of that (5.8025) rounded.
	n.must(t, 200, s.buyer, "PUT", "/api/v1/accounts/"+s.account+"/billing-info", map[string]any{"country": "FR"})
	n.must(t, 201, s.buyer, "POST", "/api/v1/orders", map[string]any{"account_id": s.account, "service_id": s.service, "package": "Basic"})
	order := n.must(t, 200, s.buyer, "GET", "/api/v1/accounts/"+s.account+"/invoices", nil)["items"].([]any)[0].(map[string]any)
	if order["vat_rate"] != 550.0 || order["vat"].(map[string]any)["amount"] != 580.0 || order["total"].(map[string]any)["amount"] != 11130.0 {
		t.Fatalf("the order's invoice at a 5.5%% rate: %v %v %v", order["vat_rate"], order["vat"], order["total"])
	}
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"serve", "--vat-rate", "0", "--data-dir", t.TempDir()}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "--vat-rate") {
		t.Fatalf("a VAT rate of 0: %d %s", code, errOut.String())
	}
	if code := Main(context.Background(), []string{"serve", "--seller-name", " ", "--data-dir", t.TempDir()}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "--seller-name") {
		t.Fatalf("an empty seller name: %d %s", code, errOut.String())
	}
}
