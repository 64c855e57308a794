package httpapi_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/twiliofake"
)

// TestRetriedHelpSendsNoSecondReply: Twilio retries a webhook it thinks
// failed, with the same MessageSid. Only the first answer carries the HELP
// reply; the retries are answered with empty TwiML, store nothing and
// count no text.
func TestRetriedHelpSendsNoSecondReply(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	form := inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, "HELP")
	replies := 0
	for range 3 {
		code, twiml := webhook(t, env, "/webhooks/twilio/sms", ta.token, form)
		if code != 200 {
			t.Fatalf("HELP webhook: %d %s", code, twiml)
		}
		replies += strings.Count(twiml, "<Message")
	}
	if replies != 1 {
		t.Fatalf("%d HELP replies in three answers, want 1", replies)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages WHERE direction = 'outbound'`); n != 1 {
		t.Fatalf("%d replies stored, want 1", n)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages WHERE direction = 'inbound'`); n != 1 {
		t.Fatalf("%d inbound messages stored, want 1", n)
	}
	var l phoneLimits
	a.Do("GET", "/api/twilio-settings/limits", nil).Want(200).Decode(&l)
	if l.Usage.SMSSent != 1 {
		t.Fatalf("the HELP reply counted %d texts, want 1", l.Usage.SMSSent)
	}
}

type consentRecord struct {
	Action        string `json:"action"`
	Source        string `json:"source"`
	Keyword       string `json:"keyword"`
	CreatedByName string `json:"created_by_name"`
	Evidence      *struct {
		Method      string    `json:"method"`
		ConsentedAt time.Time `json:"consented_at"`
		Statement   string    `json:"statement"`
	} `json:"evidence"`
}

// TestOptInAfterStopNeedsTheContactOrEvidence: after a STOP, a member
// cannot simply click someone back in. An opt-in without evidence is a 422
// naming each missing field and records nothing; with evidence (how, when,
// what they said; who recorded it is the caller) it is accepted and the
// history shows it; the person's own START works without any.
func TestOptInAfterStopNeedsTheContactOrEvidence(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	ada := newContact(t, a, "Ada", "+14155550111")
	say := func(body string) {
		if code, _ := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, body)); code != 200 {
			t.Fatalf("%q: %d", body, code)
		}
	}
	optedOut := func() bool { return getThreads(t, a)[0].OptedOut }
	say("STOP")
	if !optedOut() {
		t.Fatal("not opted out after STOP")
	}
	p := a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": ada, "action": "opt_in"}).Want(422).Problem()
	for _, f := range []string{"body.evidence.method", "body.evidence.consented_at", "body.evidence.statement"} {
		if !p.HasFieldError(f) {
			t.Errorf("opt-in without evidence does not name %s: %+v", f, p)
		}
	}
	p = a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": ada, "action": "opt_in",
		"evidence": map[string]any{"method": "a wink", "consented_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339), "statement": " "}}).
		Want(422).Problem()
	for _, f := range []string{"body.evidence.method", "body.evidence.consented_at", "body.evidence.statement"} {
		if !p.HasFieldError(f) {
			t.Errorf("opt-in with bad evidence does not name %s: %+v", f, p)
		}
	}
	if !optedOut() || countRows(t, env, `SELECT count(*) FROM sms_consents`) != 1 {
		t.Fatal("a refused opt-in changed the consent")
	}
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "still there?"}).Want(422)

	at := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	var rec consentRecord
	a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": ada, "action": "opt_in", "evidence": map[string]any{
		"method": "verbal_on_call", "consented_at": at.Format(time.RFC3339), "statement": "Yes, you can text me about the delivery."}}).
		Want(201).Decode(&rec)
	if rec.Evidence == nil || rec.Evidence.Method != "verbal_on_call" || !rec.Evidence.ConsentedAt.Equal(at) ||
		rec.Evidence.Statement != "Yes, you can text me about the delivery." || rec.CreatedByName == "" {
		t.Fatalf("opt-in with evidence: %+v", rec)
	}
	if optedOut() {
		t.Fatal("still opted out after an opt-in with evidence")
	}
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "welcome back"}).Want(201)
	// An opt-out needs no evidence, and takes none.
	a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": ada, "action": "opt_out",
		"evidence": map[string]any{"method": "email"}}).Want(422)
	a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": ada, "action": "opt_out"}).Want(201)

	say("START")
	if optedOut() {
		t.Fatal("the contact's own START did not opt them in")
	}
	var history struct {
		Items []consentRecord `json:"items"`
	}
	a.Do("GET", "/api/sms/consents?contact_id="+ada, nil).Want(200).Decode(&history)
	if len(history.Items) != 4 || history.Items[0].Keyword != "START" || history.Items[0].Evidence != nil ||
		history.Items[2].Evidence == nil || history.Items[2].Evidence.Method != "verbal_on_call" || history.Items[3].Keyword != "STOP" {
		t.Fatalf("consent history: %+v", history.Items)
	}
}

