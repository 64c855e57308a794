// Package auth owns the platform tables: companies, users, memberships,
// sessions, API tokens, invites and login throttling. It is the only package
// that reads them, because they are read before a company is known.
package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/currency"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/secrets"
	"github.com/salescrm/crm/internal/tenancy"
)

// Session and token lifetimes.
const (
	// SessionIdleTTL ends a session nobody used for that long.
	SessionIdleTTL = 14 * 24 * time.Hour
	// SessionMaxTTL ends every session that long after sign-in, used or not.
	SessionMaxTTL    = 30 * 24 * time.Hour
	sessionTouchStep = time.Minute
	InviteTTL        = 7 * 24 * time.Hour
	SessionCookie    = "crm_session"
	// DeviceCookie marks a browser that signed in to an account before; see ThrottleLimits.
	DeviceCookie   = "crm_device"
	DeviceTTL      = 365 * 24 * time.Hour
	apiTokenPrefix = "crm_"
)

// Service is the account and access service.
type Service struct {
	db        *db.DB
	log       *slog.Logger
	publicURL string
	hasher    *Hasher
	box       *secrets.Box // seals two-step secrets, signs device cookies
	Throttle  ThrottleLimits
	now       func() time.Time
	// OnCompanyCreated runs in the sign-up transaction, already scoped to the
	// new company, to give it its first tenant data (the default pipeline).
	OnCompanyCreated func(ctx context.Context, q *db.Q, companyID uuid.UUID) error
}

// Options tune the service (tests use cheap password hashing).
type Options struct {
	PasswordParams *PasswordParams
	Throttle       *ThrottleLimits
	// HashSlots bounds concurrent password hashes (0: one per CPU);
	// HashWait is how long a request waits for one before a 503.
	HashSlots int
	HashWait  time.Duration
	// Now replaces the clock (tests).
	Now func() time.Time
}

// NewService returns the service.
func NewService(d *db.DB, log *slog.Logger, publicURL string, box *secrets.Box, opt Options) *Service {
	params := opt.PasswordParams
	if params == nil {
		params = DefaultPasswordParams()
	}
	s := &Service{db: d, log: log, publicURL: strings.TrimRight(publicURL, "/"), box: box,
		hasher: NewHasher(params, opt.HashSlots, opt.HashWait), Throttle: DefaultThrottle, now: time.Now}
	if opt.Throttle != nil {
		s.Throttle = *opt.Throttle
	}
	if opt.Now != nil {
		s.now = opt.Now
	}
	return s
}

// Me is what a signed-in person sees of themselves.
type Me struct {
	User      UserInfo        `json:"user"`
	Company   Company         `json:"company"`
	Role      tenancy.Role    `json:"role" enum:"owner,admin,member"`
	Companies []CompanyChoice `json:"companies" doc:"Every company this person belongs to; switch with /api/auth/switch-company."`
	// TwoFactorSetupRequired: the company requires two-step sign-in and
	// this person has not turned it on; only setting it up works until then.
	TwoFactorSetupRequired bool `json:"two_factor_setup_required"`
	// Timezone is the person's effective zone: their own, or the company's.
	Timezone string `json:"timezone" doc:"The time zone this person's today, overdue and times are in: their own, or else the company's."`
}

// UserInfo is a login identity.
type UserInfo struct {
	ID              uuid.UUID  `json:"id"`
	Email           string     `json:"email"`
	Name            string     `json:"name"`
	IsPlatformAdmin bool       `json:"is_platform_admin"`
	TwoFactor       bool       `json:"two_factor" doc:"Two-step sign-in (an authenticator app) is on."`
	Timezone        *string    `json:"timezone" nullable:"true" doc:"The person's own time zone; null follows the company's."`
	PasswordChanged *time.Time `json:"password_changed_at" nullable:"true"`
}

// Company is a tenant's profile.
type Company struct {
	ID               uuid.UUID `json:"id"`
	Name             string    `json:"name"`
	Timezone         string    `json:"timezone"`
	Currency         string    `json:"currency" doc:"ISO 4217 base currency."`
	RequireTwoFactor bool      `json:"require_two_factor" doc:"Every member must use two-step sign-in."`
	CreatedAt        time.Time `json:"created_at"`
}

// CompanyChoice is one of a person's companies.
type CompanyChoice struct {
	ID   uuid.UUID    `json:"id"`
	Name string       `json:"name"`
	Role tenancy.Role `json:"role" enum:"owner,admin,member"`
}

// SessionInfo carries a new session's secret to the HTTP layer for the cookie.
type SessionInfo struct {
	Token     string
	ExpiresAt time.Time
	// Device is a new device cookie value for the browser (empty: keep its own).
	Device string
}

// Client describes the caller for sessions and throttling.
type Client struct {
	IP        string
	UserAgent string
}

func companyOf(c dbq.Company) Company {
	return Company{ID: c.ID, Name: c.Name, Timezone: c.Timezone, Currency: c.Currency, RequireTwoFactor: c.RequireTwoFactor, CreatedAt: c.CreatedAt}
}

// Me returns the principal's view of themselves.
func (s *Service) Me(ctx context.Context, p *tenancy.Principal) (*Me, error) {
	var me *Me
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		var err error
		me, err = loadMe(ctx, q, p.UserID, p.CompanyID)
		return err
	})
	return me, err
}

