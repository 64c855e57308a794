package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

func TestTwilioSettingsKeepTheTokenSecret(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	var s map[string]any
	a.Do("GET", "/api/twilio-settings", nil).Want(200).Decode(&s)
	if s["configured"] != false || !strings.HasSuffix(s["webhooks"].(map[string]any)["sms"].(string), "/webhooks/twilio/sms") {
		t.Fatalf("fresh settings: %v", s)
	}

	sid, token := env.Twilio.NewAccount()
	p := a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid}).Want(422).Problem()
	if !p.HasFieldError("body.auth_token") {
		t.Fatalf("no token: %+v", p)
	}
	p = a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": "AC123", "auth_token": token}).Want(422).Problem()
	if !p.HasFieldError("body.account_sid") {
		t.Fatalf("bad sid: %+v", p)
	}
	p = a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token,
		"quiet_hours_start": "21:00"}).Want(422).Problem()
	if !p.HasFieldError("body.quiet_hours_end") {
		t.Fatalf("half quiet hours: %+v", p)
	}

	res := a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token,
		"quiet_hours_start": "21:00", "quiet_hours_end": "08:00", "help_reply": "Acme: call 555-0100"}).Want(200)
	if strings.Contains(string(res.Body), token) {
		t.Fatalf("the token came back: %s", res.Body)
	}
	res.Decode(&s)
	if s["auth_token_set"] != true || s["quiet_hours_start"] != "21:00" || s["account_sid"] != sid {
		t.Fatalf("saved settings: %v", s)
	}
	var stored string
	ownerQuery(t, env, `SELECT auth_token FROM twilio_settings`, nil, &stored)
	if !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, token) {
		t.Fatalf("token stored as %q", stored)
	}
	// An empty token keeps the stored one.
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid}).Want(200)

	var check struct {
		OK      bool   `json:"ok"`
		Message string `json:"message"`
	}
	a.Do("POST", "/api/twilio-settings/test", nil).Want(200).Decode(&check)
	if !check.OK {
		t.Fatalf("test connection: %+v", check)
	}
	otherSID, _ := env.Twilio.NewAccount()
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": otherSID}).Want(200)
	a.Do("POST", "/api/twilio-settings/test", nil).Want(200).Decode(&check)
	if check.OK || !strings.Contains(check.Message, "20003") {
		t.Fatalf("wrong token passed the test: %+v", check)
	}
	a.Do("GET", "/api/twilio-settings", nil).Want(200).Decode(&s)
	if lc, _ := s["last_check"].(map[string]any); lc == nil || lc["ok"] != false {
		t.Fatalf("last check not recorded: %v", s)
	}

	m := a.Invite("rep@acme.test", "member")
	m.Do("GET", "/api/twilio-settings", nil).Want(403)
	m.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(403)
	m.Do("GET", "/api/twilio-settings/numbers", nil).Want(200)
	m.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": "(415) 555-0142"}).Want(200)
	var mine struct {
		Phone string `json:"phone"`
	}
	m.Do("GET", "/api/twilio-settings/my-phone", nil).Want(200).Decode(&mine)
	if mine.Phone != "+14155550142" {
		t.Fatalf("my phone: %q", mine.Phone)
	}
}

func TestANumberBelongsToOneCompany(t *testing.T) {
	env := apitest.New(t)
	a, b := env.Signup("Acme"), env.Signup("Globex")
	ta := connectTwilio(t, env, a, "+1 (415) 555-0300")
	if ta.number != "+14155550300" {
		t.Fatalf("number stored as %q", ta.number)
	}
	sid, token := env.Twilio.NewAccount()
	b.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token}).Want(200)
	p := b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550300"}).Want(409).Problem()
	if !strings.Contains(p.Detail, "already connected") {
		t.Fatalf("409 detail: %q", p.Detail)
	}
	a.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "4155550300"}).Want(409)
	b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "not a number"}).Want(422)
	if n := countRows(t, env, `SELECT count(*) FROM phone_numbers`); n != 1 {
		t.Fatalf("%d numbers after refused claims", n)
	}
	// Once A lets it go, B may have it.
	a.Do("DELETE", "/api/twilio-settings/numbers/"+ta.numberID, nil).Want(204)
	b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550300"}).Want(201)
}

func TestNumbersRingAMember(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	var n map[string]any
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"user_id": a.Me.User.ID.String(), "label": "Sales line",
		"sms_per_second": 2.5}).Want(200).Decode(&n)
	if n["user_name"] == "" || n["label"] != "Sales line" || n["sms_per_second"] != 2.5 {
		t.Fatalf("patched number: %v", n)
	}
	b := env.Signup("Globex")
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"user_id": b.Me.User.ID.String()}).Want(422)
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"sms_per_second": 0}).Want(422)
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"user_id": ""}).Want(200).Decode(&n)
	if n["user_id"] != nil {
		t.Fatalf("user not cleared: %v", n)
	}
	_ = http.StatusOK
}
