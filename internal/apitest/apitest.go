// Package apitest boots the whole HTTP API against a fresh database for
// tests, and gives them clients that act as signed-in people of different
// companies, like a browser (cookie) or an integration (bearer token).
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/app"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/config"
	"github.com/salescrm/crm/internal/db/dbtest"
	"github.com/salescrm/crm/internal/twiliofake"
)

// Env is a running API over its own database.
type Env struct {
	T    testing.TB
	App  *app.App
	URLs dbtest.URLs
	Srv  *httptest.Server
	// Twilio is the fake Twilio API the server's client talks to.
	Twilio *twiliofake.Server
}

// CheapPasswords keeps argon2id from dominating test time.
var CheapPasswords = &auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Options change what New starts (all optional).
type Options struct {
	// Env overrides configuration variables (CRM_…).
	Env map[string]string
	// Log receives every log line at Level (default: warnings and worse to t.Log).
	Log   io.Writer
	Level slog.Level
	// Auth replaces the account service's options (cheap passwords stay the default).
	Auth *auth.Options
}

// Option changes how New starts the server.
type Option func(o *Options)

// WithEnv sets a configuration variable (such as CRM_SMS_DAILY_LIMIT) for
// the server New starts.
func WithEnv(name, value string) Option {
	return func(o *Options) {
		if o.Env == nil {
			o.Env = map[string]string{}
		}
		o.Env[name] = value
	}
}

// New starts the API on a fresh database. The test server trusts
// X-Forwarded-For from loopback, so a client can speak from any address
// (Client.From).
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	return NewWith(t, o)
}

