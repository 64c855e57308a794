package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
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
