package httpapi_test

import (
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/twiliofake"
)

func TestSMSSendThroughTwilioAndStatusCallbacks(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	ada := newContact(t, a, "Ada", "+14155550111")

	var m smsMessage
	a.Header.Set("Idempotency-Key", "send-1")
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "Hello Ada"}).Want(201).Decode(&m)
	if m.Status != "queued" || m.To != "+14155550111" || m.From != ta.number || m.Segments != 1 || m.ContactID == nil {
		t.Fatalf("queued message: %+v", m)
	}
	// The same key again: the same message, nothing sent twice.
	var again smsMessage
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "Hello Ada"}).Want(200).Decode(&again)
	a.Header.Del("Idempotency-Key")
	if again.ID != m.ID {
		t.Fatalf("idempotent send made %s, first was %s", again.ID, m.ID)
	}

	eventually(t, 10*time.Second, "the send to reach Twilio", func() bool { return len(env.Twilio.Messages()) == 1 })
	eventually(t, 5*time.Second, "the sid to be stored", func() bool { return messageStatus(t, a, m.ThreadID, m.ID) == "sending" })
	sent := env.Twilio.Messages()[0]
	if sent.From != ta.number || sent.To != "+14155550111" || sent.Body != "Hello Ada" || sent.Account != ta.sid {
		t.Fatalf("Twilio got %+v", sent)
	}
	cb, err := url.Parse(sent.StatusCallback)
	if err != nil || cb.Path != "/webhooks/twilio/sms/status" {
		t.Fatalf("status callback %q", sent.StatusCallback)
	}
	status := func(s string) int {
		code, _ := webhook(t, env, cb.RequestURI(), ta.token, url.Values{"MessageSid": {sent.SID}, "MessageStatus": {s},
			"AccountSid": {ta.sid}, "From": {ta.number}, "To": {sent.To}})
		return code
	}
	if code := status("delivered"); code != 200 {
		t.Fatalf("delivered callback: %d", code)
	}
	// Twilio's callbacks can arrive out of order: a late "sent" is old news.
	status("sent")
	if got := messageStatus(t, a, m.ThreadID, m.ID); got != "delivered" {
		t.Fatalf("after a late sent: %s", got)
	}

	// Too long: refused, nothing stored.
	p := a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": strings.Repeat("a", 1601)}).Want(422).Problem()
	if !p.HasFieldError("body.body") {
		t.Fatalf("1601 characters: %+v", p)
	}
	// Long but allowed: segments counted (GSM-7, 153 per part).
	a.Do("POST", "/api/sms/messages", map[string]any{"to": "(415) 555-0111", "body": strings.Repeat("a", 161)}).Want(201).Decode(&m)
	if m.Segments != 2 || m.ContactID == nil || *m.ContactID != ada {
		t.Fatalf("long message: %+v", m)
	}
	a.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550122", "body": "Привет"}).Want(201).Decode(&m)
	if m.Segments != 1 || m.ContactID != nil {
		t.Fatalf("unicode message to a stranger: %+v", m)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages`); n != 3 {
		t.Fatalf("%d messages stored, want 3", n)
	}
	threads := getThreads(t, a)
	if len(threads) != 2 {
		t.Fatalf("threads: %+v", threads)
	}
	a.Do("POST", "/api/sms/messages", map[string]any{"body": "to nobody"}).Want(422)
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": newContact(t, a, "Nophone", ""), "body": "x"}).Want(422)
}

func TestSMSRefusedByTwilioIsFailedWithItsCode(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	connectTwilio(t, env, a, "+14155550300")
	env.Twilio.RefuseTo("+14155550199", 21211)
	var m smsMessage
	a.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550199", "body": "hi"}).Want(201).Decode(&m)
	eventually(t, 10*time.Second, "the send to fail", func() bool { return messageStatus(t, a, m.ThreadID, m.ID) == "failed" })
	for _, got := range getMessages(t, a, m.ThreadID) {
		if got.ID == m.ID && (got.ErrorCode == nil || *got.ErrorCode != 21211) {
			t.Fatalf("failed message: %+v", got)
		}
	}
}

func TestSMSBurstKeepsTheNumbersRate(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"sms_per_second": 5}).Want(200)
	const burst = 6
	for i := range burst {
		a.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "burst " + string(rune('a'+i))}).Want(201)
	}
	eventually(t, 20*time.Second, "every send of the burst", func() bool { return len(env.Twilio.Messages()) == burst })
	// Each send had its own slot, 1/5 s after the one before, and reached
	// Twilio no earlier than its slot: queued, never refused.
	rows := map[string]time.Time{}
	for _, s := range env.Twilio.Messages() {
		var slot time.Time
		ownerQuery(t, env, `SELECT send_at FROM sms_messages WHERE body = $1`, []any{s.Body}, &slot)
		if s.At.Before(slot) {
			t.Errorf("%q reached Twilio at %v, before its slot %v", s.Body, s.At, slot)
		}
		rows[s.Body] = slot
	}
	var first, last time.Time
	ownerQuery(t, env, `SELECT min(send_at), max(send_at) FROM sms_messages`, nil, &first, &last)
	if got := last.Sub(first); got < time.Duration(burst-1)*200*time.Millisecond {
		t.Fatalf("slots span %v, want at least %v", got, time.Duration(burst-1)*200*time.Millisecond)
	}
	var distinct int
	ownerQuery(t, env, `SELECT count(DISTINCT send_at) FROM sms_messages`, nil, &distinct)
	if distinct != burst {
		t.Fatalf("%d distinct slots for %d sends", distinct, burst)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages WHERE status = 'failed'`); n != 0 {
		t.Fatalf("%d sends failed", n)
	}
}

