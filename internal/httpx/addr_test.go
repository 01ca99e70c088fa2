package httpx

import (
	"net/http/httptest"
	"testing"
)

// X-Forwarded-For is believed only from a trusted proxy, and only as far
// back as the hops are trusted proxies themselves.
func TestClientAddr(t *testing.T) {
	t.Parallel()
	trusted, err := ParsePrefixes("10.0.0.0/8, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		peer, xff string
		trusted   bool
		want      string
	}{
		{"203.0.113.7:5000", "", true, "203.0.113.7"},
		{"203.0.113.7:5000", "198.51.100.1", true, "203.0.113.7"}, // a public client writes its own header
		{"127.0.0.1:5000", "198.51.100.1", false, "127.0.0.1"},    // no trusted proxy: the peer (the audit's bypass)
		{"192.168.1.5:5000", "198.51.100.1", true, "192.168.1.5"}, // private, but not trusted
		{"127.0.0.1:5000", "198.51.100.1", true, "198.51.100.1"},
		{"127.0.0.1:5000", "1.2.3.4, 198.51.100.1", true, "198.51.100.1"},  // the client's own first hop is not believed
		{"127.0.0.1:5000", "198.51.100.1, 10.1.2.3", true, "198.51.100.1"}, // two trusted proxies
		{"127.0.0.1:5000", "garbage", true, "127.0.0.1"},
		{"[::ffff:127.0.0.1]:5000", "198.51.100.1", true, "198.51.100.1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		list := trusted
		if !c.trusted {
			list = nil
		}
		if got := clientOf(r, list); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q, trusted %v: %s, want %s", c.peer, c.xff, c.trusted, got, c.want)
		}
	}
	if _, err := ParsePrefixes("10.0.0.0/8, nope"); err == nil {
		t.Error("a bad prefix was accepted")
	}
}
