package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/twiliofake"
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

// TestANumberBelongsToTheCompanyThatProvesIt: a real number is connected
// only by a company whose own Twilio account has it (Twilio's
// IncomingPhoneNumbers, asked through the fake over real HTTP). Another
// company cannot claim it, not even while it is free; a company that
// claimed it without proof in the owner's account (a squatter) loses it to
// the owner; two companies on one Twilio account prove the same thing, and
// the first keeps it.
func TestANumberBelongsToTheCompanyThatProvesIt(t *testing.T) {
	env := apitest.New(t)
	a, b := env.Signup("Acme"), env.Signup("Globex")
	ta := connectTwilio(t, env, a, "+1 (415) 555-0300")
	if ta.number != "+14155550300" {
		t.Fatalf("number stored as %q", ta.number)
	}
	if _, sid, ok, err := env.App.Telephony.Route(context.Background(), ta.number); err != nil || !ok || sid != ta.sid {
		t.Fatalf("route of A's number: account %q %v %v, want %s", sid, ok, err, ta.sid)
	}
	bsid, btoken := env.Twilio.NewAccount()
	b.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": bsid, "auth_token": btoken}).Want(200)
	lookups := env.Twilio.NumberLookups()
	p := b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550300"}).Want(422).Problem()
	if !p.HasFieldError("body.number") || !strings.Contains(p.Errors[0].Message, bsid) {
		t.Fatalf("B claiming A's number: %+v", p)
	}
	if env.Twilio.NumberLookups() != lookups+1 {
		t.Fatal("the claim was not checked with Twilio")
	}
	// Twilio's filter matches parts of numbers: a number that merely
	// contains B's is not B's.
	env.Twilio.Own(bsid, "+14155550301")
	b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+1415555030"}).Want(422)
	p = a.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "4155550300"}).Want(409).Problem()
	if !strings.Contains(p.Detail, "already connected") {
		t.Fatalf("409 detail: %q", p.Detail)
	}
	b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "not a number"}).Want(422)
	if n := countRows(t, env, `SELECT count(*) FROM phone_numbers`); n != 1 {
		t.Fatalf("%d numbers after refused claims", n)
	}
	// Free is not enough: B still has to own it.
	a.Do("DELETE", "/api/twilio-settings/numbers/"+ta.numberID, nil).Want(204)
	b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550300"}).Want(422)
	// Once it is in B's Twilio account, B may have it.
	env.Twilio.Own(bsid, "+14155550300")
	var bn struct {
		ID string `json:"id"`
	}
	b.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550300"}).Want(201).Decode(&bn)

	// The number moves back to A's account (a port): A proves it and takes
	// it over from B, whose proof was in another account. B's conversation
	// on it stays, without the number.
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", btoken, inboundForm(bsid, twiliofake.SID("SM"), "+14155550111", "+14155550300", "for B")); code != 200 {
		t.Fatalf("B's inbound: %d", code)
	}
	env.Twilio.Own(ta.sid, "+14155550300")
	a.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550300"}).Want(201)
	if listHas(t, b, "/api/twilio-settings/numbers", bn.ID) {
		t.Fatal("B keeps the number A proved")
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages WHERE company_id = $1 AND body = 'for B' AND phone_number_id IS NULL`,
		b.Me.Company.ID); n != 1 {
		t.Fatalf("B's message on the number: %d kept without it, want 1", n)
	}
	if company, sid, _, _ := env.App.Telephony.Route(context.Background(), "+14155550300"); company != a.Me.Company.ID || sid != ta.sid {
		t.Fatalf("route after the takeover: %v %s", company, sid)
	}
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", btoken, inboundForm(bsid, twiliofake.SID("SM"), "+14155550111", "+14155550300", "B again")); code != 403 {
		t.Fatalf("B's account's webhook for A's number: %d, want 403", code)
	}
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", "+14155550300", "for A")); code != 200 {
		t.Fatal("A's webhook after the takeover was refused")
	}

	// A squatter from before proof was asked (a simulator company that
	// typed in A's real number) loses it the same way.
	squatter := env.Signup("Squatter")
	squatter.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(200)
	env.Twilio.Own(ta.sid, "+14155550302")
	ownerExec(t, env, `INSERT INTO twilio_routes (number, company_id) VALUES ('+14155550302', $1)`, squatter.Me.Company.ID)
	ownerExec(t, env, `INSERT INTO phone_numbers (company_id, id, number) VALUES ($1, gen_random_uuid(), '+14155550302')`, squatter.Me.Company.ID)
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", "+14155550302", "x")); code != 403 {
		t.Fatalf("a real webhook for the squatted number: %d, want 403 (it must not reach the squatter)", code)
	}
	a.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550302"}).Want(201)
	if n := countRows(t, env, `SELECT count(*) FROM phone_numbers WHERE company_id = $1`, squatter.Me.Company.ID); n != 0 {
		t.Fatalf("the squatter keeps %d numbers", n)
	}

	// Two companies on the same Twilio account: the first keeps it.
	same := env.Signup("Acme Twin")
	same.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid, "auth_token": ta.token}).Want(200)
	same.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550302"}).Want(409)
	if company, _, _, _ := env.App.Telephony.Route(context.Background(), "+14155550302"); company != a.Me.Company.ID {
		t.Fatalf("the number moved between companies of one account: %v", company)
	}

	// The numbers were proven in A's account: connecting another account
	// first needs them removed.
	otherSID, otherToken := env.Twilio.NewAccount()
	p = a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": otherSID, "auth_token": otherToken}).Want(422).Problem()
	if !p.HasFieldError("body.account_sid") {
		t.Fatalf("switching accounts under proven numbers: %+v", p)
	}
}

// TestSimulatorNumbersAreFictional: a company on the simulator gets its
// numbers from the server, from the fictional 555-0100 to 555-0199 range,
// and cannot have a real number; a company on Twilio cannot have a
// fictional one, even one its Twilio account claims to have; and no
// webhook reaches a simulated number.
func TestSimulatorNumbersAreFictional(t *testing.T) {
	env := apitest.New(t)
	sim := env.Signup("Sandbox")
	sim.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(200)
	fictional := regexp.MustCompile(`^\+1[2-9][0-9]{2}55501[0-9]{2}$`)
	seen := map[string]bool{}
	for range 3 {
		var n struct {
			Number string `json:"number"`
		}
		sim.Do("POST", "/api/twilio-settings/numbers", map[string]any{"label": "Test line"}).Want(201).Decode(&n)
		if !fictional.MatchString(n.Number) || seen[n.Number] {
			t.Fatalf("allocated %q (seen %v)", n.Number, seen)
		}
		seen[n.Number] = true
	}
	lookups := env.Twilio.NumberLookups()
	for _, real := range []string{"+14155550300", "+15005550006", "+442079460018"} {
		p := sim.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": real}).Want(422).Problem()
		if !p.HasFieldError("body.number") {
			t.Errorf("simulator claiming %s: %+v", real, p)
		}
	}
	if env.Twilio.NumberLookups() != lookups {
		t.Error("the simulator asked Twilio")
	}
	if n := countRows(t, env, `SELECT count(*) FROM twilio_routes WHERE company_id = $1`, sim.Me.Company.ID); n != 3 {
		t.Fatalf("%d routes for the simulator company, want its 3 numbers", n)
	}

	tw := env.Signup("Real")
	sid, token := env.Twilio.NewAccount("+12025550142")
	tw.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token}).Want(200)
	p := tw.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+12025550142"}).Want(422).Problem()
	if !p.HasFieldError("body.number") {
		t.Fatalf("Twilio company claiming a fictional number: %+v", p)
	}
	tw.Do("POST", "/api/twilio-settings/numbers", map[string]any{}).Want(422)

	// A signed webhook to a simulated number is refused.
	var first string
	for n := range seen {
		first = n
	}
	sim.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(200)
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", token, inboundForm(sid, twiliofake.SID("SM"), "+14155550111", first, "hi")); code != 403 {
		t.Fatalf("webhook to a simulated number: %d", code)
	}
}

// TestWebhookAccountSidMustMatch: the route remembers the Twilio account the
// number was proven in, and a webhook from any other account is refused
// before anything is written, even when its signature is good.
func TestWebhookAccountSidMustMatch(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	other, _ := env.Twilio.NewAccount()
	const path = "/webhooks/twilio/sms"
	for name, form := range map[string]url.Values{
		"another account": inboundForm(other, twiliofake.SID("SM"), "+14155550111", ta.number, "hi"),
		"no account":      inboundForm("", twiliofake.SID("SM"), "+14155550111", ta.number, "hi"),
		"lower-cased":     inboundForm(strings.ToLower(ta.sid[:2])+ta.sid[2:], twiliofake.SID("SM"), "+14155550111", ta.number, "hi"),
	} {
		if code, _ := webhook(t, env, path, ta.token, form); code != 403 {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	voice := url.Values{"AccountSid": {other}, "CallSid": {twiliofake.SID("CA")}, "From": {"+14155550111"}, "To": {ta.number}, "CallStatus": {"ringing"}}
	if code, _ := webhook(t, env, "/webhooks/twilio/voice", ta.token, voice); code != 403 {
		t.Errorf("voice from another account: %d", code)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages`) + countRows(t, env, `SELECT count(*) FROM calls`); n != 0 {
		t.Fatalf("refused webhooks wrote %d rows", n)
	}
	if code, _ := webhook(t, env, path, ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, "hi")); code != 200 {
		t.Fatalf("the owner's webhook: %d", code)
	}
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
