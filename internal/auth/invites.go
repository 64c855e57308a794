package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

// Invite is a pending invitation.
type Invite struct {
	ID            uuid.UUID    `json:"id"`
	Email         string       `json:"email"`
	Role          tenancy.Role `json:"role" enum:"owner,admin,member"`
	CreatedAt     time.Time    `json:"created_at"`
	ExpiresAt     time.Time    `json:"expires_at"`
	InvitedByName string       `json:"invited_by_name"`
	AcceptURL     string       `json:"accept_url,omitempty" doc:"The one-time link to send to the invitee. Returned only when the link is made."`
}

// InviteInput invites an email with a role.
type InviteInput struct {
	Email string       `json:"email" maxLength:"254"`
	Role  tenancy.Role `json:"role" enum:"owner,admin,member"`
}

// InvitePreview is what the invite link shows before it is accepted.
type InvitePreview struct {
	CompanyName  string       `json:"company_name"`
	Email        string       `json:"email"`
	Role         tenancy.Role `json:"role" enum:"owner,admin,member"`
	ExistingUser bool         `json:"existing_user" doc:"The email already has an account: accept with its current password."`
}

// AcceptInput accepts an invite.
type AcceptInput struct {
	Name     string `json:"name,omitempty" maxLength:"100" doc:"Required for a new account."`
	Password string `json:"password" maxLength:"200" doc:"A new password, or the current one for an existing account."`
}

func (s *Service) acceptURL(token string) string { return s.publicURL + "/invite/" + token }

// CreateInvite invites a person. Until email sending exists, the link is
// returned to the inviting admin and logged.
func (s *Service) CreateInvite(ctx context.Context, p *tenancy.Principal, in InviteInput) (*Invite, error) {
	var fe errs.Fields
	email := normalizeEmail("body.email", in.Email, &fe)
	if !in.Role.Valid() {
		fe.Add("body.role", "must be owner, admin or member", in.Role)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if in.Role == tenancy.RoleOwner && p.Role != tenancy.RoleOwner {
		return nil, errs.E(errs.Forbidden, "only an owner can invite an owner")
	}
	token, hash := newToken("")
	var out *Invite
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		if u, err := q.GetUserByEmail(ctx, email); err == nil {
			if _, err := q.GetMembership(ctx, dbq.GetMembershipParams{CompanyID: p.CompanyID, UserID: u.ID}); err == nil {
				return &errs.Error{Code: errs.Conflict, Message: "this person is already a member",
					Fields: []errs.FieldError{{Field: "body.email", Message: "is already a member", Value: email}}}
			}
		}
		inv, err := q.CreateInvite(ctx, dbq.CreateInviteParams{ID: uuid.Must(uuid.NewV7()), CompanyID: p.CompanyID,
			Email: email, Role: string(in.Role), TokenHash: hash, InvitedBy: &p.UserID, ExpiresAt: s.now().Add(InviteTTL)})
		if err != nil {
			if class, _, ok := db.ConstraintViolation(err); ok && class == "unique" {
				return &errs.Error{Code: errs.Conflict, Message: "this email already has a pending invite; make a new link or revoke it",
					Fields: []errs.FieldError{{Field: "body.email", Message: "already has a pending invite", Value: email}}}
			}
			return fmt.Errorf("create invite: %w", err)
		}
		out = &Invite{ID: inv.ID, Email: inv.Email, Role: tenancy.Role(inv.Role), CreatedAt: inv.CreatedAt,
			ExpiresAt: inv.ExpiresAt, InvitedByName: p.Name, AcceptURL: s.acceptURL(token)}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "invite.create", map[string]any{"email": email, "role": in.Role})
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "invite created", "email", email, "accept_url", out.AcceptURL)
	return out, nil
}

// ListInvites lists the caller's company's pending invites.
func (s *Service) ListInvites(ctx context.Context, p *tenancy.Principal) ([]Invite, error) {
	rows, err := s.db.Platform().ListPendingInvites(ctx, p.CompanyID)
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	out := make([]Invite, 0, len(rows))
	for _, r := range rows {
		out = append(out, Invite{ID: r.ID, Email: r.Email, Role: tenancy.Role(r.Role), CreatedAt: r.CreatedAt,
			ExpiresAt: r.ExpiresAt, InvitedByName: r.InvitedByName})
	}
	return out, nil
}

