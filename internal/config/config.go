// Package config reads the server's configuration from the environment,
// once, in main. Every variable is optional for a local start; a bad value
// stops the server with a message naming the variable.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration.
type Config struct {
	Env                 string // development or production
	Addr                string
	DataDir             string
	DatabaseURL         string // app role; empty means the private cluster
	MigrateDatabaseURL  string // owner role
	PlatformDatabaseURL string // platform role (BYPASSRLS, read-only)
	PublicURL           string
	TwilioAPIURL        string // Twilio's REST API; tests point it at a fake
	SecretKey           []byte // 32 bytes, AES-256
	SecretKeyID         string
	// OldSecretKeys (id → key) still open values sealed before a rotation.
	OldSecretKeys map[string][]byte
	PGPort        int // port of the private cluster
	Seed          bool
	// SeedExplicit is set when CRM_SEED was given: only then is the demo
	// loaded into a database other than the private cluster.
	SeedExplicit    bool
	LogLevel        string
	ShutdownTimeout time.Duration
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// MetricsAddr serves /metrics on its own listener (and not on Addr) when set.
	MetricsAddr     string
	SMSDailyLimit   int // texts a company may send a day (its time zone's day); 0: no cap
	CallsDailyLimit int // outbound calls a company may place a day; 0: no cap

	// Shared resources (DESIGN.md §3.10, docs/operations.md).
	DBMaxConns          int32         // HTTP requests' pool
	JobsDBMaxConns      int32         // background jobs' pool
	StatementTimeout    time.Duration // per statement, and per idle transaction, for requests
	JobStatementTimeout time.Duration // the same for jobs
	DBAcquireTimeout    time.Duration // a request waits this long for a connection, then 503
	StorageQuotaBytes   int64         // each company's uploads, in bytes
}

// Default daily caps per company on what costs money (toll fraud, SMS pumping).
const (
	DefaultSMSDailyLimit   = 1000
	DefaultCallsDailyLimit = 300
)

// Production reports whether the server runs in production mode.
func (c Config) Production() bool { return c.Env == "production" }

