package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

type health struct {
	Body struct {
		Status string `json:"status"`
		Detail string `json:"detail,omitempty"`
	}
}

func (s *Server) registerOps() {
	ops := []string{"Operations"}
	register(s, huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Tags: ops,
		Summary: "The process is up"}, Public, false,
		func(ctx context.Context, _ *struct{}) (*health, error) {
			h := &health{}
			h.Body.Status = "ok"
			return h, nil
		})
	register(s, huma.Operation{OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Tags: ops,
		Summary: "The database is reachable and migrated", Errors: []int{503}}, Public, false,
		func(ctx context.Context, _ *struct{}) (*health, error) {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			cur, err := s.deps.DB.CurrentVersion(ctx)
			if err != nil {
				return nil, errs.E(errs.Unavailable, "database unreachable")
			}
			want, err := db.LatestVersion()
			if err != nil {
				return nil, err
			}
			if cur != want {
				return nil, errs.E(errs.Unavailable, "database schema is at version %d, this server needs %d: run crm migrate up", cur, want)
			}
			h := &health{}
			h.Body.Status = "ok"
			return h, nil
		})
	if s.deps.MetricsElsewhere {
		// Not the web app's fallback page either: nothing is here.
		s.mux.Handle("GET /metrics", http.NotFoundHandler())
	} else {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.deps.Registry, promhttp.HandlerOpts{}))
	}
}

func (s *Server) registerAdmin() {
	register(s, huma.Operation{OperationID: "tenancyAudit", Method: http.MethodGet, Path: "/api/admin/tenancy-audit",
		Tags: []string{"Platform administration"}, Summary: "Audit tenant data across every company",
		Description: "Rows without a company, cross-company references, and per-company row counts. " +
			"Platform administrators only; each run is written to the audit log.", Errors: []int{503}}, Platform, false,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *tenancy.Report }, error) {
			if s.deps.Auditor == nil {
				return nil, errs.E(errs.Unavailable, "no platform database is configured (CRM_PLATFORM_DATABASE_URL)")
			}
			p := principal(ctx)
			r, err := s.deps.Auditor.Run(ctx, &p.UserID)
			return &struct{ Body *tenancy.Report }{r}, err
		})
}
