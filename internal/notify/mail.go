package notify

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"atelier/internal/i18n"

	"github.com/wneessen/go-mail"
)

// SMTP sends e-mails through an SMTP server: the outbox hands it each
// e-mail once its event's transaction has committed, and retries it with a
// growing delay when the server cannot take it, so a request never waits
// for mail and no e-mail is lost while the server is away.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "starttls" (the default: required), "tls" (implicit, smtps),
	// or "none" (a local relay or a test server).
	TLS string
	// PublicURL is where users reach Atelier, for the links of e-mails.
	PublicURL string
}

// ParseSMTP reads an SMTP URL: smtp://user:password@host:port?from=…&tls=…
// (smtps:// means tls=tls). from is required; the port defaults to 587, or
// 465 for smtps.
func ParseSMTP(raw, publicURL string) (SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil { // its message would repeat the URL, password and all
		return SMTP{}, errors.New("smtp url: want smtp://user:password@host:port?from=address, got something that is not a URL")
	}
	if (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return SMTP{}, fmt.Errorf("smtp url: want smtp://user:password@host:port?from=address, got %q", u.Redacted())
	}
	m := SMTP{Host: u.Hostname(), From: u.Query().Get("from"), TLS: u.Query().Get("tls"), PublicURL: strings.TrimSuffix(publicURL, "/")}
	if u.Scheme == "smtps" {
		m.TLS = "tls"
	}
	switch m.TLS {
	case "":
		m.TLS = "starttls"
	case "starttls", "tls", "none":
	default:
		return SMTP{}, fmt.Errorf("smtp url: tls must be starttls, tls or none, got %q", m.TLS)
	}
	if m.From == "" {
		return SMTP{}, fmt.Errorf("smtp url: the sender address is missing (?from=atelier@example.com)")
	}
	m.Port = 587
	if m.TLS == "tls" {
		m.Port = 465
	}
	if p := u.Port(); p != "" {
		if m.Port, err = strconv.Atoi(p); err != nil {
			return SMTP{}, fmt.Errorf("smtp url: port %q", p)
		}
	}
	if u.User != nil {
		m.Username = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	return m, nil
}

//go:embed mailtmpl
var mailFiles embed.FS

var (
	textMail = texttemplate.Must(texttemplate.ParseFS(mailFiles, "mailtmpl/mail.txt"))
	htmlMail = htmltemplate.Must(htmltemplate.ParseFS(mailFiles, "mailtmpl/mail.html"))
)

// mailView is what an e-mail's templates show.
type mailView struct {
	Lang, Subject, Greeting, Text, Open, Link, Footer, SettingsURL string
}

// Compose writes an e-mail in its reader's language: the subject is the
// notice itself, the body says it again with the link back to the page.
func (m SMTP) Compose(e Email) (*mail.Msg, error) {
	lang := i18n.Supported(e.Lang)
	text := Text(lang, e.Kind, e.Params)
	v := mailView{Lang: lang, Subject: text, Greeting: i18n.T(lang, "email.greeting"), Text: text,
		Open: i18n.T(lang, "email.open"), Link: m.PublicURL + e.Link, SettingsURL: m.PublicURL + "/settings",
		Footer: i18n.T(lang, "email.footer")}
	var plain, html bytes.Buffer
	if err := textMail.Execute(&plain, v); err != nil {
		return nil, err
	}
	if err := htmlMail.Execute(&html, v); err != nil {
		return nil, err
	}
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := msg.To(e.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", e.To, err)
	}
	msg.Subject(v.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, plain.String())
	msg.AddAlternativeString(mail.TypeTextHTML, html.String())
	return msg, nil
}

// Handler is the outbox handler that sends each e-mail.
func (m SMTP) Handler() func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var e Email
		if err := json.Unmarshal(payload, &e); err != nil {
			return err
		}
		msg, err := m.Compose(e)
		if err != nil {
			return err
		}
		opts := []mail.Option{mail.WithPort(m.Port), mail.WithTimeout(20 * time.Second)}
		switch m.TLS {
		case "none":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		case "tls":
			opts = append(opts, mail.WithSSL())
		default:
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		}
		if m.Username != "" {
			opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(m.Username), mail.WithPassword(m.Password))
		}
		c, err := mail.NewClient(m.Host, opts...)
		if err != nil {
			return err
		}
		return c.DialAndSendWithContext(ctx, msg)
	}
}