func TestInboundSMSWebhookIsVerified(t *testing.T) {
	env := apitest.New(t)
	a, b := env.Signup("Acme"), env.Signup("Globex")
	ta := connectTwilio(t, env, a, "+14155550300")
	tb := connectTwilio(t, env, b, "+14155550200")
	ada := newContact(t, a, "Ada", "+14155550111")
	const path = "/webhooks/twilio/sms"
	form := inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, "Hi from Ada")

	refused := []struct {
		name string
		run  func() int
	}{
		{"missing signature", func() int { c, _ := webhook(t, env, path, "", form); return c }},
		{"another company's token", func() int { c, _ := webhook(t, env, path, tb.token, form); return c }},
		{"signed over another URL", func() int {
			c, _ := webhookSigned(t, env, path, "https://crm.example.com"+path, ta.token, form)
			return c
		}},
		{"body tampered after signing", func() int {
			sig := twiliofake.Sign(ta.token, env.Srv.URL+path, form)
			tampered := url.Values{}
			for k, v := range form {
				tampered[k] = v
			}
			tampered.Set("Body", "Send me your money")
			return postWithSignature(t, env, path, sig, tampered)
		}},
		{"unknown number", func() int {
			f := inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", "+14155550999", "hi")
			c, _ := webhook(t, env, path, ta.token, f)
			return c
		}},
		{"repeated field", func() int {
			f := inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, "hi")
			f.Add("Body", "again")
			c, _ := webhook(t, env, path, ta.token, f)
			return c
		}},
	}
	for _, r := range refused {
		if code := r.run(); code != 403 {
			t.Errorf("%s: status %d, want 403", r.name, code)
		}
	}
	big := inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, strings.Repeat("x", 70<<10))
	if code, _ := webhook(t, env, path, ta.token, big); code != 413 {
		t.Errorf("oversized webhook: %d, want 413", code)
	}
	if n := countRows(t, env, `SELECT count(*) FROM sms_messages`); n != 0 {
		t.Fatalf("refused webhooks wrote %d messages", n)
	}

	code, body := webhook(t, env, path, ta.token, form)
	if code != 200 || !strings.Contains(body, "<Response>") {
		t.Fatalf("valid webhook: %d %s", code, body)
	}
	// Twilio retries: stored once.
	webhook(t, env, path, ta.token, form)
	threads := getThreads(t, a)
	if len(threads) != 1 || threads[0].ContactID == nil || *threads[0].ContactID != ada || threads[0].UnreadCount != 1 {
		t.Fatalf("threads after inbound: %+v", threads)
	}
	msgs := getMessages(t, a, threads[0].ID)
	if len(msgs) != 1 || msgs[0].Direction != "inbound" || msgs[0].Status != "received" || msgs[0].Body != "Hi from Ada" {
		t.Fatalf("messages: %+v", msgs)
	}
	a.Do("POST", "/api/sms/threads/"+threads[0].ID+"/read", nil).Want(204)
	if getThreads(t, a)[0].UnreadCount != 0 {
		t.Fatal("still unread after read")
	}

	// An MMS from a stranger: its own thread, media kept.
	mms := inboundForm(ta.sid, twiliofake.SID("MM"), "+14155550177", ta.number, "")
	mms.Set("NumMedia", "1")
	mms.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1")
	mms.Set("MediaContentType0", "image/jpeg")
	if code, _ := webhook(t, env, path, ta.token, mms); code != 200 {
		t.Fatalf("mms: %d", code)
	}
	threads = getThreads(t, a)
	if len(threads) != 2 || threads[0].ContactID != nil || threads[0].Phone != "+14155550177" {
		t.Fatalf("stranger's thread: %+v", threads)
	}
	if got := getMessages(t, a, threads[0].ID); len(got[0].Media) != 1 {
		t.Fatalf("media: %+v", got)
	}

	// Routing: B's number with B's token lands with B, never with A.
	bform := inboundForm(tb.sid, twiliofake.SID("SM"), "+14155550111", tb.number, "For Globex")
	if code, _ := webhook(t, env, path, tb.token, bform); code != 200 {
		t.Fatalf("B's inbound: %d", code)
	}
	if got := getThreads(t, b); len(got) != 1 || got[0].ContactID != nil || got[0].LastBody != "For Globex" {
		t.Fatalf("B's threads: %+v", got)
	}
	for _, th := range getThreads(t, a) {
		for _, m := range getMessages(t, a, th.ID) {
			if m.Body == "For Globex" {
				t.Fatal("B's message landed with A")
			}
		}
	}
}

