package imports

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// UnstartedTTL is how long an uploaded import may wait for its start: after
// it, the import and its file are deleted and stop counting against the
// company's storage.
const UnstartedTTL = 24 * time.Hour

// ExpireArgs is the periodic job that deletes unstarted imports older than
// UnstartedTTL, in every company. It is platform housekeeping: it visits
// each company in turn, in a tenant transaction of that company.
type ExpireArgs struct{}

// Kind implements river.JobArgs.
func (ExpireArgs) Kind() string { return "imports.expire" }

// ExpireWorker runs ExpireArgs.
type ExpireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *ExpireWorker) Work(ctx context.Context, _ *river.Job[ExpireArgs]) error {
	_, err := w.Service.ExpireUnstarted(ctx, time.Now().Add(-UnstartedTTL))
	return err
}

// companiesPage is how many companies one platform read lists.
const companiesPage = 500

// ExpireUnstarted deletes every import that was uploaded before cutoff and
// never started, with its file, company by company (one short tenant
// transaction each, an index probe of imports_unstarted_idx), and returns how
// many went.
func (s *Service) ExpireUnstarted(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	after := uuid.Nil
	for {
		ids, err := s.deps.Auth.CompanyIDs(ctx, after, companiesPage)
		if err != nil {
			return n, err
		}
		for _, companyID := range ids {
			gone, err := s.expireCompany(ctx, companyID, cutoff)
			if err != nil {
				return n, err
			}
			n += gone
		}
		if len(ids) < companiesPage {
			return n, nil
		}
		after = ids[len(ids)-1]
	}
}

func (s *Service) expireCompany(ctx context.Context, companyID uuid.UUID, cutoff time.Time) (int, error) {
	var gone []dbq.DeleteUnstartedImportsRow
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		gone, err = q.DeleteUnstartedImports(ctx, dbq.DeleteUnstartedImportsParams{CompanyID: companyID, Cutoff: cutoff})
		if err != nil {
			return fmt.Errorf("expire imports: %w", err)
		}
		for _, g := range gone {
			if err := s.deps.Storage.ForgetTx(ctx, q, companyID, g.BlobKey); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, g := range gone {
		s.removeFile(ctx, g.ID, g.BlobKey)
	}
	return len(gone), nil
}
