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

// InvitePreview is what the invite link shows before it is accepted. It
// does not say whether the address has an account: whoever holds the link
// (possibly the person who made the invite) must not learn that.
type InvitePreview struct {
	CompanyName string       `json:"company_name"`
	Email       string       `json:"email"`
	Role        tenancy.Role `json:"role" enum:"owner,admin,member"`
}

// AcceptInput creates the invitee's account.
type AcceptInput struct {
	Name     string `json:"name" maxLength:"100"`
	Password string `json:"password" maxLength:"200" doc:"The new account's password."`
}

func (s *Service) acceptURL(token string) string { return s.publicURL + "/invite/" + token }

// CreateInvite invites a person. Until email sending exists, the link is
// returned to the inviting admin (and never logged).
func (s *Service) CreateInvite(ctx context.Context, p *tenancy.Principal, in InviteInput) (*Invite, error) {
	var fe errs.Fields
	email := normalizeEmail("body.email", in.Email, &fe)
	if !in.Role.Valid() {
		fe.Add("body.role", "must be owner, admin or member", in.Role)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := canManageInvite(p, in.Role); err != nil {
		return nil, err
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
	return out, nil
}

// canManageInvite: nobody creates, renews or revokes an invite for a role
// above their own (an admin who renewed an owner's invite could accept it).
func canManageInvite(p *tenancy.Principal, role tenancy.Role) error {
	if !p.Role.AtLeast(role) {
		return errs.E(errs.Forbidden, "only an owner can manage an owner's invite")
	}
	return nil
}

// pendingInvite loads a pending invite of the caller's company that the
// caller may manage; another company's is not found.
func pendingInvite(ctx context.Context, q *db.Q, p *tenancy.Principal, id uuid.UUID) (dbq.Invite, error) {
	inv, err := q.GetPendingInvite(ctx, dbq.GetPendingInviteParams{CompanyID: p.CompanyID, ID: id})
	if db.IsNotFound(err) {
		return dbq.Invite{}, errs.NotFoundf("invite not found")
	}
	if err != nil {
		return dbq.Invite{}, fmt.Errorf("load invite %s: %w", id, err)
	}
	return inv, canManageInvite(p, tenancy.Role(inv.Role))
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
	err := s.db.InPlatform(ctx, func(q *db.Q) error {
		inv, err := pendingInvite(ctx, q, p, id)
		if err != nil {
			return err
		}
		if _, err := q.RotateInviteToken(ctx, dbq.RotateInviteTokenParams{CompanyID: p.CompanyID, ID: id,
			TokenHash: hash, ExpiresAt: s.now().Add(InviteTTL)}); err != nil {
			return fmt.Errorf("rotate invite: %w", err)
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "invite.renew", map[string]any{"invite_id": id, "email": inv.Email, "role": inv.Role})
	})
	if err != nil {
		return "", err
	}
	return s.acceptURL(token), nil
}

// RevokeInvite deletes a pending invite.
func (s *Service) RevokeInvite(ctx context.Context, p *tenancy.Principal, id uuid.UUID) error {
	return s.db.InPlatform(ctx, func(q *db.Q) error {
		inv, err := pendingInvite(ctx, q, p, id)
		if err != nil {
			return err
		}
		if _, err := q.DeleteInvite(ctx, dbq.DeleteInviteParams{CompanyID: p.CompanyID, ID: id}); err != nil {
			return fmt.Errorf("delete invite: %w", err)
		}
		return s.audit(ctx, q, &p.UserID, &p.CompanyID, "invite.revoke", map[string]any{"invite_id": id, "email": inv.Email, "role": inv.Role})
	})
}

var errInviteGone = errs.NotFoundf("this invite link is invalid, used or expired")

// validInvite loads the invite a link names. An invite whose inviter is no
// longer a member with at least the invite's role is as dead as a used one:
// nobody can hand out (or accept) a role above the inviter's own.
func validInvite(ctx context.Context, q *dbq.Queries, token string) (dbq.GetInviteByTokenRow, error) {
	inv, err := q.GetInviteByToken(ctx, hashToken(token))
	if db.IsNotFound(err) {
		return inv, errInviteGone
	}
	if err != nil {
		return inv, fmt.Errorf("load invite: %w", err)
	}
	if inv.InviterRole == nil || !tenancy.Role(*inv.InviterRole).AtLeast(tenancy.Role(inv.Role)) {
		return inv, errInviteGone
	}
	return inv, nil
}

// invite resolves a link, counting a dead one against the address.
func (s *Service) invite(ctx context.Context, token string, cl Client) (dbq.GetInviteByTokenRow, error) {
	inv, err := validInvite(ctx, s.db.Platform(), token)
	if errs.CodeOf(err) == errs.NotFound {
		return inv, s.refuseSecret(ctx, cl, err)
	}
	return inv, err
}

// PreviewInvite shows what an invite link is for.
func (s *Service) PreviewInvite(ctx context.Context, token string, cl Client) (*InvitePreview, error) {
	inv, err := s.invite(ctx, token, cl)
	if err != nil {
		return nil, err
	}
	return &InvitePreview{CompanyName: inv.CompanyName, Email: inv.Email, Role: tenancy.Role(inv.Role)}, nil
}

// AcceptInvite accepts an invite by creating the invitee's account. It never
// checks a password: an address that already has an account is a conflict
// (sign in as it and use JoinInvite), so the public link cannot be used to
// guess anyone's password. New accounts count against the address's sign-up
// limit. The link works once.
func (s *Service) AcceptInvite(ctx context.Context, token string, in AcceptInput, cl Client) (*Me, SessionInfo, error) {
	var fe errs.Fields
	name := checkName("body.name", in.Name, 100, &fe)
	checkNewPassword("body.password", in.Password, &fe)
	inv, err := s.invite(ctx, token, cl)
	if err != nil {
		return nil, SessionInfo{}, err
	}
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
		if _, err := q.GetUserByEmail(ctx, inv.Email); err == nil {
			return errAcceptSignedIn(inv.Email)
		} else if !db.IsNotFound(err) {
			return fmt.Errorf("look up user: %w", err)
		}
		if n, err := q.AcceptInvite(ctx, inv.ID); err != nil || n == 0 {
			if err == nil {
				return errInviteGone
			}
			return fmt.Errorf("accept invite: %w", err)
		}
		u, err := q.CreateUser(ctx, dbq.CreateUserParams{ID: uuid.Must(uuid.NewV7()), Email: inv.Email, Name: name, PasswordHash: hash})
		if err != nil {
			if class, _, ok := db.ConstraintViolation(err); ok && class == "unique" {
				return errAcceptSignedIn(inv.Email)
			}
			return fmt.Errorf("create user: %w", err)
		}
		if err := q.CreateMembership(ctx, dbq.CreateMembershipParams{CompanyID: inv.CompanyID, UserID: u.ID, Role: inv.Role}); err != nil {
			return fmt.Errorf("create membership: %w", err)
		}
		if sess, err = s.newSession(ctx, q, u.ID, inv.CompanyID, cl); err != nil {
			return err
		}
		if err := s.audit(ctx, q, &u.ID, &inv.CompanyID, "invite.accept", map[string]any{"invite_id": inv.ID, "email": inv.Email, "role": inv.Role}); err != nil {
			return err
		}
		me, err = loadMe(ctx, q, u.ID, inv.CompanyID)
		return err
	})
	if err != nil {
		return nil, SessionInfo{}, err
	}
	sess.Device = s.deviceCookie(inv.Email)
	return me, sess, nil
}

