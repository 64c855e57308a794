package telephony

import (
	"encoding/xml"
	"net/url"

	twclient "github.com/twilio/twilio-go/client"
)

// Verify checks Twilio's X-Twilio-Signature of a form-encoded webhook:
// HMAC-SHA1 with the company's auth token over the full URL Twilio called
// (CRM_PUBLIC_URL plus path and query) followed by every form field's name
// and value, sorted by name. Twilio never repeats a field, so a form that
// does is refused rather than guessed at.
func Verify(token, fullURL string, form url.Values, signature string) bool {
	if token == "" || signature == "" {
		return false
	}
	params := make(map[string]string, len(form))
	for k, v := range form {
		if len(v) != 1 {
			return false
		}
		params[k] = v[0]
	}
	rv := twclient.NewRequestValidator(token)
	return rv.Validate(fullURL, params, signature)
}

// MessageTwiML answers a messaging webhook: empty, or with one reply whose
// status callbacks Twilio sends to action (when given).
func MessageTwiML(reply, action string) string {
	type message struct {
		XMLName xml.Name `xml:"Message"`
		Action  string   `xml:"action,attr,omitempty"`
		Text    string   `xml:",chardata"`
	}
	type response struct {
		XMLName xml.Name `xml:"Response"`
		Message *message
	}
	r := response{}
	if reply != "" {
		r.Message = &message{Action: action, Text: reply}
	}
	out, _ := xml.Marshal(r)
	return xml.Header + string(out)
}
