package httpapi

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, c := range []struct {
		peer string
		xff  []string
		want string
	}{
		// An untrusted peer's header is ignored: anyone can write it.
		{"203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"},
		{"203.0.113.5:1234", nil, "203.0.113.5"},
		// Behind a trusted proxy: the right-most hop that is not a proxy.
		{"10.0.0.2:80", []string{"198.51.100.7"}, "198.51.100.7"},
		{"10.0.0.2:80", []string{"198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		// What the client wrote itself (left of its real address) is skipped.
		{"10.0.0.2:80", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"10.0.0.2:80", []string{"6.6.6.6", "198.51.100.7, 10.1.1.1"}, "198.51.100.7"},
		// Garbage stops the walk at the last good hop.
		{"10.0.0.2:80", []string{"198.51.100.7, not-an-ip"}, "10.0.0.2"},
		// Only proxies: the left-most of them.
		{"10.0.0.2:80", []string{"10.3.3.3"}, "10.3.3.3"},
		{"127.0.0.1:5000", []string{"::ffff:192.0.2.1"}, "192.0.2.1"},
		{"[::1]:5000", []string{"192.0.2.1"}, "::1"},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, h := range c.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := clientIP(r, trusted); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	// With no trusted proxies configured the header never counts.
	r, _ := http.NewRequest("GET", "/", nil)
	r.RemoteAddr, r.Header["X-Forwarded-For"] = "127.0.0.1:1", []string{"1.2.3.4"}
	if got := clientIP(r, nil); got != "127.0.0.1" {
		t.Errorf("no trusted proxies: %s", got)
	}
}
