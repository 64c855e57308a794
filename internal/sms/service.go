// Package sms owns text messages: sending through each company's Twilio
// number (queued, rate-limited per number, quiet hours for automated sends),
// inbound messages and status callbacks from the webhook router, threads per
// contact, and the opt-out records the STOP keywords leave.
package sms

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/jobs"
	"github.com/salescrm/crm/internal/telephony"
)

// Service manages text messages. Every method takes the company first.
type Service struct {
	db       *db.DB
	tel      *telephony.Service
	provider telephony.Provider
	jobs     *jobs.Client
	now      func() time.Time
}

// NewService returns the service; SetJobs must be called before sending.
func NewService(d *db.DB, tel *telephony.Service, p telephony.Provider) *Service {
	return &Service{db: d, tel: tel, provider: p, now: time.Now}
}

// SetJobs gives the service the job client sends are queued on.
func (s *Service) SetJobs(c *jobs.Client) { s.jobs = c }

// Send stores the message as queued and, in the same transaction, enqueues
// the job that hands it to Twilio. With an idempotency key that was used
// before, it returns that message and sends nothing. automated is decided by
// the caller's kind (an integration's API token, an automation), never by
// the request: automated sends wait for the end of quiet hours. A recipient
// outside the company's countries is refused, and a send past the daily cap
// is Throttled; neither stores anything.
func (s *Service) Send(ctx context.Context, companyID, caller uuid.UUID, automated bool, in SendInput, idemKey string) (*Message, bool, error) {
	var fe errs.Fields
	body := in.Body
	if strings.TrimSpace(body) == "" {
		fe.Add("body.body", "must not be empty", body)
	} else if n := len([]rune(body)); n > MaxBody {
		fe.Add("body.body", fmt.Sprintf("must be at most %d characters (is %d)", MaxBody, n), n)
	}
	rcpt := telephony.ParseRecipient(in.ContactID, in.To, &fe)
	if len(idemKey) > 200 {
		fe.Add("header.Idempotency-Key", "must be at most 200 characters", len(idemKey))
	}
	if err := fe.Err(); err != nil {
		return nil, false, err
	}
	var out Message
	created := false
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if idemKey != "" {
			if id, err := q.MessageByIdempotencyKey(ctx, dbq.MessageByIdempotencyKeyParams{CompanyID: companyID, IdempotencyKey: &idemKey}); err == nil {
				out, err = getMessage(ctx, q, companyID, id)
				return err
			} else if !db.IsNotFound(err) {
				return fmt.Errorf("idempotency key: %w", err)
			}
		}
		acct, err := s.tel.AccountIn(ctx, q, companyID)
		if err != nil {
			return err
		}
		from, err := s.tel.FromNumber(ctx, q, companyID, caller, in.FromNumberID)
		if err != nil {
			return err
		}
		if err := rcpt.Resolve(ctx, q, companyID); err != nil {
			return err
		}
		contactID, to := rcpt.ContactID, &rcpt.Phone
		if optedOut, err := s.optedOut(ctx, q, companyID, *to); err != nil {
			return err
		} else if optedOut {
			return errs.Field("body.to", "has opted out of SMS (replied STOP); they must text START to receive messages again", *to)
		}
		if err := s.tel.CheckDestinationTx(ctx, q, companyID, "body.to", *to); err != nil {
			return err
		}
		if err := s.tel.CountSMSTx(ctx, q, acct); err != nil {
			return err
		}
		thread, err := s.thread(ctx, q, companyID, contactID, *to)
		if err != nil {
			return err
		}
		id := uuid.Must(uuid.NewV7())
		var key *string
		if idemKey != "" {
			key = &idemKey
		}
		callerID := &caller
		if caller == uuid.Nil {
			callerID = nil
		}
		got, err := q.InsertMessage(ctx, dbq.InsertMessageParams{CompanyID: companyID, ID: id, ThreadID: thread,
			ContactID: contactID, PhoneNumberID: &from.ID, Direction: "outbound", FromNumber: from.Number, ToNumber: *to,
			Body: body, MediaUrls: []string{}, Segments: int32(Segments(body)), Status: "queued", Automated: automated,
			Simulated: acct.Simulated(), IdempotencyKey: key, SentBy: callerID})
		if db.IsNotFound(err) && key != nil {
			// The same key, sent twice at once: the other request stored it.
			return errs.E(errs.Conflict, "a message with this Idempotency-Key is being sent; retry to see it")
		} else if err != nil {
			return fmt.Errorf("store message: %w", err)
		}
		if err := s.touch(ctx, q, companyID, thread, s.now(), body, "outbound", *to); err != nil {
			return err
		}
		if _, err := s.jobs.InsertTx(ctx, q.Tx, SendArgs{CompanyID: companyID, MessageID: got}, nil); err != nil {
			return fmt.Errorf("enqueue send: %w", err)
		}
		created = true
		out, err = getMessage(ctx, q, companyID, got)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return &out, created, nil
}

