package auth

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

// SignupInput creates a company and its owner.
type SignupInput struct {
	CompanyName string `json:"company_name" minLength:"1" maxLength:"200"`
	Name        string `json:"name" minLength:"1" maxLength:"100"`
	Email       string `json:"email" format:"email" maxLength:"254"`
	Password    string `json:"password" minLength:"8" maxLength:"200"`
	Timezone    string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone of the company, such as Europe/Paris (the web app sends the browser's); default UTC."`
	Currency    string `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217 base currency of the company (its dashboard's totals); default USD."`
}

// Signup creates a company, its owner and a session. Sign-ups are counted
// per client address (errs.Throttled past the limit).
func (s *Service) Signup(ctx context.Context, in SignupInput, cl Client) (*Me, SessionInfo, error) {
	var fe errs.Fields
	in.CompanyName = checkName("body.company_name", in.CompanyName, 200, &fe)
	in.Name = checkName("body.name", in.Name, 100, &fe)
	in.Email = normalizeEmail("body.email", in.Email, &fe)
	checkNewPassword("body.password", in.Password, &fe)
	in.Timezone = checkTimezone("body.timezone", orDefault(in.Timezone, "UTC"), &fe)
	in.Currency = checkCurrency("body.currency", orDefault(in.Currency, "USD"), &fe)
	if err := fe.Err(); err != nil {
		return nil, SessionInfo{}, err
	}
	if _, err := s.record(ctx, s.signupKeys(cl)); err != nil {
		return nil, SessionInfo{}, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, SessionInfo{}, fmt.Errorf("hash password: %w", err)
	}
	var me *Me
	var sess SessionInfo
	err = s.db.InPlatform(ctx, func(q *db.Q) error {
		if _, err := q.GetUserByEmail(ctx, in.Email); err == nil {
			return errEmailTaken(in.Email)
		} else if !db.IsNotFound(err) {
			return fmt.Errorf("look up user: %w", err)
		}
		c, err := q.CreateCompany(ctx, dbq.CreateCompanyParams{ID: uuid.Must(uuid.NewV7()), Name: in.CompanyName,
			Timezone: in.Timezone, Currency: in.Currency})
		if err != nil {
			return fmt.Errorf("create company: %w", err)
		}
		if s.OnCompanyCreated != nil {
			if err := db.SetTenant(ctx, q, c.ID); err != nil {
				return err
			}
			if err := s.OnCompanyCreated(ctx, q, c.ID); err != nil {
				return fmt.Errorf("set up company: %w", err)
			}
		}
		u, err := q.CreateUser(ctx, dbq.CreateUserParams{ID: uuid.Must(uuid.NewV7()), Email: in.Email, Name: in.Name, PasswordHash: hash})
		if err != nil {
			if class, _, ok := db.ConstraintViolation(err); ok && class == "unique" {
				return errEmailTaken(in.Email)
			}
			return fmt.Errorf("create user: %w", err)
		}
		if err := q.CreateMembership(ctx, dbq.CreateMembershipParams{CompanyID: c.ID, UserID: u.ID, Role: string(tenancy.RoleOwner)}); err != nil {
			return fmt.Errorf("create membership: %w", err)
		}
		if sess, err = s.newSession(ctx, q, u.ID, c.ID, cl); err != nil {
			return err
		}
		if err := s.audit(ctx, q, &u.ID, &c.ID, "company.signup", map[string]any{"company_name": c.Name}); err != nil {
			return err
		}
		me, err = loadMe(ctx, q, u.ID, c.ID)
		return err
	})
	if err != nil {
		return nil, SessionInfo{}, err
	}
	sess.Device = s.deviceCookie(in.Email)
	return me, sess, nil
}

func errEmailTaken(email string) error {
	return &errs.Error{Code: errs.Conflict, Message: "an account with this email already exists; log in instead",
		Fields: []errs.FieldError{{Field: "body.email", Message: "is already registered", Value: email}}}
}

// LoginInput is an email and a password, and the second step's code when
// the account has two-step sign-in.
type LoginInput struct {
	Email    string `json:"email" maxLength:"254"`
	Password string `json:"password" maxLength:"200"`
	Code     string `json:"code,omitempty" maxLength:"64" doc:"With two-step sign-in: the 6-digit code from the authenticator app, or a recovery code. Without it such an account answers 401 with a field error on body.code."`
}

// Login checks the credentials and opens a session bound to the person's
// first company. device is the browser's device cookie ("" for none). Every
// guess is throttled (errs.Throttled with RetryAfter; see ThrottleLimits).
// An account with two-step sign-in answers errs.Unauthorized with a field
// error on body.code until the code is sent too.
func (s *Service) Login(ctx context.Context, in LoginInput, cl Client, device string) (*Me, SessionInfo, error) {
	email := normalizeEmailLoose(in.Email)
	u, err := s.db.Platform().GetUserByEmail(ctx, email)
	known := err == nil
	if err != nil && !db.IsNotFound(err) {
		return nil, SessionInfo{}, fmt.Errorf("look up user: %w", err)
	}
	keys, clear := s.loginKeys(email, cl, s.deviceID(device, email))
	hash := ""
	if known {
		hash = u.PasswordHash
	}
	if err := s.checkPassword(ctx, keys, clear, hash, in.Password, "wrong email or password"); err != nil {
		return nil, SessionInfo{}, err
	}
	if u.TotpEnabledAt != nil {
		if err := s.checkSecondStep(ctx, u, in.Code); err != nil {
			return nil, SessionInfo{}, err
		}
	}
	var me *Me
	var sess SessionInfo
	err = s.db.InPlatform(ctx, func(q *db.Q) error {
		companies, err := q.ListUserCompanies(ctx, u.ID)
		if err != nil {
			return fmt.Errorf("list companies: %w", err)
		}
		if len(companies) == 0 {
			return errs.E(errs.Forbidden, "this account no longer belongs to any company")
		}
		if sess, err = s.newSession(ctx, q, u.ID, companies[0].ID, cl); err != nil {
			return err
		}
		me, err = loadMe(ctx, q, u.ID, companies[0].ID)
		return err
	})
	if err != nil {
		return nil, SessionInfo{}, err
	}
	sess.Device = s.deviceCookie(email)
	return me, sess, nil
}

// Logout ends the principal's session.
func (s *Service) Logout(ctx context.Context, p *tenancy.Principal) error {
	if p.SessionID == uuid.Nil {
		return nil
	}
	if err := s.db.Platform().DeleteSession(ctx, p.SessionID); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// SwitchCompany binds the principal's session to another of their companies.
// The company id names one of the caller's own memberships; any other id is
// not found, exactly like an id that does not exist.
func (s *Service) SwitchCompany(ctx context.Context, p *tenancy.Principal, companyID uuid.UUID) (*Me, error) {
	if p.SessionID == uuid.Nil {
		return nil, errs.E(errs.Forbidden, "API tokens are bound to one company")
	}
	var me *Me
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		if _, err := q.GetMembership(ctx, dbq.GetMembershipParams{CompanyID: companyID, UserID: p.UserID}); err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("company not found")
			}
			return fmt.Errorf("load membership: %w", err)
		}
		if err := q.SwitchSessionCompany(ctx, dbq.SwitchSessionCompanyParams{ID: p.SessionID, CompanyID: companyID}); err != nil {
			return fmt.Errorf("switch session: %w", err)
		}
		var err error
		me, err = loadMe(ctx, q, p.UserID, companyID)
		return err
	})
	return me, err
}

