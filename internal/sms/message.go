package sms

import (
	"time"
	"unicode/utf16"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db/dbq"
)

// MaxBody is Twilio's limit on a message body.
const MaxBody = 1600

// Message is one text message, sent or received.
type Message struct {
	ID            uuid.UUID  `json:"id" format:"uuid"`
	ThreadID      uuid.UUID  `json:"thread_id" format:"uuid"`
	ContactID     *uuid.UUID `json:"contact_id" nullable:"true" format:"uuid"`
	PhoneNumberID *uuid.UUID `json:"phone_number_id" nullable:"true" format:"uuid" doc:"The company number it went through."`
	Direction     string     `json:"direction" enum:"inbound,outbound"`
	From          string     `json:"from"`
	To            string     `json:"to"`
	Body          string     `json:"body"`
	MediaURLs     []string   `json:"media_urls" doc:"MMS media, as Twilio hosts them."`
	Segments      int        `json:"segments"`
	Status        string     `json:"status" enum:"queued,sending,sent,delivered,undelivered,failed,received"`
	ErrorCode     *int       `json:"error_code" nullable:"true" doc:"Twilio's error code of a failed or undelivered message."`
	ErrorMessage  string     `json:"error_message"`
	Automated     bool       `json:"automated" doc:"Sent by an integration (an API token) or by the server itself (the HELP reply), as the server decided; automated sends wait for the end of quiet hours."`
	SentBy        *uuid.UUID `json:"sent_by" nullable:"true" format:"uuid"`
	SentByName    string     `json:"sent_by_name"`
	Simulated     bool       `json:"simulated" doc:"Handled by the built-in simulator; nothing really went out."`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func messageFromRow(r dbq.GetMessagesRow) Message {
	m := Message{ID: r.ID, ThreadID: r.ThreadID, ContactID: r.ContactID, PhoneNumberID: r.PhoneNumberID, Direction: r.Direction,
		From: r.FromNumber, To: r.ToNumber, Body: r.Body, MediaURLs: r.MediaUrls, Segments: int(r.Segments), Status: r.Status,
		ErrorMessage: r.ErrorMessage, Automated: r.Automated, SentBy: r.SentBy, SentByName: r.SentByName, Simulated: r.Simulated,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.ErrorCode != nil {
		c := int(*r.ErrorCode)
		m.ErrorCode = &c
	}
	if m.MediaURLs == nil {
		m.MediaURLs = []string{}
	}
	return m
}

// Thread is the conversation with one contact across all of the company's
// numbers (or with one unknown number).
type Thread struct {
	ID            uuid.UUID  `json:"id" format:"uuid"`
	ContactID     *uuid.UUID `json:"contact_id" nullable:"true" format:"uuid" doc:"Null when the other party is not a contact."`
	ContactName   string     `json:"contact_name"`
	Phone         string     `json:"phone" doc:"The other party's number, as last used."`
	LastMessageAt time.Time  `json:"last_message_at"`
	LastBody      string     `json:"last_body"`
	LastDirection string     `json:"last_direction" enum:"inbound,outbound"`
	UnreadCount   int        `json:"unread_count"`
	OptedOut      bool       `json:"opted_out" doc:"The other party replied STOP (or was opted out by hand); sends are refused."`
}

func threadFromRow(r dbq.GetThreadRow) Thread {
	return Thread{ID: r.ID, ContactID: r.ContactID, ContactName: r.ContactName, Phone: r.Phone, LastMessageAt: r.LastMessageAt,
		LastBody: r.LastBody, LastDirection: r.LastDirection, UnreadCount: int(r.UnreadCount), OptedOut: r.OptedOut}
}

// Consent is one opt-out or opt-in.
type Consent struct {
	ID            uuid.UUID  `json:"id" format:"uuid"`
	Phone         string     `json:"phone"`
	ContactID     *uuid.UUID `json:"contact_id" nullable:"true" format:"uuid"`
	Action        string     `json:"action" enum:"opt_out,opt_in"`
	Source        string     `json:"source" enum:"keyword,manual" doc:"keyword: the person texted STOP, START and the like; manual: a member changed it."`
	Keyword       string     `json:"keyword"`
	Number        string     `json:"number" doc:"The company number the keyword came in on; empty for manual changes."`
	CreatedByName string     `json:"created_by_name" doc:"Who recorded a manual change."`
	CreatedAt     time.Time  `json:"created_at"`
	Evidence      *Evidence  `json:"evidence,omitempty" doc:"How a manual opt-in was given; absent for keywords and opt-outs."`
}

// Evidence is the record of a person's agreement to receive texts, given
// other than by texting START.
type Evidence struct {
	Method      string    `json:"method" enum:"paper_form,verbal_on_call,web_form,email,in_person" doc:"How the person agreed."`
	ConsentedAt time.Time `json:"consented_at" doc:"When they agreed."`
	Statement   string    `json:"statement" minLength:"1" maxLength:"2000" doc:"What they said or signed, in their words."`
}

// ThreadPage is a page of threads, most recent first.
type ThreadPage struct {
	Items      []Thread `json:"items"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// MessagePage is a page of a thread's messages, newest first.
type MessagePage struct {
	Items      []Message `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// SendInput sends a message to a contact or a number.
type SendInput struct {
	ContactID    string `json:"contact_id,omitempty" maxLength:"64" doc:"Give contact_id or to."`
	To           string `json:"to,omitempty" maxLength:"40"`
	FromNumberID string `json:"from_number_id,omitempty" maxLength:"64" doc:"Default: the number assigned to the caller, else the company's first."`
	Body         string `json:"body" maxLength:"1600" doc:"1 to 1600 characters."`
	Automated    bool   `json:"automated,omitempty" deprecated:"true" doc:"Ignored. The server decides: a send through an API token (an integration) is automated and waits while the company's quiet hours last; one typed by a signed-in member is not."`
}

// gsm7 is the GSM 03.38 basic character set; ext are its extension table,
// which take two septets each.
const (
	gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	ext  = "^{}\\[~]|€\f"
)

var gsmSet, extSet = runeSet(gsm7), runeSet(ext)

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// Segments is how many SMS segments body takes: GSM-7 fits 160 septets in
// one and 153 in each part of a longer message; anything else is UCS-2,
// 70 code units in one and 67 per part.
func Segments(body string) int {
	septets, gsm := 0, true
	for _, r := range body {
		switch {
		case gsmSet[r]:
			septets++
		case extSet[r]:
			septets += 2
		default:
			gsm = false
		}
	}
	if gsm {
		return parts(septets, 160, 153)
	}
	return parts(len(utf16.Encode([]rune(body))), 70, 67)
}

func parts(n, single, multi int) int {
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}

// Status order: a status callback only ever moves a message forward, so a
// late "sent" never overwrites "delivered".
var rank = map[string]int{"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "undelivered": 3, "failed": 3, "received": 3}

// fromTwilio maps Twilio's message statuses onto ours.
func fromTwilio(s string) string {
	switch s {
	case "accepted", "scheduled", "queued", "sending":
		return "sending"
	case "sent":
		return "sent"
	case "delivered", "read":
		return "delivered"
	case "undelivered":
		return "undelivered"
	case "failed", "canceled":
		return "failed"
	}
	return ""
}