func (s *Service) optedOut(ctx context.Context, q *db.Q, companyID uuid.UUID, phone string) (bool, error) {
	a, err := q.LatestConsent(ctx, dbq.LatestConsentParams{CompanyID: companyID, Phone: phone})
	if db.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("consent of %s: %w", phone, err)
	}
	return a == "opt_out", nil
}

// thread finds or makes the thread with a contact (or, without one, with a
// number).
func (s *Service) thread(ctx context.Context, q *db.Q, companyID uuid.UUID, contactID *uuid.UUID, phone string) (uuid.UUID, error) {
	find := func() (uuid.UUID, error) {
		if contactID != nil {
			return q.ThreadForContact(ctx, dbq.ThreadForContactParams{CompanyID: companyID, ContactID: contactID})
		}
		return q.ThreadForPhone(ctx, dbq.ThreadForPhoneParams{CompanyID: companyID, Phone: phone})
	}
	id, err := find()
	if err == nil {
		return id, nil
	}
	if !db.IsNotFound(err) {
		return uuid.Nil, fmt.Errorf("find thread: %w", err)
	}
	id, err = q.CreateThread(ctx, dbq.CreateThreadParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), ContactID: contactID, Phone: phone})
	if db.IsNotFound(err) {
		// Made by a concurrent message a moment ago.
		id, err = find()
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("create thread: %w", err)
	}
	return id, nil
}

func (s *Service) touch(ctx context.Context, q *db.Q, companyID, thread uuid.UUID, at time.Time, body, direction, phone string) error {
	preview := body
	if r := []rune(preview); len(r) > 200 {
		preview = string(r[:200])
	}
	err := q.TouchThread(ctx, dbq.TouchThreadParams{CompanyID: companyID, ID: thread, At: at, Body: preview, Direction: direction, Phone: phone})
	if err != nil {
		return fmt.Errorf("touch thread %s: %w", thread, err)
	}
	return nil
}

func getMessage(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (Message, error) {
	rows, err := q.GetMessages(ctx, dbq.GetMessagesParams{CompanyID: companyID, Ids: []uuid.UUID{id}})
	if err != nil {
		return Message{}, fmt.Errorf("load message %s: %w", id, err)
	}
	if len(rows) == 0 {
		return Message{}, errs.NotFoundf("message not found")
	}
	return messageFromRow(rows[0]), nil
}

func pageSize(limit int) int {
	if limit <= 0 || limit > 200 {
		return 50
	}
	return limit
}

type pageCursor struct {
	At time.Time `json:"at"`
	ID uuid.UUID `json:"id"`
}

func decodeCursor(v string) (*pageCursor, error) {
	if v == "" {
		return nil, nil
	}
	var c pageCursor
	if err := cursor.Decode(v, &c); err != nil || c.ID == uuid.Nil {
		return nil, errs.Field("query.cursor", "is not a cursor from this list", v)
	}
	return &c, nil
}

// Threads lists threads, most recent first.
func (s *Service) Threads(ctx context.Context, companyID uuid.UUID, unreadOnly bool, limit int, after string) (*ThreadPage, error) {
	limit = pageSize(limit)
	c, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	out := &ThreadPage{Items: []Thread{}}
	err = s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		p := dbq.ListThreadsParams{CompanyID: companyID, UnreadOnly: unreadOnly, Lim: int32(limit + 1)}
		if c != nil {
			p.BeforeAt, p.BeforeID = &c.At, &c.ID
		}
		rows, err := q.ListThreads(ctx, p)
		if err != nil {
			return fmt.Errorf("list threads: %w", err)
		}
		for i, r := range rows {
			if i == limit {
				last := rows[i-1]
				out.NextCursor = cursor.Encode(pageCursor{At: last.LastMessageAt, ID: last.ID})
				break
			}
			out.Items = append(out.Items, threadFromRow(dbq.GetThreadRow(r)))
		}
		return nil
	})
	return out, err
}