func TestOptOutKeywordsAndHelp(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid, "help_reply": "Acme Sales: reply STOP to stop."}).Want(200)
	ada := newContact(t, a, "Ada", "+14155550111")
	const path = "/webhooks/twilio/sms"
	say := func(body string) string {
		code, twiml := webhook(t, env, path, ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550111", ta.number, body))
		if code != 200 {
			t.Fatalf("%q: %d", body, code)
		}
		return twiml
	}
	helpSID := twiliofake.SID("SM")
	_, twiml := webhook(t, env, path, ta.token, inboundForm(ta.sid, helpSID, "+14155550111", ta.number, "help"))
	if !strings.Contains(twiml, ">Acme Sales: reply STOP to stop.</Message>") {
		t.Fatalf("HELP answered %s", twiml)
	}
	// The reply is in the thread, handed to Twilio, and tracked through
	// the Message's action URL.
	var answer struct {
		Message struct {
			Action string `xml:"action,attr"`
		} `xml:"Message"`
	}
	if err := xml.Unmarshal([]byte(twiml), &answer); err != nil || answer.Message.Action == "" {
		t.Fatalf("HELP reply without an action URL: %s (%v)", twiml, err)
	}
	// Twilio's retry of the same HELP (same MessageSid) is answered with
	// empty TwiML: Twilio would send any <Message> in it a second time.
	code, again := webhook(t, env, path, ta.token, inboundForm(ta.sid, helpSID, "+14155550111", ta.number, "help"))
	if code != 200 || strings.Contains(again, "<Message") || !strings.Contains(again, "<Response>") {
		t.Fatalf("Twilio's retry was answered %d %s, want empty TwiML (first: %s)", code, again, twiml)
	}
	th := getThreads(t, a)
	msgs := getMessages(t, a, th[0].ID)
	if len(msgs) != 2 || msgs[0].Direction != "outbound" || msgs[0].Status != "sending" || msgs[0].Body != "Acme Sales: reply STOP to stop." {
		t.Fatalf("thread after HELP: %+v", msgs)
	}
	action, _ := url.Parse(answer.Message.Action)
	for _, st := range []string{"sent", "delivered"} {
		if code, _ := webhook(t, env, action.RequestURI(), ta.token, url.Values{"AccountSid": {ta.sid}, "MessageSid": {"SMreply1"}, "MessageStatus": {st},
			"From": {ta.number}, "To": {"+14155550111"}}); code != 200 {
			t.Fatalf("reply status %s: %d", st, code)
		}
	}
	if st := messageStatus(t, a, th[0].ID, msgs[0].ID); st != "delivered" {
		t.Fatalf("HELP reply status: %s", st)
	}
	for _, stop := range []string{"STOP", "stopall", " Unsubscribe ", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"} {
		say(stop)
		p := a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "still there?"}).Want(422).Problem()
		if !p.HasFieldError("body.to") || !strings.Contains(p.Errors[0].Message, "opted out") {
			t.Fatalf("send after %q: %+v", stop, p)
		}
		say("START")
		a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "welcome back"}).Want(201)
	}
	say("UNSTOP")
	var consents struct {
		Items []struct {
			Action  string `json:"action"`
			Source  string `json:"source"`
			Keyword string `json:"keyword"`
			Number  string `json:"number"`
		} `json:"items"`
	}
	a.Do("GET", "/api/sms/consents?contact_id="+ada, nil).Want(200).Decode(&consents)
	if len(consents.Items) != 17 || consents.Items[0].Keyword != "UNSTOP" || consents.Items[1].Action != "opt_in" ||
		consents.Items[2].Keyword != "OPTOUT" || consents.Items[2].Number != ta.number || consents.Items[2].Source != "keyword" {
		t.Fatalf("consents: %+v", consents.Items)
	}
	if th := getThreads(t, a)[0]; th.OptedOut {
		t.Fatal("opted out after START")
	}
	// A manual opt-out counts too.
	a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": ada, "action": "opt_out"}).Want(201)
	if th := getThreads(t, a)[0]; !th.OptedOut {
		t.Fatal("manual opt-out not shown on the thread")
	}
	a.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "x"}).Want(422)
}

