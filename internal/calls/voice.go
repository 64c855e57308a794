package calls

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/telephony"
)

// Voice webhook kinds, one per path under /webhooks/twilio/voice.
const (
	VoiceIncoming   = "incoming"    // a call to a company number
	VoiceConnect    = "connect"     // the member answered a click-to-call
	VoiceDialResult = "dial-result" // the member's phone rang out on an inbound call
	VoiceStatus     = "status"      // call status callback
	VoiceRecording  = "recording"   // recording status callback
	VoiceNotice     = "notice"      // said to the contact before a recorded click-to-call connects
)

// ringSeconds is how long an inbound call rings the member before voicemail.
const ringSeconds = 20

// Voice handles a verified voice webhook for the company acct belongs to
// and returns the TwiML to answer with.
func (s *Service) Voice(ctx context.Context, acct telephony.Account, kind string, query, form url.Values) (string, error) {
	companyID := acct.CompanyID
	var out string
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		switch kind {
		case VoiceIncoming:
			out, err = s.incoming(ctx, q, acct, form, false)
		case VoiceConnect:
			out, err = s.connect(ctx, q, acct, query)
		case VoiceNotice:
			if _, err = findCall(ctx, q, companyID, query, nil); err == nil {
				out = twiml(say(acct.Notice()))
			}
		case VoiceDialResult:
			out, err = s.dialResult(ctx, q, acct, query, form)
		case VoiceStatus:
			out, err = s.status(ctx, q, companyID, query, form)
		case VoiceRecording:
			out, err = s.recording(ctx, q, companyID, query, form)
		default:
			err = errs.NotFoundf("unknown voice webhook")
		}
		return err
	})
	return out, err
}

// findCall finds the call a callback is about: by the call id the server put
// in the callback URL, else by Twilio's CallSid.
func findCall(ctx context.Context, q *db.Q, companyID uuid.UUID, query, form url.Values) (dbq.Call, error) {
	if id, err := uuid.Parse(query.Get("call")); err == nil {
		c, err := q.LockCall(ctx, dbq.LockCallParams{CompanyID: companyID, ID: id})
		if db.IsNotFound(err) {
			return c, errs.NotFoundf("call not found")
		}
		return c, err
	}
	sid := form.Get("CallSid")
	if sid == "" {
		return dbq.Call{}, errs.NotFoundf("call not found")
	}
	c, err := q.CallBySid(ctx, dbq.CallBySidParams{CompanyID: companyID, TwilioSid: &sid})
	if db.IsNotFound(err) {
		return c, errs.NotFoundf("call not found")
	}
	return c, err
}

func (s *Service) incoming(ctx context.Context, q *db.Q, acct telephony.Account, form url.Values, simulated bool) (string, error) {
	companyID := acct.CompanyID
	sid, to := form.Get("CallSid"), form.Get("To")
	if sid == "" || to == "" || form.Get("From") == "" {
		return "", errs.E(errs.Invalid, "CallSid, From and To are required")
	}
	num, err := s.tel.NumberByE164(ctx, q, companyID, to)
	if err != nil {
		return "", err
	}
	var fe errs.Fields
	from := form.Get("From")
	if p := contacts.NormalizePhone("From", from, &fe); p != nil {
		from = *p
	}
	c, err := q.CallBySid(ctx, dbq.CallBySidParams{CompanyID: companyID, TwilioSid: &sid})
	if db.IsNotFound(err) {
		caller := telephony.Recipient{Phone: from}
		if err := caller.Resolve(ctx, q, companyID); err != nil {
			return "", err
		}
		id := uuid.Must(uuid.NewV7())
		err = q.InsertCall(ctx, dbq.InsertCallParams{CompanyID: companyID, ID: id, ContactID: caller.ContactID, PhoneNumberID: &num.ID,
			UserID: num.UserID, Direction: "inbound", FromNumber: from, ToNumber: num.Number, Status: "ringing", TwilioSid: &sid,
			Simulated: simulated})
		if err != nil {
			return "", fmt.Errorf("store inbound call: %w", err)
		}
		c.ID = id
	} else if err != nil {
		return "", fmt.Errorf("find call %s: %w", sid, err)
	}
	ring := ""
	if num.UserID != nil {
		if ring, err = s.tel.UserPhone(ctx, q, companyID, *num.UserID); err != nil {
			return "", err
		}
	}
	if ring != "" {
		// Forwarding to the member's phone is a call the company pays for.
		if ok, err := s.tel.DestinationAllowedTx(ctx, q, companyID, ring); err != nil {
			return "", err
		} else if !ok {
			ring = ""
		}
	}
	if ring == "" {
		return s.voicemail(acct, num.Number, c.ID), nil
	}
	d := dial{Timeout: ringSeconds, CallerID: from,
		Action: s.callback("/webhooks/twilio/voice/dial-result", num.Number, c.ID), Number: number{Value: ring}}
	if !acct.RecordCalls {
		return twiml(d), nil
	}
	// The caller hears the notice before the member's phone rings.
	d.Record, d.RecordingStatusCallback = "record-from-answer-dual", s.callback("/webhooks/twilio/voice/recording", num.Number, c.ID)
	return twiml(say(acct.Notice()), d), nil
}

