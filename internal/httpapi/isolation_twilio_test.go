package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/twiliofake"
)

// Company A's phone data for the isolation matrix, on the simulator: A's
// number (assigned to A's owner), A's owner's own phone, a contact A texted
// and called, its reply, an inbound call that went to voicemail and an
// opt-out. Company B runs the simulator too, on a number of its own, and has
// a phone of its own, so that B's requests get past "not configured" and
// reach the checks of the ids they name.
const (
	isoANumber    = "+14155550123"
	isoBNumber    = "+14155550124"
	isoAMyPhone   = "+14155550199"
	isoBMyPhone   = "+14155550198"
	isoAContact   = "+14155550142"
	isoAIdemKey   = "a-idempotency-key"
	isoASMSBody   = "A-sms-secret: the price is 42"
	isoAInbound   = "A-sms-secret reply"
	isoAHelpReply = "A-help-secret"
	isoSettings   = "/api/twilio-settings"
)

func init() {
	worldSetups = append(worldSetups, func(w *world) {
		t := w.env.T
		var v struct {
			ID       string `json:"id"`
			ThreadID string `json:"thread_id"`
		}
		w.a.Do("PUT", isoSettings, map[string]any{"mode": "simulator", "help_reply": isoAHelpReply}).Want(200)
		w.a.Do("POST", isoSettings+"/numbers", map[string]any{"number": isoANumber, "label": "A line",
			"user_id": w.a.Me.User.ID.String()}).Want(201).Decode(&v)
		w.ids["number"] = v.ID
		w.a.Do("PUT", isoSettings+"/my-phone", map[string]any{"phone": isoAMyPhone}).Want(200)
		w.a.Do("POST", "/api/contacts", map[string]any{"first_name": "Texting", "last_name": "Secret", "phone": isoAContact}).
			Want(201).Decode(&v)
		w.ids["sms_contact"] = v.ID
		ak := w.a.In(t)
		ak.Header.Set("Idempotency-Key", isoAIdemKey)
		ak.Do("POST", "/api/sms/messages", map[string]any{"contact_id": w.ids["sms_contact"], "body": isoASMSBody}).Want(201).Decode(&v)
		w.ids["sms"], w.ids["thread"] = v.ID, v.ThreadID
		w.a.Do("POST", "/api/sms/simulate-inbound", map[string]any{"from": isoAContact, "to_number_id": w.ids["number"],
			"body": isoAInbound}).Want(201).Decode(&v)
		w.ids["sms_in"] = v.ID
		if v.ThreadID != w.ids["thread"] {
			t.Fatalf("A's reply went to thread %s, not %s", v.ThreadID, w.ids["thread"])
		}
		w.a.Do("POST", "/api/calls", map[string]any{"contact_id": w.ids["sms_contact"]}).Want(201).Decode(&v)
		w.ids["call"] = v.ID
		w.a.Do("POST", "/api/calls/simulate-inbound", map[string]any{"from": isoAContact, "to_number_id": w.ids["number"],
			"answered": false}).Want(201).Decode(&v)
		w.ids["call_in"] = v.ID
		w.a.Do("POST", "/api/sms/consents", map[string]any{"contact_id": w.ids["sms_contact"], "action": "opt_out"}).Want(201).Decode(&v)
		w.ids["consent"] = v.ID

		w.a.Do("PUT", isoSettings+"/allowed-countries", map[string]any{"countries": []string{"US", "GB"}}).Want(200)

		w.b.Do("PUT", isoSettings, map[string]any{"mode": "simulator"}).Want(200)
		w.b.Do("POST", isoSettings+"/numbers", map[string]any{"number": isoBNumber, "label": "B line"}).Want(201).Decode(&v)
		w.ids["b_number"] = v.ID
		w.b.Do("PUT", isoSettings+"/my-phone", map[string]any{"phone": isoBMyPhone}).Want(200)

		isoSettle(t, w)
	})
	snapshotPaths = append(snapshotPaths, func(w *world) []string {
		return []string{isoSettings, isoSettings + "/numbers", isoSettings + "/my-phone",
			"/api/sms/threads", "/api/sms/threads?unread=true", "/api/sms/threads/" + w.ids["thread"],
			"/api/sms/threads/" + w.ids["thread"] + "/messages", "/api/sms/contact-thread/" + w.ids["sms_contact"],
			"/api/sms/consents", "/api/sms/consents?contact_id=" + w.ids["sms_contact"],
			"/api/calls", "/api/calls/" + w.ids["call"], "/api/calls/" + w.ids["call_in"],
			"/api/contacts/" + w.ids["sms_contact"], "/api/contacts/" + w.ids["sms_contact"] + "/timeline"}
	})

	// aIDs are A's ids and texts that must never show in B's answers.
	aIDs := func(w *world) []string {
		return []string{w.ids["number"], w.ids["sms_contact"], w.ids["sms"], w.ids["sms_in"], w.ids["thread"], w.ids["call"],
			w.ids["call_in"], w.ids["consent"], isoANumber, isoAMyPhone, isoASMSBody, isoAInbound, isoAHelpReply, "A-sms-secret"}
	}
	lacksA := func(t *testing.T, w *world, paths ...string) {
		t.Helper()
		for _, p := range paths {
			body := string(w.b.Do("GET", p, nil).Want(200).Body)
			for _, s := range aIDs(w) {
				if strings.Contains(body, s) {
					t.Errorf("B's %s shows A's %q: %s", p, s, body)
				}
			}
		}
	}
	// refused asserts B's request fails with 422 on field and stores nothing.
	refused := func(t *testing.T, w *world, method, path, field string, body map[string]any) {
		t.Helper()
		p := w.b.Do(method, path, body).Want(422).Problem()
		if !p.HasFieldError(field) {
			t.Errorf("%s %s %v: want an error on %s, got %+v", method, path, body, field, p)
		}
	}
	threadHidden := func(method, suffix string) func(t *testing.T, w *world) {
		return func(t *testing.T, w *world) {
			expectHidden(t, w.b, method, "/api/sms/threads/"+w.ids["thread"]+suffix, "/api/sms/threads/"+missingID+suffix, nil)
			// A message id is no thread id either.
			expectHidden(t, w.b, method, "/api/sms/threads/"+w.ids["sms"]+suffix, "/api/sms/threads/"+missingID+suffix, nil)
		}
	}
	callHidden := func(method, suffix string, body any) func(t *testing.T, w *world) {
		return func(t *testing.T, w *world) {
			for _, id := range []string{w.ids["call"], w.ids["call_in"]} {
				expectHidden(t, w.b, method, "/api/calls/"+id+suffix, "/api/calls/"+missingID+suffix, body)
			}
		}
	}
	add := map[string]func(t *testing.T, w *world){
		"getTwilioSettings": func(t *testing.T, w *world) {
			var s struct {
				Configured bool   `json:"configured"`
				Mode       string `json:"mode"`
			}
			w.b.Do("GET", isoSettings, nil).Want(200).Decode(&s)
			if !s.Configured || s.Mode != "simulator" {
				t.Errorf("B's settings: %+v", s)
			}
			lacksA(t, w, isoSettings)
		},
		"putTwilioSettings": func(t *testing.T, w *world) {
			w.b.Do("PUT", isoSettings, map[string]any{"mode": "simulator", "company_id": w.a.Me.Company.ID}).Want(422)
			w.b.Do("PUT", isoSettings, map[string]any{"mode": "simulator", "help_reply": "B help"}).Want(200)
		},
		"testTwilioSettings": func(t *testing.T, w *world) {
			w.b.Do("POST", isoSettings+"/test", nil).Want(200)
			if !strings.Contains(string(w.b.Do("GET", isoSettings, nil).Want(200).Body), `"last_check"`) {
				t.Error("B's test was not recorded in B")
			}
		},
		"getTwilioProvider": func(t *testing.T, w *world) {
			var p struct {
				Configured bool   `json:"configured"`
				Mode       string `json:"mode"`
				Numbers    int    `json:"numbers"`
			}
			w.b.Do("GET", isoSettings+"/provider", nil).Want(200).Decode(&p)
			if !p.Configured || p.Mode != "simulator" || p.Numbers != 1 {
				t.Errorf("B's provider: %+v", p)
			}
		},
		"getPhoneLimits": func(t *testing.T, w *world) {
			var l struct {
				Usage struct {
					SMSSent int `json:"sms_sent"`
				} `json:"usage"`
				Allowed []string `json:"allowed_countries"`
				Default bool     `json:"countries_default"`
			}
			aBefore := string(w.a.Do("GET", isoSettings+"/limits", nil).Want(200).Body)
			w.b.Do("GET", isoSettings+"/limits", nil).Want(200).Decode(&l)
			if !l.Default || len(l.Allowed) != 1 || l.Allowed[0] != "US" {
				t.Errorf("B's countries show A's list: %+v", l)
			}
			var bSent int
			ownerQuery(t, w.env, `SELECT count(*) FROM sms_messages WHERE company_id = $1 AND direction = 'outbound'`, []any{w.b.Me.Company.ID}, &bSent)
			if l.Usage.SMSSent != bSent {
				t.Errorf("B's usage says %d texts, B sent %d", l.Usage.SMSSent, bSent)
			}
			if after := string(w.a.Do("GET", isoSettings+"/limits", nil).Want(200).Body); after != aBefore {
				t.Errorf("A's limits changed: %s → %s", aBefore, after)
			}
		},
		"setAllowedCountries": func(t *testing.T, w *world) {
			w.b.Do("PUT", isoSettings+"/allowed-countries", map[string]any{"countries": []string{"CA"}, "company_id": w.a.Me.Company.ID}).Want(422)
			w.b.Do("PUT", isoSettings+"/allowed-countries", map[string]any{"countries": []string{"US", "CA"}}).Want(200)
			var l struct {
				Allowed []string `json:"allowed_countries"`
			}
			w.a.Do("GET", isoSettings+"/limits", nil).Want(200).Decode(&l)
			if strings.Join(l.Allowed, ",") != "GB,US" {
				t.Errorf("A's countries after B set its own: %v", l.Allowed)
			}
			w.b.Do("PUT", isoSettings+"/allowed-countries", map[string]any{"countries": []string{}}).Want(200)
		},
		"listPhoneNumbers": func(t *testing.T, w *world) {
			lacksA(t, w, isoSettings+"/numbers")
			if !listHas(t, w.b, isoSettings+"/numbers", w.ids["b_number"]) {
				t.Error("B's numbers lack B's own")
			}
		},
		"addPhoneNumber": func(t *testing.T, w *world) {
			// A's number is taken, exactly as B's own number is.
			own := w.b.Do("POST", isoSettings+"/numbers", map[string]any{"number": isoBNumber}).Want(409)
			own.Problem()
			theirs := w.b.Do("POST", isoSettings+"/numbers", map[string]any{"number": isoANumber}).Want(409)
			theirs.Problem()
			if string(own.Body) != string(theirs.Body) {
				t.Errorf("A's number answers %s, B's own %s", theirs.Body, own.Body)
			}
			refused(t, w, "POST", isoSettings+"/numbers", "body.user_id",
				map[string]any{"number": "+14155550125", "user_id": w.a.Me.User.ID.String()})
			w.b.Do("POST", isoSettings+"/numbers", map[string]any{"number": "+14155550126", "company_id": w.a.Me.Company.ID}).Want(422)
			lacksA(t, w, isoSettings+"/numbers")
		},
		"updatePhoneNumber": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "PATCH", isoSettings+"/numbers/"+w.ids["number"], isoSettings+"/numbers/"+missingID,
				map[string]any{"label": "Hacked", "user_id": ""})
			refused(t, w, "PATCH", isoSettings+"/numbers/"+w.ids["b_number"], "body.user_id",
				map[string]any{"user_id": w.aMember.Me.User.ID.String()})
		},
		"deletePhoneNumber": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "DELETE", isoSettings+"/numbers/"+w.ids["number"], isoSettings+"/numbers/"+missingID, nil)
		},
		"getMyPhone": func(t *testing.T, w *world) {
			if p := w.b.Do("GET", isoSettings+"/my-phone", nil).Want(200).JSON()["phone"]; p != isoBMyPhone {
				t.Errorf("B's phone is %v", p)
			}
		},
		"setMyPhone": func(t *testing.T, w *world) {
			w.b.Do("PUT", isoSettings+"/my-phone", map[string]any{"phone": isoBMyPhone, "user_id": w.a.Me.User.ID.String()}).Want(422)
			// A's owner's phone is B's business too, and lands in B only.
			w.b.Do("PUT", isoSettings+"/my-phone", map[string]any{"phone": isoAMyPhone}).Want(200)
			w.b.Do("PUT", isoSettings+"/my-phone", map[string]any{"phone": isoBMyPhone}).Want(200)
		},
		"sendSMS": func(t *testing.T, w *world) {
			send := "/api/sms/messages"
			refused(t, w, "POST", send, "body.contact_id", map[string]any{"contact_id": w.ids["sms_contact"], "body": "Cross contact"})
			refused(t, w, "POST", send, "body.contact_id", map[string]any{"contact_id": w.contactID, "body": "Cross contact"})
			refused(t, w, "POST", send, "body.from_number_id", map[string]any{"to": isoAContact, "from_number_id": w.ids["number"],
				"body": "Cross number"})
			w.b.Do("POST", send, map[string]any{"to": isoAContact, "body": "X", "company_id": w.a.Me.Company.ID}).Want(422)
			// A's Idempotency-Key is B's to use: it sends B's message, not A's.
			bk := w.b.In(t)
			bk.Header.Set("Idempotency-Key", isoAIdemKey)
			var m struct {
				ID       string `json:"id"`
				ThreadID string `json:"thread_id"`
				From     string `json:"from"`
				Body     string `json:"body"`
			}
			bk.Do("POST", send, map[string]any{"to": isoAContact, "body": "B writes"}).Want(201).Decode(&m)
			if m.ID == w.ids["sms"] || m.ThreadID == w.ids["thread"] || m.From != isoBNumber || m.Body != "B writes" {
				t.Errorf("B's message with A's key and A's contact's number: %+v", m)
			}
			lacksA(t, w, "/api/sms/threads")
		},
		"listSMSThreads": func(t *testing.T, w *world) {
			lacksA(t, w, "/api/sms/threads", "/api/sms/threads?unread=true", "/api/sms/threads?limit=200")
		},
		"getSMSThread":          threadHidden("GET", ""),
		"listSMSThreadMessages": threadHidden("GET", "/messages"),
		"markSMSThreadRead":     threadHidden("POST", "/read"),
		"getContactSMSThread": func(t *testing.T, w *world) {
			for _, id := range []string{w.ids["sms_contact"], w.contactID, w.ids["thread"]} {
				expectHidden(t, w.b, "GET", "/api/sms/contact-thread/"+id, "/api/sms/contact-thread/"+missingID, nil)
			}
		},
		"listSMSConsents": func(t *testing.T, w *world) {
			lacksA(t, w, "/api/sms/consents", "/api/sms/consents?contact_id="+w.ids["sms_contact"],
				"/api/sms/consents?phone="+url.QueryEscape(isoAContact))
		},
		"addSMSConsent": func(t *testing.T, w *world) {
			evidence := map[string]any{"method": "paper_form", "consented_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
				"statement": "Yes, text me about my order."}
			refused(t, w, "POST", "/api/sms/consents", "body.contact_id", map[string]any{"contact_id": w.ids["sms_contact"], "action": "opt_in",
				"evidence": evidence})
			w.b.Do("POST", "/api/sms/consents", map[string]any{"phone": isoAContact, "action": "opt_in", "evidence": evidence,
				"company_id": w.a.Me.Company.ID}).Want(422)
			// Opting A's contact's number in at B is B's record; A's stays opted out.
			w.b.Do("POST", "/api/sms/consents", map[string]any{"phone": isoAContact, "action": "opt_in", "evidence": evidence}).Want(201)
		},
		"simulateInboundSMS": func(t *testing.T, w *world) {
			refused(t, w, "POST", "/api/sms/simulate-inbound", "body.to_number_id",
				map[string]any{"from": isoAContact, "to_number_id": w.ids["number"], "body": "Cross"})
			var m struct {
				ThreadID  string  `json:"thread_id"`
				ContactID *string `json:"contact_id"`
			}
			w.b.Do("POST", "/api/sms/simulate-inbound", map[string]any{"from": isoAContact, "to_number_id": w.ids["b_number"],
				"body": "to B"}).Want(201).Decode(&m)
			if m.ThreadID == w.ids["thread"] || (m.ContactID != nil && *m.ContactID == w.ids["sms_contact"]) {
				t.Errorf("B's inbound message joined A's thread or contact: %+v", m)
			}
		},
		"startCall": func(t *testing.T, w *world) {
			refused(t, w, "POST", "/api/calls", "body.contact_id", map[string]any{"contact_id": w.ids["sms_contact"]})
			refused(t, w, "POST", "/api/calls", "body.contact_id", map[string]any{"contact_id": w.contactID})
			refused(t, w, "POST", "/api/calls", "body.from_number_id", map[string]any{"to": isoAContact, "from_number_id": w.ids["number"]})
			w.b.Do("POST", "/api/calls", map[string]any{"to": isoAContact, "company_id": w.a.Me.Company.ID}).Want(422)
			lacksA(t, w, "/api/calls")
		},
		"listCalls": func(t *testing.T, w *world) {
			today := time.Now().UTC().Format(time.DateOnly)
			lacksA(t, w, "/api/calls", "/api/calls?contact_id="+w.ids["sms_contact"], "/api/calls?user_id="+w.a.Me.User.ID.String(),
				"/api/calls?user_id=me", "/api/calls?direction=inbound", "/api/calls?direction=outbound", "/api/calls?status=completed",
				"/api/calls?since="+today+"&until="+today, "/api/calls?limit=200")
		},
		"getCall":    callHidden("GET", "", nil),
		"updateCall": callHidden("PATCH", "", map[string]any{"notes": "Hacked"}),
		"getCallRecording": func(t *testing.T, w *world) {
			callHidden("GET", "/recording", nil)(t, w)
			if ct := w.a.Do("GET", "/api/calls/"+w.ids["call"]+"/recording", nil).Want(200).Header.Get("Content-Type"); ct != "audio/wav" {
				t.Errorf("A's recording: %q", ct)
			}
		},
		"simulateInboundCall": func(t *testing.T, w *world) {
			refused(t, w, "POST", "/api/calls/simulate-inbound", "body.to_number_id",
				map[string]any{"from": isoAContact, "to_number_id": w.ids["number"], "answered": true})
			var c struct {
				ID        string  `json:"id"`
				ContactID *string `json:"contact_id"`
				UserID    *string `json:"user_id"`
			}
			w.b.Do("POST", "/api/calls/simulate-inbound", map[string]any{"from": isoAContact, "to_number_id": w.ids["b_number"],
				"answered": false}).Want(201).Decode(&c)
			if c.ContactID != nil || c.UserID != nil {
				t.Errorf("B's inbound call from A's contact's number: %+v", c)
			}
		},
	}
	for k, v := range add {
		matrix[k] = v
	}
}

