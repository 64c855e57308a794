// Package db owns the connection pools and is the one door to tenant data:
// every read or write of a tenant table goes through InTenant, which opens a
// transaction that carries the company in a transaction-local setting that
// row-level security checks. Nothing else in the program opens transactions.
package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	pgxdecimal "github.com/jackc/pgx-shopspring-decimal"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// ErrNoCompany is returned when a tenant transaction is asked for without a company.
var ErrNoCompany = errors.New("db: tenant transaction without a company")

// Q is what a transaction callback works with: the typed queries, bound to
// the transaction, and the transaction itself for the few statements that are
// built at run time (the reviewed filter builders) or for enqueueing jobs.
type Q struct {
	*dbq.Queries
	Tx pgx.Tx
}

// DB is the application's database handle: two pools of the app role, one
// for HTTP requests and one for background jobs, so that a burst of jobs can
// never take the connections a request needs (nor the other way round).
// Which pool a call uses is decided by its context: ForJobs marks a job's
// context (the River worker middleware in internal/jobs does it for every
// job), so the services the handlers and the workers share need no second
// copy (docs/decisions.md).
type DB struct {
	// Pool serves HTTP requests: short statement timeouts, and a request that
	// cannot get a connection within AcquireTimeout is answered 503.
	Pool *pgxpool.Pool
	// JobsPool serves background jobs (and River itself); nil means Pool.
	JobsPool *pgxpool.Pool
	// AcquireTimeout bounds the wait for a connection of Pool; zero waits as
	// long as the context allows. Jobs wait as long as their context allows.
	AcquireTimeout time.Duration
}

// Options size the pools and bound every statement.
type Options struct {
	MaxConns            int32         // HTTP pool (CRM_DB_MAX_CONNS)
	JobsMaxConns        int32         // jobs pool (CRM_JOBS_DB_MAX_CONNS)
	StatementTimeout    time.Duration // requests (CRM_STATEMENT_TIMEOUT)
	JobStatementTimeout time.Duration // jobs (CRM_JOB_STATEMENT_TIMEOUT)
	AcquireTimeout      time.Duration // requests (CRM_DB_ACQUIRE_TIMEOUT)
}

// DefaultOptions are the defaults documented in docs/operations.md.
var DefaultOptions = Options{MaxConns: 20, JobsMaxConns: 10, StatementTimeout: 15 * time.Second,
	JobStatementTimeout: 5 * time.Minute, AcquireTimeout: 2 * time.Second}

// ErrBusy is returned when a request waited AcquireTimeout for a connection
// and got none: every connection of the HTTP pool is in use. It is a 503
// with Retry-After, never a hang.
var ErrBusy = errs.Busy(2*time.Second, "the server is busy; try again in a moment")

// Open connects both pools to url and checks that the database answers.
func Open(ctx context.Context, url string, o Options) (*DB, error) {
	def := DefaultOptions
	if o.MaxConns <= 0 {
		o.MaxConns = def.MaxConns
	}
	if o.JobsMaxConns <= 0 {
		o.JobsMaxConns = def.JobsMaxConns
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = def.StatementTimeout
	}
	if o.JobStatementTimeout <= 0 {
		o.JobStatementTimeout = def.JobStatementTimeout
	}
	if o.AcquireTimeout <= 0 {
		o.AcquireTimeout = def.AcquireTimeout
	}
	pool, err := openPool(ctx, url, o.MaxConns, o.StatementTimeout)
	if err != nil {
		return nil, err
	}
	jobs, err := openPool(ctx, url, o.JobsMaxConns, o.JobStatementTimeout)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{Pool: pool, JobsPool: jobs, AcquireTimeout: o.AcquireTimeout}, nil
}

