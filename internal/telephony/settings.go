// Package telephony owns each company's Twilio connection: its settings
// (with the auth token sealed at rest), its phone numbers and their
// platform-wide routes, members' own phones, the provider client and the
// verification of Twilio's webhook signatures.
package telephony

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/secrets"
	"github.com/salescrm/crm/internal/zone"
)

// Provider is what the server asks of Twilio (or of the simulator).
type Provider interface {
	SendSMS(ctx context.Context, a Account, r SMSRequest) (SMSResult, error)
	StartCall(ctx context.Context, a Account, r CallRequest) (string, error)
	Check(ctx context.Context, a Account) error
	OwnsNumber(ctx context.Context, a Account, number string) (bool, error)
}

// Service manages the Twilio settings of each company.
type Service struct {
	db        *db.DB
	box       *secrets.Box
	Twilio    *Twilio
	publicURL string
	limits    Limits
	now       func() time.Time
	// Log, when set, hears of numbers taken over by their proven owner.
	Log *slog.Logger
}

// NewService returns the service. publicURL is CRM_PUBLIC_URL: Twilio signs
// webhooks over it, and the settings page shows the URLs built from it.
// limits are the operator's daily caps per company.
func NewService(d *db.DB, box *secrets.Box, tw *Twilio, publicURL string, limits Limits) *Service {
	return &Service{db: d, box: box, Twilio: tw, publicURL: strings.TrimRight(publicURL, "/"), limits: limits, now: time.Now}
}

// PublicURL is the base Twilio is told to call.
func (s *Service) PublicURL() string { return s.publicURL }

// Webhooks are the URLs to paste into the Twilio console.
type Webhooks struct {
	SMS         string `json:"sms" doc:"A messaging number's \"A message comes in\" webhook (HTTP POST)."`
	SMSStatus   string `json:"sms_status" doc:"Status callbacks of sent messages; the server sets it on each send."`
	Voice       string `json:"voice" doc:"A voice number's \"A call comes in\" webhook (HTTP POST)."`
	VoiceStatus string `json:"voice_status" doc:"The number's \"Call status changes\" webhook (HTTP POST)."`
}

// Check is the last "test connection".
type Check struct {
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Message string    `json:"message"`
}

// Settings is a company's Twilio connection as the API shows it: the auth
// token is never returned, only whether one is stored.
type Settings struct {
	Configured      bool     `json:"configured" doc:"False until the settings are first saved."`
	Mode            string   `json:"mode" enum:"twilio,simulator" doc:"simulator: the built-in simulated provider; nothing is really sent."`
	AccountSID      string   `json:"account_sid"`
	AuthTokenSet    bool     `json:"auth_token_set"`
	HelpReply       string   `json:"help_reply" doc:"The reply to an inbound HELP."`
	RecordCalls     bool     `json:"record_calls" doc:"Record answered calls (click-to-call and inbound), after the recording notice. Voicemails are always recorded."`
	RecordingNotice string   `json:"recording_notice" doc:"Said to the other party before a recorded call is connected; empty means the default notice."`
	VoicemailGreet  string   `json:"voicemail_greeting" doc:"Said to a caller before the voicemail tone; empty means the default greeting."`
	QuietHoursStart *string  `json:"quiet_hours_start" nullable:"true" doc:"HH:MM in the company's time zone; automated sends wait until quiet_hours_end."`
	QuietHoursEnd   *string  `json:"quiet_hours_end" nullable:"true"`
	Timezone        string   `json:"timezone"`
	Webhooks        Webhooks `json:"webhooks"`
	LastCheck       *Check   `json:"last_check,omitempty" doc:"Absent until the connection is first tested."`
}

