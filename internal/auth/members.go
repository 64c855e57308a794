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

// Member is a user as a member of the caller's company.
type Member struct {
	ID        uuid.UUID    `json:"id" doc:"The user's id."`
	Email     string       `json:"email"`
	Name      string       `json:"name"`
	Role      tenancy.Role `json:"role" enum:"owner,admin,member"`
	JoinedAt  time.Time    `json:"joined_at"`
	TwoFactor bool         `json:"two_factor" doc:"Uses two-step sign-in."`
}

// CompanyUpdate changes the company profile; absent fields stay.
type CompanyUpdate struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Timezone *string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone, such as Europe/Paris."`
	Currency *string `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217 base currency: the dashboard's totals are in it; deals in others are shown apart."`
	// RequireTwoFactor is for owners, who must use two-step sign-in themselves first.
	RequireTwoFactor *bool `json:"require_two_factor,omitempty" doc:"Owners only: every member must use two-step sign-in; members without it can only set it up until they do."`
}

// GetCompany returns the caller's company.
func (s *Service) GetCompany(ctx context.Context, p *tenancy.Principal) (*Company, error) {
	c, err := s.db.Platform().GetCompany(ctx, p.CompanyID)
	if err != nil {
		return nil, fmt.Errorf("load company %s: %w", p.CompanyID, err)
	}
	out := companyOf(c)
	return &out, nil
}

// UpdateCompany changes the caller's company profile (admins).
func (s *Service) UpdateCompany(ctx context.Context, p *tenancy.Principal, in CompanyUpdate) (*Company, error) {
	var out Company
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		c, err := q.GetCompany(ctx, p.CompanyID)
		if err != nil {
			return fmt.Errorf("load company %s: %w", p.CompanyID, err)
		}
		var fe errs.Fields
		if in.Name != nil {
			c.Name = checkName("body.name", *in.Name, 200, &fe)
		}
		if in.Timezone != nil {
			c.Timezone = checkTimezone("body.timezone", *in.Timezone, &fe)
		}
		if in.Currency != nil {
			c.Currency = checkCurrency("body.currency", *in.Currency, &fe)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if in.RequireTwoFactor != nil && *in.RequireTwoFactor != c.RequireTwoFactor {
			if p.Role != tenancy.RoleOwner {
				return errs.E(errs.Forbidden, "only an owner can change whether two-step sign-in is required")
			}
			if *in.RequireTwoFactor {
				u, err := q.GetUser(ctx, p.UserID)
				if err != nil {
					return fmt.Errorf("load user %s: %w", p.UserID, err)
				}
				if u.TotpEnabledAt == nil {
					return errs.Field("body.require_two_factor", "turn on two-step sign-in for yourself first", true)
				}
			}
			c.RequireTwoFactor = *in.RequireTwoFactor
			if err := s.audit(ctx, q, &p.UserID, &p.CompanyID, "company.require_two_factor", map[string]any{"on": c.RequireTwoFactor}); err != nil {
				return err
			}
		}
		c, err = q.UpdateCompany(ctx, dbq.UpdateCompanyParams{ID: c.ID, Name: c.Name, Timezone: c.Timezone,
			RequireTwoFactor: c.RequireTwoFactor, Currency: c.Currency})
		if err != nil {
			return fmt.Errorf("update company: %w", err)
		}
		out = companyOf(c)
		return nil
	})
	return &out, err
}

// ListMembers lists the members of the caller's company.
func (s *Service) ListMembers(ctx context.Context, p *tenancy.Principal) ([]Member, error) {
	rows, err := s.db.Platform().ListCompanyMembers(ctx, p.CompanyID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	out := make([]Member, 0, len(rows))
	for _, r := range rows {
		out = append(out, Member{ID: r.ID, Email: r.Email, Name: r.Name, Role: tenancy.Role(r.Role), JoinedAt: r.CreatedAt, TwoFactor: r.TwoFactor})
	}
	return out, nil
}

// GetMember returns one member of the caller's company.
func (s *Service) GetMember(ctx context.Context, p *tenancy.Principal, userID uuid.UUID) (*Member, error) {
	r, err := s.db.Platform().GetCompanyMember(ctx, dbq.GetCompanyMemberParams{CompanyID: p.CompanyID, UserID: userID})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("user not found")
		}
		return nil, fmt.Errorf("load member %s: %w", userID, err)
	}
	return &Member{ID: r.ID, Email: r.Email, Name: r.Name, Role: tenancy.Role(r.Role), JoinedAt: r.CreatedAt, TwoFactor: r.TwoFactor}, nil
}

