package sms

import (
	"net/url"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/telephony"
	"github.com/salescrm/crm/internal/twiliofake"
)

func TestSegments(t *testing.T) {
	for _, c := range []struct {
		body string
		want int
	}{
		{"", 1},
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("a", 306), 2},
		{strings.Repeat("a", 307), 3},
		{strings.Repeat("€", 80), 1},  // extension characters take two septets
		{strings.Repeat("€", 81), 2},  // 162 septets
		{strings.Repeat("é", 160), 1}, // é is in the GSM basic set
		{strings.Repeat("ж", 70), 1},  // not GSM: UCS-2, 70 in one
		{strings.Repeat("ж", 71), 2},  // 67 per part
		{strings.Repeat("😀", 35), 1},  // two UTF-16 units each
		{strings.Repeat("😀", 36), 2},
	} {
		if got := Segments(c.body); got != c.want {
			t.Errorf("Segments(%d × %q) = %d, want %d", len([]rune(c.body)), []rune(c.body)[0:min(1, len(c.body))], got, c.want)
		}
	}
}

func TestStatusOnlyMovesForward(t *testing.T) {
	for _, late := range []string{"queued", "sending", "sent"} {
		if rank[fromTwilio(late)] >= rank["delivered"] {
			t.Errorf("%s would overwrite delivered", late)
		}
	}
	if fromTwilio("bogus") != "" {
		t.Error("an unknown status maps to a known one")
	}
}

// FuzzWebhookForm feeds arbitrary bodies through what the webhook does with
// a form before and after the signature check: it must never panic, and a
// parsed message keeps Twilio's limits.
func FuzzWebhookForm(f *testing.F) {
	f.Add("MessageSid=SM1&From=%2B14155550111&To=%2B14155550100&Body=STOP&NumMedia=1&MediaUrl0=https%3A%2F%2Fx", "sig", "message=00000000-0000-0000-0000-000000000000")
	f.Add("Body=%FF%FE&NumMedia=99999999999&MediaUrl5=javascript:alert(1)", "", "")
	f.Add("a=1&a=2&MessageStatus=delivered&MessageSid=SM2&ErrorCode=30003", "x", "message=zz")
	f.Fuzz(func(t *testing.T, body, sig, query string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		q, _ := url.ParseQuery(query)
		_ = telephony.Verify("token", "https://crm.example.com/webhooks/twilio/sms", form, sig)
		if in, err := ParseInbound(form); err == nil {
			if in.SID == "" || in.From == "" || in.To == "" || len([]rune(in.Body)) > MaxBody || len(in.MediaURLs) > 10 {
				t.Fatalf("parsed an invalid message: %+v", in)
			}
			for _, u := range in.MediaURLs {
				if !strings.HasPrefix(u, "https://") {
					t.Fatalf("kept media URL %q", u)
				}
			}
		}
		if u, err := ParseStatus(q, form); err == nil && (u.Status == "" || u.SID == "") {
			t.Fatalf("parsed an invalid status: %+v", u)
		}
	})
}

func TestVerifyAgreesWithTwiliosSignature(t *testing.T) {
	const u = "https://crm.example.com/webhooks/twilio/sms?number=%2B14155550100"
	form := url.Values{"MessageSid": {"SM1"}, "From": {"+14155550111"}, "To": {"+14155550100"}, "Body": {"Hello"}}
	sig := twiliofake.Sign("secret", u, form)
	if !telephony.Verify("secret", u, form, sig) {
		t.Fatal("a valid signature was refused")
	}
	tampered := url.Values{"MessageSid": {"SM1"}, "From": {"+14155550111"}, "To": {"+14155550100"}, "Body": {"Hello!"}}
	for name, ok := range map[string]bool{
		"body tampered":   telephony.Verify("secret", u, tampered, sig),
		"URL differs":     telephony.Verify("secret", "https://crm.example.com/webhooks/twilio/sms", form, sig),
		"another token":   telephony.Verify("other", u, form, sig),
		"missing header":  telephony.Verify("secret", u, form, ""),
		"no token stored": telephony.Verify("", u, form, sig),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
