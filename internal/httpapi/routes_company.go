package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/tenancy"
)

type idPath struct {
	ID string `path:"id" maxLength:"64"`
}

type list[T any] struct {
	Body struct {
		Items []T `json:"items"`
	}
}

func listOf[T any](items []T) *list[T] {
	out := &list[T]{}
	out.Body.Items = items
	if out.Body.Items == nil {
		out.Body.Items = []T{}
	}
	return out
}

func (s *Server) registerCompany() {
	a := s.deps.Auth
	register(s, huma.Operation{OperationID: "getCompany", Method: http.MethodGet, Path: "/api/company", Tags: []string{"Company"},
		Summary: "The current company"}, Member, true,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *auth.Company }, error) {
			c, err := a.GetCompany(ctx, principal(ctx))
			return &struct{ Body *auth.Company }{c}, err
		})
	register(s, huma.Operation{OperationID: "updateCompany", Method: http.MethodPatch, Path: "/api/company", Tags: []string{"Company"},
		Summary: "Change the company profile", Errors: []int{422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body auth.CompanyUpdate }) (*struct{ Body *auth.Company }, error) {
			c, err := a.UpdateCompany(ctx, principal(ctx), in.Body)
			return &struct{ Body *auth.Company }{c}, err
		})

	users := []string{"Users"}
	register(s, huma.Operation{OperationID: "listUsers", Method: http.MethodGet, Path: "/api/users", Tags: users,
		Summary: "List the company's users"}, Member, true,
		func(ctx context.Context, _ *struct{}) (*list[auth.Member], error) {
			m, err := a.ListMembers(ctx, principal(ctx))
			return listOf(m), err
		})
	register(s, huma.Operation{OperationID: "getUser", Method: http.MethodGet, Path: "/api/users/{id}", Tags: users,
		Summary: "One user of the company", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*struct{ Body *auth.Member }, error) {
			id, err := parseID(in.ID, "user")
			if err != nil {
				return nil, err
			}
			m, err := a.GetMember(ctx, principal(ctx), id)
			return &struct{ Body *auth.Member }{m}, err
		})
	register(s, huma.Operation{OperationID: "updateUser", Method: http.MethodPatch, Path: "/api/users/{id}", Tags: users,
		Summary: "Change a user's role", Description: "Only owners grant or remove the owner role; the last owner stays.",
		Errors: []int{404, 409, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				Role tenancy.Role `json:"role" enum:"owner,admin,member"`
			}
		}) (*struct{ Body *auth.Member }, error) {
			id, err := parseID(in.ID, "user")
			if err != nil {
				return nil, err
			}
			m, err := a.ChangeRole(ctx, principal(ctx), id, in.Body.Role)
			return &struct{ Body *auth.Member }{m}, err
		})
	register(s, huma.Operation{OperationID: "removeUser", Method: http.MethodDelete, Path: "/api/users/{id}", Tags: users,
		Summary: "Remove a user from the company", Description: "Their sessions and API tokens for the company stop working at once.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404, 409}}, Admin, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "user")
			if err != nil {
				return nil, err
			}
			return &noContent{}, a.RemoveMember(ctx, principal(ctx), id)
		})

	inv := []string{"Invites"}
	register(s, huma.Operation{OperationID: "listInvites", Method: http.MethodGet, Path: "/api/invites", Tags: inv,
		Summary: "List pending invites"}, Admin, true,
		func(ctx context.Context, _ *struct{}) (*list[auth.Invite], error) {
			l, err := a.ListInvites(ctx, principal(ctx))
			return listOf(l), err
		})
	register(s, huma.Operation{OperationID: "createInvite", Method: http.MethodPost, Path: "/api/invites", Tags: inv,
		Summary: "Invite someone", Description: "Returns the one-time accept_url to send them (it is also logged).",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body auth.InviteInput }) (*struct{ Body *auth.Invite }, error) {
			i, err := a.CreateInvite(ctx, principal(ctx), in.Body)
			return &struct{ Body *auth.Invite }{i}, err
		})
	register(s, huma.Operation{OperationID: "renewInviteLink", Method: http.MethodPost, Path: "/api/invites/{id}/link", Tags: inv,
		Summary: "Make a new invite link", Description: "The previous link stops working.", Errors: []int{404}}, Admin, true,
		func(ctx context.Context, in *idPath) (*struct {
			Body struct {
				AcceptURL string `json:"accept_url"`
			}
		}, error) {
			id, err := parseID(in.ID, "invite")
			if err != nil {
				return nil, err
			}
			url, err := a.RenewInviteLink(ctx, principal(ctx), id)
			out := &struct {
				Body struct {
					AcceptURL string `json:"accept_url"`
				}
			}{}
			out.Body.AcceptURL = url
			return out, err
		})
	register(s, huma.Operation{OperationID: "revokeInvite", Method: http.MethodDelete, Path: "/api/invites/{id}", Tags: inv,
		Summary: "Revoke an invite", DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Admin, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "invite")
			if err != nil {
				return nil, err
			}
			return &noContent{}, a.RevokeInvite(ctx, principal(ctx), id)
		})

	tok := []string{"API tokens"}
	register(s, huma.Operation{OperationID: "listAPITokens", Method: http.MethodGet, Path: "/api/api-tokens", Tags: tok,
		Summary: "List API tokens"}, Admin, true,
		func(ctx context.Context, _ *struct{}) (*list[auth.APIToken], error) {
			l, err := a.ListAPITokens(ctx, principal(ctx))
			return listOf(l), err
		})
	register(s, huma.Operation{OperationID: "createAPIToken", Method: http.MethodPost, Path: "/api/api-tokens", Tags: tok,
		Summary: "Create an API token", Description: "The secret is in the response once; only its hash is kept.",
		DefaultStatus: http.StatusCreated, Errors: []int{422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body auth.APITokenInput }) (*struct{ Body *auth.NewAPIToken }, error) {
			t, err := a.CreateAPIToken(ctx, principal(ctx), in.Body)
			return &struct{ Body *auth.NewAPIToken }{t}, err
		})
	register(s, huma.Operation{OperationID: "revokeAPIToken", Method: http.MethodDelete, Path: "/api/api-tokens/{id}", Tags: tok,
		Summary: "Revoke an API token", DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Admin, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "API token")
			if err != nil {
				return nil, err
			}
			return &noContent{}, a.RevokeAPIToken(ctx, principal(ctx), id)
		})
}
