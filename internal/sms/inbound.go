package sms

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/telephony"
)

// Keywords carriers and Twilio treat as opt-out, opt-in and help.
var (
	stopWords  = map[string]bool{"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true, "REVOKE": true, "OPTOUT": true}
	startWords = map[string]bool{"START": true, "UNSTOP": true, "YES": true}
)

// replyNamespace names the ids of automatic replies (see receive).
var replyNamespace = uuid.MustParse("6f1d8c52-3b0e-4c55-9f3a-2a6b1c7e9d41")

// DefaultHelpReply is sent to HELP when the company has not written its own.
const DefaultHelpReply = "Reply STOP to unsubscribe, START to subscribe again."

// Inbound is a message Twilio received for one of the company's numbers.
type Inbound struct {
	SID       string
	From, To  string
	Body      string
	MediaURLs []string
	Simulated bool
}

// ParseInbound reads Twilio's inbound message form. It only reads; the
// caller has verified the signature.
func ParseInbound(form url.Values) (Inbound, error) {
	in := Inbound{SID: form.Get("MessageSid"), From: form.Get("From"), To: form.Get("To"), Body: form.Get("Body")}
	if in.SID == "" {
		in.SID = form.Get("SmsSid")
	}
	if in.SID == "" || len(in.SID) > 64 || in.From == "" || in.To == "" {
		return in, errs.E(errs.Invalid, "MessageSid, From and To are required")
	}
	if len([]rune(in.Body)) > MaxBody {
		in.Body = string([]rune(in.Body)[:MaxBody])
	}
	n, _ := strconv.Atoi(form.Get("NumMedia"))
	for i := 0; i < n && i < 10; i++ {
		if u := form.Get(fmt.Sprintf("MediaUrl%d", i)); u != "" && len(u) <= 2000 && strings.HasPrefix(u, "https://") {
			in.MediaURLs = append(in.MediaURLs, u)
		}
	}
	return in, nil
}

// Reply is the text to answer an inbound message with (the help text for
// HELP), stored in the thread; Twilio reports its progress to StatusURL.
type Reply struct {
	Body      string
	StatusURL string
}

// Receive stores an inbound message once (Twilio retries are recognised by
// MessageSid), links it to the contact with that number, records STOP and
// START keywords as consent changes, and returns the reply to send, if any.
// acct is the company's, already loaded by the webhook router to verify the
// request.
func (s *Service) Receive(ctx context.Context, acct telephony.Account, in Inbound) (reply Reply, err error) {
	err = s.db.InTenant(ctx, acct.CompanyID, func(q *db.Q) error {
		reply, _, err = s.receive(ctx, q, acct, in)
		return err
	})
	return reply, err
}

// receive is Receive inside a tenant transaction; it also returns the
// stored message's id (uuid.Nil for a retry of a stored one).
func (s *Service) receive(ctx context.Context, q *db.Q, acct telephony.Account, in Inbound) (reply Reply, id uuid.UUID, err error) {
	companyID := acct.CompanyID
	num, err := s.tel.NumberByE164(ctx, q, companyID, in.To)
	if err != nil {
		return Reply{}, uuid.Nil, err
	}
	var fe errs.Fields
	from := in.From
	if p := contacts.NormalizePhone("From", in.From, &fe); p != nil {
		from = *p
	}
	sender := telephony.Recipient{Phone: from}
	if err := sender.Resolve(ctx, q, companyID); err != nil {
		return Reply{}, uuid.Nil, err
	}
	contactID := sender.ContactID
	thread, err := s.thread(ctx, q, companyID, contactID, from)
	if err != nil {
		return Reply{}, uuid.Nil, err
	}
	keyword := strings.ToUpper(strings.TrimSpace(in.Body))
	sid := in.SID
	media := in.MediaURLs
	if media == nil {
		media = []string{}
	}
	id, err = q.InsertMessage(ctx, dbq.InsertMessageParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), ThreadID: thread,
		ContactID: contactID, PhoneNumberID: &num.ID, Direction: "inbound", FromNumber: from, ToNumber: num.Number,
		Body: in.Body, MediaUrls: media, Segments: int32(Segments(in.Body)), Status: "received", TwilioSid: &sid,
		Simulated: in.Simulated})
	if db.IsNotFound(err) {
		// A retry of a message already stored: it was answered the first
		// time, so this answer is empty and nothing is sent twice.
		return Reply{}, uuid.Nil, nil
	} else if err != nil {
		return reply, uuid.Nil, fmt.Errorf("store inbound message: %w", err)
	}
	body := in.Body
	if body == "" && len(media) > 0 {
		body = "📎 media"
	}
	if err := s.touch(ctx, q, companyID, thread, s.now(), body, "inbound", from); err != nil {
		return reply, uuid.Nil, err
	}
	if err := q.CountUnread(ctx, dbq.CountUnreadParams{CompanyID: companyID, ID: thread}); err != nil {
		return reply, uuid.Nil, fmt.Errorf("count unread: %w", err)
	}
	action := ""
	switch {
	case stopWords[keyword]:
		action = "opt_out"
	case startWords[keyword]:
		action = "opt_in"
	}
	if action != "" {
		err := q.InsertConsent(ctx, dbq.InsertConsentParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), Phone: from,
			ContactID: contactID, PhoneNumberID: &num.ID, Number: num.Number, Action: action, Source: "keyword", Keyword: keyword})
		if err != nil {
			return reply, uuid.Nil, fmt.Errorf("record consent: %w", err)
		}
	}
	if keyword == "HELP" || keyword == "INFO" {
		if reply, err = s.helpReply(ctx, q, acct, num, from, in); err != nil {
			return Reply{}, uuid.Nil, err
		}
	}
	if reply.Body != "" {
		// The reply goes back in Twilio's answer to this webhook, which
		// hands it to Twilio (status callbacks follow); it is kept in the
		// thread like any message. The simulator just calls it sent.
		replyID := uuid.NewSHA1(replyNamespace, []byte(companyID.String()+"/"+in.SID))
		status := "sending"
		if in.Simulated {
			status = "sent"
		}
		_, err := q.InsertMessage(ctx, dbq.InsertMessageParams{CompanyID: companyID, ID: replyID, ThreadID: thread,
			ContactID: contactID, PhoneNumberID: &num.ID, Direction: "outbound", FromNumber: num.Number, ToNumber: from,
			Body: reply.Body, MediaUrls: []string{}, Segments: int32(Segments(reply.Body)), Status: status, Automated: true, Simulated: in.Simulated})
		if err != nil {
			return reply, uuid.Nil, fmt.Errorf("store help reply: %w", err)
		}
	}
	return reply, id, nil
}