func (s *Service) voicemail(acct telephony.Account, number string, callID uuid.UUID) string {
	return twiml(say(acct.Greeting()),
		record{MaxLength: 120, PlayBeep: true,
			RecordingStatusCallback: s.callback("/webhooks/twilio/voice/recording", number, callID, "voicemail", "1")},
		hangup{})
}

func (s *Service) connect(ctx context.Context, q *db.Q, acct telephony.Account, query url.Values) (string, error) {
	c, err := findCall(ctx, q, acct.CompanyID, query, nil)
	if err != nil {
		return "", err
	}
	if c.Direction != "outbound" {
		return "", errs.NotFoundf("call not found")
	}
	d := dial{CallerID: c.FromNumber, Number: number{Value: c.ToNumber}}
	if acct.RecordCalls {
		// Twilio says the notice (VoiceNotice) to the contact when they
		// answer, before the two are connected and recording starts.
		d.Record, d.RecordingStatusCallback = "record-from-answer-dual", s.callback("/webhooks/twilio/voice/recording", c.FromNumber, c.ID)
		d.Number.URL = s.callback("/webhooks/twilio/voice/notice", c.FromNumber, c.ID)
	}
	return twiml(say("Connecting your call."), d), nil
}

func (s *Service) dialResult(ctx context.Context, q *db.Q, acct telephony.Account, query, form url.Values) (string, error) {
	c, err := findCall(ctx, q, acct.CompanyID, query, form)
	if err != nil {
		return "", err
	}
	if form.Get("DialCallStatus") == "completed" {
		d, _ := strconv.Atoi(form.Get("DialCallDuration"))
		if err := s.advance(ctx, q, c, progress{Status: "completed", Duration: d, AnsweredBy: "user"}); err != nil {
			return "", err
		}
		return twiml(hangup{}), nil
	}
	return s.voicemail(acct, c.ToNumber, c.ID), nil
}

func (s *Service) status(ctx context.Context, q *db.Q, companyID uuid.UUID, query, form url.Values) (string, error) {
	c, err := findCall(ctx, q, companyID, query, form)
	if err != nil {
		return "", err
	}
	st := form.Get("CallStatus")
	if _, ok := rank[st]; !ok {
		return "", errs.E(errs.Invalid, "unknown CallStatus %q", st)
	}
	d, _ := strconv.Atoi(form.Get("CallDuration"))
	if sid := form.Get("CallSid"); sid != "" && c.TwilioSid == nil {
		if err := q.SetCallSid(ctx, dbq.SetCallSidParams{CompanyID: companyID, ID: c.ID, TwilioSid: &sid, Status: c.Status}); err != nil {
			return "", fmt.Errorf("store call sid: %w", err)
		}
	}
	return twiml(), s.advance(ctx, q, c, progress{Status: st, Duration: d})
}

func (s *Service) recording(ctx context.Context, q *db.Q, companyID uuid.UUID, query, form url.Values) (string, error) {
	c, err := findCall(ctx, q, companyID, query, form)
	if err != nil {
		return "", err
	}
	u := form.Get("RecordingUrl")
	if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" || len(u) > 2000 {
		return "", errs.E(errs.Invalid, "RecordingUrl must be an https URL")
	}
	d, _ := strconv.Atoi(form.Get("RecordingDuration"))
	voicemail := query.Get("voicemail") == "1"
	err = q.SetCallRecording(ctx, dbq.SetCallRecordingParams{CompanyID: companyID, ID: c.ID, RecordingSid: form.Get("RecordingSid"),
		RecordingUrl: u, RecordingDuration: int32(d), Voicemail: voicemail})
	if err != nil {
		return "", fmt.Errorf("store recording of call %s: %w", c.ID, err)
	}
	return twiml(), nil
}