type phoneLimits struct {
	Usage struct {
		Day         string    `json:"day"`
		ResetsAt    time.Time `json:"resets_at"`
		SMSSent     int       `json:"sms_sent"`
		SMSLimit    int       `json:"sms_limit"`
		CallsPlaced int       `json:"calls_placed"`
		CallsLimit  int       `json:"calls_limit"`
	} `json:"usage"`
	Allowed         []string `json:"allowed_countries"`
	Default         bool     `json:"countries_default"`
	NumberCountries []string `json:"number_countries"`
}

// wantCapped asserts a 429 problem with a Retry-After that ends at the
// company's next midnight (UTC for a new company).
func wantCapped(t *testing.T, r *apitest.Response) {
	t.Helper()
	p := r.Problem()
	if p.Status != 429 || !strings.Contains(p.Detail, "limit") {
		t.Errorf("capped: %+v", p)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	now := time.Now().UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	if err != nil || secs < 1 || secs > 86400 || time.Duration(secs)*time.Second-midnight.Sub(now) > 5*time.Second ||
		midnight.Sub(now)-time.Duration(secs)*time.Second > 5*time.Second {
		t.Errorf("Retry-After %q, want the %v until midnight", r.Header.Get("Retry-After"), midnight.Sub(now))
	}
}

// TestDailySMSCapHoldsUnderConcurrency: with a cap of 3 texts a day, ten
// sends at once make exactly three messages; the others are 429 with
// Retry-After until the company's next day and store nothing. The HELP
// auto-reply counts too, and is not sent past the cap.
func TestDailySMSCapHoldsUnderConcurrency(t *testing.T) {
	env := apitest.New(t, apitest.WithEnv("CRM_SMS_DAILY_LIMIT", "3"))
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	var wg sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	for i := range 10 {
		wg.Go(func() {
			c := a.In(t)
			r := c.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "burst " + strconv.Itoa(i)})
			mu.Lock()
			status[r.Status]++
			mu.Unlock()
			if r.Status == 429 {
				wantCapped(t, r)
			}
		})
	}
	wg.Wait()
	if status[201] != 3 || status[429] != 7 {
		t.Fatalf("statuses %v, want 3 × 201 and 7 × 429", status)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages`); n != 3 {
		t.Fatalf("%d messages stored, want 3", n)
	}
	var l phoneLimits
	a.Do("GET", "/api/twilio-settings/limits", nil).Want(200).Decode(&l)
	if l.Usage.SMSSent != 3 || l.Usage.SMSLimit != 3 || l.Usage.Day != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("usage: %+v", l.Usage)
	}
	// Past the cap, HELP is received but not answered.
	code, twiml := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, "HELP"))
	if code != 200 || strings.Contains(twiml, "<Message") {
		t.Fatalf("HELP past the cap: %d %s", code, twiml)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages WHERE direction = 'inbound'`); n != 1 {
		t.Fatalf("the HELP itself was not stored: %d", n)
	}
	// An integration is held to the same cap.
	wantCapped(t, a.Token().Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "one more"}).Want(429))
}

// TestDailyCallCapOnTheSimulator: the cap on outbound calls holds on the
// simulator too (its calls cost nothing, but the cap is the company's, not
// the provider's); a call past it is 429 and creates no call.
func TestDailyCallCapOnTheSimulator(t *testing.T) {
	env := apitest.New(t, apitest.WithEnv("CRM_CALLS_DAILY_LIMIT", "2"))
	a := env.Signup("Acme")
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(200)
	a.Do("POST", "/api/twilio-settings/numbers", map[string]any{}).Want(201)
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": "+14155550142"}).Want(200)
	var wg sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	for range 6 {
		wg.Go(func() {
			r := a.In(t).Do("POST", "/api/calls", map[string]any{"to": "+14155550111"})
			mu.Lock()
			status[r.Status]++
			mu.Unlock()
			if r.Status == 429 {
				wantCapped(t, r)
			}
		})
	}
	wg.Wait()
	if status[201] != 2 || status[429] != 4 {
		t.Fatalf("statuses %v, want 2 × 201 and 4 × 429", status)
	}
	if n := countRows(t, env, `SELECT count(*) FROM calls`); n != 2 {
		t.Fatalf("%d calls stored, want 2", n)
	}
	// Inbound calls are not the company's to cap.
	var n struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	a.Do("GET", "/api/twilio-settings/numbers", nil).Want(200).Decode(&n)
	a.Do("POST", "/api/calls/simulate-inbound", map[string]any{"from": "+14155550111", "to_number_id": n.Items[0].ID}).Want(201)
	var l phoneLimits
	a.Do("GET", "/api/twilio-settings/limits", nil).Want(200).Decode(&l)
	if l.Usage.CallsPlaced != 2 || l.Usage.CallsLimit != 2 {
		t.Fatalf("usage: %+v", l.Usage)
	}
}

