// Package jobs runs background work on River, in the same PostgreSQL. A job
// is inserted with InsertTx in the transaction of the write that needs it, so
// it exists if and only if that transaction committed. Every tenant job's
// arguments carry company_id (TenantArgs), and its worker opens a tenant
// transaction for it.
//
// Two worker middlewares run around every job: the first marks the job's
// context for the jobs pool (db.ForJobs), so the services the handlers and
// the workers share do their job's database work on the jobs' connections
// with the jobs' time limits; the second keeps queues fair between companies
// (fair.go).
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/salescrm/crm/internal/db"
)

// The queues. Each has its own workers, so a backlog of one kind of work
// never delays another kind.
const (
	// QueueSMS is the queue of SMS sends: they wait in their worker for
	// their number's next send slot, so it is wide.
	QueueSMS = "sms"
	// QueueImports is the queue of CSV imports: long jobs, so they cannot
	// occupy the default queue's few workers.
	QueueImports = "imports"
)

// Queue is one queue's size and its per-company share.
type Queue struct {
	MaxWorkers int
	// PerCompany is how many of the queue's jobs one company may run at
	// once in this process; its further jobs wait (see fair.go).
	PerCompany int
}

// Queues are the queues this server works, with their sizes.
var Queues = map[string]Queue{
	river.QueueDefault: {MaxWorkers: 4, PerCompany: 2},
	QueueSMS:           {MaxWorkers: 20, PerCompany: 10},
	QueueImports:       {MaxWorkers: 2, PerCompany: 1},
}

// Client is the River client.
type Client = river.Client[pgx.Tx]

// TenantArgs are the arguments of a job that works on one company's data.
// The JSON of the arguments carries the same id as "company_id", which is
// what the fairness middleware reads (River hands middleware the encoded
// arguments only); AddTenantWorker checks that at start.
type TenantArgs interface {
	river.JobArgs
	// TenantID is the company the job works for.
	TenantID() uuid.UUID
}

// AddTenantWorker registers the worker of a tenant job kind. It panics at
// start when the kind's arguments do not encode company_id, so that no
// tenant job can escape the fairness limit unnoticed.
func AddTenantWorker[T TenantArgs](workers *river.Workers, w river.Worker[T]) {
	var zero T
	if _, ok := companyOf(mustJSON(zero)); !ok {
		panic(fmt.Sprintf("jobs: %s arguments do not encode company_id", zero.Kind()))
	}
	river.AddWorker(workers, w)
}

// AddPlatformWorker registers the worker of a job that is no one company's
// (pruning sessions, expiring old imports of every company).
func AddPlatformWorker[T river.JobArgs](workers *river.Workers, w river.Worker[T]) {
	river.AddWorker(workers, w)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// companyOf reads company_id from a job's encoded arguments.
func companyOf(args []byte) (uuid.UUID, bool) {
	var a struct {
		CompanyID *uuid.UUID `json:"company_id"`
	}
	if json.Unmarshal(args, &a) != nil || a.CompanyID == nil {
		return uuid.Nil, false
	}
	return *a.CompanyID, true
}

// New returns a client that can insert jobs and, once started, works them.
// pool is the jobs pool (db.DB.Jobs).
func New(pool *pgxpool.Pool, log *slog.Logger, workers *river.Workers, periodic []*river.PeriodicJob) (*Client, error) {
	queues := map[string]river.QueueConfig{}
	for name, q := range Queues {
		queues[name] = river.QueueConfig{MaxWorkers: q.MaxWorkers}
	}
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:                      log,
		Workers:                     workers,
		Queues:                      queues,
		PeriodicJobs:                periodic,
		Middleware:                  []rivertype.Middleware{&jobsPool{}, NewFair(Queues)},
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

// jobsPool marks every job's context for the jobs pool.
type jobsPool struct{ river.MiddlewareDefaults }

func (*jobsPool) Work(ctx context.Context, _ *rivertype.JobRow, doInner func(context.Context) error) error {
	return doInner(db.ForJobs(ctx))
}

// Stop stops the client, letting running jobs finish within ctx.
func Stop(ctx context.Context, c *Client) error {
	if err := c.Stop(ctx); err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	return nil
}
