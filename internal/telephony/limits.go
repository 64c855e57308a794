package telephony

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nyaruka/phonenumbers"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/zone"
)

// Limits are the operator's caps on what costs money, per company and day
// (the company's time-zone day); 0 means no cap. They bound toll fraud and
// SMS pumping through a company whose account was taken over or misused.
type Limits struct {
	SMSPerDay   int // texts sent: members', integrations', HELP replies
	CallsPerDay int // outbound calls placed
}

// Usage is today's texts and calls against the caps.
type Usage struct {
	Day         string    `json:"day" doc:"Today in the company's time zone, YYYY-MM-DD."`
	ResetsAt    time.Time `json:"resets_at" doc:"When the next day starts in the company's time zone."`
	SMSSent     int       `json:"sms_sent"`
	SMSLimit    int       `json:"sms_limit" doc:"Texts a day, set by the operator (CRM_SMS_DAILY_LIMIT); 0: no cap."`
	CallsPlaced int       `json:"calls_placed"`
	CallsLimit  int       `json:"calls_limit" doc:"Outbound calls a day, set by the operator (CRM_CALLS_DAILY_LIMIT); 0: no cap."`
}

// PhoneLimits is what Settings → Phone shows of the limits.
type PhoneLimits struct {
	Usage            Usage    `json:"usage"`
	AllowedCountries []string `json:"allowed_countries" doc:"ISO 3166-1 alpha-2 codes of the countries texts and calls may go to."`
	CountriesDefault bool     `json:"countries_default" doc:"True when allowed_countries are the default: the countries of the company's own numbers, following them as numbers come and go."`
	NumberCountries  []string `json:"number_countries" doc:"The countries of the company's own numbers (the default allowlist)."`
}

// CountriesInput sets the destination allowlist.
type CountriesInput struct {
	Countries []string `json:"countries" maxItems:"250" doc:"ISO 3166-1 alpha-2 codes such as US, CA, GB. Empty: back to the default, the countries of the company's own numbers."`
}

// day is the company's current day and when the next one starts.
func (s *Service) day(loc *time.Location) (time.Time, time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	now := s.now().In(loc)
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), d.AddDate(0, 0, 1)
}

// capOf turns "no cap" into a cap no day reaches, so usage is still counted.
func capOf(limit int) int32 {
	if limit <= 0 || limit > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(limit)
}

func (s *Service) capReached(what string, limit int, next time.Time) error {
	e := errs.E(errs.Throttled, "the company has reached its limit of %d %s a day; it resets at midnight in the company's time zone", limit, what)
	e.RetryAfter = max(next.Sub(s.now()), time.Second)
	return e
}

// CountSMSTx counts one text against the company's daily cap, in the
// caller's transaction (so a send that is then refused counts nothing): a
// Throttled error with Retry-After when the cap is reached.
func (s *Service) CountSMSTx(ctx context.Context, q *db.Q, acct Account) error {
	day, next := s.day(acct.Location)
	_, err := q.CountSMSSend(ctx, dbq.CountSMSSendParams{CompanyID: acct.CompanyID, Day: day, Cap: capOf(s.limits.SMSPerDay)})
	if db.IsNotFound(err) {
		return s.capReached("texts", s.limits.SMSPerDay, next)
	} else if err != nil {
		return fmt.Errorf("count text: %w", err)
	}
	return nil
}

// CountCallTx counts one outbound call against the daily cap, like CountSMSTx.
func (s *Service) CountCallTx(ctx context.Context, q *db.Q, acct Account) error {
	day, next := s.day(acct.Location)
	_, err := q.CountCall(ctx, dbq.CountCallParams{CompanyID: acct.CompanyID, Day: day, Cap: capOf(s.limits.CallsPerDay)})
	if db.IsNotFound(err) {
		return s.capReached("calls", s.limits.CallsPerDay, next)
	} else if err != nil {
		return fmt.Errorf("count call: %w", err)
	}
	return nil
}

// supportedRegions are the ISO 3166 codes libphonenumber knows.
var supportedRegions = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for r := range phonenumbers.GetSupportedRegions() {
		out[r] = true
	}
	return out
})

// Country is the ISO 3166 code of a number ("" when no country has it).
func Country(e164 string) string {
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(n)
}

// allowedCountries is the company's allowlist: the one an admin set, else
// the countries of its own numbers.
func (s *Service) allowedCountries(ctx context.Context, q *db.Q, companyID uuid.UUID, stored []string) (allowed, own []string, err error) {
	rows, err := q.ListPhoneNumbers(ctx, companyID)
	if err != nil {
		return nil, nil, fmt.Errorf("list numbers: %w", err)
	}
	for _, r := range rows {
		if c := Country(r.Number); c != "" && !slices.Contains(own, c) {
			own = append(own, c)
		}
	}
	slices.Sort(own)
	if own == nil {
		own = []string{}
	}
	if stored != nil {
		return stored, own, nil
	}
	return own, own, nil
}