// SettingsInput replaces the settings. An absent or empty auth_token keeps
// the stored one.
type SettingsInput struct {
	Mode            string  `json:"mode" enum:"twilio,simulator"`
	AccountSID      string  `json:"account_sid,omitempty" maxLength:"34" doc:"AC followed by 32 hexadecimal digits; required in twilio mode."`
	AuthToken       string  `json:"auth_token,omitempty" maxLength:"128" writeOnly:"true" doc:"Write-only: stored encrypted and never returned."`
	HelpReply       string  `json:"help_reply,omitempty" maxLength:"480"`
	RecordCalls     *bool   `json:"record_calls,omitempty" doc:"Absent keeps the current choice (on for a new company)."`
	RecordingNotice string  `json:"recording_notice,omitempty" maxLength:"480"`
	VoicemailGreet  string  `json:"voicemail_greeting,omitempty" maxLength:"480"`
	QuietHoursStart *string `json:"quiet_hours_start,omitempty" maxLength:"5" doc:"HH:MM; give both or neither."`
	QuietHoursEnd   *string `json:"quiet_hours_end,omitempty" maxLength:"5"`
}

var sidRE = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)

// Get returns the settings (a default, unconfigured one when never saved).
func (s *Service) Get(ctx context.Context, companyID uuid.UUID) (*Settings, error) {
	var out *Settings
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		out, err = s.get(ctx, q, companyID)
		return err
	})
	return out, err
}

