package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.Env != "development" || !c.Seed || c.PublicURL != "http://localhost:8080" || c.SecureCookies() {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	_, err := Load(env(map[string]string{
		"CRM_ENV": "staging", "CRM_DATABASE_URL": "mysql://x", "CRM_PUBLIC_URL": "ftp://x",
		"CRM_SECRET_KEY": "short", "CRM_SEED": "maybe", "CRM_PG_PORT": "99999",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"CRM_ENV", "CRM_DATABASE_URL", "CRM_PUBLIC_URL", "CRM_SECRET_KEY", "CRM_SEED", "CRM_PG_PORT"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestProductionNeedsSecrets(t *testing.T) {
	_, err := Load(env(map[string]string{"CRM_ENV": "production"}))
	for _, name := range []string{"CRM_SECRET_KEY", "CRM_DATABASE_URL", "CRM_PUBLIC_URL"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("production without %s: %v", name, err)
		}
	}
	c, err := Load(env(map[string]string{"CRM_ENV": "production", "CRM_DATABASE_URL": "postgres://a@b/c",
		"CRM_SECRET_KEY": "k2:" + strings.Repeat("ab", 32), "CRM_PUBLIC_URL": "https://crm.example.com"}))
	if err != nil || c.SecretKeyID != "k2" || len(c.SecretKey) != 32 || !c.SecureCookies() {
		t.Fatalf("production: %+v %v", c, err)
	}
	if r := c.Redacted(); strings.Contains(r["database_url"].(string), "a@") && !strings.Contains(r["database_url"].(string), "xxxxx") {
		t.Log(r)
	}
}

func TestDevSecretKeyPersists(t *testing.T) {
	dir := t.TempDir()
	c := Config{DataDir: dir}
	if err := c.EnsureDevSecretKey(); err != nil {
		t.Fatal(err)
	}
	d := Config{DataDir: dir}
	if err := d.EnsureDevSecretKey(); err != nil {
		t.Fatal(err)
	}
	if string(c.SecretKey) != string(d.SecretKey) || len(c.SecretKey) != 32 {
		t.Fatal("the development key changed between starts")
	}
}

func TestTrustedProxiesMetricsAndOldKeys(t *testing.T) {
	c, err := Load(env(map[string]string{"CRM_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,::1", "CRM_METRICS_ADDR": "127.0.0.1:9100",
		"CRM_SECRET_KEY": "k2:" + strings.Repeat("ab", 32), "CRM_SECRET_KEYS_OLD": "k1:" + strings.Repeat("cd", 32) + ",k0:" + strings.Repeat("ef", 32)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.1/32" || c.MetricsAddr != "127.0.0.1:9100" {
		t.Fatalf("%+v", c)
	}
	if len(c.OldSecretKeys) != 2 || len(c.OldSecretKeys["k1"]) != 32 || len(c.OldSecretKeys["k0"]) != 32 {
		t.Fatalf("old keys: %v", c.OldSecretKeys)
	}
	_, err = Load(env(map[string]string{"CRM_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local", "CRM_METRICS_ADDR": "9100",
		"CRM_SECRET_KEY": "k2:" + strings.Repeat("ab", 32), "CRM_SECRET_KEYS_OLD": "k2:" + strings.Repeat("cd", 32) + "," + strings.Repeat("cd", 32)}))
	for _, name := range []string{"CRM_TRUSTED_PROXIES", "CRM_METRICS_ADDR", "CRM_SECRET_KEYS_OLD"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("bad %s accepted: %v", name, err)
		}
	}
}

func TestSeedIsExplicitOnlyWhenSet(t *testing.T) {
	c, _ := Load(env(map[string]string{"CRM_DATABASE_URL": "postgres://a@b/c"}))
	if !c.Seed || c.SeedExplicit {
		t.Fatalf("default: seed %v explicit %v", c.Seed, c.SeedExplicit)
	}
	c, _ = Load(env(map[string]string{"CRM_SEED": "true"}))
	if !c.Seed || !c.SeedExplicit {
		t.Fatalf("CRM_SEED=true: seed %v explicit %v", c.Seed, c.SeedExplicit)
	}
}

func TestDailyLimits(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.SMSDailyLimit != DefaultSMSDailyLimit || c.CallsDailyLimit != DefaultCallsDailyLimit {
		t.Fatalf("default caps: %d %d %v", c.SMSDailyLimit, c.CallsDailyLimit, err)
	}
	c, err = Load(env(map[string]string{"CRM_SMS_DAILY_LIMIT": "25", "CRM_CALLS_DAILY_LIMIT": "0"}))
	if err != nil || c.SMSDailyLimit != 25 || c.CallsDailyLimit != 0 {
		t.Fatalf("set caps: %d %d %v", c.SMSDailyLimit, c.CallsDailyLimit, err)
	}
	for _, bad := range []string{"-1", "lots", "1.5", "99999999999"} {
		_, err := Load(env(map[string]string{"CRM_SMS_DAILY_LIMIT": bad, "CRM_CALLS_DAILY_LIMIT": bad}))
		if err == nil || !strings.Contains(err.Error(), "CRM_SMS_DAILY_LIMIT") || !strings.Contains(err.Error(), "CRM_CALLS_DAILY_LIMIT") {
			t.Errorf("caps %q: %v", bad, err)
		}
	}
}

func TestSharedResources(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBMaxConns != 20 || c.JobsDBMaxConns != 10 || c.StatementTimeout != 15*time.Second || c.JobStatementTimeout != 5*time.Minute ||
		c.DBAcquireTimeout != 2*time.Second || c.StorageQuotaBytes != 1<<30 {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = Load(env(map[string]string{"CRM_DB_MAX_CONNS": "8", "CRM_JOBS_DB_MAX_CONNS": "4", "CRM_STATEMENT_TIMEOUT": "3s",
		"CRM_JOB_STATEMENT_TIMEOUT": "10m", "CRM_DB_ACQUIRE_TIMEOUT": "500ms", "CRM_STORAGE_QUOTA_BYTES": "500MB"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBMaxConns != 8 || c.JobsDBMaxConns != 4 || c.StatementTimeout != 3*time.Second || c.JobStatementTimeout != 10*time.Minute ||
		c.DBAcquireTimeout != 500*time.Millisecond || c.StorageQuotaBytes != 500e6 {
		t.Fatalf("set: %+v", c)
	}
	for _, q := range []struct {
		in   string
		want int64
	}{{"1024", 1024}, {"2GiB", 2 << 30}, {"10 KB", 10e3}, {"0", 0}} {
		c, err := Load(env(map[string]string{"CRM_STORAGE_QUOTA_BYTES": q.in}))
		if err != nil || c.StorageQuotaBytes != q.want {
			t.Errorf("CRM_STORAGE_QUOTA_BYTES=%s: %d %v, want %d", q.in, c.StorageQuotaBytes, err, q.want)
		}
	}
	bad := map[string]string{"CRM_DB_MAX_CONNS": "1", "CRM_JOBS_DB_MAX_CONNS": "many", "CRM_STATEMENT_TIMEOUT": "15",
		"CRM_JOB_STATEMENT_TIMEOUT": "-1s", "CRM_DB_ACQUIRE_TIMEOUT": "2h", "CRM_STORAGE_QUOTA_BYTES": "lots"}
	_, err = Load(env(bad))
	for name := range bad {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("bad %s: %v", name, err)
		}
	}
}