// SecureCookies reports whether session cookies carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// Load reads the configuration from getenv (os.Getenv in main).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Env:             orDefault(getenv("CRM_ENV"), "development"),
		Addr:            orDefault(getenv("CRM_ADDR"), ":8080"),
		DataDir:         orDefault(getenv("CRM_DATA_DIR"), "./data"),
		PublicURL:       strings.TrimRight(getenv("CRM_PUBLIC_URL"), "/"),
		TwilioAPIURL:    strings.TrimRight(orDefault(getenv("CRM_TWILIO_API_URL"), "https://api.twilio.com"), "/"),
		LogLevel:        orDefault(getenv("CRM_LOG_LEVEL"), "info"),
		ShutdownTimeout: 15 * time.Second,

		DBMaxConns:          20,
		JobsDBMaxConns:      10,
		StatementTimeout:    15 * time.Second,
		JobStatementTimeout: 5 * time.Minute,
		DBAcquireTimeout:    2 * time.Second,
		StorageQuotaBytes:   1 << 30,
	}
	if c.PublicURL == "" {
		// Links (invites) should work locally on whatever port was chosen.
		port := "8080"
		if _, p, err := net.SplitHostPort(c.Addr); err == nil && p != "" && p != "0" {
			port = p
		}
		c.PublicURL = "http://localhost:" + port
	}
	var errs []error
	bad := func(name, why string) { errs = append(errs, fmt.Errorf("%s: %s", name, why)) }

	if c.Env != "development" && c.Env != "production" {
		bad("CRM_ENV", "must be development or production")
	}
	var err error
	if c.DatabaseURL, err = secret(getenv, "CRM_DATABASE_URL"); err != nil {
		errs = append(errs, err)
	}
	if c.MigrateDatabaseURL, err = secret(getenv, "CRM_MIGRATE_DATABASE_URL"); err != nil {
		errs = append(errs, err)
	}
	if c.PlatformDatabaseURL, err = secret(getenv, "CRM_PLATFORM_DATABASE_URL"); err != nil {
		errs = append(errs, err)
	}
	if c.MigrateDatabaseURL == "" {
		c.MigrateDatabaseURL = c.DatabaseURL
	}
	for name, v := range map[string]string{"CRM_DATABASE_URL": c.DatabaseURL, "CRM_MIGRATE_DATABASE_URL": c.MigrateDatabaseURL, "CRM_PLATFORM_DATABASE_URL": c.PlatformDatabaseURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad(name, "must be a postgres:// URL")
		}
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("CRM_PUBLIC_URL", "must be an absolute http(s) URL")
	}
	if u, err := url.Parse(c.TwilioAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("CRM_TWILIO_API_URL", "must be an absolute http(s) URL")
	}
	port := orDefault(getenv("CRM_PG_PORT"), "54329")
	if c.PGPort, err = strconv.Atoi(port); err != nil || c.PGPort <= 0 || c.PGPort > 65535 {
		bad("CRM_PG_PORT", "must be a TCP port")
	}
	c.SeedExplicit = getenv("CRM_SEED") != ""
	seed := orDefault(getenv("CRM_SEED"), strconv.FormatBool(c.Env == "development"))
	if c.Seed, err = strconv.ParseBool(seed); err != nil {
		bad("CRM_SEED", "must be true or false")
	}
	if v := getenv("CRM_SHUTDOWN_TIMEOUT"); v != "" {
		if c.ShutdownTimeout, err = time.ParseDuration(v); err != nil {
			bad("CRM_SHUTDOWN_TIMEOUT", "must be a duration such as 15s")
		}
	}
	for _, l := range []struct {
		name string
		dst  *int
		def  int
	}{{"CRM_SMS_DAILY_LIMIT", &c.SMSDailyLimit, DefaultSMSDailyLimit}, {"CRM_CALLS_DAILY_LIMIT", &c.CallsDailyLimit, DefaultCallsDailyLimit}} {
		*l.dst = l.def
		if v := getenv(l.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 10_000_000 {
				bad(l.name, "must be a whole number from 0 (no cap) to 10000000")
			}
			*l.dst = n
		}
	}
	resources(getenv, &c, bad)

	if v := getenv("CRM_TRUSTED_PROXIES"); v != "" {
		if c.TrustedProxies, err = parsePrefixes(v); err != nil {
			bad("CRM_TRUSTED_PROXIES", err.Error())
		}
	}
	if c.MetricsAddr = getenv("CRM_METRICS_ADDR"); c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("CRM_METRICS_ADDR", "must be host:port or :port")
		}
	}
	old, err := secret(getenv, "CRM_SECRET_KEYS_OLD")
	if err != nil {
		errs = append(errs, err)
	}
	if old != "" {
		c.OldSecretKeys = map[string][]byte{}
		for _, item := range strings.Split(old, ",") {
			item = strings.TrimSpace(item)
			if !strings.Contains(item, ":") {
				bad("CRM_SECRET_KEYS_OLD", "each key must be id:key (a comma-separated list)")
				continue
			}
			k, id, err := parseKey(item)
			if err != nil {
				bad("CRM_SECRET_KEYS_OLD", err.Error())
				continue
			}
			c.OldSecretKeys[id] = k
		}
	}
	key, err := secret(getenv, "CRM_SECRET_KEY")
	if err != nil {
		errs = append(errs, err)
	}
	switch {
	case key != "":
		if c.SecretKey, c.SecretKeyID, err = parseKey(key); err != nil {
			bad("CRM_SECRET_KEY", err.Error())
		}
	case c.Production():
		bad("CRM_SECRET_KEY", "is required in production")
	}
	if _, clash := c.OldSecretKeys[c.SecretKeyID]; clash && c.SecretKeyID != "" {
		bad("CRM_SECRET_KEYS_OLD", "holds the id of CRM_SECRET_KEY ("+c.SecretKeyID+"); give the new key a new id")
	}
	if c.Production() {
		if c.DatabaseURL == "" {
			bad("CRM_DATABASE_URL", "is required in production")
		}
		if !c.SecureCookies() {
			bad("CRM_PUBLIC_URL", "must be https in production (session cookies are Secure)")
		}
	}
	return c, errors.Join(errs...)
}

