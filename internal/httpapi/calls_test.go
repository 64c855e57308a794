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

type callOut struct {
	ID              string  `json:"id"`
	Direction       string  `json:"direction"`
	Status          string  `json:"status"`
	From            string  `json:"from"`
	To              string  `json:"to"`
	ContactID       *string `json:"contact_id"`
	UserID          *string `json:"user_id"`
	AnsweredBy      string  `json:"answered_by"`
	DurationSeconds int     `json:"duration_seconds"`
	HasRecording    bool    `json:"has_recording"`
	Notes           string  `json:"notes"`
	ActivityID      *string `json:"activity_id"`
	Simulated       bool    `json:"simulated"`
}

func getCall(t *testing.T, c *apitest.Client, id string) callOut {
	t.Helper()
	var out callOut
	c.Do("GET", "/api/calls/"+id, nil).Want(200).Decode(&out)
	return out
}

func TestClickToCallRingsTheMemberThenTheContact(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	ada := newContact(t, a, "Ada", "+14155550111")

	p := a.Do("POST", "/api/calls", map[string]any{"contact_id": ada}).Want(422).Problem()
	if !p.HasFieldError("body.from") {
		t.Fatalf("call without my phone: %+v", p)
	}
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": "+14155550142"}).Want(200)
	var c callOut
	a.Do("POST", "/api/calls", map[string]any{"contact_id": ada}).Want(201).Decode(&c)
	if c.Status != "initiated" || c.Direction != "outbound" || c.To != "+14155550111" || c.From != ta.number {
		t.Fatalf("started call: %+v", c)
	}
	placed := env.Twilio.Calls()
	if len(placed) != 1 || placed[0].To != "+14155550142" || placed[0].From != ta.number {
		t.Fatalf("Twilio placed %+v", placed)
	}
	// The member answers: Twilio fetches the instructions that dial the
	// contact with the company number as caller ID.
	connect, _ := url.Parse(placed[0].URL)
	form := url.Values{"CallSid": {placed[0].SID}, "AccountSid": {ta.sid}, "From": {ta.number}, "To": {"+14155550142"},
		"CallStatus": {"in-progress"}, "Direction": {"outbound-api"}}
	code, twiml := webhook(t, env, connect.RequestURI(), ta.token, form)
	if code != 200 || !strings.Contains(twiml, `callerId="+14155550300"`) || !strings.Contains(twiml, ">+14155550111</Number>") ||
		!strings.Contains(twiml, `record="record-from-answer-dual"`) {
		t.Fatalf("connect TwiML: %d %s", code, twiml)
	}
	// Recording is on by default: when Ada answers, Twilio fetches the
	// notice from the Number's url and says it to her first.
	notice := numberURL(t, twiml)
	if code, said := webhook(t, env, notice.RequestURI(), ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")}, "To": {"+14155550111"}}); code != 200 ||
		!strings.Contains(said, "<Say>This call may be recorded.</Say>") {
		t.Fatalf("recording notice: %d %s", code, said)
	}
	status, _ := url.Parse(placed[0].StatusCallback)
	for _, st := range []string{"ringing", "in-progress", "completed"} {
		f := url.Values{"AccountSid": {ta.sid}, "CallSid": {placed[0].SID}, "CallStatus": {st}, "From": {ta.number}, "To": {"+14155550142"}}
		if st == "completed" {
			f.Set("CallDuration", "75")
		}
		if code, _ := webhook(t, env, status.RequestURI(), ta.token, f); code != 200 {
			t.Fatalf("status %s: %d", st, code)
		}
	}
	// A late "ringing" is old news.
	webhook(t, env, status.RequestURI(), ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {placed[0].SID}, "CallStatus": {"ringing"}, "From": {ta.number}})
	c = getCall(t, a, c.ID)
	if c.Status != "completed" || c.DurationSeconds != 75 {
		t.Fatalf("finished call: %+v", c)
	}
	// The recording callback, then the recording through the API.
	recPath := "/webhooks/twilio/voice/recording?" + url.Values{"number": {ta.number}, "call": {c.ID}}.Encode()
	for _, bad := range []string{"http://api.twilio.com/x", "not a url"} {
		code, _ = webhook(t, env, recPath, ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {placed[0].SID}, "RecordingSid": {"RE1"}, "RecordingUrl": {bad}})
		if code != 422 {
			t.Fatalf("recording URL %q: %d", bad, code)
		}
	}
	code, _ = webhook(t, env, recPath, ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {placed[0].SID}, "RecordingSid": {"RE1"},
		"RecordingUrl": {"https://api.twilio.com/2010-04-01/Accounts/" + ta.sid + "/Recordings/RE1"}, "RecordingDuration": {"70"}})
	if code != 200 {
		t.Fatalf("recording callback: %d", code)
	}
	res := a.Do("GET", "/api/calls/"+c.ID+"/recording", nil).Want(200)
	if !strings.HasPrefix(string(res.Body), "RIFF fake recording RE1") {
		t.Fatalf("recording: %q", res.Body)
	}

	// Notes become a call activity on the contact's timeline.
	a.Do("PATCH", "/api/calls/"+c.ID, map[string]any{"notes": "Wants a demo next week"}).Want(200).Decode(&c)
	if c.ActivityID == nil || c.Notes != "Wants a demo next week" {
		t.Fatalf("notes: %+v", c)
	}
	a.Do("PATCH", "/api/calls/"+c.ID, map[string]any{"notes": "Wants a demo on Tuesday"}).Want(200)
	var tl struct {
		Items []struct {
			Kind     string `json:"kind"`
			Activity *struct {
				Type    string `json:"type"`
				Subject string `json:"subject"`
				Body    string `json:"body"`
			} `json:"activity"`
			Call *struct {
				Status string `json:"status"`
			} `json:"call"`
		} `json:"items"`
	}
	a.Do("GET", "/api/contacts/"+ada+"/timeline", nil).Want(200).Decode(&tl)
	kinds := map[string]int{}
	for _, it := range tl.Items {
		kinds[it.Kind]++
		if it.Kind == "activity" && (it.Activity.Type != "call" || it.Activity.Body != "Wants a demo on Tuesday" ||
			!strings.Contains(it.Activity.Subject, "Outbound call with Ada Test (1:15)")) {
			t.Fatalf("call note activity: %+v", it.Activity)
		}
	}
	if kinds["activity"] != 1 || kinds["call"] != 1 {
		t.Fatalf("timeline kinds: %v", kinds)
	}

	var log struct {
		Items []callOut `json:"items"`
	}
	a.Do("GET", "/api/calls?direction=outbound&user_id=me&status=completed&contact_id="+ada, nil).Want(200).Decode(&log)
	if len(log.Items) != 1 {
		t.Fatalf("filtered log: %+v", log.Items)
	}
	a.Do("GET", "/api/calls?direction=inbound", nil).Want(200).Decode(&log)
	if len(log.Items) != 0 {
		t.Fatalf("inbound log: %+v", log.Items)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	a.Do("GET", "/api/calls?since="+today+"&until="+today, nil).Want(200).Decode(&log)
	if len(log.Items) != 1 {
		t.Fatalf("today's log: %+v", log.Items)
	}
	a.Do("GET", "/api/calls?since=yesterday", nil).Want(422)
}

