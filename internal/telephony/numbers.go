package telephony

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// PhoneNumber is one of the company's Twilio numbers.
type PhoneNumber struct {
	ID           uuid.UUID  `json:"id" format:"uuid"`
	Number       string     `json:"number" doc:"E.164."`
	Label        string     `json:"label"`
	UserID       *uuid.UUID `json:"user_id" nullable:"true" format:"uuid" doc:"The member inbound calls ring."`
	UserName     string     `json:"user_name"`
	SMSPerSecond float64    `json:"sms_per_second" doc:"Send rate of this number; sends beyond it wait their turn."`
	CreatedAt    time.Time  `json:"created_at"`
}

// NumberInput adds a number.
type NumberInput struct {
	Number       string   `json:"number,omitempty" maxLength:"40" doc:"On Twilio: a number of the company's Twilio account (checked with Twilio). On the simulator: empty, and the server picks a free number of the fictional 555-0100 to 555-0199 range."`
	Label        string   `json:"label,omitempty" maxLength:"100"`
	UserID       string   `json:"user_id,omitempty" maxLength:"64" doc:"A member; empty for none."`
	SMSPerSecond *float64 `json:"sms_per_second,omitempty" doc:"Default 1 (a long code); toll-free and short codes allow more."`
}

// NumberPatch changes a number; absent fields stay.
type NumberPatch struct {
	Label        *string  `json:"label,omitempty" maxLength:"100"`
	UserID       *string  `json:"user_id,omitempty" maxLength:"64" doc:"A member; empty clears."`
	SMSPerSecond *float64 `json:"sms_per_second,omitempty"`
}

// ErrNumberTaken is a number another company (or this one) already has.
var ErrNumberTaken = errs.E(errs.Conflict, "This number is already connected to a CRM company.")

func numberFromRow(r dbq.ListPhoneNumbersRow) PhoneNumber {
	rate, _ := r.SmsPerSecond.Float64()
	return PhoneNumber{ID: r.ID, Number: r.Number, Label: r.Label, UserID: r.UserID, UserName: r.UserName,
		SMSPerSecond: rate, CreatedAt: r.CreatedAt}
}

// Numbers lists the company's numbers, oldest first.
func (s *Service) Numbers(ctx context.Context, companyID uuid.UUID) ([]PhoneNumber, error) {
	out := []PhoneNumber{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.ListPhoneNumbers(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list phone numbers: %w", err)
		}
		for _, r := range rows {
			out = append(out, numberFromRow(r))
		}
		return nil
	})
	return out, err
}

