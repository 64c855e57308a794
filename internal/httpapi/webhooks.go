package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/salescrm/crm/internal/calls"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/logctx"
	"github.com/salescrm/crm/internal/sms"
	"github.com/salescrm/crm/internal/telephony"
)

// MaxWebhookBytes bounds a Twilio webhook body; Twilio's forms are small.
const MaxWebhookBytes = 64 << 10

// registerWebhooks adds Twilio's webhooks. They are not part of the JSON
// API: Twilio posts forms and reads TwiML back. Each request finds its
// company from a unique resource — the company number, from the signed
// callback URL's number parameter or else the To field — and is verified
// with that company's auth token before anything is read or written.
func (s *Server) registerWebhooks() {
	s.mux.Handle("POST /webhooks/twilio/sms", s.twilio(func(ctx context.Context, acct telephony.Account, q, f url.Values) (string, error) {
		in, err := sms.ParseInbound(f)
		if err != nil {
			return "", err
		}
		reply, err := s.deps.SMS.Receive(ctx, acct, in)
		if err != nil {
			return "", err
		}
		return telephony.MessageTwiML(reply.Body, reply.StatusURL), nil
	}))
	s.mux.Handle("POST /webhooks/twilio/sms/status", s.twilio(func(ctx context.Context, acct telephony.Account, q, f url.Values) (string, error) {
		u, err := sms.ParseStatus(q, f)
		if err != nil {
			return "", err
		}
		return telephony.MessageTwiML("", ""), s.deps.SMS.UpdateStatus(ctx, acct.CompanyID, u)
	}))
	for path, kind := range map[string]string{
		"/webhooks/twilio/voice":             calls.VoiceIncoming,
		"/webhooks/twilio/voice/connect":     calls.VoiceConnect,
		"/webhooks/twilio/voice/dial-result": calls.VoiceDialResult,
		"/webhooks/twilio/voice/status":      calls.VoiceStatus,
		"/webhooks/twilio/voice/recording":   calls.VoiceRecording,
		"/webhooks/twilio/voice/notice":      calls.VoiceNotice,
	} {
		s.mux.Handle("POST "+path, s.twilio(func(ctx context.Context, acct telephony.Account, q, f url.Values) (string, error) {
			return s.deps.Calls.Voice(ctx, acct, kind, q, f)
		}))
	}
}

// twilioHandler handles a verified webhook for the company acct belongs to.
type twilioHandler func(ctx context.Context, acct telephony.Account, query, form url.Values) (twiml string, err error)

// twilio authenticates a webhook and answers with the handler's TwiML. Any
// doubt about who sent it — unknown number, no token, bad or missing
// signature, a repeated field — is a 403 and nothing is written.
func (s *Server) twilio(h twilioHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.ContentLength > MaxWebhookBytes {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxWebhookBytes)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "malformed form", http.StatusBadRequest)
			return
		}
		query := r.URL.Query()
		form := r.PostForm
		number := query.Get("number")
		if number == "" {
			number = form.Get("To")
		}
		forbid := func(reason string) {
			s.log.WarnContext(ctx, "twilio webhook refused", "path", r.URL.Path, "reason", reason)
			http.Error(w, "forbidden", http.StatusForbidden)
		}
		if number == "" || len(number) > 20 {
			forbid("no company number")
			return
		}
		company, accountSID, ok, err := s.deps.Telephony.Route(ctx, number)
		if err != nil {
			s.log.ErrorContext(ctx, "route twilio webhook", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if !ok {
			forbid("number not connected")
			return
		}
		// The number was proven in one Twilio account; a request from any
		// other (or for a simulated number, which no Twilio account has)
		// is not the owner's.
		if accountSID == "" {
			forbid("simulated number")
			return
		}
		if form.Get("AccountSid") != accountSID {
			forbid("account sid does not match the number's")
			return
		}
		acct, err := s.deps.Telephony.Account(ctx, company)
		if err != nil || acct.Token == "" {
			forbid("company has no auth token")
			return
		}
		fullURL := s.deps.Telephony.PublicURL() + r.URL.RequestURI()
		if !telephony.Verify(acct.Token, fullURL, form, r.Header.Get("X-Twilio-Signature")) {
			forbid("bad signature")
			return
		}
		if info := logctx.From(ctx); info != nil {
			info.Set(func(i *logctx.Info) { i.CompanyID = company.String() })
		}
		twiml, err := h(ctx, acct, query, form)
		if err != nil {
			code := errs.CodeOf(err)
			switch code {
			case errs.NotFound, errs.Invalid, errs.Conflict:
				s.log.WarnContext(ctx, "twilio webhook not handled", "path", r.URL.Path, "err", err)
				http.Error(w, strings.ReplaceAll(string(code), "_", " "), statusOf[code])
			default:
				s.log.ErrorContext(ctx, "twilio webhook", "path", r.URL.Path, "err", err)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(twiml))
	})
}
