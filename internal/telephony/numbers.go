package telephony

import (
	"context"
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
	Number       string   `json:"number" minLength:"1" maxLength:"40"`
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

// AddNumber connects a number to the company. A number any company already
// has is a conflict: the route table's primary key decides, platform-wide.
func (s *Service) AddNumber(ctx context.Context, companyID uuid.UUID, in NumberInput) (*PhoneNumber, error) {
	var fe errs.Fields
	num := contacts.NormalizePhone("body.number", in.Number, &fe)
	r := rate("body.sms_per_second", in.SMSPerSecond, &fe)
	if num == nil && len(fe) == 0 {
		fe.Add("body.number", "must be a phone number, such as +14155550100", in.Number)
	}
	var out PhoneNumber
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		user := s.member(ctx, q, companyID, "body.user_id", in.UserID, &fe)
		if err := fe.Err(); err != nil {
			return err
		}
		n, err := q.ClaimRoute(ctx, dbq.ClaimRouteParams{Number: *num, CompanyID: companyID})
		if err != nil {
			return fmt.Errorf("claim route %s: %w", *num, err)
		}
		if n == 0 {
			return ErrNumberTaken
		}
		id := uuid.Must(uuid.NewV7())
		err = q.CreatePhoneNumber(ctx, dbq.CreatePhoneNumberParams{CompanyID: companyID, ID: id, Number: *num,
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
	return &out, nil
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
func (s *Service) Route(ctx context.Context, number string) (uuid.UUID, bool, error) {
	id, err := s.db.Platform().RouteNumber(ctx, number)
	if db.IsNotFound(err) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("route %s: %w", number, err)
	}
	return id, true, nil
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
