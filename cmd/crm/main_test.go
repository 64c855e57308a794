package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/db/dbtest"
)

// TestOpenAPIDocumentIsCommitted fails when web/openapi.json (from which the
// typed web client is generated) is stale: run `make generate`.
func TestOpenAPIDocumentIsCommitted(t *testing.T) {
	var buf bytes.Buffer
	if err := printOpenAPI(&buf); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../web/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(buf.Bytes()), bytes.TrimSpace(committed)) {
		t.Fatal("web/openapi.json is stale: run `make generate` and commit the result")
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crm")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serve starts the binary and returns its base URL once it listens.
func startBinary(t *testing.T, bin string, env []string) (string, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	var out bytes.Buffer
	go func() {
		re := regexp.MustCompile(`listening on (\S+)\)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("server exited before listening; stderr:\n%s", stderr.String())
		}
		return "http://" + a, cmd, &out
	case <-time.After(90 * time.Second):
		t.Fatalf("server did not start; stderr:\n%s", stderr.String())
	}
	return "", nil, nil
}

func login(t *testing.T, base, email string) *http.Cookie {
	t.Helper()
	res, err := http.Post(base+"/api/auth/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"demo-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", email, res.StatusCode, b)
	}
	for _, c := range res.Cookies() {
		if c.Name == "crm_session" {
			return c
		}
	}
	t.Fatalf("login %s: no session cookie", email)
	return nil
}

func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server exit: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("server did not shut down")
	}
}

// TestServeBinary boots the real binary on port 0 against a migrated
// database, loads the demo, serves, and shuts down gracefully on SIGTERM.
func TestServeBinary(t *testing.T) {
	urls := dbtest.New(t)
	bin := buildBinary(t)
	base, cmd, out := startBinary(t, bin, []string{"CRM_DATABASE_URL=" + urls.App, "CRM_PLATFORM_DATABASE_URL=" + urls.Platform,
		"CRM_ADDR=127.0.0.1:0", "CRM_DATA_DIR=" + t.TempDir(), "CRM_SEED=true"})
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	cookie := login(t, base, "alice@acme.test")
	// The demo fills the board and the dashboard, not only the contacts.
	req, _ := http.NewRequest("GET", base+"/api/analytics/dashboard", nil)
	req.AddCookie(cookie)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		OpenDeals int `json:"open_deals"`
		ThisMonth struct {
			WonDeals int `json:"won_deals"`
		} `json:"this_month"`
		TasksOverdue int `json:"tasks_overdue"`
	}
	if err := json.NewDecoder(res.Body).Decode(&dash); err != nil || dash.OpenDeals != 4 || dash.ThisMonth.WonDeals != 1 || dash.TasksOverdue != 1 {
		t.Errorf("demo dashboard: %+v (err %v)", dash, err)
	}
	res.Body.Close()
	if !strings.Contains(out.String(), "alice@acme.test") {
		t.Errorf("stdout does not say how to log in:\n%s", out)
	}
	stop(t, cmd)
}

// TestServeWithPrivateCluster runs `crm serve` with no database URL: it must
// create the private cluster, migrate, seed, serve, and stop the cluster.
func TestServeWithPrivateCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	dir, err := os.MkdirTemp("", "crm-serve-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	bin := buildBinary(t)
	env := []string{"CRM_DATABASE_URL=", "CRM_ADDR=127.0.0.1:0", "CRM_DATA_DIR=" + dir, "CRM_PG_PORT=" + strconv.Itoa(port)}
	base, cmd, _ := startBinary(t, bin, env)
	login(t, base, "carol@globex.test")

	// The platform role works too: the audit command reads across companies.
	audit := exec.Command(bin, "tenancy", "audit", "--json")
	audit.Env = append(os.Environ(), env...)
	b, err := audit.Output()
	if err != nil {
		t.Fatalf("tenancy audit: %v\n%s", err, b)
	}
	var r struct {
		OK        bool `json:"ok"`
		Companies []any
	}
	if err := json.Unmarshal(b, &r); err != nil || !r.OK || len(r.Companies) != 2 {
		t.Fatalf("audit: %s (%v)", b, err)
	}
	stop(t, cmd)
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		c.Close()
		t.Fatal("the private cluster is still running after shutdown")
	}
	// A second start reuses the cluster and does not seed again.
	base, cmd, out := startBinary(t, bin, env)
	login(t, base, "alice@acme.test")
	if strings.Contains(out.String(), "Loaded the demo") {
		t.Error("the demo was loaded twice")
	}
	stop(t, cmd)
}

func TestTenancyAuditExitStatus(t *testing.T) {
	urls := dbtest.New(t)
	t.Setenv("CRM_DATABASE_URL", urls.App)
	t.Setenv("CRM_PLATFORM_DATABASE_URL", urls.Platform)
	var out bytes.Buffer
	if err := run([]string{"tenancy", "audit"}, &out, io.Discard); err != nil {
		t.Fatalf("clean audit: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "tenancy audit: OK") {
		t.Fatalf("output:\n%s", out.String())
	}
	ctx := context.Background()
	conn := connectOwner(t, urls.Owner)
	for _, s := range []string{
		`ALTER TABLE contacts DROP CONSTRAINT contacts_company_id_fkey`,
		`BEGIN`, `SET LOCAL app.company_id = '01900000-0000-7000-8000-0000000000ff'`,
		`INSERT INTO contacts (company_id, id, first_name) VALUES ('01900000-0000-7000-8000-0000000000ff', gen_random_uuid(), '')`,
		`COMMIT`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	err := run([]string{"tenancy", "audit"}, &out, io.Discard)
	if ec, ok := err.(exitCode); !ok || ec != 1 {
		t.Fatalf("audit with a finding returned %v, want exit 1\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "unknown_company") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A database given by URL gets the demo (with its well-known passwords)
// only when CRM_SEED=true says so; /metrics can live on its own address.
func TestServeDoesNotSeedAGivenDatabaseAndMetricsMove(t *testing.T) {
	urls := dbtest.New(t)
	bin := buildBinary(t)
	metrics := "127.0.0.1:" + strconv.Itoa(freePort(t))
	base, cmd, _ := startBinary(t, bin, []string{"CRM_DATABASE_URL=" + urls.App, "CRM_PLATFORM_DATABASE_URL=" + urls.Platform,
		"CRM_ADDR=127.0.0.1:0", "CRM_DATA_DIR=" + t.TempDir(), "CRM_SEED=", "CRM_METRICS_ADDR=" + metrics})
	res, err := http.Post(base+"/api/auth/login", "application/json", strings.NewReader(`{"email":"alice@acme.test","password":"demo-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("demo login on a database given by URL without CRM_SEED: %d", res.StatusCode)
	}
	if res, err := http.Get(base + "/metrics"); err != nil || res.StatusCode != 404 {
		t.Fatalf("/metrics on the public address with CRM_METRICS_ADDR set: %v %v", res, err)
	}
	res, err = http.Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "crm_http_requests_total") {
		t.Fatalf("metrics address: %d %s", res.StatusCode, b)
	}
	stop(t, cmd)
}
