package payments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/errs"
	"atelier/internal/money"
)

// stripeMock starts stripe-mock on free loopback ports and returns its HTTP
// address. Without the binary the test is skipped, unless
// ATELIER_REQUIRE_STRIPE_MOCK=1 (CI), where that is a failure.
func stripeMock(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("stripe-mock")
	if err != nil {
		if out, gerr := exec.Command("go", "env", "GOPATH").Output(); gerr == nil {
			for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
				if p := filepath.Join(dir, "bin", "stripe-mock"); fileExists(p) {
					bin, err = p, nil
					break
				}
			}
		}
	}
	if err != nil {
		const msg = "stripe-mock not installed: go install github.com/stripe/stripe-mock@v0.203.0"
		if os.Getenv("ATELIER_REQUIRE_STRIPE_MOCK") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	httpAddr, httpsAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &syncWriter{w: &logs}, &syncWriter{w: &logs}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + httpAddr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/v1/customers")
		if err == nil {
			resp.Body.Close()
			return base
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not answer on %s: %v\n%s", base, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// seen is one request as it reached the server.
type seen struct {
	method, path, idempotencyKey string
	form                         url.Values
}

// recorder sits in front of stripe-mock and notes every request, so the
// test can check what was sent: stripe-mock itself keeps no state.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) proxy(t *testing.T, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		form, _ := url.ParseQuery(string(body))
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{req.Method, req.URL.Path, req.Header.Get("Idempotency-Key"), form})
		r.mu.Unlock()
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (r *recorder) last(t *testing.T, method, path string) seen {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.reqs) - 1; i >= 0; i-- {
		if r.reqs[i].method == method && r.reqs[i].path == path {
			return r.reqs[i]
		}
	}
	t.Fatalf("no %s %s reached stripe-mock; saw %v", method, path, r.reqs)
	return seen{}
}

func TestStripeAgainstStripeMock(t *testing.T) {
	rec := &recorder{}
	p := NewStripe("sk_test_123", rec.proxy(t, stripeMock(t)))
	ctx := context.Background()
	var _ Provider = p

	card, err := p.SaveCard(ctx, "tok_visa")
	if err != nil {
		t.Fatalf("SaveCard(tok_visa): %v", err)
	}
	cus, pm, ok := strings.Cut(card.Ref, "/")
	if !ok || !strings.HasPrefix(cus, "cus_") || !strings.HasPrefix(pm, "pm_") {
		t.Fatalf("card ref = %q, want cus_…/pm_…", card.Ref)
	}
	if card.Brand == "" || len(card.Last4) != 4 || card.ExpYear == 0 {
		t.Errorf("card = %+v, want brand, last4 and expiry from Stripe", card)
	}
	if got := rec.last(t, "POST", "/v1/payment_methods").form; got.Get("card[token]") != "tok_visa" || got.Get("type") != "card" {
		t.Errorf("payment method request = %v", got)
	}
	if got := rec.last(t, "POST", "/v1/customers").form.Get("payment_method"); got != pm {
		t.Errorf("customer created with payment_method %q, want %q", got, pm)
	}

	ref, err := p.Charge(ctx, card.Ref, money.New(123456, "EUR"), "order-42", "Order 42")
	if err != nil {
		t.Fatalf("Charge: %v", err)
	}
	if !strings.HasPrefix(ref, "pi_") {
		t.Errorf("charge ref = %q, want a PaymentIntent id", ref)
	}
	req := rec.last(t, "POST", "/v1/payment_intents")
	want := map[string]string{
		"amount": "123456", "currency": "eur", "confirm": "true", "off_session": "true",
		"customer": cus, "payment_method": pm, "description": "Order 42",
	}
	for k, v := range want {
		if got := req.form.Get(k); got != v {
			t.Errorf("payment intent %s = %q, want %q", k, got, v)
		}
	}
	if req.idempotencyKey != "charge:order-42" {
		t.Errorf("charge Idempotency-Key = %q, want charge:order-42", req.idempotencyKey)
	}

	if err := p.Refund(ctx, ref, money.New(5000, "EUR"), "order-42"); err != nil {
		t.Fatalf("Refund: %v", err)
	}
	req = rec.last(t, "POST", "/v1/refunds")
	if req.form.Get("payment_intent") != ref || req.form.Get("amount") != "5000" || req.idempotencyKey != "refund:order-42" {
		t.Errorf("refund request = %v (key %q)", req.form, req.idempotencyKey)
	}

	po, err := p.Payout(ctx, money.New(25000, "USD"), "withdrawal-7", "Withdrawal 7")
	if err != nil {
		t.Fatalf("Payout: %v", err)
	}
	if !strings.HasPrefix(po, "po_") {
		t.Errorf("payout ref = %q", po)
	}
	req = rec.last(t, "POST", "/v1/payouts")
	if req.form.Get("amount") != "25000" || req.form.Get("currency") != "usd" || req.idempotencyKey != "payout:withdrawal-7" {
		t.Errorf("payout request = %v (key %q)", req.form, req.idempotencyKey)
	}
}

// stripe-mock never declines, so the refusals are checked against a server
// answering exactly what Stripe answers: a 402 card_error for a declined
// charge, a 400 invalid_request_error for an unknown token.
func TestStripeRefusals(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/payment_intents":
			w.WriteHeader(http.StatusPaymentRequired)
			fmt.Fprint(w, `{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}}`)
		case "/v1/payment_methods":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"card[token]","message":"No such token: 'tok_nope'"}}`)
		default:
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"error":{"type":"api_error","message":"boom"}}`)
		}
	}))
	defer srv.Close()
	p := NewStripe("sk_test_123", srv.URL)
	ctx := context.Background()

	if _, err := p.Charge(ctx, "cus_1/pm_1", money.New(1000, "USD"), "k", ""); !errors.Is(err, ErrDeclined) {
		t.Errorf("declined charge: err = %v, want ErrDeclined", err)
	}
	_, err := p.SaveCard(ctx, "tok_nope")
	if e, ok := errs.As(err); !ok || e.Field != "token" || e.Kind != errs.KindInvalid {
		t.Errorf("unknown token: err = %v, want an invalid-field error on token", err)
	}
	if err := p.Refund(ctx, "pi_1", money.New(1000, "USD"), "k"); err == nil {
		t.Error("refund on a failing server: no error")
	} else if _, ok := errs.As(err); ok {
		t.Errorf("a server failure became a person's error: %v", err)
	}
}
