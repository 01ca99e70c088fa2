package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/demo"

	"golang.org/x/net/html"
)

// xssPayload is stored in every free-text field. It starts with a
// javascript: URL (dangerous if it ever lands in an href), closes an
// attribute and opens an element with an event handler (dangerous in an
// attribute), and holds a script element (dangerous in text).
const xssPayload = `javascript:alert(1)//"><img src=x onerror=alert(1)><script>alert(1)</script>`

// textColumns are the columns people write into, through the UI or the API:
// names, titles, descriptions, messages, notes, reviews, list names, briefs.
var textColumns = map[string][]string{
	"users":              {"name"},
	"accounts":           {"name"},
	"invitations":        {"reason"},
	"freelancers":        {"display_name", "headline", "bio"},
	"agency_members":     {"title"},
	"pro_applications":   {"message", "reason"},
	"services":           {"title", "description"},
	"service_packages":   {"name", "description"},
	"reviews":            {"author_name", "body"},
	"billing_info":       {"company", "address"},
	"orders":             {"title", "package_name", "requirements", "reason"},
	"order_events":       {"body"},
	"order_files":        {"name"},
	"order_reviews":      {"body"},
	"offers":             {"title", "description"},
	"offer_milestones":   {"title"},
	"order_milestones":   {"title"},
	"hourly_reports":     {"dispute_reason"},
	"hourly_report_days": {"note"},
	"order_requests":     {"message", "note"},
	"guarantee_claims":   {"reason", "note"},
	"order_comments":     {"body"},
	"lists":              {"name"},
	"list_items":         {"note"},
	"internal_reviews":   {"body"},
	"featured_projects":  {"title", "brief"},
	"projects":           {"name", "brief"},
	"project_events":     {"body"},
	"project_proposals":  {"package_name", "requirements", "note"},
}

// Every free-text field of a full demo marketplace is prefixed with an XSS
// payload (and every notification link is a javascript: URL); then every
// page reachable by following links, as each demo login, is read as HTML:
// the payload must show as text where it shows, and never become an
// element, an event-handler attribute, or a javascript: link. This is what
// html/template's contextual escaping promises; the test holds it to that
// on every page, text, attributes and URLs alike.
func TestXSSPayloadsAreEscapedOnEveryPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		sum, err := demo.Fill(ctx, demo.Services{DB: a.DB, Users: a.Users, Accounts: a.Accounts, Catalog: a.Catalog,
			Billing: a.Billing, Orders: a.Orders, Resolutions: a.Resolutions, Projects: a.Projects, Lists: a.Lists, Network: a.Network}, demo.Options{Services: 30})
		if err != nil {
			t.Fatal(err)
		}
		stored := 0
		for table, cols := range textColumns {
			for _, col := range cols {
				res, err := a.DB.Exec(ctx, `UPDATE `+table+` SET `+col+` = ? || `+col, xssPayload)
				if err != nil {
					t.Fatalf("%s.%s: %v", table, col, err)
				}
				n, _ := res.RowsAffected()
				stored += int(n)
			}
		}
		if _, err := a.DB.Exec(ctx, `UPDATE notifications SET link = ?`, "javascript:alert(1)"); err != nil {
			t.Fatal(err)
		}
		if stored < 300 {
			t.Fatalf("only %d fields hold the payload", stored)
		}

		shown := map[string]bool{} // pages where the payload shows as text
		for _, l := range sum.Logins {
			b := newBrowser(t, srv)
			b.signIn(l.Email, demo.Password)
			crawl(t, b, l.Role, shown)
		}
		crawl(t, newBrowser(t, srv), "anonymous", shown)
		// The payload reached the pages that show people's words.
		for _, prefix := range []string{"/services/", "/freelancers/", "/orders/", "/projects/", "/lists/", "/accounts/"} {
			found := false
			for p := range shown {
				found = found || strings.HasPrefix(p, prefix)
			}
			if !found {
				t.Errorf("no page under %s shows the payload", prefix)
			}
		}
		t.Logf("%s: %d fields hold the payload, %d pages show it", engine, stored, len(shown))
	})
}