func TestInboundCallRingsTheNumbersMemberThenVoicemail(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"user_id": a.Me.User.ID.String()}).Want(200)
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": "+14155550142"}).Want(200)
	ada := newContact(t, a, "Ada", "+14155550111")

	sid := twiliofake.SID("CA")
	form := url.Values{"CallSid": {sid}, "AccountSid": {ta.sid}, "From": {"+14155550111"}, "To": {ta.number}, "CallStatus": {"ringing"},
		"Direction": {"inbound"}}
	if code, _ := webhook(t, env, "/webhooks/twilio/voice", "wrong-token", form); code != 403 {
		t.Fatalf("unsigned voice webhook: %d", code)
	}
	code, twiml := webhook(t, env, "/webhooks/twilio/voice", ta.token, form)
	if code != 200 || !strings.Contains(twiml, "<Number>+14155550142</Number>") || !strings.Contains(twiml, "dial-result") ||
		!strings.Contains(twiml, "<Say>This call may be recorded.</Say><Dial") {
		t.Fatalf("inbound TwiML: %d %s", code, twiml)
	}
	webhook(t, env, "/webhooks/twilio/voice", ta.token, form) // Twilio's retry
	var log struct {
		Items []callOut `json:"items"`
	}
	a.Do("GET", "/api/calls", nil).Want(200).Decode(&log)
	if len(log.Items) != 1 || log.Items[0].ContactID == nil || *log.Items[0].ContactID != ada || log.Items[0].Direction != "inbound" {
		t.Fatalf("inbound call log: %+v", log.Items)
	}
	id := log.Items[0].ID
	// Nobody picks up: voicemail, recorded.
	dial := "/webhooks/twilio/voice/dial-result?" + url.Values{"number": {ta.number}, "call": {id}}.Encode()
	code, twiml = webhook(t, env, dial, ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {sid}, "DialCallStatus": {"no-answer"}, "To": {ta.number}})
	if code != 200 || !strings.Contains(twiml, "<Record") || !strings.Contains(twiml, "voicemail=1") ||
		!strings.Contains(twiml, "<Say>Sorry, nobody can take your call right now.") {
		t.Fatalf("voicemail TwiML: %d %s", code, twiml)
	}
	rec := "/webhooks/twilio/voice/recording?" + url.Values{"call": {id}, "number": {ta.number}, "voicemail": {"1"}}.Encode()
	code, _ = webhook(t, env, rec, ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {sid}, "RecordingSid": {"RE9"},
		"RecordingUrl": {"https://api.twilio.com/2010-04-01/Accounts/" + ta.sid + "/Recordings/RE9"}, "RecordingDuration": {"12"}})
	if code != 200 {
		t.Fatalf("recording callback: %d", code)
	}
	webhook(t, env, "/webhooks/twilio/voice/status", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {sid}, "CallStatus": {"completed"},
		"CallDuration": {"30"}, "To": {ta.number}, "From": {"+14155550111"}})
	c := getCall(t, a, id)
	if c.Status != "completed" || c.AnsweredBy != "voicemail" || !c.HasRecording || c.DurationSeconds != 30 {
		t.Fatalf("voicemail call: %+v", c)
	}
}

