package deals

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// minGap is the smallest position gap kept between neighbours before a
// stage is renumbered.
const minGap = 1e-6

// Move puts a deal in a stage (of any of the company's pipelines), before a
// given deal or at the end, and records the stage change. Moving into a won
// or lost stage closes the deal; moving back into an open stage reopens it.
func (s *Service) Move(ctx context.Context, companyID, by, id uuid.UUID, in MoveInput) (*Deal, error) {
	var fe errs.Fields
	stageID := parseOptionalID("body.stage_id", in.StageID, &fe)
	if stageID == nil && len(fe) == 0 {
		fe.Add("body.stage_id", "is required", "")
	}
	beforeID := parseOptionalID("body.before_id", in.BeforeID, &fe)
	afterID := parseOptionalID("body.after_id", in.AfterID, &fe)
	if beforeID != nil && afterID != nil {
		fe.Add("body.after_id", "give before_id or after_id, not both", in.AfterID)
	}
	reason := checkReason("body.reason", in.Reason, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *Deal
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		d, err := q.GetDealForUpdate(ctx, dbq.GetDealForUpdateParams{CompanyID: companyID, ID: id})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("deal not found")
			}
			return fmt.Errorf("load deal %s: %w", id, err)
		}
		to, err := q.GetStage(ctx, dbq.GetStageParams{CompanyID: companyID, ID: *stageID})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.Field("body.stage_id", "is not a stage of this company", in.StageID)
			}
			return fmt.Errorf("load stage: %w", err)
		}
		var pos float64
		if afterID != nil {
			pos, err = positionAfter(ctx, q, companyID, d, to, *afterID)
		} else {
			pos, err = position(ctx, q, companyID, d, to, beforeID)
		}
		if err != nil {
			return err
		}
		status, closedAt, closeReason := to.Kind, d.ClosedAt, d.CloseReason
		switch {
		case status == "open":
			closedAt, closeReason = nil, ""
		case d.Status != status || closedAt == nil:
			now := time.Now()
			closedAt = &now
		}
		if reason != "" {
			closeReason = reason
		}
		if _, err := q.MoveDeal(ctx, dbq.MoveDealParams{CompanyID: companyID, ID: id, PipelineID: to.PipelineID, StageID: to.ID,
			Position: pos, Status: status, ClosedAt: closedAt, CloseReason: closeReason}); err != nil {
			return translate(err)
		}
		if d.StageID != to.ID {
			from, err := q.GetStage(ctx, dbq.GetStageParams{CompanyID: companyID, ID: d.StageID})
			if err != nil {
				return fmt.Errorf("load stage: %w", err)
			}
			if err := q.InsertStageChange(ctx, dbq.InsertStageChangeParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()),
				DealID: id, FromStageID: &from.ID, ToStageID: &to.ID, FromStage: from.Name, ToStage: to.Name, ChangedBy: &by}); err != nil {
				return fmt.Errorf("record stage change: %w", err)
			}
		}
		out, err = get(ctx, q, companyID, id)
		return err
	})
	return out, err
}

// position computes the deal's board position in the target stage: halfway
// between the deal before `before` and `before`, or after the last deal.
func position(ctx context.Context, q *db.Q, companyID uuid.UUID, d dbq.Deal, to dbq.PipelineStage, beforeID *uuid.UUID) (float64, error) {
	if beforeID == nil {
		last, err := q.LastDealPosition(ctx, dbq.LastDealPositionParams{CompanyID: companyID, PipelineID: to.PipelineID, StageID: to.ID, ID: d.ID})
		if err != nil {
			return 0, fmt.Errorf("last position: %w", err)
		}
		return last + 1024, nil
	}
	if *beforeID == d.ID {
		return d.Position, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		b, err := q.GetDeal(ctx, dbq.GetDealParams{CompanyID: companyID, ID: *beforeID})
		if err != nil || b.StageID != to.ID {
			if err != nil && !db.IsNotFound(err) {
				return 0, fmt.Errorf("load deal: %w", err)
			}
			return 0, errs.Field("body.before_id", "is not a deal of the target stage", beforeID.String())
		}
		prev, err := q.DealPositionBefore(ctx, dbq.DealPositionBeforeParams{CompanyID: companyID, PipelineID: to.PipelineID, StageID: to.ID, Position: b.Position})
		if err != nil {
			return 0, fmt.Errorf("position before: %w", err)
		}
		if b.Position-prev > minGap {
			return (prev + b.Position) / 2, nil
		}
		if err := q.RenumberStage(ctx, dbq.RenumberStageParams{CompanyID: companyID, PipelineID: to.PipelineID, StageID: to.ID}); err != nil {
			return 0, fmt.Errorf("renumber stage: %w", err)
		}
	}
	return 0, fmt.Errorf("no room on the board after renumbering")
}

// positionAfter computes the deal's board position just after the deal
// after in the target stage: halfway to the next deal, or after it when it
// is the last.
func positionAfter(ctx context.Context, q *db.Q, companyID uuid.UUID, d dbq.Deal, to dbq.PipelineStage, afterID uuid.UUID) (float64, error) {
	if afterID == d.ID {
		return d.Position, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		a, err := q.GetDeal(ctx, dbq.GetDealParams{CompanyID: companyID, ID: afterID})
		if err != nil || a.StageID != to.ID {
			if err != nil && !db.IsNotFound(err) {
				return 0, fmt.Errorf("load deal: %w", err)
			}
			return 0, errs.Field("body.after_id", "is not a deal of the target stage", afterID.String())
		}
		next, err := q.DealPositionAfter(ctx, dbq.DealPositionAfterParams{CompanyID: companyID, PipelineID: to.PipelineID, StageID: to.ID,
			Position: a.Position, ID: d.ID})
		if err != nil {
			return 0, fmt.Errorf("position after: %w", err)
		}
		if math.IsInf(next, 1) {
			return a.Position + 1024, nil
		}
		if next-a.Position > minGap {
			return (a.Position + next) / 2, nil
		}
		if err := q.RenumberStage(ctx, dbq.RenumberStageParams{CompanyID: companyID, PipelineID: to.PipelineID, StageID: to.ID}); err != nil {
			return 0, fmt.Errorf("renumber stage: %w", err)
		}
	}
	return 0, fmt.Errorf("no room on the board after renumbering")
}