// helpReply is the answer to HELP, unless it may not go out: the sender is
// in a country the company does not text, or the company has sent its
// daily cap of texts (the reply costs what any text does, and HELP from many
// numbers is how SMS pumping would use it). It is an automated send, but
// answers the person at once, quiet hours or not: they just asked.
func (s *Service) helpReply(ctx context.Context, q *db.Q, acct telephony.Account, num telephony.PhoneNumber, from string, in Inbound) (Reply, error) {
	if ok, err := s.tel.DestinationAllowedTx(ctx, q, acct.CompanyID, from); err != nil || !ok {
		return Reply{}, err
	}
	if err := s.tel.CountSMSTx(ctx, q, acct); errs.CodeOf(err) == errs.Throttled {
		return Reply{}, nil
	} else if err != nil {
		return Reply{}, err
	}
	r := Reply{Body: acct.HelpReply}
	if r.Body == "" {
		r.Body = DefaultHelpReply
	}
	if !in.Simulated {
		replyID := uuid.NewSHA1(replyNamespace, []byte(acct.CompanyID.String()+"/"+in.SID))
		r.StatusURL = s.statusCallback(num.Number, replyID)
	}
	return r, nil
}

// StatusUpdate is Twilio's report on a sent message.
type StatusUpdate struct {
	MessageID    uuid.UUID // from the callback URL the server gave Twilio
	SID          string
	Status       string
	ErrorCode    *int32
	ErrorMessage string
}

// ParseStatus reads a status callback.
func ParseStatus(query, form url.Values) (StatusUpdate, error) {
	u := StatusUpdate{SID: form.Get("MessageSid"), Status: fromTwilio(form.Get("MessageStatus"))}
	id, err := uuid.Parse(query.Get("message"))
	if err != nil || u.SID == "" || u.Status == "" {
		return u, errs.E(errs.Invalid, "message, MessageSid and a known MessageStatus are required")
	}
	u.MessageID = id
	if c, err := strconv.Atoi(form.Get("ErrorCode")); err == nil && c > 0 {
		code := int32(c)
		u.ErrorCode = &code
		u.ErrorMessage = form.Get("ErrorMessage")
		if u.ErrorMessage == "" {
			u.ErrorMessage = "Twilio error " + strconv.Itoa(c)
		}
	}
	return u, nil
}

