// Package calls owns phone calls: click-to-call (Twilio rings the member's
// own phone, then connects the contact with the company number as caller
// ID), inbound calls that ring the number's member and fall back to
// voicemail, the status and recording callbacks, notes that become a call
// activity, and the call log.
package calls

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/jobs"
	"github.com/salescrm/crm/internal/telephony"
	"github.com/salescrm/crm/internal/zone"
)

// Service manages calls. Every method takes the company first.
type Service struct {
	db       *db.DB
	tel      *telephony.Service
	provider telephony.Provider
	jobs     *jobs.Client
	now      func() time.Time
}

// NewService returns the service; SetJobs must be called before calling.
func NewService(d *db.DB, tel *telephony.Service, p telephony.Provider) *Service {
	return &Service{db: d, tel: tel, provider: p, now: time.Now}
}

// SetJobs gives the service the job client the simulator runs on.
func (s *Service) SetJobs(c *jobs.Client) { s.jobs = c }

// callback is a webhook URL for one call: the company number routes it and
// the call id finds the call before Twilio's sid is stored.
func (s *Service) callback(path, number string, callID uuid.UUID, extra ...string) string {
	v := url.Values{"number": {number}, "call": {callID.String()}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return s.tel.PublicURL() + path + "?" + v.Encode()
}

// Start places a click-to-call: Twilio first rings the caller's own phone,
// and when they answer, dials the contact with the company number as
// caller ID (see Connect). Both numbers must be in the company's countries,
// and the call counts against the company's daily cap (Throttled past it).
func (s *Service) Start(ctx context.Context, companyID, caller uuid.UUID, in Input) (*Call, error) {
	var fe errs.Fields
	rcpt := telephony.ParseRecipient(in.ContactID, in.To, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var (
		acct   telephony.Account
		from   telephony.PhoneNumber
		mine   string
		callID = uuid.Must(uuid.NewV7())
	)
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		if acct, err = s.tel.AccountIn(ctx, q, companyID); err != nil {
			return err
		}
		if from, err = s.tel.FromNumber(ctx, q, companyID, caller, in.FromNumberID); err != nil {
			return err
		}
		if mine, err = s.tel.UserPhone(ctx, q, companyID, caller); err != nil {
			return err
		}
		if mine == "" {
			return errs.Field("body.from", "set your phone number in Settings → Phone first: calls ring you there, then connect the contact", "")
		}
		if err := rcpt.Resolve(ctx, q, companyID); err != nil {
			return err
		}
		// Both legs cost money: the member's own phone rings first.
		if err := s.tel.CheckDestinationTx(ctx, q, companyID, "body.to", rcpt.Phone); err != nil {
			return err
		}
		if err := s.tel.CheckDestinationTx(ctx, q, companyID, "body.from", mine); err != nil {
			return err
		}
		if err := s.tel.CountCallTx(ctx, q, acct); err != nil {
			return err
		}
		return q.InsertCall(ctx, dbq.InsertCallParams{CompanyID: companyID, ID: callID, ContactID: rcpt.ContactID, PhoneNumberID: &from.ID,
			UserID: &caller, Direction: "outbound", FromNumber: from.Number, ToNumber: rcpt.Phone, Status: "queued", Simulated: acct.Simulated()})
	})
	if err != nil {
		return nil, err
	}
	var sid string
	if acct.Simulated() {
		sid = telephony.NewSID("CA")
	} else {
		sid, err = s.provider.StartCall(ctx, acct, telephony.CallRequest{From: from.Number, To: mine,
			URL:            s.callback("/webhooks/twilio/voice/connect", from.Number, callID),
			StatusCallback: s.callback("/webhooks/twilio/voice/status", from.Number, callID)})
	}
	err2 := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if err != nil {
			return q.UpdateCallProgress(ctx, dbq.UpdateCallProgressParams{CompanyID: companyID, ID: callID, Status: "failed", EndedAt: ptr(s.now())})
		}
		if err := q.SetCallSid(ctx, dbq.SetCallSidParams{CompanyID: companyID, ID: callID, TwilioSid: &sid, Status: "initiated"}); err != nil {
			return fmt.Errorf("store call sid: %w", err)
		}
		if acct.Simulated() {
			return s.simulate(ctx, q, companyID, callID, true)
		}
		return nil
	})
	if err != nil {
		var pe *telephony.ProviderError
		if errors.As(err, &pe) {
			return nil, errs.E(errs.Upstream, "Twilio refused the call: %s (error %d)", pe.Message, pe.Code)
		}
		return nil, errs.E(errs.Upstream, "could not reach Twilio to place the call")
	}
	if err2 != nil {
		return nil, err2
	}
	return s.Get(ctx, companyID, callID)
}

