package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/imports"
	"github.com/salescrm/crm/internal/logctx"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crm_http_requests_total",
			Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crm_http_request_duration_seconds",
			Help: "HTTP request duration by route.", Buckets: prometheus.DefBuckets}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id, recovers panics, logs one line per
// request and records metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 || strings.ContainsAny(id, "\r\n\"") {
			id = newRequestID()
		}
		info := &logctx.Info{RequestID: id}
		ctx := logctx.With(r.Context(), info)
		ctx = withClient(ctx, auth.Client{IP: clientIP(r, s.deps.TrustedProxies), UserAgent: r.UserAgent()})
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v != nil && v != http.ErrAbortHandler {
				s.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(v))
				if sw.status == 0 {
					w.Header().Set("Content-Type", "application/problem+json")
					sw.WriteHeader(http.StatusInternalServerError)
					fmt.Fprintf(sw, `{"status":500,"title":"Internal Server Error","detail":"internal error (request id %s)"}`, id)
				}
			}
			route := info.Route
			if route == "" {
				route = routeGroup(r.URL.Path)
			}
			method := metricMethod(r.Method)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			s.m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
			s.m.duration.WithLabelValues(route).Observe(d.Seconds())
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			if route == "/healthz" || route == "/readyz" || route == "/metrics" {
				level = slog.LevelDebug
			}
			// The route template, never the raw path: paths carry secrets
			// (invite links) and client-chosen text. Path ids are in the
			// template's place; the request id ties a line to its trace.
			s.log.Log(ctx, level, "request", "method", method, "route", route,
				"status", status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000)
			if v == http.ErrAbortHandler {
				// A streamed response broke off: let net/http cut the
				// connection, so the client sees a failed download, not a
				// short one that looks whole.
				panic(v)
			}
		}()
		next.ServeHTTP(sw, r.WithContext(ctx))
	})
}

// routeGroup keeps metric labels bounded for paths outside the API.
func routeGroup(path string) string {
	switch {
	case path == "/healthz" || path == "/readyz" || path == "/metrics":
		return path
	case strings.HasPrefix(path, "/api/"):
		return "/api/(other)"
	case strings.HasPrefix(path, "/assets/"):
		return "/assets/"
	}
	return "/(web)"
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// metricMethod keeps the method label bounded: clients choose the method.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// clientIP is the address throttles and sessions see. The socket's peer,
// unless that peer is a trusted proxy: then the right-most address in
// X-Forwarded-For that is not itself a trusted proxy (each proxy appends the
// address it saw, so everything left of the last untrusted hop could have
// been written by the client).
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer.Unmap(), trusted) {
		return host
	}
	client := peer.Unmap()
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				// Garbage where an address should be: trust nothing further left.
				return client.String()
			}
			client = a.Unmap()
			if !isTrusted(client, trusted) {
				return client.String()
			}
		}
	}
	return client.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// secureHeaders sets the headers every response carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses declared-oversized bodies at once and caps the rest, so
// no body is ever read whole past the limit. The CSV upload alone has a
// larger limit (it is streamed to the blob store, not read into memory).
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodyBytes)
		if r.Method == http.MethodPost && strings.TrimRight(r.URL.Path, "/") == uploadPath {
			limit = imports.MaxUploadBytes
		}
		if r.ContentLength > limit {
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			fmt.Fprintf(w, `{"status":413,"title":"Request Entity Too Large","detail":"request body is larger than %d bytes"}`, limit)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// trimTrailingSlash makes /api/contacts/ mean /api/contacts.
func trimTrailingSlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.Path) > 1 && strings.HasSuffix(r.URL.Path, "/") && strings.HasPrefix(r.URL.Path, "/api/") {
			r.URL.Path = strings.TrimRight(r.URL.Path, "/")
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}
