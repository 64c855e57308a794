package tenancy_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salescrm/crm/internal/db/dbtest"
	"github.com/salescrm/crm/internal/tenancy"
)

func TestAuditCleanAndPlantedViolations(t *testing.T) {
	t.Parallel()
	u := dbtest.New(t)
	ctx := context.Background()
	a, b := "01900000-0000-7000-8000-00000000000a", "01900000-0000-7000-8000-00000000000b"
	userB := "01900000-0000-7000-8000-0000000000b1"
	super := connect(t, u.Super)
	for _, stmt := range []string{
		`INSERT INTO companies (id, name) VALUES ('` + a + `', 'Alpha'), ('` + b + `', 'Beta')`,
		`INSERT INTO users (id, email, name, password_hash) VALUES ('` + userB + `', 'b@beta.test', 'B', 'x')`,
		`INSERT INTO memberships (company_id, user_id, role) VALUES ('` + b + `', '` + userB + `', 'owner')`,
		`INSERT INTO contacts (company_id, id, first_name) VALUES ('` + a + `', gen_random_uuid(), 'Ann'), ('` + a + `', gen_random_uuid(), 'Al'), ('` + b + `', gen_random_uuid(), 'Bob')`,
		`INSERT INTO contacts (company_id, id, first_name, deleted_at) VALUES ('` + a + `', gen_random_uuid(), 'Binned', now())`,
	} {
		if _, err := super.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	pool, err := pgxpool.New(ctx, u.Platform)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	auditor := tenancy.NewAuditor(pool)

	r, err := auditor.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || len(r.Findings) != 0 {
		t.Fatalf("clean database: %+v", r.Findings)
	}
	counts := map[string]map[string]int64{}
	for _, c := range r.Companies {
		counts[c.CompanyName] = c.Counts
	}
	// Trashed rows count in their table and, apart, in its trash.
	if counts["Alpha"]["contacts"] != 3 || counts["Alpha"]["contacts_in_trash"] != 1 || counts["Beta"]["contacts_in_trash"] != 0 ||
		counts["Beta"]["contacts"] != 1 || counts["Beta"]["users"] != 1 {
		t.Fatalf("distribution: %v", counts)
	}

	// The owner role plants violations: it drops the composite keys that
	// prevent them, then writes inside a tenant transaction (FORCE RLS
	// applies to the owner too).
	owner := connect(t, u.Owner)
	for _, stmt := range []string{
		`ALTER TABLE contacts DROP CONSTRAINT contacts_company_id_owner_id_fkey`,
		`ALTER TABLE contacts DROP CONSTRAINT contacts_company_id_fkey`,
		`BEGIN`,
		`SET LOCAL app.company_id = '` + a + `'`,
		`INSERT INTO contacts (company_id, id, first_name, owner_id) VALUES ('` + a + `', gen_random_uuid(), 'Cross', '` + userB + `')`,
		`COMMIT`,
		`BEGIN`,
		`SET LOCAL app.company_id = '01900000-0000-7000-8000-0000000000ff'`,
		`INSERT INTO contacts (company_id, id, first_name) VALUES ('01900000-0000-7000-8000-0000000000ff', gen_random_uuid(), '')`,
		`COMMIT`,
	} {
		if _, err := owner.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	r, err = auditor.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.SortFindings()
	if r.OK || len(r.Findings) != 2 {
		t.Fatalf("findings: %+v", r.Findings)
	}
	if f := r.Findings[0]; f.Table != "contacts" || f.Kind != "cross_company_reference" || f.Count != 1 {
		t.Errorf("finding 0: %+v", f)
	}
	if f := r.Findings[1]; f.Table != "contacts" || f.Kind != "unknown_company" || f.Count != 1 {
		t.Errorf("finding 1: %+v", f)
	}
	var buf bytes.Buffer
	r.WriteText(&buf)
	if !strings.Contains(buf.String(), "2 FINDINGS") || !strings.Contains(buf.String(), "cross_company_reference") {
		t.Errorf("text report:\n%s", buf.String())
	}
	var runs int
	if err := super.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'tenancy.audit'`).Scan(&runs); err != nil || runs != 2 {
		t.Errorf("audit runs logged: %d (err %v), want 2", runs, err)
	}
}
