package sms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/telephony"
)

// SendWorker hands queued messages to Twilio.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// Work sends one message. It waits, never fails, for its number's next free
// send slot, and for the end of quiet hours when the message is automated:
// short waits in the worker (so each send goes out at its own slot, in
// order), long ones by snoozing the job until shortly before the slot.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	for {
		wait, err := w.Service.deliver(ctx, job.Args.CompanyID, job.Args.MessageID)
		var retry errRetry
		if errors.As(err, &retry) && job.Attempt >= job.MaxAttempts {
			// The last attempt: the message fails rather than staying queued.
			return w.Service.giveUp(context.WithoutCancel(ctx), job.Args.CompanyID, job.Args.MessageID, retry.err)
		}
		if err != nil || wait <= 0 {
			return err
		}
		if wait > maxInWorkerWait {
			// River promotes snoozed jobs every few seconds; waking a little
			// early leaves the rest of the wait to the loop.
			return river.JobSnooze(wait - wakeEarly)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return river.JobSnooze(0)
		case <-t.C:
		}
	}
}

// Waits up to maxInWorkerWait happen in the worker; longer ones snooze.
const (
	maxInWorkerWait = time.Minute
	wakeEarly       = 6 * time.Second
)

// deliver sends the message if its turn has come; otherwise it returns how
// long to wait.
func (s *Service) deliver(ctx context.Context, companyID, messageID uuid.UUID) (time.Duration, error) {
	var (
		acct telephony.Account
		msg  dbq.SmsMessage
		wait time.Duration
		skip bool
	)
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		msg, err = q.LockMessage(ctx, dbq.LockMessageParams{CompanyID: companyID, ID: messageID})
		if err != nil {
			return fmt.Errorf("load message %s: %w", messageID, err)
		}
		if msg.Status == "sending" && msg.TwilioSid == nil {
			// A run that stopped (a crash, a deploy) between handing the
			// message to Twilio and hearing back: it may have gone out, so it
			// is not sent again.
			skip = true
			return s.advance(ctx, q, msg, "failed", nil, nil,
				"the server stopped while handing this message to Twilio; check Twilio's message log before sending it again")
		}
		if msg.Status != "queued" {
			skip = true // sent already, or given up on
			return nil
		}
		acct, err = s.tel.AccountIn(ctx, q, companyID)
		if errors.Is(err, telephony.ErrNotConfigured) || (err == nil && msg.PhoneNumberID == nil) {
			skip = true
			reason := "SMS is no longer set up for the company"
			if err == nil {
				reason = "the number it was to go out on was removed"
			}
			return s.advance(ctx, q, msg, "failed", nil, nil, reason)
		} else if err != nil {
			return err
		}
		now := s.now()
		if msg.Automated {
			if until := acct.QuietUntil(now); !until.IsZero() {
				wait = until.Sub(now)
				return nil
			}
		}
		if msg.SendAt == nil {
			slot, err := q.ClaimSendSlot(ctx, dbq.ClaimSendSlotParams{CompanyID: companyID, ID: *msg.PhoneNumberID, Now: now})
			if err != nil {
				return fmt.Errorf("claim send slot: %w", err)
			}
			if err := q.SetMessageSlot(ctx, dbq.SetMessageSlotParams{CompanyID: companyID, ID: messageID, SendAt: &slot}); err != nil {
				return fmt.Errorf("store send slot: %w", err)
			}
			msg.SendAt = &slot
		}
		if msg.SendAt.After(now) {
			wait = msg.SendAt.Sub(now)
			return nil
		}
		return s.advance(ctx, q, msg, "sending", nil, nil, "")
	})
	if err != nil || skip || wait > 0 {
		return wait, err
	}

	var res telephony.SMSResult
	if acct.Simulated() {
		res = telephony.SMSResult{SID: telephony.NewSID("SM"), Status: "sent"}
	} else {
		res, err = s.provider.SendSMS(ctx, acct, telephony.SMSRequest{From: msg.FromNumber, To: msg.ToNumber, Body: msg.Body,
			StatusCallback: s.statusCallback(msg.FromNumber, messageID)})
	}
	var pe *telephony.ProviderError
	var retry error
	terr := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		cur, lerr := q.LockMessage(ctx, dbq.LockMessageParams{CompanyID: companyID, ID: messageID})
		if lerr != nil {
			return fmt.Errorf("reload message %s: %w", messageID, lerr)
		}
		switch {
		case errors.As(err, &pe) && pe.Permanent():
			// Twilio refused it (a bad number, an unverified sender…): retrying
			// would be refused too.
			code := int32(pe.Code)
			return s.advance(ctx, q, cur, "failed", nil, &code, pe.Message)
		case err != nil:
			// Twilio could not be reached or is busy: back in the queue, and
			// the job is retried with backoff (see SendWorker.Work).
			if serr := q.SetMessageStatus(ctx, dbq.SetMessageStatusParams{CompanyID: companyID, ID: messageID, Status: "queued",
				ErrorMessage: "retrying: " + err.Error()}); serr != nil {
				return fmt.Errorf("requeue message %s: %w", messageID, serr)
			}
			retry = errRetry{err} // after the requeue commits
			return nil
		}
		status := fromTwilio(res.Status)
		if status == "" {
			status = "sending"
		}
		if err := s.advance(ctx, q, cur, status, &res.SID, nil, ""); err != nil {
			return err
		}
		if acct.Simulated() {
			_, err := s.jobs.InsertTx(ctx, q.Tx, SimulateArgs{CompanyID: companyID, MessageID: messageID, Status: "delivered"},
				&river.InsertOpts{ScheduledAt: s.now().Add(time.Second)})
			if err != nil {
				return fmt.Errorf("enqueue simulated delivery: %w", err)
			}
		}
		return nil
	})
	if terr != nil {
		return 0, terr
	}
	return 0, retry
}