// Recording returns a call's recording: fetched from Twilio with the
// company's credentials, or a generated tone for a simulated call.
func (s *Service) Recording(ctx context.Context, companyID, id uuid.UUID, tw *telephony.Twilio) (io.ReadCloser, string, error) {
	var rec dbq.GetCallsByIDsRow
	var acct telephony.Account
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.GetCallsByIDs(ctx, dbq.GetCallsByIDsParams{CompanyID: companyID, Ids: []uuid.UUID{id}})
		if err != nil {
			return fmt.Errorf("load call %s: %w", id, err)
		}
		if len(rows) == 0 {
			return errs.NotFoundf("call not found")
		}
		rec = rows[0]
		if rec.RecordingUrl == "" || rec.RecordingUrl == simulatedRecording {
			return nil
		}
		acct, err = s.tel.AccountIn(ctx, q, companyID)
		return err
	})
	switch {
	case err != nil:
		return nil, "", err
	case rec.RecordingUrl == "":
		return nil, "", errs.NotFoundf("this call has no recording")
	case rec.RecordingUrl == simulatedRecording:
		return io.NopCloser(bytes.NewReader(tone(int(rec.RecordingDuration)))), "audio/wav", nil
	}
	resp, err := tw.Recording(ctx, acct, rec.RecordingUrl)
	if err != nil {
		return nil, "", errs.E(errs.Upstream, "could not fetch the recording from Twilio")
	}
	ct := resp.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "audio/") {
		ct = "audio/wav"
	}
	return resp.Body, ct, nil
}

// tone is a quiet 440 Hz WAV of up to three seconds: the simulator's stand-in
// for a recording.
func tone(seconds int) []byte {
	seconds = max(1, min(seconds, 3))
	const rate = 8000
	n := rate * seconds
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + n*2))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(1))
	w(uint32(rate))
	w(uint32(rate * 2))
	w(uint16(2))
	w(uint16(16))
	b.WriteString("data")
	w(uint32(n * 2))
	for i := range n {
		w(int16(3000 * math.Sin(2*math.Pi*440*float64(i)/rate)))
	}
	return b.Bytes()
}

// SimulateInbound fakes an inbound call in simulator mode: it goes through
// the same path as Twilio's webhook, then progresses like a real call.
func (s *Service) SimulateInbound(ctx context.Context, companyID uuid.UUID, in SimulateInput) (*Call, error) {
	var id uuid.UUID
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		acct, from, num, err := s.tel.SimulatedInbound(ctx, q, companyID, in.From, in.ToNumberID)
		if err != nil {
			return err
		}
		sid := telephony.NewSID("CA")
		form := url.Values{"CallSid": {sid}, "From": {from}, "To": {num.Number}}
		if _, err := s.incoming(ctx, q, acct, form, true); err != nil {
			return err
		}
		c, err := q.CallBySid(ctx, dbq.CallBySidParams{CompanyID: companyID, TwilioSid: &sid})
		if err != nil {
			return fmt.Errorf("load simulated call: %w", err)
		}
		id = c.ID
		return s.simulate(ctx, q, companyID, id, in.Answered)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, companyID, id)
}

// TwiML, written with encoding/xml so every value is escaped.

type verb interface{ isVerb() }

type sayVerb struct {
	XMLName xml.Name `xml:"Say"`
	Text    string   `xml:",chardata"`
}

func say(text string) sayVerb { return sayVerb{Text: text} }

type dial struct {
	XMLName                 xml.Name `xml:"Dial"`
	Timeout                 int      `xml:"timeout,attr,omitempty"`
	CallerID                string   `xml:"callerId,attr,omitempty"`
	Action                  string   `xml:"action,attr,omitempty"`
	Record                  string   `xml:"record,attr,omitempty"`
	RecordingStatusCallback string   `xml:"recordingStatusCallback,attr,omitempty"`
	Number                  number
}

// number is Dial's Number; Twilio fetches URL's TwiML and says it to the
// called party when they answer, before connecting the call.
type number struct {
	XMLName xml.Name `xml:"Number"`
	URL     string   `xml:"url,attr,omitempty"`
	Value   string   `xml:",chardata"`
}

type record struct {
	XMLName                 xml.Name `xml:"Record"`
	MaxLength               int      `xml:"maxLength,attr"`
	PlayBeep                bool     `xml:"playBeep,attr"`
	RecordingStatusCallback string   `xml:"recordingStatusCallback,attr"`
}

type hangup struct {
	XMLName xml.Name `xml:"Hangup"`
}

func (sayVerb) isVerb() {}
func (dial) isVerb()    {}
func (record) isVerb()  {}
func (hangup) isVerb()  {}

type response struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []verb
}

func twiml(verbs ...verb) string {
	out, err := xml.Marshal(response{Verbs: verbs})
	if err != nil {
		panic(fmt.Sprintf("twiml: %v", err)) // only constant structs reach here
	}
	return xml.Header + string(out)
}
