package httpx

import "net/http"

// ContentSecurityPolicy is the policy of every answer. The pages are
// server-rendered and load only their own stylesheet and scripts from
// /static/, so everything else is refused:
//   - no inline or foreign script (an injected <script> or onerror= does not
//     run even if escaping ever failed);
//   - stylesheets only from /static/; style="…" attributes are allowed
//     (style-src-attr) because progress bars set their width with one, and
//     html/template escapes what goes in them: CSS cannot run script;
//   - no framing by any site (frame-ancestors, clickjacking), forms post
//     only to Atelier, no <base> rewriting, no plugins.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the browser security headers on every answer: pages,
// API answers and files alike. hsts adds Strict-Transport-Security for a
// deployment whose public URL is https; a request that arrived over TLS gets
// it as well (browsers ignore the header over plain HTTP anyway).
func SecurityHeaders(hsts bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY") // frame-ancestors for older browsers
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
