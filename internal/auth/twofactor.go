package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

// totpIssuer names the account in authenticator apps.
const totpIssuer = "Sales CRM"

// recoveryCodeCount is how many single-use recovery codes a person gets.
const recoveryCodeCount = 10

// TwoFactorSetup is a new, not yet confirmed, authenticator secret.
type TwoFactorSetup struct {
	Secret     string `json:"secret" doc:"Base32 secret, for apps that cannot scan the QR code."`
	OTPAuthURL string `json:"otpauth_url" doc:"The otpauth:// URL the QR code encodes."`
	QRCode     string `json:"qr_code" doc:"A PNG of the QR code, as a data: URL."`
}

// RecoveryCodes are shown once; each signs in once instead of a code.
type RecoveryCodes struct {
	Codes []string `json:"recovery_codes"`
}

// CodeInput is a code from the authenticator app.
type CodeInput struct {
	Code string `json:"code" minLength:"1" maxLength:"64"`
}

// PasswordInput confirms a sensitive change with the current password.
type PasswordInput struct {
	Password string `json:"password" maxLength:"200"`
}

func sessionOnly(p *tenancy.Principal) error {
	if p.SessionID == uuid.Nil {
		return errs.E(errs.Forbidden, "API tokens cannot change sign-in settings; sign in in the browser")
	}
	return nil
}

// StartTwoFactor makes a new authenticator secret for the caller, kept
// pending until EnableTwoFactor confirms a code from it.
func (s *Service) StartTwoFactor(ctx context.Context, p *tenancy.Principal) (*TwoFactorSetup, error) {
	if err := sessionOnly(p); err != nil {
		return nil, err
	}
	u, err := s.db.Platform().GetUser(ctx, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("load user %s: %w", p.UserID, err)
	}
	if u.TotpEnabledAt != nil {
		return nil, errs.E(errs.Conflict, "two-step sign-in is already on; turn it off first to use another app")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email})
	if err != nil {
		return nil, fmt.Errorf("generate totp secret: %w", err)
	}
	sealed, err := s.box.Seal(u.ID, key.Secret())
	if err != nil {
		return nil, fmt.Errorf("seal totp secret: %w", err)
	}
	if err := s.db.Platform().SetTOTPPending(ctx, dbq.SetTOTPPendingParams{ID: u.ID, TotpPendingSecret: &sealed}); err != nil {
		return nil, fmt.Errorf("store totp secret: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return &TwoFactorSetup{Secret: key.Secret(), OTPAuthURL: key.URL(),
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// EnableTwoFactor turns two-step sign-in on once code matches the pending
// secret, and returns fresh recovery codes.
func (s *Service) EnableTwoFactor(ctx context.Context, p *tenancy.Principal, in CodeInput) (*RecoveryCodes, error) {
	if err := sessionOnly(p); err != nil {
		return nil, err
	}
	u, err := s.db.Platform().GetUser(ctx, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("load user %s: %w", p.UserID, err)
	}
	if u.TotpPendingSecret == nil {
		return nil, errs.E(errs.Conflict, "start the setup first")
	}
	secret, err := s.box.Open(u.ID, *u.TotpPendingSecret)
	if err != nil {
		return nil, fmt.Errorf("open totp secret: %w", err)
	}
	a, err := s.record(ctx, s.codeKeys(u.ID))
	if err != nil {
		return nil, err
	}
	if !validTOTP(in.Code, secret, s.now()) {
		return nil, errs.Field("body.code", "is not the current code of the app; check the phone's clock and try the next code", nil)
	}
	if err := a.Succeeded(ctx); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = s.db.InPlatform(ctx, func(q *db.Q) error {
		if n, err := q.EnableTOTP(ctx, dbq.EnableTOTPParams{ID: u.ID, TotpEnabledAt: ptr(s.now())}); err != nil || n == 0 {
			if err == nil {
				return errs.E(errs.Conflict, "start the setup first")
			}
			return fmt.Errorf("enable totp: %w", err)
		}
		if err := replaceRecoveryCodes(ctx, q, u.ID, hashes); err != nil {
			return err
		}
		return s.audit(ctx, q, &u.ID, &p.CompanyID, "two_factor.enable", nil)
	})
	if err != nil {
		return nil, err
	}
	return &RecoveryCodes{Codes: codes}, nil
}

// DisableTwoFactor turns two-step sign-in off, confirmed with the password.
// A person in a company that requires it cannot.
func (s *Service) DisableTwoFactor(ctx context.Context, p *tenancy.Principal, in PasswordInput) error {
	if err := sessionOnly(p); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, p, in.Password); err != nil {
		return err
	}
	return s.db.InPlatform(ctx, func(q *db.Q) error {
		companies, err := q.ListUserCompanies(ctx, p.UserID)
		if err != nil {
			return fmt.Errorf("list companies: %w", err)
		}
		for _, c := range companies {
			company, err := q.GetCompany(ctx, c.ID)
			if err != nil {
				return fmt.Errorf("load company %s: %w", c.ID, err)
			}
			if company.RequireTwoFactor {
				return errs.E(errs.Conflict, "%s requires two-step sign-in; it stays on", company.Name)
			}
		}
		if err := q.DisableTOTP(ctx, p.UserID); err != nil {
			return fmt.Errorf("disable totp: %w", err)
		}
		if err := q.DeleteRecoveryCodes(ctx, p.UserID); err != nil {
			return fmt.Errorf("delete recovery codes: %w", err)
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "two_factor.disable", nil)
	})
}

// NewRecoveryCodes replaces the caller's recovery codes, confirmed with the password.
func (s *Service) NewRecoveryCodes(ctx context.Context, p *tenancy.Principal, in PasswordInput) (*RecoveryCodes, error) {
	if err := sessionOnly(p); err != nil {
		return nil, err
	}
	if err := s.confirmPassword(ctx, p, in.Password); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		u, err := q.GetUser(ctx, p.UserID)
		if err != nil {
			return fmt.Errorf("load user %s: %w", p.UserID, err)
		}
		if u.TotpEnabledAt == nil {
			return errs.E(errs.Conflict, "two-step sign-in is off")
		}
		if err := replaceRecoveryCodes(ctx, q, p.UserID, hashes); err != nil {
			return err
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "two_factor.recovery_codes", nil)
	})
	if err != nil {
		return nil, err
	}
	return &RecoveryCodes{Codes: codes}, nil
}

