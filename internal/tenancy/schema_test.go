package tenancy_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/db/dbtest"
	"github.com/salescrm/crm/internal/tenancy"
)

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// TestSchemaObeysTenancyInvariants is the schema test of DESIGN.md §3.9.
func TestSchemaObeysTenancyInvariants(t *testing.T) {
	t.Parallel()
	u := dbtest.New(t)
	c := connect(t, u.App)
	problems, err := tenancy.CheckSchema(context.Background(), c, "crm_app")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	tables, err := tenancy.TenantTables(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	// The company's audit trail is tenant data like any other.
	for _, want := range []string{"contacts", "audit_events"} {
		if !slices.Contains(tables, want) {
			t.Fatalf("tenant tables %v lack %s", tables, want)
		}
	}
}

// TestSchemaCheckCatchesViolations plants each kind of violation and expects
// the check to name it, so the check itself cannot silently pass.
func TestSchemaCheckCatchesViolations(t *testing.T) {
	t.Parallel()
	u := dbtest.New(t)
	owner := connect(t, u.Owner)
	ctx := context.Background()
	for _, stmt := range []string{
		`CREATE TABLE bad_notes (company_id uuid REFERENCES companies (id), id uuid PRIMARY KEY, contact_id uuid, note text)`,
		`ALTER TABLE bad_notes ADD FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id)`,
		`CREATE TABLE bad_links (company_id uuid NOT NULL REFERENCES companies (id), id uuid NOT NULL, contact_id uuid, PRIMARY KEY (company_id, id))`,
		`ALTER TABLE bad_links ADD CONSTRAINT bad_links_contact FOREIGN KEY (contact_id) REFERENCES bad_notes (id)`,
		`ALTER TABLE bad_links ENABLE ROW LEVEL SECURITY`,
		`CREATE POLICY tenant_isolation ON bad_links USING (company_id = crm_current_company() OR crm_current_company() IS NULL)`,
		`CREATE UNIQUE INDEX bad_links_contact_key ON bad_links (contact_id)`,
		`CREATE POLICY everyone ON contacts USING (true)`,
		`CREATE VIEW contact_names AS SELECT first_name FROM contacts`,
		`CREATE FUNCTION leaky(uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT true'`,
		`GRANT TRUNCATE, REFERENCES ON contacts TO crm_app`,
	} {
		if _, err := owner.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	problems, err := tenancy.CheckSchema(ctx, owner, "crm_app")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"bad_notes.company_id is nullable",
		"bad_notes: row-level security is not enabled",
		"bad_notes: row-level security is not forced",
		"bad_notes: no tenant_isolation policy",
		"bad_notes: primary key bad_notes_pkey must be (company_id, id)",
		"bad_notes: foreign key bad_notes_company_id_contact_id_fkey (contact_id -> contacts.id) is not declared",
		"bad_links: row-level security is not forced",
		"bad_links: tenant_isolation must be USING and WITH CHECK",
		"bad_links: index bad_links_contact_key does not lead with company_id",
		"bad_links: unique index bad_links_contact_key does not include company_id",
		"bad_links: foreign key bad_links_contact to bad_notes omits company_id",
		"contacts: unexpected policy everyone",
		"view contact_names lacks security_invoker = true",
		"SECURITY DEFINER function leaky must pin search_path",
		"role crm_app holds TRUNCATE on contacts",
		"role crm_app holds REFERENCES on contacts",
	}
	for _, w := range want {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, w) }) {
			t.Errorf("the schema check did not report %q; it reported:\n%s", w, strings.Join(problems, "\n"))
		}
	}
}

// TestRowLevelSecurityFailsClosed checks the policy itself: without a company
// setting the app role sees and writes nothing, and with one it sees only
// that company's rows, whatever the query asks for.
func TestRowLevelSecurityFailsClosed(t *testing.T) {
	t.Parallel()
	u := dbtest.New(t)
	ctx := context.Background()
	super := connect(t, u.Super)
	a, b := "01900000-0000-7000-8000-00000000000a", "01900000-0000-7000-8000-00000000000b"
	for _, stmt := range []string{
		`INSERT INTO companies (id, name) VALUES ('` + a + `', 'A'), ('` + b + `', 'B')`,
		`INSERT INTO contacts (company_id, id, first_name) VALUES ('` + a + `', gen_random_uuid(), 'Ann'), ('` + b + `', gen_random_uuid(), 'Bob')`,
	} {
		if _, err := super.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	app := connect(t, u.App)
	var n int
	if err := app.QueryRow(ctx, `SELECT count(*) FROM contacts`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("without a company setting: %d rows, err %v; want 0", n, err)
	}
	if _, err := app.Exec(ctx, `INSERT INTO contacts (company_id, id, first_name) VALUES ('`+a+`', gen_random_uuid(), 'X')`); err == nil {
		t.Fatal("insert without a company setting succeeded")
	}
	tx, err := app.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL app.company_id = '`+a+`'`); err != nil {
		t.Fatal(err)
	}
	var names []string
	rows, _ := tx.Query(ctx, `SELECT first_name FROM contacts WHERE company_id IN ($1, $2)`, a, b)
	names, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || !slices.Equal(names, []string{"Ann"}) {
		t.Fatalf("company A sees %v (err %v), want [Ann]", names, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO contacts (company_id, id, first_name) VALUES ('`+b+`', gen_random_uuid(), 'Sneaky')`); err == nil {
		t.Fatal("company A inserted a row for company B")
	}
}