func loadMe(ctx context.Context, q *db.Q, userID, companyID uuid.UUID) (*Me, error) {
	u, err := q.GetUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("load user %s: %w", userID, err)
	}
	c, err := q.GetCompany(ctx, companyID)
	if err != nil {
		return nil, fmt.Errorf("load company %s: %w", companyID, err)
	}
	rows, err := q.ListUserCompanies(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list companies of %s: %w", userID, err)
	}
	me := &Me{
		User: UserInfo{ID: u.ID, Email: u.Email, Name: u.Name, IsPlatformAdmin: u.IsPlatformAdmin,
			TwoFactor: u.TotpEnabledAt != nil, PasswordChanged: u.PasswordChangedAt, Timezone: u.Timezone},
		Company:                companyOf(c),
		TwoFactorSetupRequired: c.RequireTwoFactor && u.TotpEnabledAt == nil,
		Timezone:               c.Timezone,
	}
	if u.Timezone != nil {
		me.Timezone = *u.Timezone
	}
	for _, r := range rows {
		me.Companies = append(me.Companies, CompanyChoice{ID: r.ID, Name: r.Name, Role: tenancy.Role(r.Role)})
		if r.ID == companyID {
			me.Role = tenancy.Role(r.Role)
		}
	}
	return me, nil
}

// newSession stores a session for userID bound to companyID.
func (s *Service) newSession(ctx context.Context, q *db.Q, userID, companyID uuid.UUID, cl Client) (SessionInfo, error) {
	token, hash := newToken("")
	now := s.now()
	err := q.CreateSession(ctx, dbq.CreateSessionParams{
		ID: uuid.Must(uuid.NewV7()), TokenHash: hash, UserID: userID, CompanyID: companyID,
		ExpiresAt: now.Add(SessionIdleTTL), UserAgent: truncate(cl.UserAgent, 300), Ip: cl.IP,
	})
	if err != nil {
		return SessionInfo{}, fmt.Errorf("create session: %w", err)
	}
	// The cookie lives as long as the session can; the server ends it
	// earlier when it is idle.
	return SessionInfo{Token: token, ExpiresAt: now.Add(SessionMaxTTL)}, nil
}

func (s *Service) audit(ctx context.Context, q *db.Q, actor *uuid.UUID, company *uuid.UUID, action string, detail map[string]any) error {
	b, _ := json.Marshal(detail)
	if detail == nil {
		b = []byte("{}")
	}
	if err := q.InsertAudit(ctx, dbq.InsertAuditParams{ID: uuid.Must(uuid.NewV7()), ActorUserID: actor,
		CompanyID: company, Action: action, Detail: b}); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	if company == nil || actor == nil || personalActions[action] {
		return nil
	}
	return s.companyTrail(ctx, q, *actor, *company, action, detail)
}

// personalActions are about a person's own sign-in, not a company's team:
// they stay in the platform log and out of any one company's trail.
var personalActions = map[string]bool{"password.change": true, "two_factor.enable": true, "two_factor.disable": true,
	"two_factor.recovery_codes": true}

// companyTrail writes a membership, invite or token event into the
// company's own audit trail (audit_events, where its admins read it), in the
// same transaction. The transaction is scoped to the company from here on.
func (s *Service) companyTrail(ctx context.Context, q *db.Q, actorID, companyID uuid.UUID, action string, detail map[string]any) error {
	if err := db.SetTenant(ctx, q, companyID); err != nil {
		return err
	}
	actor := audit.Actor{ID: &actorID}
	if u, err := q.GetUser(ctx, actorID); err == nil {
		actor.Name = u.Name
	}
	ev := audit.Event{Action: action, Detail: detail}
	for key, entity := range map[string]string{"user_id": "member", "invite_id": "invite", "token_id": "api_token"} {
		if id, ok := detail[key].(uuid.UUID); ok {
			ev.EntityType, ev.EntityID = entity, id
		}
	}
	if ev.EntityType == "" {
		ev.EntityType = strings.SplitN(action, ".", 2)[0]
	}
	return audit.RecordAtTx(ctx, q, companyID, s.now(), actor, ev)
}

// normalizeEmail validates and lowercases an email address.
func normalizeEmail(field, email string, fe *errs.Fields) string {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		fe.Add(field, "must be a valid email address", email)
	}
	return email
}

func checkNewPassword(field, pw string, fe *errs.Fields) {
	n := utf8.RuneCountInString(pw)
	if n < 8 {
		fe.Add(field, "must be at least 8 characters", nil)
	} else if n > 200 {
		fe.Add(field, "must be at most 200 characters", nil)
	}
}

func checkName(field, v string, max int, fe *errs.Fields) string {
	v = strings.TrimSpace(v)
	if v == "" {
		fe.Add(field, "is required", v)
	} else if utf8.RuneCountInString(v) > max {
		fe.Add(field, fmt.Sprintf("must be at most %d characters", max), v)
	}
	return v
}

func checkTimezone(field, tz string, fe *errs.Fields) string {
	tz = strings.TrimSpace(tz)
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		fe.Add(field, "must be an IANA time zone such as Europe/Paris", tz)
	}
	return tz
}

func checkCurrency(field, code string, fe *errs.Fields) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if u, err := currency.ParseISO(code); err != nil || u.String() != code {
		fe.Add(field, "must be an ISO 4217 currency code such as USD or EUR", code)
	}
	return code
}

func orDefault(v, d string) string {
	if strings.TrimSpace(v) == "" {
		return d
	}
	return v
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
