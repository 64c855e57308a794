package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/app"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/config"
)

// A new CRM_SECRET_KEY with the old one in CRM_SECRET_KEYS_OLD keeps every
// stored secret readable; `crm secrets rotate` re-seals them all, after
// which the old key can go; a server missing a key that a stored value
// names refuses to start instead of failing at the first use.
func TestSecretKeyRotationKeepsEverySecretReadable(t *testing.T) {
	env := apitest.New(t) // its key is "test:…"
	owner := env.Signup("Acme")
	sid, token := env.Twilio.NewAccount()
	owner.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token}).Want(200)
	var setup auth.TwoFactorSetup
	owner.Do("POST", "/api/auth/two-factor/setup", nil).Want(200).Decode(&setup)
	code, _ := totp.GenerateCode(setup.Secret, time.Now())
	owner.Do("POST", "/api/auth/two-factor/enable", map[string]any{"code": code}).Want(200)

	oldKey := "test:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	newKey := "k2:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	vars := map[string]string{"CRM_DATABASE_URL": env.URLs.App, "CRM_PLATFORM_DATABASE_URL": env.URLs.Platform,
		"CRM_DATA_DIR": t.TempDir(), "CRM_SEED": "false", "CRM_TWILIO_API_URL": env.Twilio.URL}
	ctx := context.Background()
	open := func(key, old string) (*app.App, error) {
		cfg, err := config.Load(func(k string) string {
			switch k {
			case "CRM_SECRET_KEY":
				return key
			case "CRM_SECRET_KEYS_OLD":
				return old
			}
			return vars[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		return app.New(ctx, cfg, slog.New(slog.DiscardHandler), auth.Options{PasswordParams: apitest.CheapPasswords})
	}
	readable := func(a *app.App) {
		t.Helper()
		acct, err := a.Telephony.Account(ctx, owner.Me.Company.ID)
		if err != nil || acct.Token != token {
			t.Fatalf("twilio token after rotation: %q, %v", acct.Token, err)
		}
		code, _ := totp.GenerateCode(setup.Secret, time.Now())
		if _, _, err := a.Auth.Login(ctx, auth.LoginInput{Email: owner.Me.User.Email, Password: "correct horse battery", Code: code},
			auth.Client{IP: "192.0.2.1"}, ""); err != nil {
			t.Fatalf("two-step login after rotation: %v", err)
		}
	}

	a, err := open(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	readable(a)
	a.Close()
	if _, err := open(newKey, ""); err == nil || !strings.Contains(err.Error(), `key "test"`) || !strings.Contains(err.Error(), "Twilio auth tokens") {
		t.Fatalf("start without the key the tokens are sealed under: %v", err)
	}

	for k, v := range vars {
		t.Setenv(k, v)
	}
	t.Setenv("CRM_SECRET_KEY", newKey)
	t.Setenv("CRM_SECRET_KEYS_OLD", oldKey)
	var out bytes.Buffer
	if err := run([]string{"secrets", "rotate"}, &out, io.Discard); err != nil {
		t.Fatalf("rotate: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Twilio auth tokens: 1 re-sealed", "two-step sign-in secrets: 1 re-sealed", "1/1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rotate output lacks %q:\n%s", want, out.String())
		}
	}
	// Again: nothing left to do.
	out.Reset()
	if err := run([]string{"secrets", "rotate"}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "Twilio auth tokens: 0 re-sealed") {
		t.Fatalf("second rotate: %v\n%s", err, out.String())
	}

	a, err = open(newKey, "")
	if err != nil {
		t.Fatalf("start with only the new key after rotation: %v", err)
	}
	defer a.Close()
	readable(a)
}
