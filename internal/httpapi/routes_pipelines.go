package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/pipelines"
)

type pipelineOut struct{ Body *pipelines.Pipeline }

// board is a pipeline with all of its deals, in one response.
type board struct {
	Pipeline *pipelines.Pipeline `json:"pipeline"`
	Deals    []deals.BoardDeal   `json:"deals" doc:"Every deal of the pipeline, ordered by stage and position."`
}

func (s *Server) registerPipelines() {
	p := s.deps.Pipelines
	tags := []string{"Pipelines"}
	register(s, huma.Operation{OperationID: "listPipelines", Method: http.MethodGet, Path: "/api/pipelines", Tags: tags,
		Summary: "List pipelines with their stages"}, Member, true,
		func(ctx context.Context, _ *struct{}) (*list[pipelines.Pipeline], error) {
			l, err := p.List(ctx, principal(ctx).CompanyID)
			return listOf(l), err
		})
	register(s, huma.Operation{OperationID: "createPipeline", Method: http.MethodPost, Path: "/api/pipelines", Tags: tags,
		Summary: "Create a pipeline", Description: "Without stages it gets Lead, Qualified, Proposal, Negotiation, Won and Lost.",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body pipelines.Input }) (*pipelineOut, error) {
			out, err := p.Create(ctx, principal(ctx).CompanyID, in.Body)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "getPipeline", Method: http.MethodGet, Path: "/api/pipelines/{id}", Tags: tags,
		Summary: "Get a pipeline", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*pipelineOut, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			out, err := p.Get(ctx, principal(ctx).CompanyID, id)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updatePipeline", Method: http.MethodPatch, Path: "/api/pipelines/{id}", Tags: tags,
		Summary: "Rename a pipeline", Errors: []int{404, 409, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				Name string `json:"name" minLength:"1" maxLength:"100"`
			}
		}) (*pipelineOut, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			out, err := p.Rename(ctx, principal(ctx).CompanyID, id, in.Body.Name)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "deletePipeline", Method: http.MethodDelete, Path: "/api/pipelines/{id}", Tags: tags,
		Summary: "Delete an empty pipeline", Description: "409 while it holds deals; its deals in the trash are deleted for good with it.", DefaultStatus: http.StatusNoContent, Errors: []int{404, 409}}, Admin, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			pr := principal(ctx)
			return &noContent{}, p.Delete(ctx, pr.CompanyID, audit.By(pr), id)
		})
	register(s, huma.Operation{OperationID: "addStage", Method: http.MethodPost, Path: "/api/pipelines/{id}/stages", Tags: tags,
		Summary: "Add a stage at the end", DefaultStatus: http.StatusCreated, Errors: []int{404, 409, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body pipelines.StageInput
		}) (*pipelineOut, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			out, err := p.AddStage(ctx, principal(ctx).CompanyID, id, in.Body)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updateStage", Method: http.MethodPatch, Path: "/api/pipelines/{id}/stages/{stage_id}", Tags: tags,
		Summary: "Rename a stage or change its probability or kind", Errors: []int{404, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID      string `path:"id" maxLength:"64"`
			StageID string `path:"stage_id" maxLength:"64"`
			Body    pipelines.StagePatch
		}) (*pipelineOut, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			stageID, err := parseID(in.StageID, "stage")
			if err != nil {
				return nil, err
			}
			out, err := p.UpdateStage(ctx, principal(ctx).CompanyID, id, stageID, in.Body)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "reorderStages", Method: http.MethodPut, Path: "/api/pipelines/{id}/stage-order", Tags: tags,
		Summary: "Set the order of the stages", Errors: []int{404, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				StageIDs []uuid.UUID `json:"stage_ids" maxItems:"30" doc:"Every stage of the pipeline, in the new order."`
			}
		}) (*pipelineOut, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			out, err := p.ReorderStages(ctx, principal(ctx).CompanyID, id, in.Body.StageIDs)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "deleteStage", Method: http.MethodDelete, Path: "/api/pipelines/{id}/stages/{stage_id}", Tags: tags,
		Summary: "Remove a stage", Description: "A stage that still holds deals needs move_to: another stage of the pipeline to move them to (409 otherwise).",
		Errors: []int{404, 409, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID      string `path:"id" maxLength:"64"`
			StageID string `path:"stage_id" maxLength:"64"`
			MoveTo  string `query:"move_to" maxLength:"64"`
		}) (*pipelineOut, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			stageID, err := parseID(in.StageID, "stage")
			if err != nil {
				return nil, err
			}
			var moveTo *uuid.UUID
			if in.MoveTo != "" {
				m, err := uuid.Parse(in.MoveTo)
				if err != nil {
					return nil, errs.Field("query.move_to", "must be a stage id", in.MoveTo)
				}
				moveTo = &m
			}
			pr := principal(ctx)
			out, err := p.DeleteStage(ctx, pr.CompanyID, id, stageID, moveTo, pr.UserID)
			return &pipelineOut{out}, err
		})
	register(s, huma.Operation{OperationID: "getBoard", Method: http.MethodGet, Path: "/api/pipelines/{id}/board", Tags: tags,
		Summary: "The kanban board", Description: "The pipeline with its stages and totals, and every deal with its contact's name, in one response.",
		Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *struct {
			ID      string `path:"id" maxLength:"64"`
			OwnerID string `query:"owner_id" maxLength:"64"`
		}) (*struct{ Body board }, error) {
			id, err := parseID(in.ID, "pipeline")
			if err != nil {
				return nil, err
			}
			var owner *uuid.UUID
			if in.OwnerID != "" {
				o, err := uuid.Parse(in.OwnerID)
				if err != nil {
					return nil, errs.Field("query.owner_id", "must be a user id", in.OwnerID)
				}
				owner = &o
			}
			companyID := principal(ctx).CompanyID
			pl, err := p.Get(ctx, companyID, id)
			if err != nil {
				return nil, err
			}
			ds, err := s.deps.Deals.Board(ctx, companyID, id, owner)
			return &struct{ Body board }{board{Pipeline: pl, Deals: ds}}, err
		})
}
