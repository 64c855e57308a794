package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/auth"
)

// Account operations act on the signed-in person (their password, sessions
// and two-step sign-in), not on a company's data; they are session-only.

type sessionsOutput struct {
	Body struct {
		Items []auth.Session `json:"items"`
	}
}

type endedOutput struct {
	Body struct {
		Ended int64 `json:"ended" doc:"How many sessions were signed out."`
	}
}

func (s *Server) registerAccount() {
	a := s.deps.Auth
	tags := []string{"Account"}
	register(s, huma.Operation{OperationID: "changePassword", Method: http.MethodPost, Path: "/api/auth/password", Tags: tags,
		Summary: "Change my password", Description: "Needs the current password (throttled). Every other session of yours " +
			"is signed out and every API token you made is revoked.", DefaultStatus: http.StatusNoContent,
		Errors: []int{422, 429, 503}}, Member, false,
		func(ctx context.Context, in *struct{ Body auth.PasswordChange }) (*noContent, error) {
			return &noContent{}, a.ChangePassword(ctx, principal(ctx), in.Body)
		})
	register(s, huma.Operation{OperationID: "updateProfile", Method: http.MethodPatch, Path: "/api/auth/me", Tags: tags,
		Summary: "Change my name or time zone", Description: "For the person, in every company they belong to.",
		Errors: []int{422}}, Member, false,
		func(ctx context.Context, in *struct{ Body auth.ProfileUpdate }) (*meOnly, error) {
			me, err := a.UpdateProfile(ctx, principal(ctx), in.Body)
			return &meOnly{Body: me}, err
		})
	register(s, huma.Operation{OperationID: "listSessions", Method: http.MethodGet, Path: "/api/auth/sessions", Tags: tags,
		Summary: "My sessions", Description: "Where you are signed in: device, address, last use."}, Member, false,
		func(ctx context.Context, _ *struct{}) (*sessionsOutput, error) {
			l, err := a.ListSessions(ctx, principal(ctx))
			out := &sessionsOutput{}
			out.Body.Items = l
			return out, err
		})
	register(s, huma.Operation{OperationID: "endSession", Method: http.MethodDelete, Path: "/api/auth/sessions/{id}", Tags: tags,
		Summary: "Sign out one of my sessions", DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Member, false,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "session")
			if err != nil {
				return nil, err
			}
			return &noContent{}, a.EndSession(ctx, principal(ctx), id)
		})
	register(s, huma.Operation{OperationID: "endOtherSessions", Method: http.MethodPost, Path: "/api/auth/sessions/end-others", Tags: tags,
		Summary: "Sign out everywhere else", Description: "Every session of yours but this one."}, Member, false,
		func(ctx context.Context, _ *struct{}) (*endedOutput, error) {
			n, err := a.EndOtherSessions(ctx, principal(ctx))
			out := &endedOutput{}
			out.Body.Ended = n
			return out, err
		})

	register(s, huma.Operation{OperationID: "startTwoFactor", Method: http.MethodPost, Path: "/api/auth/two-factor/setup", Tags: tags,
		Summary: "Start two-step sign-in", Description: "A new authenticator secret and its QR code; it takes effect when " +
			"enableTwoFactor confirms a code from it.", Errors: []int{409}}, Member, false,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *auth.TwoFactorSetup }, error) {
			out, err := a.StartTwoFactor(ctx, principal(ctx))
			return &struct{ Body *auth.TwoFactorSetup }{out}, err
		})
	register(s, huma.Operation{OperationID: "enableTwoFactor", Method: http.MethodPost, Path: "/api/auth/two-factor/enable", Tags: tags,
		Summary: "Turn on two-step sign-in", Description: "Confirms a code from the new secret; answers the recovery codes, shown once.",
		Errors: []int{409, 422, 429}}, Member, false,
		func(ctx context.Context, in *struct{ Body auth.CodeInput }) (*struct{ Body *auth.RecoveryCodes }, error) {
			out, err := a.EnableTwoFactor(ctx, principal(ctx), in.Body)
			return &struct{ Body *auth.RecoveryCodes }{out}, err
		})
	register(s, huma.Operation{OperationID: "disableTwoFactor", Method: http.MethodPost, Path: "/api/auth/two-factor/disable", Tags: tags,
		Summary: "Turn off two-step sign-in", Description: "Needs the password. Refused (409) while a company of yours requires it.",
		DefaultStatus: http.StatusNoContent, Errors: []int{409, 422, 429}}, Member, false,
		func(ctx context.Context, in *struct{ Body auth.PasswordInput }) (*noContent, error) {
			return &noContent{}, a.DisableTwoFactor(ctx, principal(ctx), in.Body)
		})
	register(s, huma.Operation{OperationID: "newRecoveryCodes", Method: http.MethodPost, Path: "/api/auth/two-factor/recovery-codes", Tags: tags,
		Summary: "New recovery codes", Description: "Needs the password; the old codes stop working.",
		Errors: []int{409, 422, 429}}, Member, false,
		func(ctx context.Context, in *struct{ Body auth.PasswordInput }) (*struct{ Body *auth.RecoveryCodes }, error) {
			out, err := a.NewRecoveryCodes(ctx, principal(ctx), in.Body)
			return &struct{ Body *auth.RecoveryCodes }{out}, err
		})
}

// setupOnlyOperations are all a person whose company requires two-step
// sign-in can reach before they turn it on.
var setupOnlyOperations = map[string]bool{"me": true, "updateProfile": true, "logout": true, "switchCompany": true, "startTwoFactor": true,
	"enableTwoFactor": true, "listSessions": true, "endSession": true, "endOtherSessions": true, "changePassword": true}
