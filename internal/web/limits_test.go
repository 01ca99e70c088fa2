package web_test

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/orders/attachments"
	"atelier/internal/users"
)

// A delivery file over the 20 MiB limit is refused inline, in words, and
// delivers nothing.
func TestDeliveryFileOverTheLimitIsRefusedInline(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		orderID := s.alice.place(s.service.ID, s.alice.orderForm(s.service.ID, nil))
		big := bytes.Repeat([]byte("x"), attachments.MaxFileSize+1)
		status, body := s.seller.multipartPost("/orders/"+orderID+"/deliver", map[string]string{"form": "deliver", "message": "Too big"},
			map[string][]byte{"huge.pdf": big})
		want := html.EscapeString(i18n.T("en", "error.file_too_large", "max", "20 MB"))
		if status != http.StatusUnprocessableEntity || !bytes.Contains([]byte(body), []byte(want)) {
			t.Fatalf("a 20 MiB + 1 file: %d, want 422 saying %q", status, want)
		}
		_, body, _ = s.alice.do("GET", "/orders/"+orderID, nil)
		if bytes.Contains([]byte(body), []byte("huge.pdf")) || bytes.Contains([]byte(body), []byte("Too big")) {
			t.Fatal("the refused delivery shows on the order")
		}
	})
}

// The sign-in form says so when an e-mail has failed too often.
func TestSignInFormSaysWhenRateLimited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		signUp(t, a, "Ann", "ann@example.com")
		b := newBrowser(t, srv)
		for i := 0; i < users.MaxEmailFailures; i++ {
			if status, _, _ := b.do("POST", "/signin", url.Values{"email": {"ann@example.com"}, "password": {"wrong"}}); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, status)
			}
		}
		status, body, _ := b.do("POST", "/signin", url.Values{"email": {"ann@example.com"}, "password": {"correct horse"}})
		want := html.EscapeString(i18n.T("en", "error.sign_in_rate_limited", "minutes", 15))
		if status != http.StatusTooManyRequests || !bytes.Contains([]byte(body), []byte(want)) {
			t.Fatalf("11th sign-in: %d, want 429 saying %q", status, want)
		}
	})
}