// isoSettle waits until the simulator is done with A's data: the sent
// message delivered and both calls completed with their recordings. After
// that nothing of A's changes by itself, so snapshots can compare it all.
func isoSettle(t testing.TB, w *world) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var msgs struct {
			Items []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"items"`
		}
		w.a.Do("GET", "/api/sms/threads/"+w.ids["thread"]+"/messages", nil).Want(200).Decode(&msgs)
		status := map[string]string{}
		for _, m := range msgs.Items {
			status[m.ID] = m.Status
		}
		var calls struct {
			Items []struct {
				ID           string `json:"id"`
				Status       string `json:"status"`
				HasRecording bool   `json:"has_recording"`
			} `json:"items"`
		}
		w.a.Do("GET", "/api/calls", nil).Want(200).Decode(&calls)
		done := 0
		for _, c := range calls.Items {
			if (c.ID == w.ids["call"] || c.ID == w.ids["call_in"]) && c.Status == "completed" && c.HasRecording {
				done++
			}
		}
		if status[w.ids["sms"]] == "delivered" && status[w.ids["sms_in"]] == "received" && done == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("A's simulated data did not settle: messages %v, calls %+v", status, calls.Items)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestIsolationTwilioNumberStaysWithItsCompany: company A proves a real
// number is in its Twilio account and connects it. Company B, on the
// simulator or on a Twilio account that does not have the number, cannot
// claim it in any spelling, and its refusal says no more than for a real
// number nobody has; A's number stays A's: in A's list, not in B's, and
// Twilio's webhooks for it still reach A and only A.
func TestIsolationTwilioNumberStaysWithItsCompany(t *testing.T) {
	const aReal, nobodys = "+14155550323", "+14155550398"
	env := apitest.New(t)
	a, b, c := env.Signup("Alpha"), env.Signup("Beta"), env.Signup("Gamma")
	sid, token := env.Twilio.NewAccount(aReal)
	a.Do("PUT", isoSettings, map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token}).Want(200)
	var an, bn struct {
		ID     string `json:"id"`
		Number string `json:"number"`
	}
	a.Do("POST", isoSettings+"/numbers", map[string]any{"number": aReal, "label": "A line"}).Want(201).Decode(&an)
	b.Do("PUT", isoSettings, map[string]any{"mode": "simulator"}).Want(200)
	b.Do("POST", isoSettings+"/numbers", map[string]any{"number": isoBNumber}).Want(201).Decode(&bn)
	csid, ctoken := env.Twilio.NewAccount()
	c.Do("PUT", isoSettings, map[string]any{"mode": "twilio", "account_sid": csid, "auth_token": ctoken}).Want(200)
	aBefore := string(a.Do("GET", isoSettings+"/numbers", nil).Want(200).Body)

	// What a refusal says, without the value echoed back.
	said := func(p apitest.Problem) string {
		out := fmt.Sprintf("%d %s %s", p.Status, p.Title, p.Detail)
		for _, e := range p.Errors {
			out += " | " + e.Location + ": " + e.Message
		}
		return out
	}
	b.Do("POST", isoSettings+"/numbers", map[string]any{"number": isoBNumber}).Want(409).Problem()
	bFree := said(b.Do("POST", isoSettings+"/numbers", map[string]any{"number": nobodys}).Want(422).Problem())
	cFree := said(c.Do("POST", isoSettings+"/numbers", map[string]any{"number": nobodys}).Want(422).Problem())
	for _, spelling := range []string{aReal, "(415) 555-0323", "+1 415 555 0323", "4155550323"} {
		if got := said(b.Do("POST", isoSettings+"/numbers", map[string]any{"number": spelling, "label": "Stolen"}).Want(422).Problem()); got != bFree {
			t.Errorf("simulator B claiming A's number as %q: %s; a number nobody has: %s", spelling, got, bFree)
		}
		if got := said(c.Do("POST", isoSettings+"/numbers", map[string]any{"number": spelling, "label": "Stolen"}).Want(422).Problem()); got != cFree {
			t.Errorf("Twilio C claiming A's number as %q: %s; a number nobody has: %s", spelling, got, cFree)
		}
	}
	// B cannot free it either.
	expectHidden(t, b, "DELETE", isoSettings+"/numbers/"+an.ID, isoSettings+"/numbers/"+missingID, nil)

	if after := string(a.Do("GET", isoSettings+"/numbers", nil).Want(200).Body); after != aBefore {
		t.Errorf("A's numbers changed:\nbefore %s\nafter  %s", aBefore, after)
	}
	for _, x := range []*apitest.Client{b, c} {
		if listHas(t, x, isoSettings+"/numbers", aReal) || listHas(t, x, isoSettings+"/numbers", an.ID) {
			t.Error("another company's numbers list A's number")
		}
	}
	company, routeSID, ok, err := env.App.Telephony.Route(context.Background(), aReal)
	if err != nil || !ok || company != a.Me.Company.ID || routeSID != sid {
		t.Errorf("the route of A's number: %v %q %v %v, want A (%v) in %s", company, routeSID, ok, err, a.Me.Company.ID, sid)
	}
	// B's simulator cannot receive on it.
	p := b.Do("POST", "/api/sms/simulate-inbound", map[string]any{"from": isoAContact, "to_number_id": an.ID, "body": "x"}).Want(422).Problem()
	if !p.HasFieldError("body.to_number_id") {
		t.Errorf("B receiving on A's number: %+v", p)
	}

	// Twilio's message to the number, signed with A's token, lands in A.
	path := "/webhooks/twilio/sms"
	res, err := twiliofake.Webhook(env.Srv.URL+path, env.Srv.URL+path, token, url.Values{"MessageSid": {twiliofake.SID("SM")},
		"AccountSid": {sid}, "From": {isoAContact}, "To": {aReal}, "Body": {"to the A number"}, "NumMedia": {"0"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("inbound webhook to A's number: %d %s", res.StatusCode, body)
	}
	if !listHas(t, a, "/api/sms/threads", "to the A number") {
		t.Error("A's threads lack the message to the A number")
	}
	for _, x := range []*apitest.Client{b, c} {
		if listHas(t, x, "/api/sms/threads", "to the A number") {
			t.Error("another company's threads show the message to the A number")
		}
	}
}
