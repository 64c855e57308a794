package telephony

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Modes of a company's provider.
const (
	ModeTwilio    = "twilio"
	ModeSimulator = "simulator"
)

// DefaultAPIURL is Twilio's REST API.
const DefaultAPIURL = "https://api.twilio.com"

// Account is a company's provider account with its token opened.
type Account struct {
	CompanyID uuid.UUID
	Mode      string
	SID       string
	Token     string
	HelpReply string
	// RecordCalls records answered calls after RecordingNotice is said;
	// empty texts mean the defaults (see Notice and Greeting).
	RecordCalls                        bool
	RecordingNotice, VoicemailGreeting string
	// QuietStart and QuietEnd are minutes after midnight in Location; equal
	// means no quiet hours.
	QuietStart, QuietEnd int
	Location             *time.Location
}

// Default texts said on calls when the company has not written its own.
const (
	DefaultRecordingNotice   = "This call may be recorded."
	DefaultVoicemailGreeting = "Sorry, nobody can take your call right now. Please leave a message after the tone."
)

// Notice is what the other party hears before a recorded call connects.
func (a Account) Notice() string {
	if a.RecordingNotice != "" {
		return a.RecordingNotice
	}
	return DefaultRecordingNotice
}

// Greeting is what a caller hears before leaving a voicemail.
func (a Account) Greeting() string {
	if a.VoicemailGreeting != "" {
		return a.VoicemailGreeting
	}
	return DefaultVoicemailGreeting
}

// Simulated reports whether the company uses the built-in simulator.
func (a Account) Simulated() bool { return a.Mode == ModeSimulator }