func (s *Service) get(ctx context.Context, q *db.Q, companyID uuid.UUID) (*Settings, error) {
	row, err := q.GetTwilioSettings(ctx, companyID)
	if db.IsNotFound(err) {
		return s.settings(ctx, q, companyID, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("load twilio settings: %w", err)
	}
	return s.settings(ctx, q, companyID, &row)
}

// settings is the API's view of a settings row (nil: never saved).
func (s *Service) settings(ctx context.Context, q *db.Q, companyID uuid.UUID, row *dbq.TwilioSetting) (*Settings, error) {
	tz, err := q.CompanyTimezone(ctx, companyID)
	if err != nil {
		return nil, fmt.Errorf("company time zone: %w", err)
	}
	out := &Settings{Mode: ModeTwilio, RecordCalls: true, Timezone: tz, Webhooks: s.webhooks()}
	if row == nil {
		return out, nil
	}
	out.Configured = true
	out.Mode, out.AccountSID, out.AuthTokenSet, out.HelpReply = row.Mode, row.AccountSid, row.AuthToken != "", row.HelpReply
	out.RecordCalls, out.RecordingNotice, out.VoicemailGreet = row.RecordCalls, row.RecordingNotice, row.VoicemailGreeting
	out.QuietHoursStart, out.QuietHoursEnd = clock(row.QuietHoursStart), clock(row.QuietHoursEnd)
	if row.LastCheckAt != nil {
		out.LastCheck = &Check{At: *row.LastCheckAt, OK: row.LastCheckOk != nil && *row.LastCheckOk, Message: row.LastCheckMessage}
	}
	return out, nil
}

func (s *Service) webhooks() Webhooks {
	return Webhooks{
		SMS:         s.publicURL + "/webhooks/twilio/sms",
		SMSStatus:   s.publicURL + "/webhooks/twilio/sms/status",
		Voice:       s.publicURL + "/webhooks/twilio/voice",
		VoiceStatus: s.publicURL + "/webhooks/twilio/voice/status",
	}
}

// Put replaces the settings.
func (s *Service) Put(ctx context.Context, companyID uuid.UUID, in SettingsInput) (*Settings, error) {
	var fe errs.Fields
	in.AccountSID = strings.TrimSpace(in.AccountSID)
	in.AuthToken = strings.TrimSpace(in.AuthToken)
	if in.Mode != ModeTwilio && in.Mode != ModeSimulator {
		fe.Add("body.mode", "must be twilio or simulator", in.Mode)
	}
	if in.AccountSID != "" && !sidRE.MatchString(in.AccountSID) {
		fe.Add("body.account_sid", "must be AC followed by 32 hexadecimal digits, as in the Twilio console", in.AccountSID)
	}
	start, err1 := parseClock(in.QuietHoursStart)
	if err1 != nil {
		fe.Add("body.quiet_hours_start", err1.Error(), *in.QuietHoursStart)
	}
	end, err2 := parseClock(in.QuietHoursEnd)
	if err2 != nil {
		fe.Add("body.quiet_hours_end", err2.Error(), *in.QuietHoursEnd)
	}
	if err1 == nil && err2 == nil && start.Valid != end.Valid {
		fe.Add("body.quiet_hours_end", "give both the start and the end of quiet hours, or neither", in.QuietHoursEnd)
	}
	for _, t := range []struct{ field, value string }{{"help_reply", in.HelpReply},
		{"recording_notice", in.RecordingNotice}, {"voicemail_greeting", in.VoicemailGreet}} {
		if strings.ContainsRune(t.value, 0) {
			fe.Add("body."+t.field, "must be text", t.value)
		} else if utf8.RuneCountInString(strings.TrimSpace(t.value)) > 480 {
			fe.Add("body."+t.field, "must be at most 480 characters", t.value)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *Settings
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		token := ""
		id := uuid.Must(uuid.NewV7())
		record := true
		if row, err := q.GetTwilioSettings(ctx, companyID); err == nil {
			token, id, record = row.AuthToken, row.ID, row.RecordCalls
		} else if !db.IsNotFound(err) {
			return fmt.Errorf("load twilio settings: %w", err)
		}
		if in.RecordCalls != nil {
			record = *in.RecordCalls
		}
		if in.AuthToken != "" {
			sealed, err := s.box.Seal(companyID, in.AuthToken)
			if err != nil {
				return fmt.Errorf("seal auth token: %w", err)
			}
			token = sealed
		}
		if in.Mode == ModeTwilio {
			var fe errs.Fields
			if in.AccountSID == "" {
				fe.Add("body.account_sid", "is required to connect Twilio", in.AccountSID)
			}
			if token == "" {
				fe.Add("body.auth_token", "is required to connect Twilio", "")
			}
			// Routes keep the account their numbers were proven in; webhooks
			// from another account would all be refused.
			proven, err := q.CompanyRouteAccounts(ctx, companyID)
			if err != nil {
				return fmt.Errorf("accounts of the company's numbers: %w", err)
			}
			for _, sid := range proven {
				if sid != in.AccountSID && in.AccountSID != "" {
					fe.Add("body.account_sid", fmt.Sprintf("the company's numbers were checked in the Twilio account %s: "+
						"remove them before connecting another account", sid), in.AccountSID)
					break
				}
			}
			if err := fe.Err(); err != nil {
				return err
			}
		}
		row, err := q.UpsertTwilioSettings(ctx, dbq.UpsertTwilioSettingsParams{CompanyID: companyID, ID: id, Mode: in.Mode,
			AccountSid: in.AccountSID, AuthToken: token, HelpReply: strings.TrimSpace(in.HelpReply),
			QuietHoursStart: start, QuietHoursEnd: end, RecordCalls: record,
			RecordingNotice: strings.TrimSpace(in.RecordingNotice), VoicemailGreeting: strings.TrimSpace(in.VoicemailGreet)})
		if err != nil {
			return fmt.Errorf("save twilio settings: %w", err)
		}
		out, err = s.settings(ctx, q, companyID, &row)
		return err
	})
	return out, err
}

// TestConnection checks the stored credentials against Twilio and records
// the result.
func (s *Service) TestConnection(ctx context.Context, companyID uuid.UUID, p Provider) (*Check, error) {
	acct, err := s.Account(ctx, companyID)
	if err != nil {
		return nil, err
	}
	out := &Check{At: s.now().UTC(), OK: true, Message: "Connected to Twilio."}
	if acct.Simulated() {
		out.Message = "The simulator is on: nothing is sent to Twilio."
	} else if err := p.Check(ctx, acct); err != nil {
		out.OK = false
		out.Message = describe(err)
	}
	err = s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		return q.RecordTwilioCheck(ctx, dbq.RecordTwilioCheckParams{CompanyID: companyID, Ok: &out.OK, Message: out.Message})
	})
	return out, err
}

