package pgdev

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// As root (how `make run` runs on a fresh machine), a clone under a private
// directory — /root, or a mktemp -d directory — is out of the postgres
// user's reach; the cluster must start anyway, elsewhere, and say where.
func TestStartFromADirectoryPostgresCannotReach(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the cluster as another user; as anyone else the cluster is the caller's own")
	}
	private, err := os.MkdirTemp("", "crm-private-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(private) })
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	if postgresCanReach(private) {
		t.Fatal("the test directory is reachable by postgres; the test would prove nothing")
	}
	dir := filepath.Join(private, "data", "pg")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	c, err := Start(dir, port)
	if err != nil {
		t.Fatalf("start in a private directory: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Stop()
		os.RemoveAll(filepath.Dir(c.Dir))
	})
	if !c.Moved(dir) || strings.HasPrefix(c.Dir, private) || !postgresCanReach(filepath.Dir(c.Dir)) {
		t.Fatalf("cluster dir %s for %s", c.Dir, dir)
	}
	if !portInUse(port) {
		t.Fatal("the cluster is not listening")
	}
	// A second start for the same directory finds the same cluster.
	again, err := Start(dir, port)
	if err != nil || again.Dir != c.Dir || again.Started() {
		t.Fatalf("second start: %+v %v", again, err)
	}
}