func TestSimulatorSendsReceivesAndCalls(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(200)
	var n struct {
		ID     string `json:"id"`
		Number string `json:"number"`
	}
	a.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": "+14155550100"}).Want(201).Decode(&n)
	var check struct {
		OK bool `json:"ok"`
	}
	a.Do("POST", "/api/twilio-settings/test", nil).Want(200).Decode(&check)
	if !check.OK {
		t.Fatal("simulator test connection failed")
	}
	ada := newContact(t, a, "Ada", "+14155550111")
	var m smsMessage
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "Simulated hello"}).Want(201).Decode(&m)
	eventually(t, 20*time.Second, "the simulated delivery", func() bool { return messageStatus(t, a, m.ThreadID, m.ID) == "delivered" })
	var in smsMessage
	a.Do("POST", "/api/sms/simulate-inbound", map[string]any{"from": "+14155550111", "to_number_id": n.ID, "body": "Simulated reply"}).
		Want(201).Decode(&in)
	if in.Direction != "inbound" || in.ThreadID != m.ThreadID {
		t.Fatalf("simulated inbound: %+v", in)
	}
	if len(env.Twilio.Messages()) != 0 {
		t.Fatal("the simulator reached Twilio")
	}

	var c callOut
	a.Do("POST", "/api/calls/simulate-inbound", map[string]any{"from": "+14155550111", "to_number_id": n.ID, "answered": false}).
		Want(201).Decode(&c)
	eventually(t, 20*time.Second, "the simulated call to end", func() bool { return getCall(t, a, c.ID).Status == "completed" })
	c = getCall(t, a, c.ID)
	if !c.Simulated || c.AnsweredBy != "voicemail" || !c.HasRecording {
		t.Fatalf("simulated call: %+v", c)
	}
	res := a.Do("GET", "/api/calls/"+c.ID+"/recording", nil).Want(200)
	if res.Header.Get("Content-Type") != "audio/wav" || !strings.HasPrefix(string(res.Body), "RIFF") {
		t.Fatalf("simulated recording: %s", res.Header.Get("Content-Type"))
	}

	// An answered call is recorded only while the company records calls.
	for _, record := range []bool{true, false} {
		a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator", "record_calls": record}).Want(200)
		a.Do("POST", "/api/calls/simulate-inbound", map[string]any{"from": "+14155550111", "to_number_id": n.ID, "answered": true}).
			Want(201).Decode(&c)
		eventually(t, 20*time.Second, "the simulated call to end", func() bool { return getCall(t, a, c.ID).Status == "completed" })
		if c = getCall(t, a, c.ID); c.AnsweredBy != "user" || c.HasRecording != record {
			t.Fatalf("answered simulated call, recording %v: %+v", record, c)
		}
	}

	// Off the simulator, its fakes are refused.
	sid, token := env.Twilio.NewAccount()
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token}).Want(200)
	a.Do("POST", "/api/sms/simulate-inbound", map[string]any{"from": "+14155550111", "to_number_id": n.ID, "body": "x"}).Want(409)
	a.Do("POST", "/api/calls/simulate-inbound", map[string]any{"from": "+14155550111", "to_number_id": n.ID}).Want(409)
}