func errAcceptSignedIn(email string) error {
	return errs.E(errs.Conflict, "%s already has an account: sign in with it, then open the invite link again to join", email)
}

// JoinInvite accepts an invite for the signed-in person, whose email must be
// the invite's: they join the company and their session moves into it.
func (s *Service) JoinInvite(ctx context.Context, p *tenancy.Principal, token string, cl Client) (*Me, error) {
	if err := sessionOnly(p); err != nil {
		return nil, err
	}
	inv, err := s.invite(ctx, token, cl)
	if err != nil {
		return nil, err
	}
	if inv.Email != p.Email {
		return nil, errs.E(errs.Forbidden, "this invite is for %s; sign in as that address to accept it", inv.Email)
	}
	var me *Me
	err = s.db.InPlatform(ctx, func(q *db.Q) error {
		if n, err := q.AcceptInvite(ctx, inv.ID); err != nil || n == 0 {
			if err == nil {
				return errInviteGone
			}
			return fmt.Errorf("accept invite: %w", err)
		}
		if _, err := q.GetMembership(ctx, dbq.GetMembershipParams{CompanyID: inv.CompanyID, UserID: p.UserID}); db.IsNotFound(err) {
			if err := q.CreateMembership(ctx, dbq.CreateMembershipParams{CompanyID: inv.CompanyID, UserID: p.UserID, Role: inv.Role}); err != nil {
				return fmt.Errorf("create membership: %w", err)
			}
		} else if err != nil {
			return fmt.Errorf("load membership: %w", err)
		}
		if err := q.SwitchSessionCompany(ctx, dbq.SwitchSessionCompanyParams{ID: p.SessionID, CompanyID: inv.CompanyID}); err != nil {
			return fmt.Errorf("switch session: %w", err)
		}
		if err := s.audit(ctx, q, &p.UserID, &inv.CompanyID, "invite.accept", map[string]any{"invite_id": inv.ID, "email": inv.Email, "role": inv.Role}); err != nil {
			return err
		}
		var err error
		me, err = loadMe(ctx, q, p.UserID, inv.CompanyID)
		return err
	})
	return me, err
}
