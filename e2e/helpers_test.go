// Package e2e drives Atelier in a real browser: the whole app runs
// in-process on a fresh database, and headless Chromium (Debian's
// chromium package) clicks through the pages as people would. Each person
// has a browser context of their own, so their cookies never mix.
//
// Run with -screenshots to save full-page PNGs of the main pages into
// docs/screenshots/.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"atelier/internal/app"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/users"
)

var screenshots = flag.Bool("screenshots", false, "save full-page screenshots of the main pages into docs/screenshots/")

// screenshotDir is docs/screenshots relative to this package's directory.
const screenshotDir = "../docs/screenshots"

// chromium returns the browser to drive, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	const msg = "browser tests need Debian's chromium package: apt-get install chromium"
	if os.Getenv("ATELIER_REQUIRE_BROWSER") != "" {
		t.Fatal(msg) // CI: a skipped browser test would hide a failure
	}
	t.Skip(msg)
	return ""
}

// server is a running Atelier with the e-mails it "sent" (the log mailer
// writes them to the log, which the test reads).
type server struct {
	URL string
	App *app.App
	log *syncBuffer
}

// start runs Atelier on engine, listening on a free loopback port, until
// the test ends.
func start(t *testing.T, engine db.Engine) *server {
	t.Helper()
	users.UseTestCost()
	cfg := dbtest.Config(t, engine)
	logs := &syncBuffer{}
	a, err := app.New(context.Background(), app.Config{
		DataDir: cfg.DataDir, DatabaseURL: cfg.URL, TestMode: true, TestStart: clocktest.Start(t),
		SweepInterval: 100 * time.Millisecond,
		Log:           slog.New(slog.NewJSONHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &server{URL: "http://" + ln.Addr().String(), App: a, log: logs}
}

// story runs a browser story on each database engine, in parallel with
// the other tests: a fresh server, the shared browser, and shoot true on
// one engine only (one set of screenshots is enough).
func story(t *testing.T, run func(t *testing.T, srv *server, browser context.Context, shoot bool)) {
	t.Helper()
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		srv := start(t, engine)
		run(t, srv, newBrowser(t), engine == db.SQLite)
	})
}

// emailLink waits for the e-mail of kind sent to an address and returns
// the link it carries.
func (s *server) emailLink(t *testing.T, to, kind string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(s.log.String()))
		for sc.Scan() {
			var rec struct {
				Msg, To, Kind, Link string
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && strings.HasPrefix(rec.Msg, "e-mail") && rec.To == to && rec.Kind == kind {
				return rec.Link
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s e-mail to %s", kind, to)
	return ""
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestMain runs the browser tests four at a time unless -parallel says
// otherwise: they wait on the browser far more than they compute (a third
// of two cores at two at a time), and closes the shared browser after them.
func TestMain(m *testing.M) {
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", "4")
	}
	code := m.Run()
	if shared.close != nil {
		shared.close()
	}
	os.Exit(code)
}

// shared is the one headless Chromium of the package, started by the first
// test that needs it: starting one took half a second, each test started
// its own. Each person opens their own browser context in it (own cookies,
// own storage), so tests sharing it do not see each other.
var shared struct {
	once  sync.Once
	ctx   context.Context
	err   error
	close func()
}

// newBrowser returns the shared browser, or skips the test without
// Chromium.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "atelier-e2e-chromium-")
		if err != nil {
			shared.err, shared.close = err, func() {}
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.Headless,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		shared.ctx, shared.err = bctx, chromedp.Do(bctx)
		shared.close = func() {
			cancelBrowser()
			cancelAlloc()
			os.RemoveAll(dir)
		}
	})
	if shared.err != nil {
		t.Fatalf("start chromium: %v", shared.err)
	}
	return shared.ctx
}

// person is someone using Atelier in a browser context of their own.
type person struct {
	t    *testing.T
	name string
	base string
	ctx  context.Context
	srv  *server
}

func (s *server) person(t *testing.T, browser context.Context, name string) *person {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("%s: open a tab: %v", name, err)
	}
	return &person{t: t, name: name, base: s.URL, ctx: ctx, srv: s}
}

func (p *person) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %s: %v\npage:\n%s", p.name, what, err, p.pageText())
	}
}

// open loads a path of the site.
func (p *person) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path))
}