// UpdateStatus applies a status callback; older news than the message's
// status changes nothing. A message of another company is not found.
func (s *Service) UpdateStatus(ctx context.Context, companyID uuid.UUID, u StatusUpdate) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		m, err := q.LockMessage(ctx, dbq.LockMessageParams{CompanyID: companyID, ID: u.MessageID})
		if db.IsNotFound(err) {
			return errs.NotFoundf("message not found")
		} else if err != nil {
			return fmt.Errorf("load message %s: %w", u.MessageID, err)
		}
		if m.TwilioSid != nil && *m.TwilioSid != u.SID {
			return errs.NotFoundf("message not found")
		}
		return s.advance(ctx, q, m, u.Status, &u.SID, u.ErrorCode, u.ErrorMessage)
	})
}

// ConsentInput opts a contact or number out or back in by hand.
type ConsentInput struct {
	ContactID string         `json:"contact_id,omitempty" maxLength:"64"`
	Phone     string         `json:"phone,omitempty" maxLength:"40"`
	Action    string         `json:"action" enum:"opt_out,opt_in"`
	Evidence  *EvidenceInput `json:"evidence,omitempty" doc:"Required to opt in: how, when and in what words the person agreed. Who recorded it is the caller."`
}

// EvidenceInput is the evidence of a manual opt-in; every field is required.
type EvidenceInput struct {
	Method      string     `json:"method,omitempty" maxLength:"20" doc:"paper_form, verbal_on_call, web_form, email or in_person."`
	ConsentedAt *time.Time `json:"consented_at,omitempty" doc:"When the person agreed; not in the future."`
	Statement   string     `json:"statement,omitempty" maxLength:"2000" doc:"What the person said or signed, in their words."`
}

// evidenceMethods are the ways a person can agree to texts other than
// texting START.
var evidenceMethods = map[string]bool{"paper_form": true, "verbal_on_call": true, "web_form": true, "email": true, "in_person": true}

// evidence checks a manual change's evidence: an opt-in needs all of it (the
// law asks the sender to prove consent; a member's click is no proof), an
// opt-out none (stopping texts needs no reason).
func (s *Service) evidence(action string, ev *EvidenceInput, fe *errs.Fields) (method, statement string, at *time.Time) {
	if action != "opt_in" {
		if ev != nil {
			fe.Add("body.evidence", "only an opt-in takes evidence; an opt-out needs none", "")
		}
		return "", "", nil
	}
	if ev == nil {
		ev = &EvidenceInput{}
	}
	const why = "is required to opt someone back in: record how, when and in what words they agreed (or ask them to text START)"
	switch {
	case ev.Method == "":
		fe.Add("body.evidence.method", why, "")
	case !evidenceMethods[ev.Method]:
		fe.Add("body.evidence.method", "must be paper_form, verbal_on_call, web_form, email or in_person", ev.Method)
	}
	switch {
	case ev.ConsentedAt == nil || ev.ConsentedAt.IsZero():
		fe.Add("body.evidence.consented_at", why, nil)
	case ev.ConsentedAt.After(s.now().Add(5 * time.Minute)):
		fe.Add("body.evidence.consented_at", "must not be in the future", ev.ConsentedAt)
	}
	statement = strings.TrimSpace(ev.Statement)
	switch {
	case statement == "":
		fe.Add("body.evidence.statement", why, ev.Statement)
	case strings.ContainsRune(statement, 0) || len([]rune(statement)) > 2000:
		fe.Add("body.evidence.statement", "must be text of at most 2000 characters", len(ev.Statement))
	}
	return ev.Method, statement, ev.ConsentedAt
}

