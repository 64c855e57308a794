// Package db owns the connection pools and is the one door to tenant data:
// every read or write of a tenant table goes through InTenant, which opens a
// transaction that carries the company in a transaction-local setting that
// row-level security checks. Nothing else in the program opens transactions.
package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	pgxdecimal "github.com/jackc/pgx-shopspring-decimal"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salescrm/crm/internal/db/dbq"
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

// DB is the application's database handle.
type DB struct {
	Pool *pgxpool.Pool
}

// Open connects a pool to url and checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	// Plan every execution with its values. Prepared statements would
	// otherwise switch to a generic plan after five runs, estimated for an
	// average company: wrong for a large one, and unable to turn a search
	// prefix into an index range (docs/performance.md).
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
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
	return &DB{Pool: pool}, nil
}

// Close closes the pool.
func (d *DB) Close() { d.Pool.Close() }

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
	return pgx.BeginTxFunc(ctx, d.Pool, opts, func(tx pgx.Tx) error {
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
	return pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		return fn(&Q{Queries: dbq.New(tx), Tx: tx})
	})
}

// Platform returns queries outside any transaction, for single statements on
// platform tables (the per-request session lookup).
func (d *DB) Platform() *dbq.Queries { return dbq.New(d.Pool) }