// Number returns one number; another company's is not found.
func (s *Service) Number(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (PhoneNumber, error) {
	r, err := q.GetPhoneNumber(ctx, dbq.GetPhoneNumberParams{CompanyID: companyID, ID: id})
	if db.IsNotFound(err) {
		return PhoneNumber{}, errs.NotFoundf("phone number not found")
	}
	if err != nil {
		return PhoneNumber{}, fmt.Errorf("load phone number %s: %w", id, err)
	}
	return numberFromRow(dbq.ListPhoneNumbersRow(r)), nil
}

// NumberByE164 finds the company's number by its E.164 form.
func (s *Service) NumberByE164(ctx context.Context, q *db.Q, companyID uuid.UUID, number string) (PhoneNumber, error) {
	r, err := q.GetPhoneNumberByNumber(ctx, dbq.GetPhoneNumberByNumberParams{CompanyID: companyID, Number: number})
	if db.IsNotFound(err) {
		return PhoneNumber{}, errs.NotFoundf("phone number not found")
	}
	if err != nil {
		return PhoneNumber{}, fmt.Errorf("load phone number %s: %w", number, err)
	}
	return numberFromRow(dbq.ListPhoneNumbersRow(r)), nil
}

func rate(field string, v *float64, fe *errs.Fields) decimal.Decimal {
	if v == nil {
		return decimal.NewFromInt(1)
	}
	if *v <= 0 || *v > 100 {
		fe.Add(field, "must be more than 0 and at most 100 messages per second", *v)
		return decimal.Zero
	}
	return decimal.NewFromFloat(*v).Round(3)
}

func (s *Service) member(ctx context.Context, q *db.Q, companyID uuid.UUID, field, v string, fe *errs.Fields) *uuid.UUID {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err == nil {
		ok, qerr := q.MemberExists(ctx, dbq.MemberExistsParams{CompanyID: companyID, UserID: id})
		if qerr == nil && ok {
			return &id
		}
	}
	fe.Add(field, "must be a member of the company", v)
	return nil
}

// AddNumber connects a number to the company. On Twilio the number must be
// one of the company's own Twilio account's (asked of Twilio first, outside
// any transaction); on the simulator it comes from the simulated range, and
// an empty number gets a free one. A number another company holds is a
// conflict, unless that company did not prove it in the same Twilio account
// and this one just did: the proven owner takes it over (see claim).
func (s *Service) AddNumber(ctx context.Context, companyID uuid.UUID, in NumberInput) (*PhoneNumber, error) {
	var fe errs.Fields
	var num *string
	if strings.TrimSpace(in.Number) != "" {
		num = contacts.NormalizePhone("body.number", in.Number, &fe)
		if num == nil && len(fe) == 0 {
			fe.Add("body.number", "must be a phone number, such as +14155550100", in.Number)
		}
	}
	r := rate("body.sms_per_second", in.SMSPerSecond, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	acct, err := s.Account(ctx, companyID)
	if err != nil {
		return nil, err
	}
	if err := s.checkNumber(ctx, acct, num, in.Number); err != nil {
		return nil, err
	}
	var out PhoneNumber
	var takenFrom *uuid.UUID
	err = s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		user := s.member(ctx, q, companyID, "body.user_id", in.UserID, &fe)
		if err := fe.Err(); err != nil {
			return err
		}
		// The check above was against the settings of a moment ago.
		now, err := s.AccountIn(ctx, q, companyID)
		if err != nil {
			return err
		}
		if now.Mode != acct.Mode || now.SID != acct.SID {
			return errs.E(errs.Conflict, "the Twilio settings changed while the number was checked; try again")
		}
		var number string
		switch {
		case acct.Simulated() && num == nil:
			if number, err = s.allocateSimulated(ctx, q, companyID); err != nil {
				return err
			}
		case acct.Simulated():
			if n, err := q.CountPhoneNumbers(ctx, companyID); err != nil {
				return fmt.Errorf("count numbers: %w", err)
			} else if n >= MaxSimulatedNumbers {
				return errs.E(errs.Conflict, "a company on the simulator has at most %d numbers", MaxSimulatedNumbers)
			}
			number = *num
			if err := s.claim(ctx, q, companyID, number, ""); err != nil {
				return err
			}
		default:
			number = *num
			if takenFrom, err = s.claimProven(ctx, q, companyID, number, acct.SID); err != nil {
				return err
			}
		}
		id := uuid.Must(uuid.NewV7())
		err = q.CreatePhoneNumber(ctx, dbq.CreatePhoneNumberParams{CompanyID: companyID, ID: id, Number: number,
			Label: strings.TrimSpace(in.Label), UserID: user, SmsPerSecond: r})
		if err != nil {
			return fmt.Errorf("create phone number: %w", err)
		}
		out, err = s.Number(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if takenFrom != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "twilio number taken over by its proven owner", "number", out.Number,
			"from_company_id", takenFrom.String(), "company_id", companyID.String(), "account_sid", acct.SID)
	}
	return &out, nil
}

// checkNumber says whether the company may have num in its provider mode:
// a simulated number on the simulator only, and on Twilio a number the
// company's own Twilio account has (the one network call, made before any
// transaction).
func (s *Service) checkNumber(ctx context.Context, acct Account, num *string, raw string) error {
	if acct.Simulated() {
		if num != nil && !IsSimulatedNumber(*num) {
			return errs.Field("body.number", "on the simulator, numbers come from the fictional 555-0100 to 555-0199 range; "+
				"leave it empty to get a free one", raw)
		}
		return nil
	}
	if num == nil {
		return errs.Field("body.number", "is required: a number of the company's Twilio account, with the country code", raw)
	}
	if IsSimulatedNumber(*num) {
		return errs.Field("body.number", "is a fictional 555-01XX number, which only the simulator uses; "+
			"add a number of the company's Twilio account", raw)
	}
	owns, err := s.Twilio.OwnsNumber(ctx, acct, *num)
	var pe *ProviderError
	switch {
	case errors.As(err, &pe) && pe.Permanent():
		return errs.Field("body.number", "could not be checked: "+describe(err)+" Fix the connection above, then add the number.", raw)
	case err != nil:
		return errs.E(errs.Upstream, "could not reach Twilio to check that the number is the company's; try again")
	case !owns:
		return errs.Field("body.number", fmt.Sprintf("is not a number of the Twilio account %s: buy or port it there first, "+
			"then add it here", acct.SID), raw)
	}
	return nil
}

// claim routes a number to the company; a number any company holds is a
// conflict (the same answer for the company's own, so that a refusal never
// says who holds it).
func (s *Service) claim(ctx context.Context, q *db.Q, companyID uuid.UUID, number, sid string) error {
	n, err := q.ClaimRoute(ctx, dbq.ClaimRouteParams{Number: number, CompanyID: companyID, AccountSid: sid})
	if err != nil {
		return fmt.Errorf("claim route %s: %w", number, err)
	}
	if n == 0 {
		return ErrNumberTaken
	}
	return nil
}

// claimProven routes a number the company just proved is in its Twilio
// account sid. A holder that did not prove it in that account (a company on
// the simulator, one that claimed it before proof was asked, or one whose
// account it has left) loses it: a number is in one Twilio account at a
// time, and that account's company wins. Two companies connected to the
// same Twilio account prove the same thing, and the first keeps it. It
// returns the company the number was taken from, if any.
func (s *Service) claimProven(ctx context.Context, q *db.Q, companyID uuid.UUID, number, sid string) (*uuid.UUID, error) {
	var takenFrom *uuid.UUID
	for range 3 {
		n, err := q.ClaimRoute(ctx, dbq.ClaimRouteParams{Number: number, CompanyID: companyID, AccountSid: sid})
		if err != nil {
			return nil, fmt.Errorf("claim route %s: %w", number, err)
		}
		if n == 1 {
			return takenFrom, nil
		}
		holder, err := q.RouteHolder(ctx, number)
		if db.IsNotFound(err) {
			continue // released a moment ago
		} else if err != nil {
			return nil, fmt.Errorf("holder of route %s: %w", number, err)
		}
		if holder.CompanyID == companyID || holder.AccountSid == sid {
			return nil, ErrNumberTaken
		}
		n, err = q.TakeOverRoute(ctx, dbq.TakeOverRouteParams{Number: number, Holder: holder.CompanyID, HolderSid: holder.AccountSid})
		if err != nil {
			return nil, fmt.Errorf("take over route %s: %w", number, err)
		}
		if n == 1 {
			takenFrom = &holder.CompanyID
		}
	}
	return nil, ErrNumberTaken
}

// UpdateNumber changes a number's label, member or rate.
func (s *Service) UpdateNumber(ctx context.Context, companyID, id uuid.UUID, p NumberPatch) (*PhoneNumber, error) {
	var out PhoneNumber
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		cur, err := s.Number(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		var fe errs.Fields
		label, user := cur.Label, cur.UserID
		r := decimal.NewFromFloat(cur.SMSPerSecond)
		if p.Label != nil {
			label = strings.TrimSpace(*p.Label)
		}
		if p.UserID != nil {
			user = s.member(ctx, q, companyID, "body.user_id", *p.UserID, &fe)
		}
		if p.SMSPerSecond != nil {
			r = rate("body.sms_per_second", p.SMSPerSecond, &fe)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := q.UpdatePhoneNumber(ctx, dbq.UpdatePhoneNumberParams{CompanyID: companyID, ID: id, Label: label,
			UserID: user, SmsPerSecond: r}); err != nil {
			return fmt.Errorf("update phone number %s: %w", id, err)
		}
		out, err = s.Number(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteNumber disconnects a number and frees it for any company. Its
// messages and calls stay, without the number.
func (s *Service) DeleteNumber(ctx context.Context, companyID, id uuid.UUID) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		num, err := q.DeletePhoneNumber(ctx, dbq.DeletePhoneNumberParams{CompanyID: companyID, ID: id})
		if db.IsNotFound(err) {
			return errs.NotFoundf("phone number not found")
		}
		if err != nil {
			return fmt.Errorf("delete phone number %s: %w", id, err)
		}
		if err := q.DeleteRoute(ctx, dbq.DeleteRouteParams{Number: num, CompanyID: companyID}); err != nil {
			return fmt.Errorf("delete route %s: %w", num, err)
		}
		return nil
	})
}

// MyPhone is where a member's calls ring.
type MyPhone struct {
	Phone string `json:"phone" doc:"E.164; empty when not set."`
}

// GetMyPhone returns the member's own phone.
func (s *Service) GetMyPhone(ctx context.Context, companyID, userID uuid.UUID) (*MyPhone, error) {
	out := &MyPhone{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) (err error) {
		out.Phone, err = s.UserPhone(ctx, q, companyID, userID)
		return err
	})
	return out, err
}

// UserPhone is GetMyPhone inside a transaction; "" when unset.
func (s *Service) UserPhone(ctx context.Context, q *db.Q, companyID, userID uuid.UUID) (string, error) {
	p, err := q.GetUserPhone(ctx, dbq.GetUserPhoneParams{CompanyID: companyID, UserID: userID})
	if db.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load phone of %s: %w", userID, err)
	}
	return p, nil
}

