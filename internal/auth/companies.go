package auth

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db/dbq"
)

// CompanyIDs returns up to limit company ids after after, in id order: for
// platform housekeeping jobs that visit every company in turn, each in its
// own tenant transaction (companies is a platform table, read only here).
func (s *Service) CompanyIDs(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error) {
	ids, err := s.db.Platform().ListCompanyIDs(ctx, dbq.ListCompanyIDsParams{After: after, MaxRows: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	return ids, nil
}
