package pipelines

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// StagePatch changes a stage; absent fields stay.
type StagePatch struct {
	Name        *string `json:"name,omitempty" minLength:"1" maxLength:"100"`
	Probability *int32  `json:"probability,omitempty" minimum:"0" maximum:"100"`
	Kind        *string `json:"kind,omitempty" enum:"open,won,lost" doc:"Changing the kind does not reopen or close the stage's deals."`
}

// AddStage appends a stage to a pipeline.
func (s *Service) AddStage(ctx context.Context, companyID, pipelineID uuid.UUID, in StageInput) (*Pipeline, error) {
	var fe errs.Fields
	in.Name = checkName("body.name", in.Name, &fe)
	checkStage("body", &in, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		p, err := get(ctx, q, companyID, pipelineID)
		if err != nil {
			return err
		}
		if len(p.Stages) >= 30 {
			return errs.Field("body", "a pipeline has at most 30 stages", len(p.Stages))
		}
		for _, st := range p.Stages {
			if strings.EqualFold(st.Name, in.Name) {
				return &errs.Error{Code: errs.Conflict, Message: "the pipeline already has this stage",
					Fields: []errs.FieldError{{Field: "body.name", Message: "is used by another stage", Value: in.Name}}}
			}
		}
		pos := int32(len(p.Stages))
		if _, err := q.CreateStage(ctx, dbq.CreateStageParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), PipelineID: pipelineID,
			Name: in.Name, Position: pos, Probability: *in.Probability, Kind: in.Kind}); err != nil {
			return fmt.Errorf("create stage: %w", err)
		}
		out, err = get(ctx, q, companyID, pipelineID)
		return err
	})
	return out, err
}

// UpdateStage renames a stage or changes its probability or kind.
func (s *Service) UpdateStage(ctx context.Context, companyID, pipelineID, stageID uuid.UUID, in StagePatch) (*Pipeline, error) {
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		p, err := get(ctx, q, companyID, pipelineID)
		if err != nil {
			return err
		}
		st, ok := findStage(p, stageID)
		if !ok {
			return errs.NotFoundf("stage not found")
		}
		next := StageInput{Name: st.Name, Probability: &st.Probability, Kind: st.Kind}
		var fe errs.Fields
		if in.Name != nil {
			next.Name = checkName("body.name", *in.Name, &fe)
			for _, other := range p.Stages {
				if other.ID != stageID && strings.EqualFold(other.Name, next.Name) {
					fe.Add("body.name", "is used by another stage", next.Name)
				}
			}
		}
		if in.Probability != nil {
			next.Probability = in.Probability
		}
		if in.Kind != nil {
			next.Kind = *in.Kind
		}
		checkStage("body", &next, &fe)
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := q.UpdateStage(ctx, dbq.UpdateStageParams{CompanyID: companyID, ID: stageID, Name: next.Name,
			Probability: *next.Probability, Kind: next.Kind}); err != nil {
			return fmt.Errorf("update stage: %w", err)
		}
		out, err = get(ctx, q, companyID, pipelineID)
		return err
	})
	return out, err
}

// ReorderStages sets the order of a pipeline's stages; ids must be exactly
// the pipeline's stages.
func (s *Service) ReorderStages(ctx context.Context, companyID, pipelineID uuid.UUID, ids []uuid.UUID) (*Pipeline, error) {
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		p, err := get(ctx, q, companyID, pipelineID)
		if err != nil {
			return err
		}
		if len(ids) != len(p.Stages) {
			return errs.Field("body.stage_ids", "must list every stage of the pipeline exactly once", len(ids))
		}
		seen := map[uuid.UUID]bool{}
		for _, id := range ids {
			if _, ok := findStage(p, id); !ok || seen[id] {
				return errs.Field("body.stage_ids", "must list every stage of the pipeline exactly once", id)
			}
			seen[id] = true
		}
		for i, id := range ids {
			if err := q.SetStagePosition(ctx, dbq.SetStagePositionParams{CompanyID: companyID, ID: id, Position: int32(i)}); err != nil {
				return fmt.Errorf("reorder stage: %w", err)
			}
		}
		out, err = get(ctx, q, companyID, pipelineID)
		return err
	})
	return out, err
}

// DeleteStage removes a stage. A stage that still holds deals needs a
// stage of the same pipeline to move them to (each move is recorded in the
// deal's stage history); without one the answer is a conflict that says so.
func (s *Service) DeleteStage(ctx context.Context, companyID, pipelineID, stageID uuid.UUID, moveTo *uuid.UUID, by uuid.UUID) (*Pipeline, error) {
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		p, err := get(ctx, q, companyID, pipelineID)
		if err != nil {
			return err
		}
		st, ok := findStage(p, stageID)
		if !ok {
			return errs.NotFoundf("stage not found")
		}
		if len(p.Stages) <= 1 {
			return errs.E(errs.Conflict, "a pipeline needs at least one stage")
		}
		if st.Deals > 0 && moveTo == nil {
			return &errs.Error{Code: errs.Conflict,
				Message: fmt.Sprintf("the stage holds %d deals; choose a stage to move them to (move_to)", st.Deals),
				Fields:  []errs.FieldError{{Field: "query.move_to", Message: "is required while the stage holds deals", Value: st.Deals}}}
		}
		// Deals in the trash move too (MoveStageDeals takes them all): a
		// restored deal needs a stage. Without live deals to place, they go
		// to move_to when it is a stage of the pipeline, else the first other.
		target, ok := Stage{}, false
		if moveTo != nil {
			target, ok = findStage(p, *moveTo)
			ok = ok && target.ID != stageID
		}
		if !ok && st.Deals > 0 {
			return errs.Field("query.move_to", "must be another stage of the same pipeline", moveTo.String())
		}
		for _, other := range p.Stages {
			if !ok && other.ID != stageID {
				target, ok = other, true
			}
		}
		moved, err := q.MoveStageDeals(ctx, dbq.MoveStageDealsParams{CompanyID: companyID, FromStageID: stageID,
			ToStageID: target.ID, Status: target.Kind})
		if err != nil {
			return fmt.Errorf("move deals: %w", err)
		}
		for _, dealID := range moved {
			if err := q.InsertStageChange(ctx, dbq.InsertStageChangeParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()),
				DealID: dealID, FromStageID: &stageID, ToStageID: &target.ID, FromStage: st.Name, ToStage: target.Name, ChangedBy: &by}); err != nil {
				return fmt.Errorf("record stage change: %w", err)
			}
		}
		if _, err := q.DeleteStage(ctx, dbq.DeleteStageParams{CompanyID: companyID, ID: stageID}); err != nil {
			return fmt.Errorf("delete stage: %w", err)
		}
		remaining := make([]uuid.UUID, 0, len(p.Stages)-1)
		for _, other := range p.Stages {
			if other.ID != stageID {
				remaining = append(remaining, other.ID)
			}
		}
		for i, id := range remaining {
			if err := q.SetStagePosition(ctx, dbq.SetStagePositionParams{CompanyID: companyID, ID: id, Position: int32(i)}); err != nil {
				return fmt.Errorf("renumber stages: %w", err)
			}
		}
		out, err = get(ctx, q, companyID, pipelineID)
		return err
	})
	return out, err
}

func findStage(p *Pipeline, id uuid.UUID) (Stage, bool) {
	for _, st := range p.Stages {
		if st.ID == id {
			return st, true
		}
	}
	return Stage{}, false
}