var hrefs = regexp.MustCompile(`href="(/[^"#]*)"`)

// crawl reads every page reachable from / by links (GET, same site, at
// most 400) and checks each for escaped payloads.
func crawl(t *testing.T, b *browser, who string, shown map[string]bool) {
	t.Helper()
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	for len(queue) > 0 && len(seen) <= 400 {
		path := queue[0]
		queue = queue[1:]
		status, body, h := b.do("GET", path, nil)
		if status >= 500 {
			t.Errorf("%s GET %s: %d", who, path, status)
			continue
		}
		if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			continue
		}
		problem, ok := unsafeHTML(body)
		if problem != "" {
			t.Errorf("%s GET %s: %s", who, path, problem)
		}
		if ok {
			shown[path] = true
		}
		for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
			next := strings.ReplaceAll(m[1], "&amp;", "&")
			u, err := url.Parse(next)
			if err != nil || skipCrawl(u.Path) {
				continue
			}
			key := u.Path
			if u.RawQuery != "" && !strings.Contains(u.RawQuery, "cursor=") {
				key += "?" + u.RawQuery
			}
			if !seen[key] {
				seen[key] = true
				queue = append(queue, key)
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("%s reached only %d pages", who, len(seen))
	}
}

// skipCrawl leaves out files (downloads, PDFs, CSVs) and static assets.
func skipCrawl(p string) bool {
	return strings.HasPrefix(p, "/static/") || strings.Contains(p, "/files/") ||
		strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".csv") || strings.HasPrefix(p, "/api/")
}

// unsafeHTML reads a page as a browser's tokenizer does and names what
// in it would run the payload, or "": an inline script, an <img> the
// payload opened, an event-handler attribute, or a javascript: URL in a
// link, source or form target. It also tells whether the payload shows as
// text (escaped, as it should).
func unsafeHTML(body string) (problem string, shown bool) {
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return "", shown
		case html.TextToken:
			shown = shown || strings.Contains(string(z.Text()), "<script>alert(1)</script>")
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			src, hasSrc := "", false
			for _, a := range tok.Attr {
				key, val := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(key, "on") {
					return fmt.Sprintf("event handler %s=%q on <%s>", a.Key, a.Val, tok.Data), shown
				}
				switch key {
				case "href", "src", "action", "formaction", "xlink:href":
					if strings.HasPrefix(val, "javascript:") {
						return fmt.Sprintf("javascript: URL %s=%q on <%s>", a.Key, a.Val, tok.Data), shown
					}
				}
				if key == "src" {
					src, hasSrc = a.Val, true
				}
			}
			if tok.Data == "script" && !hasSrc {
				return "inline <script>", shown
			}
			if tok.Data == "img" && src == "x" {
				return "injected <img src=x>", shown
			}
		}
	}
}

// The checker itself catches each way the payload could run, and lets the
// escaped forms pass.
func TestUnsafeHTMLCatchesInjections(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		`<p>x<script>alert(1)</script></p>`,
		`<p>"><img src=x onerror=alert(1)></p>`,
		`<input value=""><img src=x onerror=alert(1)>">`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href=" JavaScript:alert(1)">x</a>`,
		`<form action="javascript:alert(1)"></form>`,
	} {
		if p, _ := unsafeHTML(bad); p == "" {
			t.Errorf("not caught: %s", bad)
		}
	}
	good := `<p>javascript:alert(1)//&#34;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>` +
		`<input value="javascript:alert(1)//&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"><a href="#ZgotmplZ">x</a><script src="/static/service.js"></script>`
	p, shown := unsafeHTML(good)
	if p != "" || !shown {
		t.Errorf("escaped payload: problem %q, shown %v", p, shown)
	}
}