// SetMyPhone sets (or, with "", clears) the member's own phone.
func (s *Service) SetMyPhone(ctx context.Context, companyID, userID uuid.UUID, in MyPhone) (*MyPhone, error) {
	var fe errs.Fields
	num := contacts.NormalizePhone("body.phone", in.Phone, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	out := &MyPhone{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if num == nil {
			return q.DeleteUserPhone(ctx, dbq.DeleteUserPhoneParams{CompanyID: companyID, UserID: userID})
		}
		out.Phone = *num
		return q.SetUserPhone(ctx, dbq.SetUserPhoneParams{CompanyID: companyID, UserID: userID, Phone: *num})
	})
	return out, err
}

// Route finds the company a Twilio number belongs to, before any company is
// known: the webhook router's first step. It reads the platform table only.
// It also returns the Twilio account the number was verified in ("" for a
// simulated number).
func (s *Service) Route(ctx context.Context, number string) (company uuid.UUID, accountSID string, ok bool, err error) {
	r, err := s.db.Platform().RouteNumber(ctx, number)
	if db.IsNotFound(err) {
		return uuid.Nil, "", false, nil
	}
	if err != nil {
		return uuid.Nil, "", false, fmt.Errorf("route %s: %w", number, err)
	}
	return r.CompanyID, r.AccountSid, true, nil
}

