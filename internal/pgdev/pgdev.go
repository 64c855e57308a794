// Package pgdev runs a private PostgreSQL cluster from the system's
// PostgreSQL binaries, for local development and tests when no database URL
// is configured. PostgreSQL refuses to run as root, so when the process is
// root the cluster belongs to, and is started as, the postgres OS user.
package pgdev

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Roles the cluster is prepared with. The owner runs migrations; the app
// role is what the server connects as; the platform role reads across
// companies for platform administration (it has BYPASSRLS).
const (
	OwnerRole    = "crm_owner"
	AppRole      = "crm_app"
	PlatformRole = "crm_platform"
)

// Cluster is a running private cluster.
type Cluster struct {
	Dir      string // cluster data directory
	Port     int
	password string
	started  bool // true when this process started it (and so should stop it)
}

// URLs for one database in the cluster.
type URLs struct {
	Super, Owner, App, Platform string
}

// Start starts (or reuses) the cluster in dir, listening on 127.0.0.1:port.
// It initialises the cluster on first use. Concurrent callers (parallel test
// binaries) are serialised with a file lock.
func Start(dir string, port int) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(dir), err)
	}
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()

	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Port: port}
	pwFile := dir + ".password"
	if pw, err := os.ReadFile(pwFile); err == nil {
		c.password = strings.TrimSpace(string(pw))
	} else {
		c.password = randomHex(16)
		if err := os.WriteFile(pwFile, []byte(c.password+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write cluster password: %w", err)
		}
	}

	if os.Geteuid() == 0 {
		// The cluster runs as postgres, which must be able to reach dir.
		if out, err := c.run(bin, "pg_ctl", "--version"); err != nil {
			return nil, fmt.Errorf("pgdev: cannot run PostgreSQL as the postgres user: %v: %s", err, out)
		}
		if !postgresCanReach(filepath.Dir(dir)) {
			// A clone under /root or a mktemp -d directory: the postgres
			// user cannot search its parents. Keep the data in postgres's
			// own home, one directory per data dir, and say where.
			alt, err := reachableHome(dir)
			if err != nil {
				return nil, err
			}
			c.Dir = alt
		}
	}
	dir = c.Dir
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		if err := c.initdb(bin); err != nil {
			return nil, err
		}
	}
	if c.running(bin) {
		if portInUse(port) {
			return c, nil
		}
		// pg_ctl trusts postmaster.pid, but nothing listens: the file is
		// left from a cluster that was killed, and its process id now
		// belongs to another process.
		_ = os.Remove(filepath.Join(dir, "postmaster.pid"))
	}
	if portInUse(port) {
		return nil, fmt.Errorf("pgdev: port %d is in use by something other than the cluster in %s", port, dir)
	}
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", port, dir)
	start := func() (string, error) {
		return c.run(bin, "pg_ctl", "start", "-w", "-t", "60", "-D", dir, "-l", filepath.Join(dir, "server.log"), "-o", opts)
	}
	out, err := start()
	if err != nil && !c.running(bin) {
		// A cluster killed without a shutdown leaves postmaster.pid behind;
		// if its process id was reused, PostgreSQL refuses to start. The
		// cluster is not running (pg_ctl status said so), so the file is stale.
		if rmErr := os.Remove(filepath.Join(dir, "postmaster.pid")); rmErr == nil {
			out, err = start()
		}
	}
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return nil, fmt.Errorf("pg_ctl start: %w: %s\n%s", err, out, tail(string(log), 2000))
	}
	c.started = true
	return c, nil
}

// postgresCanReach reports whether the postgres OS user can search dir.
func postgresCanReach(dir string) bool {
	return exec.Command("runuser", "-u", "postgres", "--", "test", "-x", dir).Run() == nil
}

// reachableHome is where the cluster for dir lives when the postgres user
// cannot reach dir: under the postgres user's home, named by dir's path.
func reachableHome(dir string) (string, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return "", fmt.Errorf("pgdev: running as root needs the postgres OS user: %w", err)
	}
	sum := sha256.Sum256([]byte(dir))
	base := filepath.Join(u.HomeDir, "crm-clusters", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", fmt.Errorf("pgdev: the postgres OS user cannot reach %s, and %s cannot be made: %w", filepath.Dir(dir), base, err)
	}
	if !postgresCanReach(base) {
		return "", fmt.Errorf("pgdev: the postgres OS user can reach neither %s nor %s; choose another CRM_DATA_DIR", filepath.Dir(dir), base)
	}
	return filepath.Join(base, "pg"), nil
}

// Moved reports whether the cluster lives elsewhere than the directory asked
// for (see Start); Dir says where.
func (c *Cluster) Moved(asked string) bool {
	abs, _ := filepath.Abs(asked)
	return abs != c.Dir
}

// Started reports whether this process started the cluster.
func (c *Cluster) Started() bool { return c.started }

// Stop stops the cluster.
func (c *Cluster) Stop() error {
	bin, err := binDir()
	if err != nil {
		return err
	}
	if out, err := c.run(bin, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.Dir); err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

// SuperURL is the superuser URL for database name.
func (c *Cluster) SuperURL(database string) string {
	return c.url("postgres", database)
}

// DatabaseURLs returns the role URLs for database name.
func (c *Cluster) DatabaseURLs(database string) URLs {
	return URLs{
		Super:    c.url("postgres", database),
		Owner:    c.url(OwnerRole, database),
		App:      c.url(AppRole, database),
		Platform: c.url(PlatformRole, database),
	}
}

// Password is the password shared by the cluster's roles (development only).
func (c *Cluster) Password() string { return c.password }

func (c *Cluster) url(role, database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

func (c *Cluster) initdb(bin string) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("create cluster dir: %w", err)
	}
	pw, err := os.CreateTemp(filepath.Dir(c.Dir), "pwfile")
	if err != nil {
		return err
	}
	defer os.Remove(pw.Name())
	fmt.Fprintln(pw, c.password)
	pw.Close()
	if err := c.chown(c.Dir); err != nil {
		return err
	}
	if err := c.chown(pw.Name()); err != nil {
		return err
	}
	out, err := c.run(bin, "initdb", "-D", c.Dir, "-U", "postgres", "--pwfile", pw.Name(),
		"--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8")
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	return nil
}

func (c *Cluster) running(bin string) bool {
	_, err := c.run(bin, "pg_ctl", "status", "-D", c.Dir)
	return err == nil
}

// run runs a PostgreSQL binary, as the postgres user when we are root.
func (c *Cluster) run(bin, name string, args ...string) (string, error) {
	path := filepath.Join(bin, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	// pg_ctl keeps the server's stdout open; a file rather than a pipe lets
	// CombinedOutput return when pg_ctl exits.
	f, err := os.CreateTemp("", "pgdev-out")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if os.Geteuid() == 0 {
		_ = c.chown(f.Name())
	}
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Run()
	out, _ := os.ReadFile(f.Name())
	return string(out), err
}

func (c *Cluster) chown(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgdev: running as root needs the postgres OS user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("chown %s: %w", path, err)
	}
	return nil
}

// binDir finds the newest PostgreSQL server binaries on the system.
func binDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) == 0 {
		return "", errors.New("pgdev: PostgreSQL server binaries not found (install the postgresql package, or set CRM_DATABASE_URL)")
	}
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	return filepath.Dir(matches[0]), nil
}

func versionOf(path string) int {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if p == "postgresql" && i+1 < len(parts) {
			v, _ := strconv.Atoi(parts[i+1])
			return v
		}
	}
	return 0
}

func portInUse(port int) bool {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 300*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