// ChangeRole sets a member's role. Admins manage admins and members; only an
// owner grants or takes away ownership; the last owner stays an owner.
func (s *Service) ChangeRole(ctx context.Context, p *tenancy.Principal, userID uuid.UUID, role tenancy.Role) (*Member, error) {
	if !role.Valid() {
		return nil, errs.Field("body.role", "must be owner, admin or member", role)
	}
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		actor, m, err := lockMembers(ctx, q, p, userID)
		if err != nil {
			return err
		}
		if !actor.AtLeast(tenancy.RoleAdmin) {
			return errs.E(errs.Forbidden, "only admins and owners can do this")
		}
		current := tenancy.Role(m.Role)
		if (current == tenancy.RoleOwner || role == tenancy.RoleOwner) && actor != tenancy.RoleOwner {
			return errs.E(errs.Forbidden, "only an owner can grant or remove the owner role")
		}
		if current == tenancy.RoleOwner && role != tenancy.RoleOwner {
			if err := ensureAnotherOwner(ctx, q, p.CompanyID); err != nil {
				return err
			}
		}
		if _, err := q.UpdateMembershipRole(ctx, dbq.UpdateMembershipRoleParams{CompanyID: p.CompanyID, UserID: userID, Role: string(role)}); err != nil {
			return fmt.Errorf("update role: %w", err)
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "member.role", map[string]any{"user_id": userID, "email": emailOf(ctx, q, userID), "from": current, "to": role})
	})
	if err != nil {
		return nil, err
	}
	return s.GetMember(ctx, p, userID)
}

// RemoveMember takes a person out of the caller's company. Their sessions and
// API tokens for the company go with the membership (foreign key cascade), so
// the next request they make is refused.
func (s *Service) RemoveMember(ctx context.Context, p *tenancy.Principal, userID uuid.UUID) error {
	return s.db.InPlatform(ctx, func(q *db.Q) error {
		actor, m, err := lockMembers(ctx, q, p, userID)
		if err != nil {
			return err
		}
		if !actor.AtLeast(tenancy.RoleAdmin) {
			return errs.E(errs.Forbidden, "only admins and owners can do this")
		}
		if tenancy.Role(m.Role) == tenancy.RoleOwner {
			if actor != tenancy.RoleOwner {
				return errs.E(errs.Forbidden, "only an owner can remove an owner")
			}
			if err := ensureAnotherOwner(ctx, q, p.CompanyID); err != nil {
				return err
			}
		}
		if _, err := q.DeleteMembership(ctx, dbq.DeleteMembershipParams{CompanyID: p.CompanyID, UserID: userID}); err != nil {
			return fmt.Errorf("delete membership: %w", err)
		}
		// Links they handed out would otherwise outlive their access.
		revoked, err := q.DeleteInvitesBy(ctx, dbq.DeleteInvitesByParams{CompanyID: p.CompanyID, InvitedBy: &userID})
		if err != nil {
			return fmt.Errorf("revoke their invites: %w", err)
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "member.remove", map[string]any{"user_id": userID, "email": emailOf(ctx, q, userID), "invites_revoked": revoked})
	})
}

// lockMembers locks the company's memberships for a change (the company row,
// FOR UPDATE), then reads the caller's role as it is now, not as it was when
// the request was authenticated, and the target's membership. Two owners
// demoting each other at once are serialised, and the second sees that the
// first already made it an admin.
func lockMembers(ctx context.Context, q *db.Q, p *tenancy.Principal, target uuid.UUID) (tenancy.Role, dbq.Membership, error) {
	if _, err := q.LockCompany(ctx, p.CompanyID); err != nil {
		return "", dbq.Membership{}, fmt.Errorf("lock company %s: %w", p.CompanyID, err)
	}
	me, err := q.GetMembership(ctx, dbq.GetMembershipParams{CompanyID: p.CompanyID, UserID: p.UserID})
	if db.IsNotFound(err) {
		return "", dbq.Membership{}, errs.E(errs.Unauthorized, "you are no longer a member of this company")
	}
	if err != nil {
		return "", dbq.Membership{}, fmt.Errorf("load own membership: %w", err)
	}
	m, err := q.GetMembership(ctx, dbq.GetMembershipParams{CompanyID: p.CompanyID, UserID: target})
	if db.IsNotFound(err) {
		return "", dbq.Membership{}, errs.NotFoundf("user not found")
	}
	if err != nil {
		return "", dbq.Membership{}, fmt.Errorf("load membership: %w", err)
	}
	return tenancy.Role(me.Role), m, nil
}

// emailOf names a user in an audit event (their email, or "" if gone).
func emailOf(ctx context.Context, q *db.Q, userID uuid.UUID) string {
	u, err := q.GetUser(ctx, userID)
	if err != nil {
		return ""
	}
	return u.Email
}

func ensureAnotherOwner(ctx context.Context, q *db.Q, companyID uuid.UUID) error {
	n, err := q.CountOwners(ctx, companyID)
	if err != nil {
		return fmt.Errorf("count owners: %w", err)
	}
	if n <= 1 {
		return errs.E(errs.Conflict, "a company needs at least one owner; make someone else owner first")
	}
	return nil
}