// TestDestinationCountryAllowlist: by default texts and calls go only to the
// countries of the company's own numbers; anything else is a 422 on to (or
// on from, for the member's own phone that a click-to-call rings first) and
// creates nothing. Admins widen the list; premium-rate numbers are never
// allowed.
func TestDestinationCountryAllowlist(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	const london, toronto, premium = "+442079460018", "+14165550123", "+19005550100"
	var l phoneLimits
	a.Do("GET", "/api/twilio-settings/limits", nil).Want(200).Decode(&l)
	if !l.Default || strings.Join(l.Allowed, ",") != "US" || strings.Join(l.NumberCountries, ",") != "US" {
		t.Fatalf("default countries: %+v", l)
	}
	refused := func(method, path, field string, body map[string]any) {
		t.Helper()
		p := a.Do(method, path, body).Want(422).Problem()
		if !p.HasFieldError(field) {
			t.Errorf("%s %v: want an error on %s, got %+v", path, body, field, p)
		}
	}
	refused("POST", "/api/sms/messages", "body.to", map[string]any{"to": london, "body": "hello London"})
	refused("POST", "/api/sms/messages", "body.to", map[string]any{"to": toronto, "body": "hello Toronto"}) // +1, but Canada
	refused("POST", "/api/sms/messages", "body.to", map[string]any{"contact_id": newContact(t, a, "Alan", london), "body": "hi"})
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": "+14155550142"}).Want(200)
	refused("POST", "/api/calls", "body.to", map[string]any{"to": london})
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": london}).Want(200)
	refused("POST", "/api/calls", "body.from", map[string]any{"to": "+14155550111"})
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages`) + countRows(t, env, `SELECT count(*) FROM calls`); n != 0 {
		t.Fatalf("refused destinations stored %d rows", n)
	}
	if len(env.Twilio.Messages())+len(env.Twilio.Calls()) != 0 {
		t.Fatal("refused destinations reached Twilio")
	}
	a.Do("GET", "/api/twilio-settings/limits", nil).Want(200).Decode(&l)
	if l.Usage.SMSSent != 0 || l.Usage.CallsPlaced != 0 {
		t.Fatalf("refused sends counted: %+v", l.Usage)
	}

	p := a.Do("PUT", "/api/twilio-settings/allowed-countries", map[string]any{"countries": []string{"us", "XX", "GB"}}).Want(422).Problem()
	if !p.HasFieldError("body.countries[1]") {
		t.Fatalf("unknown country: %+v", p)
	}
	a.Do("PUT", "/api/twilio-settings/allowed-countries", map[string]any{"countries": []string{"us", "GB", "GB"}}).Want(200).Decode(&l)
	if l.Default || strings.Join(l.Allowed, ",") != "GB,US" {
		t.Fatalf("allowed after the change: %+v", l)
	}
	a.Do("POST", "/api/sms/messages", map[string]any{"to": london, "body": "hello London"}).Want(201)
	a.Do("POST", "/api/calls", map[string]any{"to": "+14155550111"}).Want(201) // rings the London phone first
	refused("POST", "/api/sms/messages", "body.to", map[string]any{"to": toronto, "body": "hello Toronto"})
	refused("POST", "/api/sms/messages", "body.to", map[string]any{"to": premium, "body": "win a prize"})

	// An inbound call is not forwarded to a member's phone abroad: it goes
	// to voicemail.
	a.Do("PUT", "/api/twilio-settings/allowed-countries", map[string]any{"countries": []string{}}).Want(200).Decode(&l)
	if !l.Default || strings.Join(l.Allowed, ",") != "US" {
		t.Fatalf("back to the default: %+v", l)
	}
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"user_id": a.Me.User.ID.String()}).Want(200)
	code, twiml := webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")},
		"From": {"+14155550111"}, "To": {ta.number}, "CallStatus": {"ringing"}})
	if code != 200 || strings.Contains(twiml, london) || !strings.Contains(twiml, "<Record") {
		t.Fatalf("inbound call with the member's phone abroad: %d %s", code, twiml)
	}
}
