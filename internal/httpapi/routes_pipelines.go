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

// board is a pipeline with each stage's first cards and every stage's count
// and totals under the board's filters.
type board struct {
	Pipeline *pipelines.Pipeline `json:"pipeline" doc:"The pipeline and its stages; the stages' totals are over all of their deals, unfiltered."`
	*deals.Board
}

// boardFilter reads the board's filters (owner_id, q), which the board and
// a column's further cards share.
func boardFilter(ownerID, q string) (deals.BoardFilter, error) {
	f := deals.BoardFilter{Q: q}
	if ownerID != "" {
		o, err := uuid.Parse(ownerID)
		if err != nil {
			return f, errs.Field("query.owner_id", "must be a user id", ownerID)
		}
		f.OwnerID = &o
	}
	return f, nil
}

type boardInput struct {
	ID       string `path:"id" maxLength:"64"`
	PerStage int    `query:"per_stage" minimum:"1" maximum:"200" default:"50" doc:"Cards per stage."`
	OwnerID  string `query:"owner_id" maxLength:"64" doc:"Only this member's deals."`
	Q        string `query:"q" maxLength:"200" doc:"Only deals whose title or contact's name contains every word."`
}

type stageCardsInput struct {
	ID      string `path:"id" maxLength:"64"`
	StageID string `path:"stage_id" maxLength:"64"`
	Cursor  string `query:"cursor" maxLength:"500"`
	Limit   int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	OwnerID string `query:"owner_id" maxLength:"64" doc:"The board's owner filter."`
	Q       string `query:"q" maxLength:"200" doc:"The board's search."`
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
		Summary: "The kanban board",
		Description: "The pipeline with its stages, each stage's first per_stage cards (with the contact's name) and, per stage, " +
			"how many deals the filters let through and their totals per currency. A column's further cards come from " +
			"GET /api/pipelines/{id}/stages/{stage_id}/deals with its next_cursor and the same filters.",
		Errors: []int{404, 422}}, Member, true, s.getBoard)
	register(s, huma.Operation{OperationID: "listStageCards", Method: http.MethodGet, Path: "/api/pipelines/{id}/stages/{stage_id}/deals", Tags: tags,
		Summary: "More cards of a board column", Description: "A stage's cards in board order after cursor, with the board's filters.",
		Errors: []int{404, 422}}, Member, true, s.listStageCards)
}

func (s *Server) getBoard(ctx context.Context, in *boardInput) (*struct{ Body board }, error) {
	id, err := parseID(in.ID, "pipeline")
	if err != nil {
		return nil, err
	}
	f, err := boardFilter(in.OwnerID, in.Q)
	if err != nil {
		return nil, err
	}
	companyID := principal(ctx).CompanyID
	pl, err := s.deps.Pipelines.Get(ctx, companyID, id)
	if err != nil {
		return nil, err
	}
	b, err := s.deps.Deals.Board(ctx, companyID, id, f, in.PerStage)
	return &struct{ Body board }{board{Pipeline: pl, Board: b}}, err
}

func (s *Server) listStageCards(ctx context.Context, in *stageCardsInput) (*struct{ Body *deals.CardsPage }, error) {
	id, err := parseID(in.ID, "pipeline")
	if err != nil {
		return nil, err
	}
	stageID, err := parseID(in.StageID, "stage")
	if err != nil {
		return nil, err
	}
	f, err := boardFilter(in.OwnerID, in.Q)
	if err != nil {
		return nil, err
	}
	page, err := s.deps.Deals.Cards(ctx, principal(ctx).CompanyID, id, stageID, f, in.Cursor, in.Limit)
	return &struct{ Body *deals.CardsPage }{page}, err
}
