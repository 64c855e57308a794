// Package dbtest hands tests a freshly migrated PostgreSQL database, cloned
// from a template that is migrated once per set of migrations (fast). It uses
// CRM_TEST_DATABASE_URL (a superuser URL) when set, and otherwise starts the
// private test cluster with internal/pgdev, which stays up for later runs.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/pgdev"
)

// URLs of one test database, per role.
type URLs struct {
	Super, Owner, App, Platform string
}

var (
	once     sync.Once
	superURL string
	password string
	template string
	setupErr error
)

// testPassword is the password of the roles in an external test cluster.
const testPassword = "crm-test-password"

func setup() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	superURL = os.Getenv("CRM_TEST_DATABASE_URL")
	password = testPassword
	if superURL == "" {
		dir := os.Getenv("CRM_TEST_PG_DIR")
		if dir == "" {
			dir = filepath.Join(os.TempDir(), fmt.Sprintf("crm-test-pg-%d", os.Getuid()), "pg")
		}
		port := 54339
		if p, err := strconv.Atoi(os.Getenv("CRM_TEST_PG_PORT")); err == nil {
			port = p
		}
		cl, err := pgdev.Start(dir, port)
		if err != nil {
			setupErr = err
			return
		}
		superURL, password = cl.SuperURL("postgres"), cl.Password()
	}
	if err := db.Bootstrap(ctx, superURL, "", password); err != nil {
		setupErr = err
		return
	}
	template, setupErr = ensureTemplate(ctx)
}

// migrationsHash names the template after the migrations it holds.
func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(db.MigrationsFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(db.MigrationsFS(), path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func ensureTemplate(ctx context.Context) (string, error) {
	name := "crm_tpl_" + migrationsHash()
	conn, err := pgx.Connect(ctx, superURL)
	if err != nil {
		return "", fmt.Errorf("connect test cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7355609)"); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7355609)") //nolint:errcheck
	var ready bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&ready)
	if err == nil && ready {
		return name, nil
	}
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" OWNER crm_owner"); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	if err := db.MigrateUp(ctx, roleURL("crm_owner", name), io.Discard); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	return name, nil
}

func roleURL(role, database string) string {
	u, err := url.Parse(superURL)
	if err != nil {
		panic(err)
	}
	if role != "" {
		u.User = url.UserPassword(role, password)
	}
	u.Path = "/" + database
	return u.String()
}

// New creates a fresh migrated database for the test (or benchmark) and
// drops it when the test ends.
func New(t testing.TB) URLs {
	t.Helper()
	once.Do(setup)
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "crm_test_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, superURL)
	if err != nil {
		t.Fatalf("connect test cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7355610)"); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template+" OWNER crm_owner")
	_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock(7355610)")
	if err != nil {
		t.Fatalf("clone test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), superURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return URLs{Super: roleURL("", name), Owner: roleURL("crm_owner", name), App: roleURL("crm_app", name), Platform: roleURL("crm_platform", name)}
}

// Open creates a fresh database and returns a pool connected as crm_app.
func Open(t testing.TB) (*db.DB, URLs) {
	t.Helper()
	u := New(t)
	d, err := db.Open(context.Background(), u.App, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d, u
}
