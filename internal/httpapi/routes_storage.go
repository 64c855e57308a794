package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/storage"
)

func (s *Server) registerStorage() {
	register(s, huma.Operation{OperationID: "getStorageUsage", Method: http.MethodGet, Path: "/api/company/storage", Tags: []string{"Company"},
		Summary: "What the company stores",
		Description: "The bytes of uploaded files (CSV imports) the company keeps, per kind, and its quota. An upload that does not fit " +
			"is refused with 422; unstarted imports are deleted after 24 hours."}, Member, true,
		s.getStorageUsage)
}

func (s *Server) getStorageUsage(ctx context.Context, _ *struct{}) (*struct{ Body *storage.Usage }, error) {
	u, err := s.deps.Storage.Usage(ctx, principal(ctx).CompanyID)
	return &struct{ Body *storage.Usage }{u}, err
}
