package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr is the IP address a request came from, for counting sign-in
// failures per address. When the direct peer is a loopback or private
// address (a reverse proxy or load balancer in front of Atelier) and the
// request carries X-Forwarded-For, the last address of that header — the
// one the proxy itself appended — is the client's; a client on the public
// internet cannot forge it, since its own peer address is public.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if peer.IsLoopback() || peer.IsPrivate() {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
				return a.Unmap().String()
			}
		}
	}
	return peer.Unmap().String()
}