// RenewInviteLink makes a new link for a pending invite; the old one stops working.
func (s *Service) RenewInviteLink(ctx context.Context, p *tenancy.Principal, id uuid.UUID) (string, error) {
	token, hash := newToken("")
	_, err := s.db.Platform().RotateInviteToken(ctx, dbq.RotateInviteTokenParams{CompanyID: p.CompanyID, ID: id,
		TokenHash: hash, ExpiresAt: s.now().Add(InviteTTL)})
	if err != nil {
		if db.IsNotFound(err) {
			return "", errs.NotFoundf("invite not found")
		}
		return "", fmt.Errorf("rotate invite: %w", err)
	}
	url := s.acceptURL(token)
	s.log.InfoContext(ctx, "invite link renewed", "invite_id", id, "accept_url", url)
	return url, nil
}

// RevokeInvite deletes a pending invite.
func (s *Service) RevokeInvite(ctx context.Context, p *tenancy.Principal, id uuid.UUID) error {
	n, err := s.db.Platform().DeleteInvite(ctx, dbq.DeleteInviteParams{CompanyID: p.CompanyID, ID: id})
	if err != nil {
		return fmt.Errorf("delete invite: %w", err)
	}
	if n == 0 {
		return errs.NotFoundf("invite not found")
	}
	return nil
}

// PreviewInvite shows what an invite link is for.
func (s *Service) PreviewInvite(ctx context.Context, token string) (*InvitePreview, error) {
	q := s.db.Platform()
	inv, err := q.GetInviteByToken(ctx, hashToken(token))
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("this invite link is invalid, used or expired")
		}
		return nil, fmt.Errorf("load invite: %w", err)
	}
	_, uerr := q.GetUserByEmail(ctx, inv.Email)
	if uerr != nil && !db.IsNotFound(uerr) {
		return nil, fmt.Errorf("look up user: %w", uerr)
	}
	return &InvitePreview{CompanyName: inv.CompanyName, Email: inv.Email, Role: tenancy.Role(inv.Role), ExistingUser: uerr == nil}, nil
}

// AcceptInvite accepts an invite: a new person creates their account, an
// existing one proves it with their password. The link works once.
func (s *Service) AcceptInvite(ctx context.Context, token string, in AcceptInput, cl Client) (*Me, SessionInfo, error) {
	var me *Me
	var sess SessionInfo
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		inv, err := q.GetInviteByToken(ctx, hashToken(token))
		if err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("this invite link is invalid, used or expired")
			}
			return fmt.Errorf("load invite: %w", err)
		}
		u, err := q.GetUserByEmail(ctx, inv.Email)
		switch {
		case err == nil:
			ok, err := argon2id.ComparePasswordAndHash(in.Password, u.PasswordHash)
			if err != nil {
				return fmt.Errorf("compare password: %w", err)
			}
			if !ok {
				return errs.Field("body.password", "is not the current password of "+inv.Email, nil)
			}
		case db.IsNotFound(err):
			var fe errs.Fields
			name := checkName("body.name", in.Name, 100, &fe)
			checkPassword("body.password", in.Password, &fe)
			if err := fe.Err(); err != nil {
				return err
			}
			hash, err := argon2id.CreateHash(in.Password, s.params)
			if err != nil {
				return fmt.Errorf("hash password: %w", err)
			}
			if u, err = q.CreateUser(ctx, dbq.CreateUserParams{ID: uuid.Must(uuid.NewV7()), Email: inv.Email, Name: name, PasswordHash: hash}); err != nil {
				return fmt.Errorf("create user: %w", err)
			}
		default:
			return fmt.Errorf("look up user: %w", err)
		}
		if n, err := q.AcceptInvite(ctx, inv.ID); err != nil || n == 0 {
			if err == nil {
				return errs.NotFoundf("this invite link is invalid, used or expired")
			}
			return fmt.Errorf("accept invite: %w", err)
		}
		if _, err := q.GetMembership(ctx, dbq.GetMembershipParams{CompanyID: inv.CompanyID, UserID: u.ID}); db.IsNotFound(err) {
			if err := q.CreateMembership(ctx, dbq.CreateMembershipParams{CompanyID: inv.CompanyID, UserID: u.ID, Role: inv.Role}); err != nil {
				return fmt.Errorf("create membership: %w", err)
			}
		} else if err != nil {
			return fmt.Errorf("load membership: %w", err)
		}
		if sess, err = s.newSession(ctx, q, u.ID, inv.CompanyID, cl); err != nil {
			return err
		}
		if err := s.audit(ctx, q, &u.ID, &inv.CompanyID, "invite.accept", map[string]any{"invite_id": inv.ID}); err != nil {
			return err
		}
		me, err = loadMe(ctx, q, u.ID, inv.CompanyID)
		return err
	})
	if err != nil {
		return nil, SessionInfo{}, err
	}
	return me, sess, nil
}