// Get returns one call; another company's is not found.
func (s *Service) Get(ctx context.Context, companyID, id uuid.UUID) (*Call, error) {
	var out Call
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) (err error) {
		out, err = get(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func get(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (Call, error) {
	rows, err := q.GetCallsByIDs(ctx, dbq.GetCallsByIDsParams{CompanyID: companyID, Ids: []uuid.UUID{id}})
	if err != nil {
		return Call{}, fmt.Errorf("load call %s: %w", id, err)
	}
	if len(rows) == 0 {
		return Call{}, errs.NotFoundf("call not found")
	}
	return fromRow(rows[0]), nil
}

// callsByID loads calls by id, with their contacts and members.
func callsByID(ctx context.Context, q *db.Q, companyID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]*Call, error) {
	out := map[uuid.UUID]*Call{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.GetCallsByIDs(ctx, dbq.GetCallsByIDsParams{CompanyID: companyID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("load calls: %w", err)
	}
	for _, r := range rows {
		c := fromRow(r)
		out[c.ID] = &c
	}
	return out, nil
}

// SetNotes stores a call's notes and keeps them as a call activity on the
// contact's timeline, in one transaction.
func (s *Service) SetNotes(ctx context.Context, companyID, caller uuid.UUID, id uuid.UUID, p Patch) (*Call, error) {
	if len([]rune(p.Notes)) > 20000 {
		return nil, errs.Field("body.notes", "must be at most 20000 characters", len(p.Notes))
	}
	var out Call
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if _, err := q.LockCall(ctx, dbq.LockCallParams{CompanyID: companyID, ID: id}); db.IsNotFound(err) {
			return errs.NotFoundf("call not found")
		} else if err != nil {
			return fmt.Errorf("lock call %s: %w", id, err)
		}
		c, err := get(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		activityID := c.ActivityID
		if p.Notes != "" || activityID != nil {
			user := c.UserID
			if user == nil {
				user = &caller
			}
			aid, err := activities.SaveCallNote(ctx, q, companyID, c.ActivityID, activities.CallNote{Subject: subject(c), Body: p.Notes,
				At: c.CreatedAt, ContactID: c.ContactID, UserID: user})
			if err != nil {
				return err
			}
			activityID = &aid
		}
		if err := q.SetCallNotes(ctx, dbq.SetCallNotesParams{CompanyID: companyID, ID: id, Notes: p.Notes, ActivityID: activityID}); err != nil {
			return fmt.Errorf("save notes of call %s: %w", id, err)
		}
		c.Notes, c.ActivityID = p.Notes, activityID
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// subject names a call for its activity: "Outbound call with Ada Lovelace (3:12)".
func subject(c Call) string {
	who := c.ContactName
	if who == "" {
		who = c.To
		if c.Direction == "inbound" {
			who = c.From
		}
	}
	dir := "Outbound"
	if c.Direction == "inbound" {
		dir = "Inbound"
	}
	return fmt.Sprintf("%s call with %s (%d:%02d)", dir, who, c.DurationSeconds/60, c.DurationSeconds%60)
}

type listCursor struct {
	At time.Time `json:"at"`
	ID uuid.UUID `json:"id"`
}

// List returns a page of the call log, newest first. This is the reviewed
// filter builder for calls: text only from constants, values as parameters.
func (s *Service) List(ctx context.Context, companyID uuid.UUID, f Filter) (*Page, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var fe errs.Fields
	var cur *listCursor
	if f.Cursor != "" {
		var c listCursor
		if err := cursor.Decode(f.Cursor, &c); err != nil || c.ID == uuid.Nil {
			fe.Add("query.cursor", "is not a cursor from this list", f.Cursor)
		} else {
			cur = &c
		}
	}
	day := func(field, v string) *time.Time {
		if v == "" {
			return nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			fe.Add(field, "must be a date, YYYY-MM-DD", v)
			return nil
		}
		return &t
	}
	since, until := day("query.since", f.Since), day("query.until", f.Until)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	page := &Page{Items: []Call{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		tz, err := q.CompanyTimezone(ctx, companyID)
		if err != nil {
			return fmt.Errorf("company time zone: %w", err)
		}
		loc := zone.Location(tz)
		sb := db.NewSQL(companyID)
		sb.WriteString("SELECT id FROM calls k WHERE k.company_id = $1")
		// A trashed contact's calls are in the trash with it.
		sb.WriteString(" AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = $1 AND c.id = k.contact_id AND c.deleted_at IS NOT NULL)")
		if f.Direction != "" {
			fmt.Fprintf(sb, " AND k.direction = %s", sb.Arg(f.Direction))
		}
		if f.Status != "" {
			fmt.Fprintf(sb, " AND k.status = %s", sb.Arg(f.Status))
		}
		if f.UserID != nil {
			fmt.Fprintf(sb, " AND k.user_id = %s", sb.Arg(*f.UserID))
		}
		if f.ContactID != nil {
			fmt.Fprintf(sb, " AND k.contact_id = %s", sb.Arg(*f.ContactID))
		}
		if since != nil {
			fmt.Fprintf(sb, " AND k.created_at >= %s", sb.Arg(time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, loc)))
		}
		if until != nil {
			fmt.Fprintf(sb, " AND k.created_at < %s", sb.Arg(time.Date(until.Year(), until.Month(), until.Day()+1, 0, 0, 0, 0, loc)))
		}
		if cur != nil {
			fmt.Fprintf(sb, " AND (k.created_at, k.id) < (%s, %s)", sb.Arg(cur.At), sb.Arg(cur.ID))
		}
		fmt.Fprintf(sb, " ORDER BY k.created_at DESC, k.id DESC LIMIT %s", sb.Arg(f.Limit+1))
		rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
		if err != nil {
			return fmt.Errorf("list calls: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("list calls: %w", err)
		}
		more := len(ids) > f.Limit
		if more {
			ids = ids[:f.Limit]
		}
		byID, err := callsByID(ctx, q, companyID, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if c := byID[id]; c != nil {
				page.Items = append(page.Items, *c)
			}
		}
		if more && len(page.Items) > 0 {
			last := page.Items[len(page.Items)-1]
			page.NextCursor = cursor.Encode(listCursor{At: last.CreatedAt, ID: last.ID})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func ptr[T any](v T) *T { return &v }

// SimulateArgs moves a simulated call through its statuses, as Twilio's
// callbacks would.
type SimulateArgs struct {
	CompanyID uuid.UUID `json:"company_id"`
	CallID    uuid.UUID `json:"call_id"`
	Status    string    `json:"status"`
	Answered  bool      `json:"answered"`
}

// Kind implements river.JobArgs.
func (SimulateArgs) Kind() string { return "calls.simulate_status" }

// TenantID implements jobs.TenantArgs.
func (a SimulateArgs) TenantID() uuid.UUID { return a.CompanyID }

// simulate queues a simulated call's progress: ringing, answered, and a
// finished call half a minute long (or a voicemail when nobody answers).
func (s *Service) simulate(ctx context.Context, q *db.Q, companyID, callID uuid.UUID, answered bool) error {
	now := s.now()
	steps := []struct {
		status string
		after  time.Duration
	}{{"ringing", time.Second}, {"in-progress", 2 * time.Second}, {"completed", 4 * time.Second}}
	for _, st := range steps {
		_, err := s.jobs.InsertTx(ctx, q.Tx, SimulateArgs{CompanyID: companyID, CallID: callID, Status: st.status, Answered: answered},
			&river.InsertOpts{ScheduledAt: now.Add(st.after)})
		if err != nil {
			return fmt.Errorf("enqueue simulated call status: %w", err)
		}
	}
	return nil
}

// SimulateWorker is the simulator's call progress.
type SimulateWorker struct {
	river.WorkerDefaults[SimulateArgs]
	Service *Service
}

// Work advances the call; the last step leaves a recording (of a voicemail,
// or of the call when the company records calls).
func (w *SimulateWorker) Work(ctx context.Context, job *river.Job[SimulateArgs]) error {
	s, a := w.Service, job.Args
	return s.db.InTenant(ctx, a.CompanyID, func(q *db.Q) error {
		c, err := q.LockCall(ctx, dbq.LockCallParams{CompanyID: a.CompanyID, ID: a.CallID})
		if db.IsNotFound(err) {
			return nil
		} else if err != nil {
			return fmt.Errorf("load call %s: %w", a.CallID, err)
		}
		p := progress{Status: a.Status}
		if a.Status == "completed" {
			p.Duration = 32
			if c.Direction == "inbound" {
				p.AnsweredBy = "user"
				if !a.Answered {
					p.AnsweredBy, p.Duration = "voicemail", 14
				}
			}
		}
		if err := s.advance(ctx, q, c, p); err != nil {
			return err
		}
		if a.Status != "completed" {
			return nil
		}
		if p.AnsweredBy != "voicemail" {
			acct, err := s.tel.AccountIn(ctx, q, a.CompanyID)
			if err != nil {
				return err
			}
			if !acct.RecordCalls {
				return nil
			}
		}
		return q.SetCallRecording(ctx, dbq.SetCallRecordingParams{CompanyID: a.CompanyID, ID: a.CallID, RecordingSid: telephony.NewSID("RE"),
			RecordingUrl: simulatedRecording, RecordingDuration: int32(p.Duration), Voicemail: p.AnsweredBy == "voicemail"})
	})
}

// simulatedRecording marks a recording the simulator made up; it is served
// as a short generated tone.
const simulatedRecording = "simulated:"

// progress is one status report for a call.
type progress struct {
	Status     string
	Duration   int
	AnsweredBy string
}

// advance moves a call forward; older news changes nothing.
func (s *Service) advance(ctx context.Context, q *db.Q, c dbq.Call, p progress) error {
	if rank[p.Status] <= rank[c.Status] {
		return nil
	}
	started, ended := c.StartedAt, c.EndedAt
	now := s.now()
	if p.Status == "in-progress" && started == nil {
		started = &now
	}
	if terminal(p.Status) {
		ended = &now
		if started == nil && p.Duration > 0 {
			st := now.Add(-time.Duration(p.Duration) * time.Second)
			started = &st
		}
	}
	answered := c.AnsweredBy
	if p.AnsweredBy != "" {
		answered = p.AnsweredBy
	}
	dur := int32(p.Duration)
	if dur == 0 {
		dur = c.DurationSeconds
	}
	err := q.UpdateCallProgress(ctx, dbq.UpdateCallProgressParams{CompanyID: c.CompanyID, ID: c.ID, Status: p.Status,
		AnsweredBy: answered, DurationSeconds: dur, StartedAt: started, EndedAt: ended})
	if err != nil {
		return fmt.Errorf("update call %s: %w", c.ID, err)
	}
	return nil
}
