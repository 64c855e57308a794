package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/analytics"
	"github.com/salescrm/crm/internal/errs"
)

func (s *Server) registerAnalytics() {
	register(s, huma.Operation{OperationID: "getDashboard", Method: http.MethodGet, Path: "/api/analytics/dashboard",
		Tags: []string{"Analytics"}, Summary: "The dashboard",
		Description: "Open pipeline value by stage, deals won and lost this month and last, win rates, six months of closed deals, and the caller's tasks due today. Periods are in the company's time zone.",
		Errors:      []int{422}}, Member, true,
		func(ctx context.Context, in *struct {
			PipelineID string `query:"pipeline_id" doc:"Default: the first pipeline."`
		}) (*struct{ Body *analytics.Dashboard }, error) {
			var pid *uuid.UUID
			if in.PipelineID != "" {
				id, err := uuid.Parse(in.PipelineID)
				if err != nil {
					return nil, errs.Field("query.pipeline_id", "must be a pipeline id", in.PipelineID)
				}
				pid = &id
			}
			p := principal(ctx)
			d, err := s.deps.Analytics.Dashboard(ctx, p.CompanyID, p.UserID, pid)
			return &struct{ Body *analytics.Dashboard }{d}, err
		})
}
