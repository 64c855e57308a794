package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/errs"
)

type meOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      *auth.Me
}

type meOnly struct{ Body *auth.Me }

type noContent struct{}

type logoutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

// signedIn answers a new session: its cookie, and the device cookie that
// lets this browser's later logins be counted apart (see auth.ThrottleLimits).
func (s *Server) signedIn(me *auth.Me, sess auth.SessionInfo) *meOutput {
	out := &meOutput{Body: me, SetCookie: []http.Cookie{{Name: auth.SessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(time.Until(sess.ExpiresAt).Seconds()), HttpOnly: true, Secure: s.deps.SecureCookies, SameSite: http.SameSiteLaxMode}}}
	if sess.Device != "" {
		out.SetCookie = append(out.SetCookie, http.Cookie{Name: auth.DeviceCookie, Value: sess.Device, Path: "/api/auth",
			MaxAge: int(auth.DeviceTTL.Seconds()), HttpOnly: true, Secure: s.deps.SecureCookies, SameSite: http.SameSiteStrictMode})
	}
	return out
}

func (s *Server) registerAuth() {
	tags := []string{"Auth"}
	register(s, huma.Operation{OperationID: "signup", Method: http.MethodPost, Path: "/api/auth/signup", Tags: tags,
		Summary: "Sign up a company", Description: "Creates a company with the caller as its owner, and signs them in. " +
			"Sign-ups per client address are limited (429 with Retry-After).",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422, 429, 503}}, Public, false,
		func(ctx context.Context, in *struct{ Body auth.SignupInput }) (*meOutput, error) {
			me, sess, err := s.deps.Auth.Signup(ctx, in.Body, clientOf(ctx))
			if err != nil {
				return nil, err
			}
			return s.signedIn(me, sess), nil
		})

	register(s, huma.Operation{OperationID: "login", Method: http.MethodPost, Path: "/api/auth/login", Tags: tags,
		Summary: "Sign in", Description: "Guesses are counted per email and address, per email, per address, and per " +
			"browser that signed in before (the crm_device cookie); past a limit the answer is 429 with Retry-After. " +
			"An account with two-step sign-in answers 401 with a field error on body.code until the code is sent too.",
		Errors: []int{401, 429, 503}}, Public, false,
		func(ctx context.Context, in *struct {
			Device string `cookie:"crm_device" maxLength:"200"`
			Body   auth.LoginInput
		}) (*meOutput, error) {
			me, sess, err := s.deps.Auth.Login(ctx, in.Body, clientOf(ctx), in.Device)
			if err != nil {
				return nil, err
			}
			return s.signedIn(me, sess), nil
		})

	register(s, huma.Operation{OperationID: "logout", Method: http.MethodPost, Path: "/api/auth/logout", Tags: tags,
		Summary: "Sign out", DefaultStatus: http.StatusNoContent}, Member, false,
		func(ctx context.Context, _ *struct{}) (*logoutOutput, error) {
			if err := s.deps.Auth.Logout(ctx, principal(ctx)); err != nil {
				return nil, err
			}
			return &logoutOutput{SetCookie: http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1,
				HttpOnly: true, Secure: s.deps.SecureCookies, SameSite: http.SameSiteLaxMode}}, nil
		})

	register(s, huma.Operation{OperationID: "me", Method: http.MethodGet, Path: "/api/auth/me", Tags: tags,
		Summary: "Who am I", Description: "The signed-in user, their current company and role, and all their companies."}, Member, false,
		func(ctx context.Context, _ *struct{}) (*meOnly, error) {
			me, err := s.deps.Auth.Me(ctx, principal(ctx))
			return &meOnly{Body: me}, err
		})

	register(s, huma.Operation{OperationID: "switchCompany", Method: http.MethodPost, Path: "/api/auth/switch-company", Tags: tags,
		Summary: "Switch company", Description: "Binds the session to another company the caller belongs to.",
		Errors: []int{404}}, Member, false,
		func(ctx context.Context, in *struct {
			Body struct {
				CompanyID string `json:"company_id" doc:"One of the companies in /api/auth/me."`
			}
		}) (*meOnly, error) {
			id, err := uuid.Parse(in.Body.CompanyID)
			if err != nil {
				return nil, errs.NotFoundf("company not found")
			}
			me, err := s.deps.Auth.SwitchCompany(ctx, principal(ctx), id)
			return &meOnly{Body: me}, err
		})

	register(s, huma.Operation{OperationID: "previewInvite", Method: http.MethodGet, Path: "/api/auth/invites/{token}", Tags: tags,
		Summary: "Look at an invite", Errors: []int{404}}, Public, false,
		func(ctx context.Context, in *struct {
			Token string `path:"token" maxLength:"100"`
		}) (*struct{ Body *auth.InvitePreview }, error) {
			p, err := s.deps.Auth.PreviewInvite(ctx, in.Token, clientOf(ctx))
			return &struct{ Body *auth.InvitePreview }{p}, err
		})

	register(s, huma.Operation{OperationID: "acceptInvite", Method: http.MethodPost, Path: "/api/auth/invites/{token}/accept", Tags: tags,
		Summary: "Accept an invite with a new account", Description: "Creates the invitee's account, joins the company and signs in. " +
			"An address that already has an account answers 409: sign in as it and use joinInvite. No password is ever checked here.",
		Errors: []int{404, 409, 422, 429, 503}}, Public, false,
		func(ctx context.Context, in *struct {
			Token string `path:"token" maxLength:"100"`
			Body  auth.AcceptInput
		}) (*meOutput, error) {
			me, sess, err := s.deps.Auth.AcceptInvite(ctx, in.Token, in.Body, clientOf(ctx))
			if err != nil {
				return nil, err
			}
			return s.signedIn(me, sess), nil
		})

	register(s, huma.Operation{OperationID: "joinInvite", Method: http.MethodPost, Path: "/api/auth/invites/{token}/join", Tags: tags,
		Summary: "Accept an invite as the signed-in person", Description: "The signed-in email must be the invite's; " +
			"the session moves into the company.", Errors: []int{403, 404}}, Member, false,
		func(ctx context.Context, in *struct {
			Token string `path:"token" maxLength:"100"`
		}) (*meOnly, error) {
			me, err := s.deps.Auth.JoinInvite(ctx, principal(ctx), in.Token, clientOf(ctx))
			return &meOnly{Body: me}, err
		})
}

// parseID reads a path id; a malformed id is not found, like any unknown id.
func parseID(s, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, errs.NotFoundf("%s not found", what)
	}
	return id, nil
}