// NewWith starts the API with options.
func NewWith(t testing.TB, o Options) *Env {
	t.Helper()
	// Modest pools: many test servers share one PostgreSQL cluster.
	defaults := map[string]string{"CRM_DB_MAX_CONNS": "8", "CRM_JOBS_DB_MAX_CONNS": "6"}
	urls := dbtest.New(t)
	srv := httptest.NewUnstartedServer(nil)
	publicURL := "http://" + srv.Listener.Addr().String()
	dataDir := t.TempDir() // blobs (uploaded imports) live here
	tw := twiliofake.New(t)
	cfg, err := config.Load(func(k string) string {
		if v, ok := o.Env[k]; ok {
			return v
		}
		switch k {
		case "CRM_TRUSTED_PROXIES":
			return "127.0.0.1/32,::1/128"
		case "CRM_DATABASE_URL":
			return urls.App
		case "CRM_PLATFORM_DATABASE_URL":
			return urls.Platform
		case "CRM_SECRET_KEY":
			return "test:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
		case "CRM_SEED":
			return "false"
		case "CRM_PUBLIC_URL":
			return publicURL
		case "CRM_DATA_DIR":
			return dataDir
		case "CRM_TWILIO_API_URL":
			return tw.URL
		}
		return defaults[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var log *slog.Logger
	if o.Log != nil {
		log = app.NewLogger(o.Log, o.Level.String())
	} else {
		log = slog.New(slog.NewTextHandler(&testWriter{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	opts := auth.Options{PasswordParams: CheapPasswords}
	if o.Auth != nil {
		opts = *o.Auth
		if opts.PasswordParams == nil {
			opts.PasswordParams = CheapPasswords
		}
	}
	a, err := app.New(context.Background(), cfg, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	if err := a.StartJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.StopJobs(ctx)
	})
	srv.Config.Handler = a.Server.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return &Env{T: t, App: a, URLs: urls, Srv: srv, Twilio: tw}
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// address is a private address for the nth person of a test run.
func address(n int64) string {
	return fmt.Sprintf("10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255)
}

// Client is one caller: a browser with a cookie jar, or a bearer token.
type Client struct {
	env    *Env
	t      testing.TB
	http   *http.Client
	Bearer string
	// Header is sent with every request.
	Header http.Header
	// Me is the signed-in person, when the client signed up or logged in.
	Me auth.Me
}

// Anonymous returns a client with an empty cookie jar.
func (e *Env) Anonymous() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, t: e.T, http: &http.Client{Jar: jar}, Header: http.Header{}}
}

// From returns a copy of the client whose requests come from address ip
// (through the trusted X-Forwarded-For); it shares the cookie jar.
func (c *Client) From(ip string) *Client {
	cp := *c
	cp.Header = c.Header.Clone()
	cp.Header.Set("X-Forwarded-For", ip)
	return &cp
}

// Jar is the client's cookie jar (to read or plant cookies).
func (c *Client) Jar() http.CookieJar { return c.http.Jar }

// In returns a copy of the client that reports failures to t (a subtest).
func (c *Client) In(t testing.TB) *Client {
	cp := *c
	cp.t = t
	cp.Header = c.Header.Clone()
	return &cp
}

var seq atomic.Int64

// Signup creates a company with its owner and returns the owner's client.
func (e *Env) Signup(company string) *Client {
	e.T.Helper()
	n := seq.Add(1)
	// Each person signs up from an address of their own, as people do; a
	// test that wants one address for many sign-ups says so with From.
	c := e.Anonymous().From(address(n))
	email := fmt.Sprintf("owner%d@%s.test", n, strings.ToLower(strings.ReplaceAll(company, " ", "")))
	res := c.Do("POST", "/api/auth/signup", map[string]any{"company_name": company, "name": "Owner of " + company,
		"email": email, "password": "correct horse battery"})
	res.Want(http.StatusCreated)
	res.Decode(&c.Me)
	return c
}

// Invite has the client invite email with role, and returns the new
// member's signed-in client.
func (c *Client) Invite(email, role string) *Client {
	c.t.Helper()
	var inv struct {
		AcceptURL string `json:"accept_url"`
	}
	c.Do("POST", "/api/invites", map[string]any{"email": email, "role": role}).Want(201).Decode(&inv)
	token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
	m := c.env.Anonymous().From(address(seq.Add(1)))
	m.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "Member " + email, "password": "correct horse battery"}).
		Want(200).Decode(&m.Me)
	return m
}

// Token creates an API token as c and returns a client using it.
func (c *Client) Token() *Client {
	c.t.Helper()
	var tok struct {
		Token string `json:"token"`
	}
	c.Do("POST", "/api/api-tokens", map[string]any{"name": "test"}).Want(201).Decode(&tok)
	t := c.env.Anonymous()
	t.Bearer = tok.Token
	t.Me = c.Me
	return t
}

// Response is a finished request.
type Response struct {
	t      testing.TB
	Status int
	Header http.Header
	Body   []byte
	req    string
}

// Do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *Client) Do(method, path string, body any) *Response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.env.Srv.URL+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{t: c.t, Status: res.StatusCode, Header: res.Header, Body: b, req: method + " " + path}
}

// Send sends body as it is, streamed (chunked when it is not a
// *bytes.Reader or *strings.Reader), with the given content type: for
// uploads. A transport error fails the test.
func (c *Client) Send(method, path, contentType string, body io.Reader) *Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.env.Srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{t: c.t, Status: res.StatusCode, Header: res.Header, Body: b, req: method + " " + path}
}

// Want fails the test unless the status is one of want.
func (r *Response) Want(want ...int) *Response {
	r.t.Helper()
	for _, w := range want {
		if r.Status == w {
			return r
		}
	}
	r.t.Fatalf("%s: status %d, want %v; body: %s", r.req, r.Status, want, r.Body)
	return r
}

// Decode decodes the JSON body into v.
func (r *Response) Decode(v any) *Response {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
	}
	return r
}

// JSON returns the body as a generic map.
func (r *Response) JSON() map[string]any {
	r.t.Helper()
	m := map[string]any{}
	r.Decode(&m)
	return m
}

// Problem is an RFC 9457 body.
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// Problem decodes a problem body and checks its content type.
func (r *Response) Problem() Problem {
	r.t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.t.Fatalf("%s: content type %q, want application/problem+json; body %s", r.req, ct, r.Body)
	}
	var p Problem
	r.Decode(&p)
	return p
}

// HasFieldError reports whether the problem names field (such as "body.email").
func (p Problem) HasFieldError(field string) bool {
	for _, e := range p.Errors {
		if e.Location == field {
			return true
		}
	}
	return false
}