// codeKeys count wrong second-step codes per account, from anywhere: the
// password was right, so this is the account's owner or someone who has it.
func (s *Service) codeKeys(userID uuid.UUID) []throttleKey {
	return []throttleKey{{"code:" + userID.String(), s.Throttle.PerCode, s.Throttle.Window}}
}

// checkSecondStep checks a login's second step: a TOTP code, or an unused
// recovery code (then used up). It is throttled like a password.
func (s *Service) checkSecondStep(ctx context.Context, u dbq.User, code string) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return &errs.Error{Code: errs.Unauthorized, Message: "enter the code from your authenticator app",
			Fields: []errs.FieldError{{Field: "body.code", Message: "is required: this account uses two-step sign-in"}}}
	}
	a, err := s.record(ctx, s.codeKeys(u.ID))
	if err != nil {
		return err
	}
	wrong := &errs.Error{Code: errs.Unauthorized, Message: "wrong code",
		Fields: []errs.FieldError{{Field: "body.code", Message: "is not a current code or an unused recovery code"}}}
	if u.TotpSecret == nil {
		return wrong
	}
	ok := false
	if isRecoveryCode(code) {
		n, err := s.db.Platform().UseRecoveryCode(ctx, dbq.UseRecoveryCodeParams{UserID: u.ID,
			CodeHash: hashToken(normalizeRecoveryCode(code)), UsedAt: ptr(s.now())})
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		ok = n == 1
	} else {
		secret, err := s.box.Open(u.ID, *u.TotpSecret)
		if err != nil {
			return fmt.Errorf("open totp secret: %w", err)
		}
		ok = validTOTP(code, secret, s.now())
	}
	if !ok {
		return wrong
	}
	return a.Succeeded(ctx)
}

// confirmPassword checks the caller's own password through the one throttled check.
func (s *Service) confirmPassword(ctx context.Context, p *tenancy.Principal, password string) error {
	u, err := s.db.Platform().GetUser(ctx, p.UserID)
	if err != nil {
		return fmt.Errorf("load user %s: %w", p.UserID, err)
	}
	keys := []throttleKey{{"confirm:" + p.UserID.String(), s.Throttle.PerEmailAddress, s.Throttle.Window}}
	err = s.checkPassword(ctx, keys, nil, u.PasswordHash, password, "wrong password")
	if errs.CodeOf(err) == errs.Unauthorized {
		// A wrong current password is a bad field, not a lost session.
		return errs.Field("body.password", "is not your current password", nil)
	}
	return err
}

func validTOTP(code, secret string, at time.Time) bool {
	ok, err := totp.ValidateCustom(strings.ReplaceAll(strings.TrimSpace(code), " ", ""), secret, at,
		totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

var recoveryEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// newRecoveryCodes returns codes like "k7dm4-x9q2a" (50 random bits each)
// and their hashes; only the hashes are stored.
func newRecoveryCodes() ([]string, [][]byte) {
	codes := make([]string, recoveryCodeCount)
	hashes := make([][]byte, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, 7)
		_, _ = rand.Read(b)
		c := recoveryEncoding.EncodeToString(b)[:10]
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = hashToken(normalizeRecoveryCode(codes[i]))
	}
	return codes, hashes
}

func isRecoveryCode(code string) bool { return len(normalizeRecoveryCode(code)) == 10 }

func normalizeRecoveryCode(code string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
}

func replaceRecoveryCodes(ctx context.Context, q *db.Q, userID uuid.UUID, hashes [][]byte) error {
	if err := q.DeleteRecoveryCodes(ctx, userID); err != nil {
		return fmt.Errorf("delete recovery codes: %w", err)
	}
	for _, h := range hashes {
		if err := q.InsertRecoveryCode(ctx, dbq.InsertRecoveryCodeParams{UserID: userID, CodeHash: h}); err != nil {
			return fmt.Errorf("store recovery code: %w", err)
		}
	}
	return nil
}