// QuietUntil returns when the quiet hours around t end, or the zero time
// when t is outside them. Quiet hours may span midnight (21:00–08:00).
func (a Account) QuietUntil(t time.Time) time.Time {
	if a.QuietStart == a.QuietEnd {
		return time.Time{}
	}
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	mins := lt.Hour()*60 + lt.Minute()
	in := false
	if a.QuietStart < a.QuietEnd {
		in = mins >= a.QuietStart && mins < a.QuietEnd
	} else {
		in = mins >= a.QuietStart || mins < a.QuietEnd
	}
	if !in {
		return time.Time{}
	}
	end := time.Date(lt.Year(), lt.Month(), lt.Day(), a.QuietEnd/60, a.QuietEnd%60, 0, 0, loc)
	if !end.After(lt) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// SMSRequest is one message to send.
type SMSRequest struct {
	From, To, Body string
	StatusCallback string
}

// SMSResult is Twilio's answer to a send.
type SMSResult struct {
	SID    string
	Status string
}

// CallRequest starts a call: Twilio dials To from From and, once answered,
// fetches its instructions from URL.
type CallRequest struct {
	From, To       string
	URL            string
	StatusCallback string
}

// ProviderError is Twilio refusing a request, with its error code.
type ProviderError struct {
	Status  int
	Code    int
	Message string
}

// Permanent reports whether Twilio refused the request for good (a 4xx
// other than 429): the same request would be refused again.
func (e *ProviderError) Permanent() bool { return e.Status >= 400 && e.Status < 500 && e.Status != 429 }

func (e *ProviderError) Error() string {
	return fmt.Sprintf("twilio %d (code %d): %s", e.Status, e.Code, e.Message)
}

// Twilio talks to Twilio's REST API with the official client. BaseURL
// replaces https://api.twilio.com (tests point it at a fake Twilio).
type Twilio struct {
	base *url.URL
	http *http.Client
}

// NewTwilio returns the provider for the API at baseURL.
func NewTwilio(baseURL string) (*Twilio, error) {
	if baseURL == "" {
		baseURL = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("twilio API URL %q: must be an http(s) URL", baseURL)
	}
	t := &Twilio{base: u}
	t.http = &http.Client{
		Timeout:   15 * time.Second,
		Transport: rebase{base: u, next: http.DefaultTransport},
		// Twilio's client expects redirects to be answered, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return t, nil
}

// rebase sends requests for *.twilio.com to the configured base URL.
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

func (r rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.base.Host == "api.twilio.com" || !strings.HasSuffix(req.URL.Hostname(), "twilio.com") {
		return r.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.base.Scheme, r.base.Host
	req.URL.Path = r.base.Path + req.URL.Path
	req.Host = r.base.Host
	return r.next.RoundTrip(req)
}

func (t *Twilio) client(a Account) *twilio.RestClient {
	c := &twclient.Client{Credentials: twclient.NewCredentials(a.SID, a.Token), HTTPClient: t.http}
	c.SetAccountSid(a.SID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

// SendSMS asks Twilio to send a message.
func (t *Twilio) SendSMS(_ context.Context, a Account, r SMSRequest) (SMSResult, error) {
	p := &openapi.CreateMessageParams{}
	p.SetFrom(r.From).SetTo(r.To).SetBody(r.Body)
	if r.StatusCallback != "" {
		p.SetStatusCallback(r.StatusCallback)
	}
	m, err := t.client(a).Api.CreateMessage(p)
	if err != nil {
		return SMSResult{}, providerError(err)
	}
	out := SMSResult{}
	if m.Sid != nil {
		out.SID = *m.Sid
	}
	if m.Status != nil {
		out.Status = *m.Status
	}
	return out, nil
}

// StartCall asks Twilio to place a call.
func (t *Twilio) StartCall(_ context.Context, a Account, r CallRequest) (string, error) {
	p := &openapi.CreateCallParams{}
	p.SetFrom(r.From).SetTo(r.To).SetUrl(r.URL).SetMethod(http.MethodPost)
	if r.StatusCallback != "" {
		p.SetStatusCallback(r.StatusCallback).SetStatusCallbackMethod(http.MethodPost).
			SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	}
	c, err := t.client(a).Api.CreateCall(p)
	if err != nil {
		return "", providerError(err)
	}
	if c.Sid == nil {
		return "", errors.New("twilio answered without a call sid")
	}
	return *c.Sid, nil
}

// Check fetches the account, which proves the SID and token.
func (t *Twilio) Check(_ context.Context, a Account) error {
	acc, err := t.client(a).Api.FetchAccount(a.SID)
	if err != nil {
		return providerError(err)
	}
	if acc.Status != nil && *acc.Status != "active" {
		return fmt.Errorf("the Twilio account is %s", *acc.Status)
	}
	return nil
}

// OwnsNumber asks Twilio's IncomingPhoneNumbers API whether number (E.164)
// is one of the account's own numbers. Twilio's PhoneNumber filter matches
// parts of numbers too, so the answer is checked for the exact number in
// this very account.
func (t *Twilio) OwnsNumber(_ context.Context, a Account, number string) (bool, error) {
	p := &openapi.ListIncomingPhoneNumberParams{}
	p.SetPathAccountSid(a.SID).SetPhoneNumber(number).SetPageSize(20).SetLimit(20)
	found, err := t.client(a).Api.ListIncomingPhoneNumber(p)
	if err != nil {
		return false, providerError(err)
	}
	for _, n := range found {
		if n.PhoneNumber != nil && *n.PhoneNumber == number && (n.AccountSid == nil || *n.AccountSid == a.SID) {
			return true, nil
		}
	}
	return false, nil
}

// Recording fetches a call recording from Twilio with the account's
// credentials. Only Twilio API URLs are fetched: the URL came in a webhook.
func (t *Twilio) Recording(ctx context.Context, a Account, recordingURL string) (*http.Response, error) {
	u, err := url.Parse(recordingURL)
	if err != nil {
		return nil, fmt.Errorf("recording URL %q: %w", recordingURL, err)
	}
	twilioURL := u.Scheme == "https" && u.Host == "api.twilio.com"
	if !twilioURL && (u.Scheme != t.base.Scheme || u.Host != t.base.Host) {
		return nil, fmt.Errorf("recording URL %q is not a Twilio API URL", recordingURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, recordingURL, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(a.SID, a.Token)
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch recording: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &ProviderError{Status: resp.StatusCode, Message: "fetch recording: " + resp.Status}
	}
	return resp, nil
}

func providerError(err error) error {
	var te *twclient.TwilioRestError
	if errors.As(err, &te) {
		return &ProviderError{Status: te.Status, Code: te.Code, Message: te.Message}
	}
	return fmt.Errorf("twilio: %w", err)
}

// NewSID makes a Twilio-shaped id ("SM" or "CA" and 32 hex digits) for what
// the simulator handles.
func NewSID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
