// Package jobs runs background work on River, in the same PostgreSQL. A job
// is inserted with InsertTx in the transaction of the write that needs it, so
// it exists if and only if that transaction committed. Every job's arguments
// carry company_id, and its worker opens a tenant transaction for it.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// QueueSMS is the queue of SMS sends.
const QueueSMS = "sms"

// Client is the River client.
type Client = river.Client[pgx.Tx]

// New returns a client that can insert jobs and, once started, works them.
func New(pool *pgxpool.Pool, log *slog.Logger, workers *river.Workers, periodic []*river.PeriodicJob) (*Client, error) {
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:  log,
		Workers: workers,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4},
			// SMS sends wait in their worker for their number's next send
			// slot, so they have their own, wider queue.
			QueueSMS: {MaxWorkers: 20}},
		FetchCooldown:               50 * time.Millisecond,
		FetchPollInterval:           500 * time.Millisecond,
		JobTimeout:                  30 * time.Minute,
		CompletedJobRetentionPeriod: 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// Stop stops the client, letting running jobs finish within ctx.
func Stop(ctx context.Context, c *Client) error {
	if err := c.Stop(ctx); err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	return nil
}