// describe turns a provider failure into a sentence for the settings page.
func describe(err error) string {
	var pe *ProviderError
	if errors.As(err, &pe) {
		if pe.Status == 401 || pe.Code == 20003 {
			return "Twilio refused the Account SID and auth token (error 20003)."
		}
		return fmt.Sprintf("Twilio answered %d: %s (error %d).", pe.Status, pe.Message, pe.Code)
	}
	return "Could not reach Twilio: " + err.Error()
}

// ErrNotConfigured is returned by Account for a company without settings.
var ErrNotConfigured = errs.E(errs.Conflict, "SMS and calls are not set up: an admin connects Twilio (or turns on the simulator) in Settings → Phone")

// Account loads the company's provider account with its token opened.
func (s *Service) Account(ctx context.Context, companyID uuid.UUID) (Account, error) {
	var out Account
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) (err error) {
		out, err = s.AccountIn(ctx, q, companyID)
		return err
	})
	return out, err
}

// AccountIn is Account inside an open tenant transaction.
func (s *Service) AccountIn(ctx context.Context, q *db.Q, companyID uuid.UUID) (Account, error) {
	row, err := q.GetTwilioSettings(ctx, companyID)
	if db.IsNotFound(err) {
		return Account{}, ErrNotConfigured
	}
	if err != nil {
		return Account{}, fmt.Errorf("load twilio settings: %w", err)
	}
	tz, err := q.CompanyTimezone(ctx, companyID)
	if err != nil {
		return Account{}, fmt.Errorf("company time zone: %w", err)
	}
	loc := zone.Location(tz)
	a := Account{CompanyID: companyID, Mode: row.Mode, SID: row.AccountSid, HelpReply: row.HelpReply, Location: loc,
		RecordCalls: row.RecordCalls, RecordingNotice: row.RecordingNotice, VoicemailGreeting: row.VoicemailGreeting}
	if row.QuietHoursStart.Valid && row.QuietHoursEnd.Valid {
		a.QuietStart, a.QuietEnd = minutes(row.QuietHoursStart), minutes(row.QuietHoursEnd)
	}
	if row.AuthToken != "" {
		if a.Token, err = s.box.Open(companyID, row.AuthToken); err != nil {
			return Account{}, fmt.Errorf("open auth token of company %s: %w", companyID, err)
		}
	}
	return a, nil
}

func clock(t pgtype.Time) *string {
	if !t.Valid {
		return nil
	}
	m := minutes(t)
	v := fmt.Sprintf("%02d:%02d", m/60, m%60)
	return &v
}

func minutes(t pgtype.Time) int { return int(t.Microseconds / 60e6) }

func parseClock(v *string) (pgtype.Time, error) {
	if v == nil || *v == "" {
		return pgtype.Time{}, nil
	}
	t, err := time.Parse("15:04", *v)
	if err != nil {
		return pgtype.Time{}, errors.New("must be a time of day as HH:MM, such as 21:00")
	}
	return pgtype.Time{Microseconds: int64(t.Hour()*60+t.Minute()) * 60e6, Valid: true}, nil
}

// ProviderInfo is what every member may know of the company's provider.
type ProviderInfo struct {
	Configured bool   `json:"configured" doc:"False until an admin sets up Twilio or the simulator."`
	Mode       string `json:"mode" enum:"twilio,simulator" doc:"simulator: nothing is really sent; the UI labels it."`
	Numbers    int    `json:"numbers" doc:"How many numbers the company has."`
}

// Provider returns the company's provider mode.
func (s *Service) Provider(ctx context.Context, companyID uuid.UUID) (*ProviderInfo, error) {
	out := &ProviderInfo{Mode: ModeTwilio}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		row, err := q.GetTwilioSettings(ctx, companyID)
		if err == nil {
			out.Configured, out.Mode = true, row.Mode
		} else if !db.IsNotFound(err) {
			return fmt.Errorf("load twilio settings: %w", err)
		}
		n, err := q.CountPhoneNumbers(ctx, companyID)
		if err != nil {
			return fmt.Errorf("count numbers: %w", err)
		}
		out.Numbers = int(n)
		return nil
	})
	return out, err
}
