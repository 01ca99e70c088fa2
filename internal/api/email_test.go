package api_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/notify"

	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server on a loopback port that keeps what it
// receives.
type mailbox struct {
	mu   sync.Mutex
	mail []received
	port int
}

type received struct {
	from, to, subject, text, html string
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(mb)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }

func (mb *mailbox) to(addr string) []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []received
	for _, m := range mb.mail {
		if m.to == addr {
			out = append(out, m)
		}
	}
	return out
}

type mailSession struct {
	mb       *mailbox
	from, to string
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = to; return nil }
func (s *mailSession) Reset()                                      {}
func (s *mailSession) Logout() error                               { return nil }

// Data reads the message as a mail client would: the subject decoded, the
// text and HTML parts decoded from their transfer encoding.
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	m := received{from: s.from, to: s.to}
	if m.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			m.html = string(b)
		} else {
			m.text = string(b)
		}
	}
	s.mb.mu.Lock()
	s.mb.mail = append(s.mb.mail, m)
	s.mb.mu.Unlock()
	return nil
}

// E-mails go over SMTP after their event commits, in the reader's saved
// language, with the link back to the page; a category turned off keeps
// the notice in the app and sends no e-mail.
func TestEmailsOverSMTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		mb := startMailbox(t)
		srv := apptest.Start(t, e)
		srv.App.Jobs.Handlers[notify.TopicEmail] = notify.SMTP{Host: "127.0.0.1", Port: mb.port, From: "atelier@mail.test",
			TLS: "none", PublicURL: "https://atelier.example"}.Handler()
		send := func() {
			t.Helper()
			if err := srv.App.Jobs.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}

		admin, _ := srv.SignUpUnverified(t, "ada@mail.test", "Ada Admin")
		acc := admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Lovelace Ltd"})["id"].(string)
		bruno, _ := srv.SignUpUnverified(t, "bruno@mail.test", "Bruno")
		bruno.Must(200, "PATCH", "/api/v1/me", map[string]any{"locale": "fr"})
		carol, _ := srv.SignUpUnverified(t, "carol@mail.test", "Carol")
		if got := carol.Must(200, "PATCH", "/api/v1/me/notification-settings", map[string]any{"email": map[string]any{"team": false}}); got["email"].(map[string]any)["team"] != false || got["email"].(map[string]any)["orders"] != true {
			t.Fatalf("settings: %v", got)
		}
		wantError(t, carol.Do("PATCH", "/api/v1/me/notification-settings", map[string]any{"email": map[string]any{"spam": false}}), 422, "notification_category_unknown", "email.spam")

		for _, to := range []string{"newcomer@mail.test", "bruno@mail.test", "carol@mail.test"} {
			admin.Must(201, "POST", "/api/v1/accounts/"+acc+"/invitations", map[string]any{"email": to, "role": "member"})
		}
		if n := len(mb.to("newcomer@mail.test")); n != 0 {
			t.Fatalf("%d e-mails sent before the outbox ran", n)
		}
		send()
		send() // nothing is sent twice

		// Signing up sent each person the link that verifies their address,
		// whatever their e-mail settings; the rest are the invitations.
		split := func(to string) (links, rest []received) {
			for _, m := range mb.to(to) {
				if strings.Contains(m.text, "https://atelier.example/verify-email/") {
					links = append(links, m)
				} else {
					rest = append(rest, m)
				}
			}
			return links, rest
		}
		for _, to := range []string{"ada@mail.test", "bruno@mail.test", "carol@mail.test"} {
			if links, _ := split(to); len(links) != 1 || !strings.HasPrefix(links[0].subject, "Confirm that this address is yours") {
				t.Fatalf("%s's verification links: %+v", to, links)
			}
		}
		// Someone without an account yet: English, with the link to the invitation.
		got := mb.to("newcomer@mail.test")
		if len(got) != 1 || got[0].from != "atelier@mail.test" || got[0].subject != "Ada Admin invited you to join Lovelace Ltd as Member." ||
			!strings.Contains(got[0].text, "https://atelier.example/invitations/inv_") || !strings.Contains(got[0].html, `href="https://atelier.example/invitations/inv_`) {
			t.Fatalf("newcomer's e-mail: %+v", got)
		}
		// A user who chose French reads French.
		_, got = split("bruno@mail.test")
		if len(got) != 1 || got[0].subject != "Ada Admin vous invite à rejoindre Lovelace Ltd en tant que Membre." ||
			!strings.Contains(got[0].text, "Ouvrir dans Atelier: https://atelier.example/invitations/") {
			t.Fatalf("Bruno's e-mail: %+v", got)
		}
		// Carol turned team e-mails off: the notice is in the app only.
		if _, got := split("carol@mail.test"); len(got) != 0 {
			t.Fatalf("Carol got %d e-mails", len(got))
		}
		// Bruno asks for a new link, now in French: the first stops working,
		// the new one verifies his address once, and is no one else's.
		token := func(m received) string {
			return regexp.MustCompile(`/verify-email/([A-Za-z0-9_-]+)`).FindStringSubmatch(m.text)[1]
		}
		links, _ := split("bruno@mail.test")
		first := token(links[0])
		bruno.Must(200, "POST", "/api/v1/me/email-verification", map[string]any{})
		send()
		links, _ = split("bruno@mail.test")
		if len(links) != 2 || !strings.HasPrefix(links[1].subject, "Confirmez que cette adresse est la vôtre") {
			t.Fatalf("Bruno's new link: %+v", links)
		}
		second := token(links[1])
		wantError(t, bruno.Do("POST", "/api/v1/me/email-verification", map[string]any{"token": first}), 422, "link_used", "token")
		wantError(t, carol.Do("POST", "/api/v1/me/email-verification", map[string]any{"token": second}), 422, "link_invalid", "token")
		if me := bruno.Must(200, "GET", "/api/v1/me", nil); me["email_verified"] != false {
			t.Fatalf("Bruno verified before following his link: %v", me)
		}
		if u := bruno.Must(200, "POST", "/api/v1/me/email-verification", map[string]any{"token": second}); u["email_verified"] != true {
			t.Fatalf("Bruno after his link: %v", u)
		}
		if me := bruno.Must(200, "GET", "/api/v1/me", nil); me["email_verified"] != true {
			t.Fatalf("Bruno's /me: %v", me)
		}
		wantError(t, bruno.Do("POST", "/api/v1/me/email-verification", map[string]any{"token": second}), 422, "link_used", "token")
		wantError(t, bruno.Do("POST", "/api/v1/me/email-verification", map[string]any{}), 409, "email_already_verified", "")
		if notes := carol.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any); len(notes) != 1 {
			t.Fatalf("Carol's notices: %v", notes)
		}

		// Carol forgot her password: the reset link arrives (whatever her
		// settings), works once, and the change is e-mailed to her.
		anon := srv.Client(t)
		anon.Must(202, "POST", "/api/v1/password-resets", map[string]any{"email": "carol@mail.test"})
		send()
		var reset string
		for _, m := range mb.to("carol@mail.test") {
			if found := regexp.MustCompile(`https://atelier.example/reset-password/([A-Za-z0-9_-]+)`).FindStringSubmatch(m.text); found != nil {
				reset = found[1]
			}
		}
		if reset == "" {
			t.Fatal("no reset link reached Carol")
		}
		anon.Must(204, "POST", "/api/v1/password-resets/"+reset, map[string]any{"new_password": "battery staple horse"})
		wantError(t, anon.Do("POST", "/api/v1/password-resets/"+reset, map[string]any{"new_password": "battery staple horse"}), 422, "link_used", "token")
		wantError(t, carol.Do("GET", "/api/v1/me", nil), 401, "not_signed_in", "")
		anon.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "carol@mail.test", "password": "battery staple horse"})
	})
}