// numberURL is the url of the Number in a Dial: the notice said to the
// called party.
func numberURL(t *testing.T, twiml string) *url.URL {
	t.Helper()
	var r struct {
		Dial struct {
			Number struct {
				URL string `xml:"url,attr"`
			} `xml:"Number"`
		} `xml:"Dial"`
	}
	if err := xml.Unmarshal([]byte(twiml), &r); err != nil || r.Dial.Number.URL == "" {
		t.Fatalf("no Number url in %s (%v)", twiml, err)
	}
	u, err := url.Parse(r.Dial.Number.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A company can turn call recording off (no recording, no notice) and write
// its own notice and voicemail greeting.
func TestCallRecordingIsTheCompanysChoice(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	a.Do("PATCH", "/api/twilio-settings/numbers/"+ta.numberID, map[string]any{"user_id": a.Me.User.ID.String()}).Want(200)
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": "+14155550142"}).Want(200)
	ada := newContact(t, a, "Ada", "+14155550111")

	long := strings.Repeat("x", 481)
	p := a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid, "recording_notice": long,
		"voicemail_greeting": long}).Want(422).Problem()
	if !p.HasFieldError("body.recording_notice") || !p.HasFieldError("body.voicemail_greeting") {
		t.Fatalf("long texts: %+v", p)
	}
	var st struct {
		RecordCalls       bool   `json:"record_calls"`
		RecordingNotice   string `json:"recording_notice"`
		VoicemailGreeting string `json:"voicemail_greeting"`
	}
	a.Do("GET", "/api/twilio-settings", nil).Want(200).Decode(&st)
	if !st.RecordCalls || st.RecordingNotice != "" {
		t.Fatalf("refused settings changed something: %+v", st)
	}
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid, "record_calls": true,
		"recording_notice": " Acme records calls to train its team. ", "voicemail_greeting": "You reached Acme. Leave a message."}).Want(200).Decode(&st)
	if !st.RecordCalls || st.RecordingNotice != "Acme records calls to train its team." || st.VoicemailGreeting != "You reached Acme. Leave a message." {
		t.Fatalf("saved settings: %+v", st)
	}

	incoming := func() string {
		t.Helper()
		code, twiml := webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")},
			"From": {"+14155550111"}, "To": {ta.number}})
		if code != 200 {
			t.Fatalf("inbound call: %d", code)
		}
		return twiml
	}
	connect := func() string {
		t.Helper()
		a.Do("POST", "/api/calls", map[string]any{"contact_id": ada}).Want(201)
		placed := env.Twilio.Calls()
		u, _ := url.Parse(placed[len(placed)-1].URL)
		code, twiml := webhook(t, env, u.RequestURI(), ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {placed[len(placed)-1].SID}})
		if code != 200 {
			t.Fatalf("connect: %d", code)
		}
		return twiml
	}
	if tw := incoming(); !strings.Contains(tw, "<Say>Acme records calls to train its team.</Say>") || !strings.Contains(tw, `record="record-from-answer-dual"`) {
		t.Fatalf("inbound with the company's notice: %s", tw)
	}
	tw := connect()
	_, said := webhook(t, env, numberURL(t, tw).RequestURI(), ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")}})
	if !strings.Contains(said, "<Say>Acme records calls to train its team.</Say>") {
		t.Fatalf("click-to-call notice: %s", said)
	}

	// Recording off: the texts are kept when record_calls is absent, and no
	// call is recorded or announced; voicemail still is.
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid, "record_calls": false,
		"recording_notice": "Acme records calls to train its team.", "voicemail_greeting": "You reached Acme. Leave a message."}).Want(200)
	a.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": ta.sid,
		"recording_notice": "Acme records calls to train its team.", "voicemail_greeting": "You reached Acme. Leave a message."}).Want(200).Decode(&st)
	if st.RecordCalls {
		t.Fatal("an absent record_calls turned recording back on")
	}
	if tw := incoming(); strings.Contains(tw, "<Say>") || strings.Contains(tw, "record=") {
		t.Fatalf("inbound without recording: %s", tw)
	}
	if tw := connect(); strings.Contains(tw, "record=") || strings.Contains(tw, "url=") {
		t.Fatalf("click-to-call without recording: %s", tw)
	}
	a.Do("PUT", "/api/twilio-settings/my-phone", map[string]any{"phone": ""}).Want(200)
	if tw := incoming(); !strings.Contains(tw, "<Say>You reached Acme. Leave a message.</Say><Record") {
		t.Fatalf("voicemail with the company's greeting: %s", tw)
	}
}
