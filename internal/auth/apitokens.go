package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

// APIToken describes a token; the secret is never stored or shown again.
type APIToken struct {
	ID         uuid.UUID  `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The first characters of the secret, to recognise it."`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at" nullable:"true" doc:"When it stops working; null for never."`
	UserID     uuid.UUID  `json:"user_id" doc:"The member the token acts as."`
	UserName   string     `json:"user_name"`
}

// NewAPIToken is a token just created, with its secret.
type NewAPIToken struct {
	ID        uuid.UUID  `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at" nullable:"true"`
	Token     string     `json:"token" doc:"The secret, shown this once. Send it as Authorization: Bearer <token>."`
}

// APITokenInput names a new token.
type APITokenInput struct {
	Name          string `json:"name" minLength:"1" maxLength:"100"`
	ExpiresInDays *int   `json:"expires_in_days,omitempty" doc:"Days until the token stops working (1 to 1825); absent for never."`
}

// CreateAPIToken creates a token acting as the caller in the caller's company.
func (s *Service) CreateAPIToken(ctx context.Context, p *tenancy.Principal, in APITokenInput) (*NewAPIToken, error) {
	var fe errs.Fields
	name := checkName("body.name", in.Name, 100, &fe)
	var expires *time.Time
	if in.ExpiresInDays != nil {
		if d := *in.ExpiresInDays; d < 1 || d > 1825 {
			fe.Add("body.expires_in_days", "must be between 1 and 1825 days", d)
		} else {
			expires = ptr(s.now().Add(time.Duration(d) * 24 * time.Hour))
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if p.APITokenID != uuid.Nil {
		// A leaked token must not be able to mint more, longer-lived ones.
		return nil, errs.E(errs.Forbidden, "an API token cannot create API tokens; sign in in the browser")
	}
	token, hash := newToken(apiTokenPrefix)
	var out *NewAPIToken
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		t, err := q.CreateAPIToken(ctx, dbq.CreateAPITokenParams{ID: uuid.Must(uuid.NewV7()), CompanyID: p.CompanyID,
			UserID: p.UserID, Name: name, TokenPrefix: token[:12], TokenHash: hash, ExpiresAt: expires})
		if err != nil {
			return fmt.Errorf("create api token: %w", err)
		}
		out = &NewAPIToken{ID: t.ID, Name: t.Name, Prefix: t.TokenPrefix, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, Token: token}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "api_token.create", map[string]any{"token_id": t.ID, "name": name})
	})
	return out, err
}

// ListAPITokens lists the caller's company's tokens.
func (s *Service) ListAPITokens(ctx context.Context, p *tenancy.Principal) ([]APIToken, error) {
	rows, err := s.db.Platform().ListAPITokens(ctx, p.CompanyID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	out := make([]APIToken, 0, len(rows))
	for _, r := range rows {
		out = append(out, APIToken{ID: r.ID, Name: r.Name, Prefix: r.TokenPrefix, CreatedAt: r.CreatedAt,
			LastUsedAt: r.LastUsedAt, ExpiresAt: r.ExpiresAt, UserID: r.UserID, UserName: r.UserName})
	}
	return out, nil
}

// RevokeAPIToken deletes a token; requests with it fail at once.
func (s *Service) RevokeAPIToken(ctx context.Context, p *tenancy.Principal, id uuid.UUID) error {
	return s.db.InPlatform(ctx, func(q *db.Q) error {
		n, err := q.DeleteAPIToken(ctx, dbq.DeleteAPITokenParams{CompanyID: p.CompanyID, ID: id})
		if err != nil {
			return fmt.Errorf("delete api token: %w", err)
		}
		if n == 0 {
			return errs.NotFoundf("API token not found")
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "api_token.revoke", map[string]any{"token_id": id})
	})
}
