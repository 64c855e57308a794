package deals

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// BoardDeal is a deal as a kanban card.
type BoardDeal struct {
	ID                uuid.UUID  `json:"id"`
	StageID           uuid.UUID  `json:"stage_id"`
	Title             string     `json:"title"`
	Value             string     `json:"value"`
	Currency          string     `json:"currency"`
	ContactID         *uuid.UUID `json:"contact_id" nullable:"true"`
	ContactName       string     `json:"contact_name"`
	OwnerID           *uuid.UUID `json:"owner_id" nullable:"true"`
	Position          float64    `json:"position"`
	Status            string     `json:"status" enum:"open,won,lost"`
	ExpectedCloseDate *string    `json:"expected_close_date"`
	ClosedAt          *time.Time `json:"closed_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Board lists every deal of a pipeline, in stage and board order, with its
// contact's name: the kanban in one query.
func (s *Service) Board(ctx context.Context, companyID, pipelineID uuid.UUID, ownerID *uuid.UUID) ([]BoardDeal, error) {
	out := []BoardDeal{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if _, err := q.GetPipeline(ctx, dbq.GetPipelineParams{CompanyID: companyID, ID: pipelineID}); err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("pipeline not found")
			}
			return fmt.Errorf("load pipeline: %w", err)
		}
		rows, err := q.BoardDeals(ctx, dbq.BoardDealsParams{CompanyID: companyID, PipelineID: pipelineID, OwnerID: ownerID})
		if err != nil {
			return fmt.Errorf("board: %w", err)
		}
		for _, r := range rows {
			d := BoardDeal{ID: r.ID, StageID: r.StageID, Title: r.Title, Value: r.Value.StringFixed(2), Currency: r.Currency,
				ContactID: r.ContactID, ContactName: r.ContactName, OwnerID: r.OwnerID, Position: r.Position, Status: r.Status,
				ClosedAt: r.ClosedAt, UpdatedAt: r.UpdatedAt}
			if r.ExpectedCloseDate != nil {
				v := r.ExpectedCloseDate.Format(dateLayout)
				d.ExpectedCloseDate = &v
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}
