package auth

import (
	"context"

	"github.com/riverqueue/river"
)

// PruneArgs asks for expired sessions and old login failures to be deleted.
// It is platform housekeeping (no company), run periodically by the leader.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "auth.prune" }

// PruneWorker runs PruneArgs.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	return w.Service.Prune(ctx)
}
