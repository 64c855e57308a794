package calls

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// DetachTx keeps the calls of contacts and deals that are about to be
// deleted for good (internal/trash's purge): a contact's calls stay in the
// call log without the contact, and a call whose notes activity goes with
// the contact or deal keeps its notes without the activity. It runs in the
// caller's tenant transaction, before the rows are deleted; the references
// are cleared here rather than by ON DELETE SET NULL.
func DetachTx(ctx context.Context, q *db.Q, companyID uuid.UUID, contactIDs, dealIDs []uuid.UUID) error {
	if len(contactIDs) == 0 && len(dealIDs) == 0 {
		return nil
	}
	if contactIDs == nil {
		contactIDs = []uuid.UUID{}
	}
	if dealIDs == nil {
		dealIDs = []uuid.UUID{}
	}
	if err := q.DetachCallActivities(ctx, dbq.DetachCallActivitiesParams{CompanyID: companyID, ContactIds: contactIDs, DealIds: dealIDs}); err != nil {
		return fmt.Errorf("detach call notes: %w", err)
	}
	if len(contactIDs) > 0 {
		if err := q.DetachContactCalls(ctx, dbq.DetachContactCallsParams{CompanyID: companyID, ContactIds: contactIDs}); err != nil {
			return fmt.Errorf("detach calls: %w", err)
		}
	}
	return nil
}