// AddConsent records a manual opt-out, or an opt-in with its evidence; caller
// is recorded as who made the change.
func (s *Service) AddConsent(ctx context.Context, companyID, caller uuid.UUID, in ConsentInput) (*Consent, error) {
	var fe errs.Fields
	var phone *string
	var contactID *uuid.UUID
	switch {
	case in.ContactID != "" && in.Phone != "":
		fe.Add("body.phone", "give contact_id or phone, not both", in.Phone)
	case in.ContactID != "":
		if id, err := uuid.Parse(in.ContactID); err == nil {
			contactID = &id
		} else {
			fe.Add("body.contact_id", "must be a contact of the company", in.ContactID)
		}
	case in.Phone != "":
		phone = contacts.NormalizePhone("body.phone", in.Phone, &fe)
	default:
		fe.Add("body.phone", "give contact_id or phone", "")
	}
	if in.Action != "opt_out" && in.Action != "opt_in" {
		fe.Add("body.action", "must be opt_out or opt_in", in.Action)
	}
	method, statement, consentedAt := s.evidence(in.Action, in.Evidence, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *Consent
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if contactID != nil {
			c, err := q.ContactPhone(ctx, dbq.ContactPhoneParams{CompanyID: companyID, ID: *contactID})
			if db.IsNotFound(err) {
				return errs.Field("body.contact_id", "must be a contact of the company", in.ContactID)
			} else if err != nil {
				return fmt.Errorf("load contact: %w", err)
			}
			if c.Phone == nil {
				return errs.Field("body.contact_id", "has no phone number", in.ContactID)
			}
			phone = c.Phone
		}
		id := uuid.Must(uuid.NewV7())
		if err := q.InsertConsent(ctx, dbq.InsertConsentParams{CompanyID: companyID, ID: id, Phone: *phone, ContactID: contactID,
			Action: in.Action, Source: "manual", CreatedBy: &caller, EvidenceMethod: method, EvidenceStatement: statement,
			ConsentedAt: consentedAt}); err != nil {
			return fmt.Errorf("record consent: %w", err)
		}
		rows, err := q.ListConsents(ctx, dbq.ListConsentsParams{CompanyID: companyID, ID: &id})
		if err != nil {
			return fmt.Errorf("load consent %s: %w", id, err)
		}
		c := consentFromRow(rows[0]) // inserted just above, in this transaction
		out = &c
		return nil
	})
	return out, err
}

// Consents lists the consent records of a number or a contact, newest first.
func (s *Service) Consents(ctx context.Context, companyID uuid.UUID, phone string, contactID *uuid.UUID) ([]Consent, error) {
	var fe errs.Fields
	var p *string
	if phone != "" {
		p = contacts.NormalizePhone("query.phone", phone, &fe)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	out := []Consent{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.ListConsents(ctx, dbq.ListConsentsParams{CompanyID: companyID, Phone: p, ContactID: contactID})
		if err != nil {
			return fmt.Errorf("list consents: %w", err)
		}
		for _, r := range rows {
			out = append(out, consentFromRow(r))
		}
		return nil
	})
	return out, err
}

func consentFromRow(r dbq.ListConsentsRow) Consent {
	c := Consent{ID: r.ID, Phone: r.Phone, ContactID: r.ContactID, Action: r.Action, Source: r.Source, Keyword: r.Keyword,
		Number: r.Number, CreatedByName: r.CreatedByName, CreatedAt: r.CreatedAt}
	if r.EvidenceMethod != "" && r.ConsentedAt != nil {
		c.Evidence = &Evidence{Method: r.EvidenceMethod, ConsentedAt: *r.ConsentedAt, Statement: r.EvidenceStatement}
	}
	return c
}

// SimulateInput fakes an inbound message in simulator mode.
type SimulateInput struct {
	From       string `json:"from" minLength:"1" maxLength:"40"`
	ToNumberID string `json:"to_number_id" maxLength:"64"`
	Body       string `json:"body" maxLength:"1600"`
}

// SimulateInbound receives a made-up message, as if Twilio had delivered it.
func (s *Service) SimulateInbound(ctx context.Context, companyID uuid.UUID, in SimulateInput) (*Message, error) {
	var out Message
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		acct, from, to, err := s.tel.SimulatedInbound(ctx, q, companyID, in.From, in.ToNumberID)
		if err != nil {
			return err
		}
		_, id, err := s.receive(ctx, q, acct, Inbound{SID: telephony.NewSID("SM"), From: from, To: to.Number, Body: in.Body, Simulated: true})
		if err != nil {
			return err
		}
		out, err = getMessage(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