// TestQuietHoursHoldAutomatedSendsOnly: whether a send is automated is the
// server's call from what sent it, never the request's. An integration (an
// API token) is automated and waits out the quiet hours even when it says
// automated: false; a member in the web app is not, even when the request
// says automated: true.
func TestQuietHoursHoldAutomatedSendsOnly(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	// Quiet from an hour ago to an hour from now, in the company's zone (UTC).
	now := time.Now().UTC()
	start, end := now.Add(-time.Hour).Format("15:04"), now.Add(time.Hour).Format("15:04")
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid,
		"quiet_hours_start": start, "quiet_hours_end": end}).Want(200)
	integration := a.Token()
	var auto, manual struct {
		smsMessage
		Automated bool `json:"automated"`
	}
	integration.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "automated reminder", "automated": false}).
		Want(201).Decode(&auto)
	a.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "typed by hand", "automated": true}).Want(201).Decode(&manual)
	if !auto.Automated || manual.Automated {
		t.Fatalf("automated: the integration's %v, the member's %v", auto.Automated, manual.Automated)
	}
	eventually(t, 10*time.Second, "the manual send", func() bool { return len(env.Twilio.Messages()) == 1 })
	if got := env.Twilio.Messages()[0].Body; got != "typed by hand" {
		t.Fatalf("sent during quiet hours: %q", got)
	}
	// The automated one waits, snoozed until the quiet hours end.
	var wake time.Time
	eventually(t, 10*time.Second, "the automated send to be snoozed", func() bool {
		var state string
		ownerQuery(t, env, `SELECT state::text, scheduled_at FROM river_job WHERE args->>'message_id' = $1`, []any{auto.ID}, &state, &wake)
		return state == "scheduled"
	})
	if wake.Before(now.Add(50 * time.Minute)) {
		t.Fatalf("automated send wakes at %v, quiet hours end near %v", wake, now.Add(time.Hour))
	}
	if messageStatus(t, a, auto.ThreadID, auto.ID) != "queued" {
		t.Fatal("automated message left the queue during quiet hours")
	}
	if n := len(env.Twilio.Messages()); n != 1 {
		t.Fatalf("%d messages reached Twilio during quiet hours, want only the member's", n)
	}
}

func TestSMSWaitsOutATwilioOutage(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	connectTwilio(t, env, a, "+14155550300")
	env.Twilio.Unavailable(1)
	var m smsMessage
	a.Do("POST", "/api/sms/messages", map[string]any{"to": "+14155550111", "body": "after the outage"}).Want(201).Decode(&m)
	// The first attempt meets a 503: the message goes back to the queue and
	// the retry sends it, once.
	eventually(t, 30*time.Second, "the retried send", func() bool { return len(env.Twilio.Messages()) == 1 })
	eventually(t, 5*time.Second, "the sid to be stored", func() bool { return messageStatus(t, a, m.ThreadID, m.ID) == "sending" })
	if n := countRows(t, env, `SELECT count(*) FROM river_job WHERE args->>'message_id' = $1 AND attempt = 2`, m.ID); n != 1 {
		t.Fatalf("the send took %d second attempts, want 1", n)
	}
}
