package httpapi_test

import (
	"net/url"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/twiliofake"
)

// A stranger texts and calls; once they become a contact the conversation
// and the call are theirs, and a merge carries texts and calls over.
func TestContactsTakeOverTheirNumbersConversations(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550177", ta.number, "Who is this?")); code != 200 {
		t.Fatalf("inbound: %d", code)
	}
	if code, _ := webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")},
		"From": {"+14155550177"}, "To": {ta.number}}); code != 200 {
		t.Fatalf("inbound call: %d", code)
	}
	if th := getThreads(t, a); len(th) != 1 || th[0].ContactID != nil {
		t.Fatalf("stranger's thread: %+v", th)
	}

	grace := newContact(t, a, "Grace", "(415) 555-0177")
	th := getThreads(t, a)
	if len(th) != 1 || th[0].ContactID == nil || *th[0].ContactID != grace {
		t.Fatalf("thread after the contact was created: %+v", th)
	}
	if m := getMessages(t, a, th[0].ID); m[0].ContactID == nil || *m[0].ContactID != grace {
		t.Fatalf("message not linked: %+v", m)
	}
	var calls struct {
		Items []callOut `json:"items"`
	}
	a.Do("GET", "/api/calls?contact_id="+grace, nil).Want(200).Decode(&calls)
	if len(calls.Items) != 1 {
		t.Fatalf("call not linked: %+v", calls.Items)
	}

	// A duplicate with another number and its own thread merges into Grace:
	// one thread with both conversations, and the call log follows.
	dup := newContact(t, a, "Gracie", "+14155550188")
	webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550188", ta.number, "It's me again"))
	if len(getThreads(t, a)) != 2 {
		t.Fatal("the duplicate has no thread of its own")
	}
	a.Do("POST", "/api/contacts/"+grace+"/merge", map[string]any{"duplicate_id": dup}).Want(200)
	th = getThreads(t, a)
	if len(th) != 1 || *th[0].ContactID != grace || th[0].UnreadCount != 2 || th[0].LastBody != "It's me again" {
		t.Fatalf("threads after the merge: %+v", th)
	}
	if m := getMessages(t, a, th[0].ID); len(m) != 2 {
		t.Fatalf("messages after the merge: %+v", m)
	}
}

// Contacts imported from a file take over their numbers' texts and calls
// too, and only the first of two rows with the same number does.
func TestImportedContactsTakeOverTheirConversations(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550177", ta.number, "Saw your stand")); code != 200 {
		t.Fatalf("inbound: %d", code)
	}
	if code, _ := webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")},
		"From": {"+14155550166"}, "To": {ta.number}}); code != 200 {
		t.Fatalf("inbound call: %d", code)
	}
	p := uploadOK(t, a, "contacts", "first_name,email,phone\n"+
		"Ada,ada@example.com,(415) 555-0177\n"+
		"Ada again,ada2@example.com,+14155550177\n"+
		"Alan,alan@example.com,+1 415 555 0166\n"+
		"Bob,bob@example.com,+14155550199\n")
	if done := runImport(t, a, p.Import.ID.String(), nil); done.CreatedRows != 4 {
		t.Fatalf("import: %+v", done)
	}
	got := byEmail(allContacts(t, a, nil))
	th := getThreads(t, a)
	if len(th) != 1 || th[0].ContactID == nil || *th[0].ContactID != got["ada@example.com"].ID.String() {
		t.Fatalf("thread after the import: %+v (Ada is %s)", th, got["ada@example.com"].ID)
	}
	if m := getMessages(t, a, th[0].ID); m[0].ContactID == nil || *m[0].ContactID != got["ada@example.com"].ID.String() {
		t.Fatalf("message not linked: %+v", m)
	}
	var calls struct {
		Items []callOut `json:"items"`
	}
	a.Do("GET", "/api/calls?contact_id="+got["alan@example.com"].ID.String(), nil).Want(200).Decode(&calls)
	if len(calls.Items) != 1 {
		t.Fatalf("call not linked to Alan: %+v", calls.Items)
	}
}

// A deal's timeline carries its contact's texts and calls; a deal with
// another contact shows none of them.
func TestDealTimelineShowsItsContactsConversations(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	ta := connectTwilio(t, env, a, "+14155550300")
	ada := newContact(t, a, "Ada", "+14155550177")
	bob := newContact(t, a, "Bob", "+14155550188")
	deal := func(title, contact string) string {
		var d struct {
			ID string `json:"id"`
		}
		a.Do("POST", "/api/deals", map[string]any{"title": title, "contact_id": contact}).Want(201).Decode(&d)
		return d.ID
	}
	adaDeal, bobDeal := deal("Ada's rollout", ada), deal("Bob's pilot", bob)
	webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550177", ta.number, "Send the quote"))
	webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")},
		"From": {"+14155550177"}, "To": {ta.number}})

	kinds := func(dealID string) map[string]int {
		var tl struct {
			Items []struct {
				Kind string `json:"kind"`
				SMS  *struct {
					Body string `json:"body"`
				} `json:"sms"`
			} `json:"items"`
		}
		a.Do("GET", "/api/deals/"+dealID+"/timeline", nil).Want(200).Decode(&tl)
		out := map[string]int{}
		for _, it := range tl.Items {
			out[it.Kind]++
			if it.Kind == "sms" && (it.SMS == nil || it.SMS.Body != "Send the quote") {
				t.Errorf("text on the timeline: %+v", it.SMS)
			}
		}
		return out
	}
	if k := kinds(adaDeal); k["sms"] != 1 || k["call"] != 1 {
		t.Fatalf("Ada's deal timeline: %v", k)
	}
	if k := kinds(bobDeal); k["sms"] != 0 || k["call"] != 0 {
		t.Fatalf("Bob's deal timeline: %v", k)
	}
}