// AuthenticateSession resolves a session cookie's token to a principal. The
// membership is joined on every request, so a removed member is out at once.
// A session ends when idle for SessionIdleTTL or SessionMaxTTL after sign-in.
func (s *Service) AuthenticateSession(ctx context.Context, token string, cl Client) (*tenancy.Principal, error) {
	q := s.db.Platform()
	now := s.now()
	row, err := q.GetSessionPrincipal(ctx, dbq.GetSessionPrincipalParams{TokenHash: hashToken(token), ExpiresAt: now})
	if (err == nil && now.Sub(row.CreatedAt) >= SessionMaxTTL) || db.IsNotFound(err) {
		return nil, s.refuseSecret(ctx, cl, errs.E(errs.Unauthorized, "session expired or signed out"))
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	if now.Sub(row.LastSeenAt) > sessionTouchStep || row.LastIp != cl.IP {
		exp := earliest(now.Add(SessionIdleTTL), row.CreatedAt.Add(SessionMaxTTL))
		if err := q.TouchSession(ctx, dbq.TouchSessionParams{ID: row.SessionID, Now: now, ExpiresAt: exp, Ip: cl.IP}); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return &tenancy.Principal{UserID: row.UserID, Email: row.Email, Name: row.Name, CompanyID: row.CompanyID,
		Role: tenancy.Role(row.Role), PlatformAdmin: row.IsPlatformAdmin, SessionID: row.SessionID,
		TwoFactorSetupRequired: row.RequireTwoFactor && !row.TwoFactor}, nil
}

// AuthenticateToken resolves an API token to a principal acting as the
// member who created it, with that member's current role. An expired token
// is refused like a revoked one.
func (s *Service) AuthenticateToken(ctx context.Context, token string, cl Client) (*tenancy.Principal, error) {
	q := s.db.Platform()
	row, err := q.GetAPITokenPrincipal(ctx, dbq.GetAPITokenPrincipalParams{TokenHash: hashToken(token), ExpiresAt: ptr(s.now())})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, s.refuseSecret(ctx, cl, errs.E(errs.Unauthorized, "invalid, expired or revoked API token"))
		}
		return nil, fmt.Errorf("load api token: %w", err)
	}
	if row.LastUsedAt == nil || s.now().Sub(*row.LastUsedAt) > sessionTouchStep {
		if err := q.TouchAPIToken(ctx, row.TokenID); err != nil {
			return nil, fmt.Errorf("touch api token: %w", err)
		}
	}
	return &tenancy.Principal{UserID: row.UserID, Email: row.Email, Name: row.Name, CompanyID: row.CompanyID,
		Role: tenancy.Role(row.Role), PlatformAdmin: row.IsPlatformAdmin, APITokenID: row.TokenID}, nil
}

// GrantPlatformAdmin makes the user with email a platform administrator (or
// revokes it). It is reachable only from the command line.
func (s *Service) GrantPlatformAdmin(ctx context.Context, email string, grant bool) error {
	return s.db.InPlatform(ctx, func(q *db.Q) error {
		n, err := q.SetPlatformAdmin(ctx, dbq.SetPlatformAdminParams{Email: normalizeEmailLoose(email), IsPlatformAdmin: grant})
		if err != nil {
			return fmt.Errorf("set platform admin: %w", err)
		}
		if n == 0 {
			return errs.NotFoundf("no user with email %s", email)
		}
		return s.audit(ctx, q, nil, nil, "platform_admin.grant", map[string]any{"email": email, "grant": grant})
	})
}

func ptr[T any](v T) *T { return &v }
