package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbtest"
)

// TestInTenantSettingIsTransactionLocal checks the one door: inside InTenant
// the company is set, and the pooled connection never carries it into the
// next use — after commit, after an error, and without a company at all.
func TestInTenantSettingIsTransactionLocal(t *testing.T) {
	u := dbtest.New(t)
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(u.App)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1 // every call below uses the same connection
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	d := &db.DB{Pool: pool}
	setting := func() string {
		var s string
		if err := pool.QueryRow(ctx, `SELECT coalesce(current_setting('app.company_id', true), '')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := uuid.Must(uuid.NewV7())
	var inside string
	if err := d.InTenant(ctx, a, func(q *db.Q) error {
		return q.Tx.QueryRow(ctx, `SELECT current_setting('app.company_id')`).Scan(&inside)
	}); err != nil {
		t.Fatal(err)
	}
	if inside != a.String() {
		t.Fatalf("inside the tenant transaction: %q, want %s", inside, a)
	}
	if s := setting(); s != "" {
		t.Fatalf("after commit the connection carries company %q", s)
	}
	boom := errors.New("boom")
	if err := d.InTenant(ctx, a, func(q *db.Q) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("error from fn: %v", err)
	}
	if s := setting(); s != "" {
		t.Fatalf("after rollback the connection carries company %q", s)
	}
	if err := d.InTenant(ctx, uuid.Nil, func(q *db.Q) error { return nil }); !errors.Is(err, db.ErrNoCompany) {
		t.Fatalf("InTenant without a company: %v", err)
	}
}

// TestStatementTimeouts checks that every statement has a time limit, short
// for requests and longer for jobs (the context marked with ForJobs picks
// the jobs pool), and that a transaction left idle is ended by the server.
func TestStatementTimeouts(t *testing.T) {
	u := dbtest.New(t)
	ctx := context.Background()
	d, err := db.Open(ctx, u.App, db.Options{MaxConns: 2, JobsMaxConns: 2, StatementTimeout: 300 * time.Millisecond,
		JobStatementTimeout: 5 * time.Second, AcquireTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	company := uuid.Must(uuid.NewV7())
	sleep := func(ctx context.Context, seconds float64) error {
		return d.InTenant(ctx, company, func(q *db.Q) error {
			_, err := q.Tx.Exec(ctx, `SELECT pg_sleep($1)`, seconds)
			return err
		})
	}
	var pgErr *pgconn.PgError
	if err := sleep(ctx, 2); !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Fatalf("a 2s statement in a request: %v, want it cancelled by statement_timeout (57014)", err)
	}
	if err := sleep(db.ForJobs(ctx), 0.6); err != nil {
		t.Fatalf("a 0.6s statement in a job: %v", err)
	}
	show := func(ctx context.Context, name string) string {
		var v string
		if err := d.InPlatform(ctx, func(q *db.Q) error { return q.Tx.QueryRow(ctx, "SHOW "+name).Scan(&v) }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := show(ctx, "statement_timeout"); got != "300ms" {
		t.Errorf("requests' statement_timeout: %s", got)
	}
	if got := show(db.ForJobs(ctx), "statement_timeout"); got != "5s" {
		t.Errorf("jobs' statement_timeout: %s", got)
	}
	if got := show(ctx, "idle_in_transaction_session_timeout"); got != "300ms" {
		t.Errorf("requests' idle_in_transaction_session_timeout: %s", got)
	}
	// A transaction that waits between statements (as one that wrote to a
	// slow client would) is ended by the server, and its connection freed.
	err = d.InTenant(ctx, company, func(q *db.Q) error {
		if _, err := q.Tx.Exec(ctx, `SELECT 1`); err != nil {
			return err
		}
		time.Sleep(time.Second)
		_, err := q.Tx.Exec(ctx, `SELECT 1`)
		return err
	})
	if err == nil {
		t.Fatal("a transaction idle for 1s outlived idle_in_transaction_session_timeout (300ms)")
	}
	if err := sleep(ctx, 0); err != nil {
		t.Fatalf("the pool after an ended transaction: %v", err)
	}
}

// TestAcquireTimeout checks that a request which cannot get a connection
// gets ErrBusy after the acquire timeout (also for single platform
// statements), and that jobs have connections of their own.
func TestAcquireTimeout(t *testing.T) {
	u := dbtest.New(t)
	ctx := context.Background()
	d, err := db.Open(ctx, u.App, db.Options{MaxConns: 2, JobsMaxConns: 2, AcquireTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var held []*pgxpool.Conn
	for range 2 {
		c, err := d.Pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	start := time.Now()
	err = d.InTenant(ctx, uuid.Must(uuid.NewV7()), func(q *db.Q) error { return nil })
	if !errors.Is(err, db.ErrBusy) {
		t.Fatalf("InTenant with the pool taken: %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("waited %v for a connection", waited)
	}
	if _, err := d.Platform().GetCompany(ctx, uuid.Must(uuid.NewV7())); !errors.Is(err, db.ErrBusy) {
		t.Fatalf("a platform statement with the pool taken: %v, want ErrBusy", err)
	}
	if _, err := d.CurrentVersion(ctx); !errors.Is(err, db.ErrBusy) {
		t.Fatalf("CurrentVersion with the pool taken: %v, want ErrBusy", err)
	}
	// Jobs do not share the requests' connections.
	if err := d.InTenant(db.ForJobs(ctx), uuid.Must(uuid.NewV7()), func(q *db.Q) error { return nil }); err != nil {
		t.Fatalf("a job with the requests' pool taken: %v", err)
	}
	for _, c := range held {
		c.Release()
	}
	if _, err := d.Platform().GetCompany(ctx, uuid.Must(uuid.NewV7())); !db.IsNotFound(err) {
		t.Fatalf("a platform statement after release: %v", err)
	}
	// Single statements give their connection back: many in a row on a pool of two.
	for range 10 {
		if _, err := d.CurrentVersion(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Platform().ListCompanyMembers(ctx, uuid.Must(uuid.NewV7())); err != nil {
			t.Fatal(err)
		}
	}
	if st := d.Pool.Stat(); st.AcquiredConns() != 0 {
		t.Fatalf("%d connections still acquired", st.AcquiredConns())
	}
}
