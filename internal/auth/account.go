package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

// deviceCookie returns a new device cookie value for a browser that just
// signed in as email: a random id and a signature binding it to the email.
// It is not a credential (it opens nothing); it only lets that browser's
// future logins be counted apart from everyone else's guesses.
func (s *Service) deviceCookie(email string) string {
	if s.box == nil {
		return ""
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	return id + "~" + s.box.Sign("device", []byte(id+"|"+email))
}

// deviceID returns the id of a device cookie signed for email, or "".
func (s *Service) deviceID(cookie, email string) string {
	id, sig, ok := strings.Cut(cookie, "~")
	if !ok || s.box == nil || len(id) > 64 || !s.box.Verify("device", []byte(id+"|"+email), sig) {
		return ""
	}
	return id
}

// PasswordChange replaces the caller's password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password" maxLength:"200"`
	NewPassword     string `json:"new_password" maxLength:"200"`
}

// ChangePassword replaces the caller's password after checking the current
// one (throttled). Every other session of theirs ends and every API token
// they made (in any company) is revoked: whoever knew the old password, or
// holds a token made with it, is out.
func (s *Service) ChangePassword(ctx context.Context, p *tenancy.Principal, in PasswordChange) error {
	if err := sessionOnly(p); err != nil {
		return err
	}
	var fe errs.Fields
	checkNewPassword("body.new_password", in.NewPassword, &fe)
	if in.NewPassword != "" && in.NewPassword == in.CurrentPassword {
		fe.Add("body.new_password", "must differ from the current password", nil)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, p, in.CurrentPassword); err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			return errs.Field("body.current_password", "is not your current password", nil)
		}
		return err
	}
	hash, err := s.hasher.Hash(ctx, in.NewPassword)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.db.InPlatform(ctx, func(q *db.Q) error {
		if err := q.UpdatePassword(ctx, dbq.UpdatePasswordParams{ID: p.UserID, PasswordHash: hash, PasswordChangedAt: ptr(s.now())}); err != nil {
			return fmt.Errorf("update password: %w", err)
		}
		sessions, err := q.DeleteOtherSessions(ctx, dbq.DeleteOtherSessionsParams{UserID: p.UserID, ID: p.SessionID})
		if err != nil {
			return fmt.Errorf("end other sessions: %w", err)
		}
		tokens, err := q.DeleteUserAPITokens(ctx, p.UserID)
		if err != nil {
			return fmt.Errorf("revoke api tokens: %w", err)
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "password.change",
			map[string]any{"sessions_ended": sessions, "api_tokens_revoked": tokens})
	})
}

// Session is one of the caller's signed-in browsers.
type Session struct {
	ID          uuid.UUID `json:"id"`
	CompanyName string    `json:"company_name" doc:"The company the session is in now."`
	Device      string    `json:"device" doc:"Browser and system, read from the user agent."`
	UserAgent   string    `json:"user_agent"`
	IP          string    `json:"ip" doc:"The address it was last used from."`
	CreatedAt   time.Time `json:"created_at" doc:"When it signed in."`
	LastSeenAt  time.Time `json:"last_seen_at"`
	ExpiresAt   time.Time `json:"expires_at" doc:"When it ends unless used again (never later than 30 days after sign-in)."`
	Current     bool      `json:"current" doc:"The session making this request."`
}

// ListSessions lists the caller's live sessions, most recently used first.
func (s *Service) ListSessions(ctx context.Context, p *tenancy.Principal) ([]Session, error) {
	rows, err := s.db.Platform().ListUserSessions(ctx, dbq.ListUserSessionsParams{UserID: p.UserID, ExpiresAt: s.now()})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]Session, 0, len(rows))
	for _, r := range rows {
		if s.now().Sub(r.CreatedAt) >= SessionMaxTTL {
			continue
		}
		ip := r.LastIp
		if ip == "" {
			ip = r.Ip
		}
		out = append(out, Session{ID: r.ID, CompanyName: r.CompanyName, Device: DescribeUserAgent(r.UserAgent),
			UserAgent: r.UserAgent, IP: ip, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt,
			ExpiresAt: earliest(r.ExpiresAt, r.CreatedAt.Add(SessionMaxTTL)), Current: r.ID == p.SessionID})
	}
	return out, nil
}

// EndSession signs out one of the caller's sessions; another person's is not found.
func (s *Service) EndSession(ctx context.Context, p *tenancy.Principal, id uuid.UUID) error {
	n, err := s.db.Platform().DeleteUserSession(ctx, dbq.DeleteUserSessionParams{ID: id, UserID: p.UserID})
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	if n == 0 {
		return errs.NotFoundf("session not found")
	}
	return nil
}

// EndOtherSessions signs out every session of the caller but the current one.
func (s *Service) EndOtherSessions(ctx context.Context, p *tenancy.Principal) (int64, error) {
	if err := sessionOnly(p); err != nil {
		return 0, err
	}
	n, err := s.db.Platform().DeleteOtherSessions(ctx, dbq.DeleteOtherSessionsParams{UserID: p.UserID, ID: p.SessionID})
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	return n, nil
}

// DescribeUserAgent names the browser and system of a user agent string
// ("Firefox on Windows"), or "Unknown device".
func DescribeUserAgent(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
		{"HeadlessChrome/", "Chrome (headless)"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	return "Unknown device"
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ProfileUpdate changes the signed-in person's own profile; absent fields stay.
type ProfileUpdate struct {
	Name     *string `json:"name,omitempty" maxLength:"100"`
	Timezone *string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone for this person's today, overdue and times; an empty string follows the company's."`
}

// UpdateProfile changes the caller's name or time zone, in every company.
func (s *Service) UpdateProfile(ctx context.Context, p *tenancy.Principal, in ProfileUpdate) (*Me, error) {
	var me *Me
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		u, err := q.GetUser(ctx, p.UserID)
		if err != nil {
			return fmt.Errorf("load user %s: %w", p.UserID, err)
		}
		var fe errs.Fields
		if in.Name != nil {
			u.Name = checkName("body.name", *in.Name, 100, &fe)
		}
		if in.Timezone != nil {
			if strings.TrimSpace(*in.Timezone) == "" {
				u.Timezone = nil
			} else {
				tz := checkTimezone("body.timezone", *in.Timezone, &fe)
				u.Timezone = &tz
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := q.UpdateProfile(ctx, dbq.UpdateProfileParams{ID: u.ID, Name: u.Name, Timezone: u.Timezone, UpdatedAt: s.now()}); err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		me, err = loadMe(ctx, q, p.UserID, p.CompanyID)
		return err
	})
	return me, err
}
