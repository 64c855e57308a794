package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/logctx"
	"github.com/salescrm/crm/internal/tenancy"
)

type clientKey struct{}

func withClient(ctx context.Context, c auth.Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

func clientOf(ctx context.Context) auth.Client {
	c, _ := ctx.Value(clientKey{}).(auth.Client)
	return c
}

// authenticate resolves the caller from the session cookie or the bearer
// token, and enforces the operation's access level. It is the only place a
// principal (and so a company) enters a request.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	info := logctx.From(ctx.Context())
	if info != nil {
		info.Set(func(i *logctx.Info) { i.Route = op.Path })
	}
	access, _ := op.Metadata["access"].(Access)
	if access == Public || access == "" {
		next(ctx)
		return
	}
	var p *tenancy.Principal
	var err error
	if h := ctx.Header("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "Authorization must be Bearer <API token>")
			return
		}
		p, err = s.deps.Auth.AuthenticateToken(ctx.Context(), strings.TrimSpace(token), clientOf(ctx.Context()))
	} else if c, cerr := huma.ReadCookie(ctx, auth.SessionCookie); cerr == nil && c.Value != "" {
		p, err = s.deps.Auth.AuthenticateSession(ctx.Context(), c.Value, clientOf(ctx.Context()))
	} else {
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "sign in, or send an API token")
		return
	}
	if err != nil {
		s.writeErr(ctx, err)
		return
	}
	if info != nil {
		info.Set(func(i *logctx.Info) { i.CompanyID, i.UserID = p.CompanyID.String(), p.UserID.String() })
	}
	if p.TwoFactorSetupRequired && !setupOnlyOperations[op.OperationID] {
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden,
			"your company requires two-step sign-in: turn it on in your account's security settings first")
		return
	}
	switch access {
	case Admin:
		if !p.Role.AtLeast(tenancy.RoleAdmin) {
			_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, "only admins and owners can do this")
			return
		}
	case Platform:
		if !p.PlatformAdmin {
			_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, "only platform administrators can do this")
			return
		}
	}
	next(huma.WithContext(ctx, tenancy.WithPrincipal(ctx.Context(), p)))
}

func (s *Server) writeErr(ctx huma.Context, err error) {
	perr := toProblem(ctx.Context(), s.log, err)
	se, ok := perr.(huma.StatusError)
	if !ok {
		_ = huma.WriteErr(s.api, ctx, http.StatusInternalServerError, "internal error")
		return
	}
	if he, ok := perr.(huma.HeadersError); ok {
		for k, vs := range he.GetHeaders() {
			for _, v := range vs {
				ctx.AppendHeader(k, v)
			}
		}
	}
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(se.GetStatus())
	_ = s.api.Marshal(ctx.BodyWriter(), "application/problem+json", perr)
}
