package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/db"
)

// Tests of DESIGN.md §3.10: one company must never stall another.

// fatContacts gives a company n contacts of about 600 bytes of CSV each.
func fatContacts(t *testing.T, env *apitest.Env, c *apitest.Client, n int) {
	t.Helper()
	ctx := db.ForJobs(context.Background()) // the jobs' longer statement timeout
	if err := env.App.DB.InTenant(ctx, c.Me.Company.ID, func(q *db.Q) error {
		_, err := q.Tx.Exec(ctx, `INSERT INTO contacts (company_id, id, first_name, last_name, title)
			SELECT $1, gen_random_uuid(), 'First' || g, 'Last' || g, repeat('x', 560) FROM generate_series(1, $2::int) g`,
			c.Me.Company.ID, n)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// stalledDownload asks for path with the bearer token and never reads the
// answer: the server's writes stop once the socket buffers are full.
func stalledDownload(t *testing.T, env *apitest.Env, bearer, path string) net.Conn {
	t.Helper()
	// A small receive buffer, set before the connection opens so the window
	// the client advertises stays small.
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := d.Dial("tcp", env.Srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: crm.test\r\nAuthorization: Bearer %s\r\n\r\n", path, bearer); err != nil {
		t.Fatal(err)
	}
	// Read the status line only (a few dozen bytes), to know it started.
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	status, err := bufio.NewReaderSize(conn, 16).ReadString('\n')
	if err != nil || !strings.Contains(status, " 200 ") {
		t.Fatalf("GET %s: %q %v", path, status, err)
	}
	return conn
}

// TestStalledExportsStallNobody is the review's scenario: clients that ask
// for exports and never read them. Each export streams from short pages,
// one transaction each, and writes between them with no connection held, so
// with a pool of three connections and four stalled exports another
// company's list and /readyz still answer (the old exports held a
// transaction, and so a pooled connection, for as long as the client took).
// A company's third concurrent export is refused with 429 and Retry-After,
// another company's are not, and once the stalled downloads go away the
// exports work again, whole.
func TestStalledExportsStallNobody(t *testing.T) {
	env := apitest.New(t, apitest.WithEnv("CRM_DB_MAX_CONNS", "3"))
	a, b, c := env.Signup("Lister"), env.Signup("Exporter B"), env.Signup("Exporter C")
	const rows = 12000 // about 7 MB of CSV: more than the socket buffers hold
	fatContacts(t, env, b, rows)
	fatContacts(t, env, c, rows)
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Ada", "last_name": "Lovelace"}).Want(201)
	bt, ct := b.Token(), c.Token()

	var stalled []net.Conn
	for _, bearer := range []string{bt.Bearer, bt.Bearer, ct.Bearer, ct.Bearer} {
		stalled = append(stalled, stalledDownload(t, env, bearer, "/api/contacts/export.csv"))
	}
	time.Sleep(1500 * time.Millisecond) // let the exports start and fill the buffers

	// Liveness, with generous limits: the answers come, and not from a queue.
	client := &http.Client{Timeout: 15 * time.Second}
	get := func(path, bearer string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, env.Srv.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s while four exports are stalled: %v", path, err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	at := a.Token()
	if res := get("/api/contacts", at.Bearer); res.StatusCode != 200 {
		t.Fatalf("another company's list: %d", res.StatusCode)
	}
	if res := get("/readyz", ""); res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("/readyz: %d %s", res.StatusCode, b)
	}
	if n := env.App.DB.Pool.Stat().AcquiredConns(); n != 0 {
		t.Fatalf("%d pooled connections held by stalled exports", n)
	}

	// The cap: B already streams two exports.
	res := bt.Do("GET", "/api/contacts/export.csv", nil).Want(429)
	if p := res.Problem(); !strings.Contains(p.Detail, "exports") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("third export: %+v, Retry-After %q", p, res.Header.Get("Retry-After"))
	}
	bt.Do("GET", "/api/deals/export.csv", nil).Want(429)
	at.Do("GET", "/api/contacts/export.csv", nil).Want(200) // A has slots of its own

	for _, conn := range stalled {
		conn.Close()
	}
	// The server notices the closed connections at its next write.
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := bt.Do("GET", "/api/contacts/export.csv", nil)
		if res.Status == 200 {
			lines := strings.Split(strings.TrimSuffix(string(res.Body), "\n"), "\n")
			ids := map[string]bool{}
			for _, l := range lines[1:] {
				ids[l[:strings.IndexByte(l, ',')]] = true
			}
			if len(lines) != rows+1 || len(ids) != rows {
				t.Fatalf("export after the stall: %d lines, %d ids, want %d rows", len(lines), len(ids), rows)
			}
			break
		}
		res.Want(429)
		if time.Now().After(deadline) {
			t.Fatal("the stalled exports never gave their slots back")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestPoolExhaustionAnswers503 takes every connection of the requests' pool
// and checks that a request answers 503 with Retry-After within the acquire
// timeout instead of waiting, and works again once connections are free.
func TestPoolExhaustionAnswers503(t *testing.T) {
	env := apitest.New(t, apitest.WithEnv("CRM_DB_MAX_CONNS", "2"), apitest.WithEnv("CRM_DB_ACQUIRE_TIMEOUT", "300ms"))
	a := env.Signup("Acme")
	at := a.Token()
	at.Do("GET", "/api/contacts", nil).Want(200)
	ctx := context.Background()
	var held []*pgxpool.Conn
	for range 2 {
		c, err := env.App.DB.Pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	start := time.Now()
	for _, path := range []string{"/api/contacts", "/api/deals"} {
		res := at.Do("GET", path, nil).Want(503)
		if p := res.Problem(); p.Status != 503 || res.Header.Get("Retry-After") == "" {
			t.Fatalf("GET %s with the pool taken: %+v, Retry-After %q", path, p, res.Header.Get("Retry-After"))
		}
	}
	at.Do("GET", "/readyz", nil).Want(503)
	if waited := time.Since(start); waited > 10*time.Second {
		t.Fatalf("the answers took %v", waited)
	}
	for _, c := range held {
		c.Release()
	}
	at.Do("GET", "/api/contacts", nil).Want(200)
	at.Do("GET", "/readyz", nil).Want(200)
}