// FromNumber picks the number a message or call goes out on: the one asked
// for (which must be the company's), else the caller's own, else the
// company's first.
func (s *Service) FromNumber(ctx context.Context, q *db.Q, companyID, caller uuid.UUID, asked string) (PhoneNumber, error) {
	if asked != "" {
		id, err := uuid.Parse(asked)
		if err != nil {
			return PhoneNumber{}, errs.Field("body.from_number_id", "must be one of the company's numbers", asked)
		}
		n, err := s.Number(ctx, q, companyID, id)
		if errs.CodeOf(err) == errs.NotFound {
			return n, errs.Field("body.from_number_id", "must be one of the company's numbers", asked)
		}
		return n, err
	}
	rows, err := q.ListPhoneNumbers(ctx, companyID)
	if err != nil {
		return PhoneNumber{}, fmt.Errorf("list numbers: %w", err)
	}
	if len(rows) == 0 {
		return PhoneNumber{}, errs.Field("body.from_number_id", "the company has no phone number yet: an admin adds one in Settings → Phone", "")
	}
	pick := rows[0]
	for _, r := range rows {
		if r.UserID != nil && *r.UserID == caller {
			pick = r
			break
		}
	}
	return numberFromRow(pick), nil
}

// ErrNotSimulated refuses the simulator's actions to a company on real Twilio.
var ErrNotSimulated = errs.E(errs.Conflict, "the simulator is off: an admin turns it on in Settings → Phone")

// SimulatedInbound checks a made-up inbound text or call: body.from must be
// a phone number, body.to_number_id one of the company's numbers, and the
// company must be on the simulator. It returns the account, the normalised
// sender and the number.
func (s *Service) SimulatedInbound(ctx context.Context, q *db.Q, companyID uuid.UUID, from, toNumberID string) (Account, string, PhoneNumber, error) {
	var fe errs.Fields
	sender := contacts.NormalizePhone("body.from", from, &fe)
	numID, err := uuid.Parse(toNumberID)
	if err != nil {
		fe.Add("body.to_number_id", "must be one of the company's numbers", toNumberID)
	}
	if err := fe.Err(); err != nil {
		return Account{}, "", PhoneNumber{}, err
	}
	acct, err := s.AccountIn(ctx, q, companyID)
	if err != nil {
		return Account{}, "", PhoneNumber{}, err
	}
	if !acct.Simulated() {
		return Account{}, "", PhoneNumber{}, ErrNotSimulated
	}
	num, err := s.Number(ctx, q, companyID, numID)
	if errs.CodeOf(err) == errs.NotFound {
		return Account{}, "", PhoneNumber{}, errs.Field("body.to_number_id", "must be one of the company's numbers", toNumberID)
	}
	return acct, *sender, num, err
}
