package users_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/users"
)

// Ten failed sign-ins for an e-mail in 15 minutes lock it, even with the
// right password, until the window passes; thirty from one address lock
// the address for every e-mail; a success clears its e-mail's count. The
// counts are rows, so they hold across nodes (two services, one database).
func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		node1, node2 := &users.Service{DB: d}, &users.Service{DB: d}
		for _, who := range []string{"ann", "bob"} {
			if _, err := node1.SignUp(ctx, users.NewUser{Email: who + "@example.com", Password: "correct horse", Name: who}); err != nil {
				t.Fatal(err)
			}
		}
		signIn := func(s *users.Service, email, password, addr string) error {
			_, _, err := s.SignIn(ctx, users.Credentials{Email: email, Password: password}, users.WebSession, users.Client{Addr: addr})
			return err
		}

		// A success clears the e-mail's failures.
		for i := 0; i < users.MaxEmailFailures-1; i++ {
			if err := signIn(node1, "ann@example.com", "wrong", "198.51.100.1"); err != users.ErrBadCredentials {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if err := signIn(node2, "ann@example.com", "correct horse", "198.51.100.1"); err != nil {
			t.Fatalf("9 failures then the right password: %v", err)
		}

		// Ten failures, spread over two nodes, lock the e-mail.
		for i := 0; i < users.MaxEmailFailures; i++ {
			s := node1
			if i%2 == 1 {
				s = node2
			}
			if err := signIn(s, "ANN@example.com", "wrong", fmt.Sprintf("198.51.100.%d", i+10)); err != users.ErrBadCredentials {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if err := signIn(node1, "ann@example.com", "correct horse", "203.0.113.7"); !errors.Is(err, users.ErrSignInRateLimited) {
			t.Fatalf("the 11th sign-in: %v, want rate limited", err)
		}
		if err := signIn(node2, "bob@example.com", "correct horse", "203.0.113.7"); err != nil {
			t.Fatalf("another e-mail is not locked: %v", err)
		}
		clk.Advance(users.SignInWindow + time.Second)
		if err := signIn(node1, "ann@example.com", "correct horse", "203.0.113.7"); err != nil {
			t.Fatalf("after the window: %v", err)
		}

		// Thirty failures from one address, on any e-mails, lock the address.
		for i := 0; i < users.MaxAddrFailures; i++ {
			if err := signIn(node1, fmt.Sprintf("guess%d@example.com", i), "wrong", "192.0.2.66"); err != users.ErrBadCredentials {
				t.Fatalf("address failure %d: %v", i, err)
			}
		}
		if err := signIn(node2, "bob@example.com", "correct horse", "192.0.2.66"); !errors.Is(err, users.ErrSignInRateLimited) {
			t.Fatalf("from a locked address: %v", err)
		}
		if err := signIn(node2, "bob@example.com", "correct horse", "192.0.2.67"); err != nil {
			t.Fatalf("from another address: %v", err)
		}

		// The sweeper forgets failures older than the window.
		clk.Advance(users.SignInWindow + time.Second)
		n, err := node1.DeleteOldSignInFailures(ctx, clk.Now())
		if err != nil || n < users.MaxAddrFailures {
			t.Fatalf("swept %d, %v", n, err)
		}
		var left int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM sign_in_failures`).Scan(&left)
		if left != 0 {
			t.Fatalf("%d failures left", left)
		}
	})
}

// Guesses sent at the same instant count too: of forty simultaneous wrong
// passwords for one e-mail, no more than the limit are even checked.
func TestSimultaneousGuessesCount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, clocktest.New(t))
		s := &users.Service{DB: d}
		if _, err := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"}); err != nil {
			t.Fatal(err)
		}
		const n = 40
		var wg sync.WaitGroup
		results := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: fmt.Sprint("guess ", i)}, users.APISession, users.Client{Addr: "198.51.100.9"})
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		checked := 0
		for err := range results {
			switch {
			case errors.Is(err, users.ErrBadCredentials):
				checked++
			case errors.Is(err, users.ErrSignInRateLimited):
			default:
				t.Fatalf("a guess: %v", err)
			}
		}
		if checked != users.MaxEmailFailures {
			t.Fatalf("%d of %d simultaneous guesses were checked, want the limit, %d", checked, n, users.MaxEmailFailures)
		}
	})
}
