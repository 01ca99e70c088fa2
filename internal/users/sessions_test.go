package users_test

import (
	"context"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/users"
)

// A person sees their sessions (device, address, when opened and last
// used), ends one or all the others; nobody else's session can be named.
func TestSessionsTheirOwnerControls(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		ann, _ := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		bob, _ := s.SignUp(ctx, users.NewUser{Email: "bob@example.com", Password: "correct horse", Name: "Bob"})
		laptop := users.Client{Addr: "203.0.113.4", UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36"}
		script := users.Client{Addr: "198.51.100.20", UserAgent: "curl/8.5.0"}
		signIn := func(email string, kind users.SessionKind, c users.Client) string {
			tok, _, err := s.SignIn(ctx, users.Credentials{Email: email, Password: "correct horse"}, kind, c)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		web := signIn("ann@example.com", users.WebSession, laptop)
		clk.Advance(time.Hour)
		api := signIn("ann@example.com", users.APISession, script)
		bobs := signIn("bob@example.com", users.WebSession, laptop)

		// Used again from another address an hour later: last seen moves.
		clk.Advance(time.Hour)
		if _, err := s.Authenticate(ctx, web, users.Client{Addr: "203.0.113.99", UserAgent: laptop.UserAgent}); err != nil {
			t.Fatal(err)
		}
		list, err := s.Sessions(ctx, ann, web)
		if err != nil || len(list.Browsers) != 1 || len(list.Tokens) != 1 {
			t.Fatalf("sessions %+v %v", list, err)
		}
		first, second := list.Browsers[0], list.Tokens[0]
		if first.Kind != users.WebSession || !first.Current || first.Device != "Chrome on Windows" || first.Addr != "203.0.113.99" ||
			first.LastSeen.Sub(first.CreatedAt) < 2*time.Hour || clk.Now().Sub(first.LastSeen) > time.Second {
			t.Fatalf("the browser session reads %+v", first)
		}
		if second.Kind != users.APISession || second.Current || second.Device != "curl" || second.Addr != "198.51.100.20" {
			t.Fatalf("the API token reads %+v", second)
		}
		// A minute later, the same address: not written again.
		clk.Advance(time.Minute)
		s.Authenticate(ctx, web, users.Client{Addr: "203.0.113.99"})
		if list, _ := s.Sessions(ctx, ann, web); !list.Browsers[0].LastSeen.Equal(first.LastSeen) {
			t.Fatal("last seen written on every request")
		}

		bobList, _ := s.Sessions(ctx, bob, bobs)
		if _, err := s.RevokeSession(ctx, ann, bobList.Browsers[0].ID, web, laptop); refusal(err) != "session_not_found/" {
			t.Fatalf("Ann ends Bob's session: %v", err)
		}
		if _, err := s.Authenticate(ctx, bobs, laptop); err != nil {
			t.Fatal("Bob's session ended")
		}
		if n, err := s.RevokeOtherSessions(ctx, ann, web, laptop); err != nil || n != 1 {
			t.Fatalf("revoke others: %d %v", n, err)
		}
		if _, err := s.Authenticate(ctx, api, script); err == nil {
			t.Fatal("the API token lives on")
		}
		if mine, err := s.RevokeSession(ctx, ann, first.ID, web, laptop); err != nil || !mine {
			t.Fatalf("ending her own session: %v %v", mine, err)
		}
		if _, err := s.Authenticate(ctx, web, laptop); err == nil {
			t.Fatal("the revoked current session lives on")
		}
		log, _ := s.Events(ctx, ann, pageAll)
		if len(log.Items) < 2 || log.Items[0].Kind != users.EventSessionRevoked || log.Items[1].Kind != users.EventOtherSessionsRevoked {
			t.Fatalf("security log %+v", log.Items)
		}
	})
}

// Devices are named as people recognise them.
func TestDevice(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0":                                                                  "Firefox on Linux",
		"curl/8.5.0":         "curl",
		"Go-http-client/1.1": "Go-http-client",
		"":                   "",
	} {
		if got := users.Device(ua); got != want {
			t.Errorf("%q is %q, want %q", ua, got, want)
		}
	}
}