// advance moves a message forward to status; a status at or below the
// current one changes nothing (Twilio's callbacks can arrive out of order).
// The sid is stored whenever it is new.
func (s *Service) advance(ctx context.Context, q *db.Q, m dbq.SmsMessage, status string, sid *string, code *int32, message string) error {
	if rank[status] <= rank[m.Status] {
		if sid != nil && m.TwilioSid == nil {
			return q.SetMessageStatus(ctx, dbq.SetMessageStatusParams{CompanyID: m.CompanyID, ID: m.ID, Status: m.Status,
				TwilioSid: sid, ErrorCode: m.ErrorCode, ErrorMessage: m.ErrorMessage})
		}
		return nil
	}
	err := q.SetMessageStatus(ctx, dbq.SetMessageStatusParams{CompanyID: m.CompanyID, ID: m.ID, Status: status, TwilioSid: sid,
		ErrorCode: code, ErrorMessage: message})
	if err != nil {
		return fmt.Errorf("set status of message %s: %w", m.ID, err)
	}
	return nil
}

// SimulateArgs moves a simulated message on, as Twilio's status callback would.
type SimulateArgs struct {
	CompanyID uuid.UUID `json:"company_id"`
	MessageID uuid.UUID `json:"message_id"`
	Status    string    `json:"status"`
}

// Kind implements river.JobArgs.
func (SimulateArgs) Kind() string { return "sms.simulate_status" }

// TenantID implements jobs.TenantArgs.
func (a SimulateArgs) TenantID() uuid.UUID { return a.CompanyID }

// SimulateWorker is the simulator's delivery report.
type SimulateWorker struct {
	river.WorkerDefaults[SimulateArgs]
	Service *Service
}

// Work advances the message.
func (w *SimulateWorker) Work(ctx context.Context, job *river.Job[SimulateArgs]) error {
	s := w.Service
	return s.db.InTenant(ctx, job.Args.CompanyID, func(q *db.Q) error {
		m, err := q.LockMessage(ctx, dbq.LockMessageParams{CompanyID: job.Args.CompanyID, ID: job.Args.MessageID})
		if db.IsNotFound(err) {
			return nil // deleted with its contact meanwhile
		} else if err != nil {
			return fmt.Errorf("load message %s: %w", job.Args.MessageID, err)
		}
		return s.advance(ctx, q, m, job.Args.Status, nil, nil, "")
	})
}

// errRetry is a send that may succeed later.
type errRetry struct{ err error }

func (e errRetry) Error() string { return "send later: " + e.err.Error() }
func (e errRetry) Unwrap() error { return e.err }

// giveUp fails a message whose every attempt found Twilio unreachable.
func (s *Service) giveUp(ctx context.Context, companyID, messageID uuid.UUID, cause error) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		m, err := q.LockMessage(ctx, dbq.LockMessageParams{CompanyID: companyID, ID: messageID})
		if db.IsNotFound(err) {
			return nil
		} else if err != nil {
			return fmt.Errorf("load message %s: %w", messageID, err)
		}
		return s.advance(ctx, q, m, "failed", nil, nil, "Twilio could not be reached: "+cause.Error())
	})
}