// openPool opens one pool whose connections carry the statement time limits.
func openPool(ctx context.Context, url string, maxConns int32, timeout time.Duration) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.MaxConns = maxConns
	// Plan every execution with its values. Prepared statements would
	// otherwise switch to a generic plan after five runs, estimated for an
	// average company: wrong for a large one, and unable to turn a search
	// prefix into an index range (docs/performance.md).
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	// Every statement has a time limit, and so has a transaction left open
	// between statements: a slow query or a stuck caller gives its
	// connection back instead of holding it (DESIGN.md §3.10). They are
	// startup parameters, so they hold from the first statement on, and
	// pgx's simple-protocol BEGIN carries no SET that could lose them.
	ms := strconv.FormatInt(timeout.Milliseconds(), 10)
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = ms
	cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = ms
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		pgxdecimal.Register(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// Close closes the pools.
func (d *DB) Close() {
	d.Pool.Close()
	if d.JobsPool != nil {
		d.JobsPool.Close()
	}
}

type jobsKey struct{}

// ForJobs marks ctx as a background job's: the database work done with it
// uses the jobs pool, with the jobs' longer time limits.
func ForJobs(ctx context.Context) context.Context { return context.WithValue(ctx, jobsKey{}, true) }

// IsJob reports whether ctx was marked by ForJobs.
func IsJob(ctx context.Context) bool { b, _ := ctx.Value(jobsKey{}).(bool); return b }

// Jobs returns the pool River and the job workers use.
func (d *DB) Jobs() *pgxpool.Pool {
	if d.JobsPool != nil {
		return d.JobsPool
	}
	return d.Pool
}

// acquire takes a connection of the pool ctx calls for. A request waits at
// most AcquireTimeout and then gets ErrBusy; a job waits as long as its
// context allows (River bounds it), since a job has nobody waiting on it.
func (d *DB) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	if IsJob(ctx) {
		return d.Jobs().Acquire(ctx)
	}
	if d.AcquireTimeout <= 0 {
		return d.Pool.Acquire(ctx)
	}
	actx, cancel := context.WithTimeout(ctx, d.AcquireTimeout)
	defer cancel()
	c, err := d.Pool.Acquire(actx)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("acquire a connection within %v: %w", d.AcquireTimeout, ErrBusy)
	}
	return c, err
}

// InTenant runs fn in a transaction scoped to companyID:
//
//	BEGIN; SET LOCAL app.company_id = '<uuid>'; …; COMMIT
//
// The uuid is printed by Go from a uuid.UUID, so it can only be hex and
// dashes; SET takes no bind parameters. The statement is sent with the simple
// protocol so that it is not prepared and cached per company. SET LOCAL (not
// set_config) because Citus forwards it to the shards. The setting dies with
// the transaction, so a pooled connection never carries a company onward.
func (d *DB) InTenant(ctx context.Context, companyID uuid.UUID, fn func(q *Q) error) error {
	if companyID == uuid.Nil {
		return ErrNoCompany
	}
	// BEGIN and SET LOCAL go in one simple-protocol round trip (pgx sends a
	// BeginQuery without arguments that way).
	opts := pgx.TxOptions{BeginQuery: "BEGIN; SET LOCAL app.company_id = '" + companyID.String() + "'"}
	c, err := d.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	return pgx.BeginTxFunc(ctx, c, opts, func(tx pgx.Tx) error {
		return fn(&Q{Queries: dbq.New(tx), Tx: tx})
	})
}

// SetTenant scopes an open platform transaction to a company from here on.
// Sign-up uses it to create the new company's first tenant rows in the same
// transaction as the company.
func SetTenant(ctx context.Context, q *Q, companyID uuid.UUID) error {
	if companyID == uuid.Nil {
		return ErrNoCompany
	}
	if _, err := q.Tx.Exec(ctx, "SET LOCAL app.company_id = '"+companyID.String()+"'", pgx.QueryExecModeSimpleProtocol); err != nil {
		return fmt.Errorf("set tenant: %w", err)
	}
	return nil
}

// InPlatform runs fn in a transaction without a company: only platform tables
// (companies, users, memberships, sessions, api_tokens, invites, the audit
// log) are visible there, and every tenant table answers with no rows. It is
// for internal/auth, the webhook routers and platform administration.
func (d *DB) InPlatform(ctx context.Context, fn func(q *Q) error) error {
	c, err := d.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		return fn(&Q{Queries: dbq.New(tx), Tx: tx})
	})
}

// Platform returns queries outside any transaction, for single statements on
// platform tables (the per-request session lookup). Each statement takes its
// connection the way a transaction does (the same pool choice and acquire
// timeout) and gives it back when its rows are read.
func (d *DB) Platform() *dbq.Queries { return dbq.New(single{d}) }