// fill types a value into the field selected by css, replacing its content.
func (p *person) fill(css, value string) {
	p.t.Helper()
	p.do("fill "+css, chromedp.Clear(chromedp.CSS(css)), insertText(css, value))
}

// insertText focuses the field css selects and enters value at its caret
// the way a paste or an input method does (DevTools' Input.insertText, as
// Playwright's fill): the page gets its beforeinput and input events. A
// key event per character, as chromedp.SendKeys sends, took 12 ms a
// character and a third of the browser tests' time.
func insertText(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Focus(chromedp.CSS(css))(ctx, t); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: value})
		return err
	})
}

// choose picks an option of a select.
func (p *person) choose(css, value string) {
	p.t.Helper()
	p.do("choose "+value+" in "+css, chromedp.SetValue(chromedp.CSS(css), value))
}

// click clicks what css selects and waits for the page it leads to.
func (p *person) click(css string) {
	p.t.Helper()
	var err error
	for range 3 {
		_, err = chromedp.Run(p.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css))))
		// Right after a load, the DevTools DOM mirror may still hold the
		// old document's nodes; the click never happened, so try again.
		if err == nil || !strings.Contains(err.Error(), "No node with given id") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatalf("%s: click %s: %v\npage:\n%s", p.name, css, err, p.pageText())
	}
}

// check clicks a control that changes the page in place (a checkbox).
func (p *person) check(css string) {
	p.t.Helper()
	p.do("check "+css, chromedp.Click(chromedp.CSS(css)))
}

// pageText is the visible text of the page.
func (p *person) pageText() string {
	s, err := p.text("body")
	if err != nil {
		return "(no text: " + err.Error() + ")"
	}
	return s
}

// text reads the visible text of the first element css selects. It reads
// it in the page (innerText) rather than through the DevTools DOM mirror,
// which can lag a page that has just loaded, and tries again for a moment
// while the element is not there yet.
func (p *person) text(css string) (string, error) {
	expr := "(() => { const e = document.querySelector(" + jsString(css) + "); return e ? e.innerText : null; })()"
	var err error
	for range 30 {
		var s *string
		s, err = chromedp.Run(p.ctx, chromedp.Evaluate[*string](expr))
		if err == nil && s != nil {
			return *s, nil
		}
		if err == nil {
			err = errors.New("no element " + css)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", err
}

// sees fails the test unless the page shows every text.
func (p *person) sees(texts ...string) {
	p.t.Helper()
	page := p.pageText()
	for _, s := range texts {
		if !strings.Contains(page, s) {
			p.t.Fatalf("%s does not see %q on %s; the page says:\n%s", p.name, s, p.location(), page)
		}
	}
}

// seesNot fails the test if the page shows a text.
func (p *person) seesNot(texts ...string) {
	p.t.Helper()
	page := p.pageText()
	for _, s := range texts {
		if strings.Contains(page, s) {
			p.t.Fatalf("%s sees %q on %s; the page says:\n%s", p.name, s, p.location(), page)
		}
	}
}

// within returns the text of the element css selects.
func (p *person) within(css string) string {
	p.t.Helper()
	s, err := p.text(css)
	if err != nil {
		p.t.Fatalf("%s: read %s: %v", p.name, css, err)
	}
	return s
}

// count returns how many elements css selects, without waiting.
func (p *person) count(css string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int]("document.querySelectorAll("+jsString(css)+").length"))
	if err != nil {
		p.t.Fatalf("%s: count %s: %v", p.name, css, err)
	}
	return n
}

func (p *person) location() string {
	loc, _ := chromedp.Run(p.ctx, chromedp.Location())
	return loc
}

// post sends a form post from the page, as a same-origin browser would,
// and returns the HTTP status.
func (p *person) post(path string, form map[string]string) int {
	p.t.Helper()
	b, _ := json.Marshal(form)
	status, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](
		"fetch("+jsString(path)+", {method: 'POST', redirect: 'manual', body: new URLSearchParams("+string(b)+")}).then(r => r.status)",
		chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: post %s: %v", p.name, path, err)
	}
	return status
}

// screenshot saves the whole page as docs/screenshots/<name>.png when the
// test runs with -screenshots.
func (p *person) screenshot(name string) {
	p.t.Helper()
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