// resources reads the pool sizes, time limits and quotas.
func resources(getenv func(string) string, c *Config, bad func(name, why string)) {
	conns := func(name string, dst *int32) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 2 || n > 1000 {
				bad(name, "must be a number of connections from 2 to 1000")
				return
			}
			*dst = int32(n)
		}
	}
	conns("CRM_DB_MAX_CONNS", &c.DBMaxConns)
	conns("CRM_JOBS_DB_MAX_CONNS", &c.JobsDBMaxConns)
	duration := func(name string, dst *time.Duration, lo, hi time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < lo || d > hi {
				bad(name, fmt.Sprintf("must be a duration from %v to %v, such as %v", lo, hi, *dst))
				return
			}
			*dst = d
		}
	}
	duration("CRM_STATEMENT_TIMEOUT", &c.StatementTimeout, 100*time.Millisecond, time.Hour)
	duration("CRM_JOB_STATEMENT_TIMEOUT", &c.JobStatementTimeout, 100*time.Millisecond, 24*time.Hour)
	duration("CRM_DB_ACQUIRE_TIMEOUT", &c.DBAcquireTimeout, 10*time.Millisecond, time.Minute)
	if v := getenv("CRM_STORAGE_QUOTA_BYTES"); v != "" {
		n, err := parseBytes(v)
		if err != nil || n < 0 {
			bad("CRM_STORAGE_QUOTA_BYTES", "must be a number of bytes, optionally with a unit (500MB, 2GiB)")
		} else {
			c.StorageQuotaBytes = n
		}
	}
}

// parseBytes reads "1048576", "500MB", "2GiB" (KB, MB, GB, TB are powers of
// 1000; KiB, MiB, GiB, TiB of 1024).
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if n > (1<<62)/mult {
		return 0, errors.New("too large")
	}
	return n * mult, nil
}

// EnsureDevSecretKey generates a key into the data directory on first start in
// development, so tenant secrets survive restarts.
func (c *Config) EnsureDevSecretKey() error {
	if c.SecretKey != nil {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, id, err := parseKey(strings.TrimSpace(string(b)))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		c.SecretKey, c.SecretKeyID = k, id
		return nil
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return err
	}
	enc := "dev:" + base64.StdEncoding.EncodeToString(k)
	if err := os.WriteFile(path, []byte(enc+"\n"), 0o600); err != nil {
		return err
	}
	c.SecretKey, c.SecretKeyID = k, "dev"
	return nil
}

// parseKey reads "id:base64" or "base64" (id "k1"), or 64 hex characters.
func parseKey(s string) ([]byte, string, error) {
	id := "k1"
	if i := strings.IndexByte(s, ':'); i > 0 {
		id, s = s[:i], s[i+1:]
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, id, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, "", errors.New("must be 32 bytes, base64 or hex, optionally prefixed with a key id and a colon")
	}
	return b, id, nil
}

// parsePrefixes reads a comma-separated list of addresses and CIDR prefixes.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// secret reads NAME, or the file named by NAME_FILE.
func secret(getenv func(string) string, name string) (string, error) {
	if f := getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return getenv(name), nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// Redacted returns the configuration for logging, without secrets.
func (c Config) Redacted() map[string]any {
	return map[string]any{
		"env": c.Env, "addr": c.Addr, "data_dir": c.DataDir, "public_url": c.PublicURL, "twilio_api_url": c.TwilioAPIURL,
		"database_url": redactURL(c.DatabaseURL), "private_cluster": c.DatabaseURL == "",
		"secret_key_id": c.SecretKeyID, "seed": c.Seed, "old_secret_keys": len(c.OldSecretKeys),
		"trusted_proxies": len(c.TrustedProxies), "metrics_addr": c.MetricsAddr,
		"sms_daily_limit": c.SMSDailyLimit, "calls_daily_limit": c.CallsDailyLimit,
		"db_max_conns": c.DBMaxConns, "jobs_db_max_conns": c.JobsDBMaxConns, "statement_timeout": c.StatementTimeout.String(),
		"job_statement_timeout": c.JobStatementTimeout.String(), "db_acquire_timeout": c.DBAcquireTimeout.String(),
		"storage_quota_bytes": c.StorageQuotaBytes,
	}
}

func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid)"
	}
	return u.Redacted()
}