// Thread returns one thread.
func (s *Service) Thread(ctx context.Context, companyID, id uuid.UUID) (*Thread, error) {
	var out Thread
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := q.GetThread(ctx, dbq.GetThreadParams{CompanyID: companyID, ID: id})
		if db.IsNotFound(err) {
			return errs.NotFoundf("thread not found")
		} else if err != nil {
			return fmt.Errorf("load thread %s: %w", id, err)
		}
		out = threadFromRow(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ContactThread returns the thread with a contact; not found when they
// never texted.
func (s *Service) ContactThread(ctx context.Context, companyID, contactID uuid.UUID) (*Thread, error) {
	var id uuid.UUID
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) (err error) {
		id, err = q.ThreadForContact(ctx, dbq.ThreadForContactParams{CompanyID: companyID, ContactID: &contactID})
		if db.IsNotFound(err) {
			return errs.NotFoundf("no text messages with this contact yet")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Thread(ctx, companyID, id)
}

// ThreadMessages lists a thread's messages, newest first.
func (s *Service) ThreadMessages(ctx context.Context, companyID, threadID uuid.UUID, limit int, after string) (*MessagePage, error) {
	limit = pageSize(limit)
	c, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	out := &MessagePage{Items: []Message{}}
	err = s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if _, err := q.GetThread(ctx, dbq.GetThreadParams{CompanyID: companyID, ID: threadID}); db.IsNotFound(err) {
			return errs.NotFoundf("thread not found")
		} else if err != nil {
			return fmt.Errorf("load thread %s: %w", threadID, err)
		}
		p := dbq.ListThreadMessagesParams{CompanyID: companyID, ThreadID: threadID, Lim: int32(limit + 1)}
		if c != nil {
			p.BeforeAt, p.BeforeID = &c.At, &c.ID
		}
		rows, err := q.ListThreadMessages(ctx, p)
		if err != nil {
			return fmt.Errorf("list messages: %w", err)
		}
		for i, r := range rows {
			if i == limit {
				last := rows[i-1]
				out.NextCursor = cursor.Encode(pageCursor{At: last.CreatedAt, ID: last.ID})
				break
			}
			out.Items = append(out.Items, messageFromRow(dbq.GetMessagesRow(r)))
		}
		return nil
	})
	return out, err
}

// MarkRead clears a thread's unread count.
func (s *Service) MarkRead(ctx context.Context, companyID, threadID uuid.UUID) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		n, err := q.MarkThreadRead(ctx, dbq.MarkThreadReadParams{CompanyID: companyID, ID: threadID})
		if err != nil {
			return fmt.Errorf("mark thread %s read: %w", threadID, err)
		}
		if n == 0 {
			return errs.NotFoundf("thread not found")
		}
		return nil
	})
}

// statusCallback is where Twilio reports a sent message's progress. The
// message id in the (signed) URL finds it even before its sid is stored.
func (s *Service) statusCallback(number string, messageID uuid.UUID) string {
	return s.tel.PublicURL() + "/webhooks/twilio/sms/status?" + url.Values{"number": {number}, "message": {messageID.String()}}.Encode()
}

// SendArgs is the job that hands one queued message to Twilio.
type SendArgs struct {
	CompanyID uuid.UUID `json:"company_id"`
	MessageID uuid.UUID `json:"message_id"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "sms.send" }

// TenantID implements jobs.TenantArgs.
func (a SendArgs) TenantID() uuid.UUID { return a.CompanyID }

// InsertOpts implements river.JobArgsWithInsertOpts: sends have their own
// queue, since they wait in their worker for their number's send slot.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, Queue: jobs.QueueSMS}
}