// CheckDestinationTx refuses a text or call to phone (E.164) when its
// country is not on the company's allowlist, or when it is a premium-rate
// number (never, whatever the country: the classic toll fraud), as an
// Invalid error on field.
func (s *Service) CheckDestinationTx(ctx context.Context, q *db.Q, companyID uuid.UUID, field, phone string) error {
	if ok, why, err := s.destinationAllowed(ctx, q, companyID, phone); err != nil {
		return err
	} else if !ok {
		return errs.Field(field, why, phone)
	}
	return nil
}

// DestinationAllowedTx is CheckDestinationTx as a yes or no, for automatic
// sends (the HELP reply) and for where inbound calls ring.
func (s *Service) DestinationAllowedTx(ctx context.Context, q *db.Q, companyID uuid.UUID, phone string) (bool, error) {
	ok, _, err := s.destinationAllowed(ctx, q, companyID, phone)
	return ok, err
}

func (s *Service) destinationAllowed(ctx context.Context, q *db.Q, companyID uuid.UUID, phone string) (bool, string, error) {
	n, err := phonenumbers.Parse(phone, "")
	if err != nil {
		return false, "is not a phone number with a country code", nil
	}
	if phonenumbers.GetNumberType(n) == phonenumbers.PREMIUM_RATE {
		return false, "is a premium-rate number, which is never texted or called", nil
	}
	country := phonenumbers.GetRegionCodeForNumber(n)
	if country == "" {
		return false, "belongs to no country the company texts or calls", nil
	}
	var stored []string
	row, err := q.GetTwilioSettings(ctx, companyID)
	if err == nil {
		stored = row.AllowedCountries
	} else if !db.IsNotFound(err) {
		return false, "", fmt.Errorf("load twilio settings: %w", err)
	}
	allowed, _, err := s.allowedCountries(ctx, q, companyID, stored)
	if err != nil {
		return false, "", err
	}
	if !slices.Contains(allowed, country) {
		return false, fmt.Sprintf("is a number in %s, a country the company does not text or call: an admin allows countries in Settings → Phone", country), nil
	}
	return true, "", nil
}

// Limits returns today's usage against the caps and the destination
// allowlist.
func (s *Service) Limits(ctx context.Context, companyID uuid.UUID) (*PhoneLimits, error) {
	out := &PhoneLimits{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var stored []string
		row, err := q.GetTwilioSettings(ctx, companyID)
		if err == nil {
			stored = row.AllowedCountries
		} else if !db.IsNotFound(err) {
			return fmt.Errorf("load twilio settings: %w", err)
		}
		tz, err := q.CompanyTimezone(ctx, companyID)
		if err != nil {
			return fmt.Errorf("company time zone: %w", err)
		}
		day, next := s.day(zone.Location(tz))
		out.Usage = Usage{Day: day.Format(time.DateOnly), ResetsAt: next, SMSLimit: max(s.limits.SMSPerDay, 0),
			CallsLimit: max(s.limits.CallsPerDay, 0)}
		u, err := q.GetUsage(ctx, dbq.GetUsageParams{CompanyID: companyID, Day: day})
		if err == nil {
			out.Usage.SMSSent, out.Usage.CallsPlaced = int(u.SmsCount), int(u.CallCount)
		} else if !db.IsNotFound(err) {
			return fmt.Errorf("load usage: %w", err)
		}
		out.CountriesDefault = stored == nil
		out.AllowedCountries, out.NumberCountries, err = s.allowedCountries(ctx, q, companyID, stored)
		return err
	})
	return out, err
}

// SetAllowedCountries replaces the destination allowlist; an empty list goes
// back to the default. Unknown codes are a 422 naming each.
func (s *Service) SetAllowedCountries(ctx context.Context, companyID uuid.UUID, in CountriesInput) (*PhoneLimits, error) {
	var fe errs.Fields
	var codes []string
	for i, c := range in.Countries {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !supportedRegions()[c] {
			fe.Add(fmt.Sprintf("body.countries[%d]", i), "must be a country code such as US, CA or GB", in.Countries[i])
			continue
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	slices.Sort(codes)
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		n, err := q.SetAllowedCountries(ctx, dbq.SetAllowedCountriesParams{CompanyID: companyID, Countries: codes, Now: s.now()})
		if err != nil {
			return fmt.Errorf("save allowed countries: %w", err)
		}
		if n == 0 {
			return ErrNotConfigured
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Limits(ctx, companyID)
}
