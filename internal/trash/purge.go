package trash

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/deals"
)

// The daily purge: a periodic sweep visits every company and, for each one
// whose trash holds something deleted before the cutoff, queues a purge job
// of that company. The purge job deletes in batches of BatchSize, each in
// its own tenant transaction (a company with 100,000 trashed rows never
// holds one long transaction), and after maxBatchesPerRun batches yields its
// worker to other jobs by snoozing. The cutoff travels in the job's
// arguments, so the clock is the sweep's parameter, not the worker's.

// maxBatchesPerRun bounds one run of a company's purge job.
const maxBatchesPerRun = 20

// PurgeExpired deletes for good, in at most maxBatches batches, the
// company's trashed contacts and deals deleted before the cutoff, and
// reports how many it purged and whether any remain.
func (s *Service) PurgeExpired(ctx context.Context, companyID uuid.UUID, before time.Time, maxBatches int) (purged int, more bool, err error) {
	for range maxBatches {
		n, err := s.purgeBatch(ctx, companyID, before)
		purged += n
		if err != nil || n == 0 {
			return purged, false, err
		}
	}
	left, err := s.hasExpired(ctx, companyID, before)
	return purged, left, err
}

// purgeBatch purges up to BatchSize expired records in one transaction:
// contacts first, then (when no contacts are left) deals.
func (s *Service) purgeBatch(ctx context.Context, companyID uuid.UUID, before time.Time) (int, error) {
	var n int
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		ids, err := contacts.ExpiredTx(ctx, q, companyID, before, BatchSize)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			n, err = purgeContactsTx(ctx, q, companyID, audit.System, ReasonExpired, ids)
			return err
		}
		if ids, err = deals.ExpiredTx(ctx, q, companyID, before, BatchSize); err != nil {
			return err
		}
		if len(ids) > 0 {
			n, err = purgeDealsTx(ctx, q, companyID, audit.System, ReasonExpired, ids)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge the trash of %s: %w", companyID, err)
	}
	return n, nil
}

func (s *Service) hasExpired(ctx context.Context, companyID uuid.UUID, before time.Time) (bool, error) {
	var found bool
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		c, err := contacts.ExpiredTx(ctx, q, companyID, before, 1)
		if err != nil {
			return err
		}
		d, err := deals.ExpiredTx(ctx, q, companyID, before, 1)
		found = len(c)+len(d) > 0
		return err
	})
	return found, err
}

// Sweep queues a purge job for every company whose trash holds records
// deleted more than Retention before now, unless that company's purge job
// is still unfinished. It returns how many it queued.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	before := now.Add(-Retention)
	queued := 0
	after := uuid.Nil
	for {
		ids, err := s.db.Platform().CompanyIDsAfter(ctx, dbq.CompanyIDsAfterParams{After: after, Lim: 500})
		if err != nil {
			return queued, fmt.Errorf("list companies: %w", err)
		}
		for _, id := range ids {
			found, err := s.hasExpired(ctx, id, before)
			if err != nil {
				return queued, err
			}
			if !found {
				continue
			}
			res, err := s.jobs.Insert(ctx, PurgeArgs{CompanyID: id, Before: before}, nil)
			if err != nil {
				return queued, fmt.Errorf("queue the purge of %s: %w", id, err)
			}
			if !res.UniqueSkippedAsDuplicate {
				queued++
			}
		}
		if len(ids) < 500 {
			return queued, nil
		}
		after = ids[len(ids)-1]
	}
}

// SweepArgs asks for the daily sweep of every company's trash. It is run
// periodically by River's leader.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "trash.sweep" }

// SweepWorker runs SweepArgs.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.Service.Sweep(ctx, time.Now())
	return err
}

// PurgeArgs asks for one company's trash to be purged of what was deleted
// before Before.
type PurgeArgs struct {
	CompanyID uuid.UUID `json:"company_id" river:"unique"`
	Before    time.Time `json:"before"`
}

// Kind implements river.JobArgs.
func (PurgeArgs) Kind() string { return "trash.purge" }

// TenantID implements jobs.TenantArgs.
func (a PurgeArgs) TenantID() uuid.UUID { return a.CompanyID }

// InsertOpts implements river.JobArgsWithInsertOpts: one unfinished purge
// job per company at a time (a sweep that finds one still queued, running
// or snoozed adds none; a finished one does not count).
func (PurgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// PurgeWorker runs PurgeArgs.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	Service *Service
}

// Work implements river.Worker: a bounded run, then a snooze while more remains.
func (w *PurgeWorker) Work(ctx context.Context, job *river.Job[PurgeArgs]) error {
	_, more, err := w.Service.PurgeExpired(ctx, job.Args.CompanyID, job.Args.Before, maxBatchesPerRun)
	if err != nil {
		return err
	}
	if more {
		return river.JobSnooze(time.Second)
	}
	return nil
}
