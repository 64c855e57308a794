// Package tenancy carries the authenticated tenant through a request and
// audits tenant data across the whole database.
package tenancy

import (
	"context"

	"github.com/google/uuid"
)

// Role is a member's role in a company.
type Role string

// Roles, from most to least privileged.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleMember }

// AtLeast reports whether r is as privileged as min.
func (r Role) AtLeast(min Role) bool { return rank(r) >= rank(min) }

func rank(r Role) int {
	switch r {
	case RoleOwner:
		return 3
	case RoleAdmin:
		return 2
	case RoleMember:
		return 1
	}
	return 0
}

// Principal is who is calling and for which company. It is set by the auth
// middleware only, from a session or an API token; nothing a client sends
// can choose the company.
type Principal struct {
	UserID        uuid.UUID
	Email         string
	Name          string
	CompanyID     uuid.UUID
	Role          Role
	PlatformAdmin bool
	SessionID     uuid.UUID // zero for API tokens
	APITokenID    uuid.UUID // zero for sessions
	// TwoFactorSetupRequired is set when the company requires two-step
	// sign-in and this person has not turned it on: until they do, their
	// session reaches only the operations that set it up.
	TwoFactorSetupRequired bool
}

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal, or nil when the request is anonymous.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}
