package tenancy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PlatformTables are read before a company is known, so they are not
// protected by row-level security. Each has its reason; the schema test
// fails for any other table that has a company_id column and lacks the
// tenant shape. Only internal/auth (and, later, the webhook routers) touch them.
var PlatformTables = map[string]string{
	"companies":           "the tenants themselves",
	"users":               "login identities, looked up by email before a company is chosen",
	"memberships":         "which companies a person belongs to: read at login and by the company switcher",
	"sessions":            "looked up by hashed cookie secret to find the company",
	"api_tokens":          "looked up by hashed bearer secret to find the company",
	"invites":             "looked up by hashed link secret before the invitee belongs to the company",
	"auth_throttle":       "attempt counters keyed by email, address and device, before any company is known",
	"user_recovery_codes": "a person's two-step recovery codes, checked at login before a company is chosen",
	"audit_log":           "platform-level record, including platform administrators' reads across companies",
	"twilio_routes": "inbound routing key: a Twilio number to its company, read by the webhook router before any company is known; " +
		"its primary key makes a number belong to one company on the whole platform",
}

// Reference is a reference between tenant data, declared here as well as in
// the schema so that the audit can find violations even if a constraint was
// dropped. The schema test checks this list against pg_catalog.
type Reference struct {
	Table, Column, RefTable, RefColumn string
}

// References lists every reference from a tenant table. Each is enforced by a
// composite foreign key that includes company_id.
var References = []Reference{
	{Table: "contacts", Column: "owner_id", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "contact_search_terms", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "contact_duplicate_dismissals", Column: "a_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "contact_duplicate_dismissals", Column: "b_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "contact_duplicate_dismissals", Column: "dismissed_by", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "pipeline_stages", Column: "pipeline_id", RefTable: "pipelines", RefColumn: "id"},
	{Table: "deals", Column: "pipeline_id", RefTable: "pipelines", RefColumn: "id"},
	{Table: "deals", Column: "pipeline_id", RefTable: "pipeline_stages", RefColumn: "pipeline_id"},
	{Table: "deals", Column: "stage_id", RefTable: "pipeline_stages", RefColumn: "id"},
	{Table: "deals", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "deals", Column: "owner_id", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "deal_stage_changes", Column: "deal_id", RefTable: "deals", RefColumn: "id"},
	{Table: "deal_stage_changes", Column: "from_stage_id", RefTable: "pipeline_stages", RefColumn: "id"},
	{Table: "deal_stage_changes", Column: "to_stage_id", RefTable: "pipeline_stages", RefColumn: "id"},
	{Table: "deal_stage_changes", Column: "changed_by", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "activities", Column: "assignee_id", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "activities", Column: "created_by", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "activities", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "activities", Column: "deal_id", RefTable: "deals", RefColumn: "id"},
	{Table: "imports", Column: "created_by", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "import_failures", Column: "import_id", RefTable: "imports", RefColumn: "id"},
	{Table: "phone_numbers", Column: "number", RefTable: "twilio_routes", RefColumn: "number"},
	{Table: "phone_numbers", Column: "user_id", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "user_phones", Column: "user_id", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "sms_threads", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "sms_messages", Column: "thread_id", RefTable: "sms_threads", RefColumn: "id"},
	{Table: "sms_messages", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "sms_messages", Column: "phone_number_id", RefTable: "phone_numbers", RefColumn: "id"},
	{Table: "sms_messages", Column: "sent_by", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "sms_consents", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "sms_consents", Column: "phone_number_id", RefTable: "phone_numbers", RefColumn: "id"},
	{Table: "sms_consents", Column: "created_by", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "calls", Column: "contact_id", RefTable: "contacts", RefColumn: "id"},
	{Table: "calls", Column: "phone_number_id", RefTable: "phone_numbers", RefColumn: "id"},
	{Table: "calls", Column: "user_id", RefTable: "memberships", RefColumn: "user_id"},
	{Table: "calls", Column: "activity_id", RefTable: "activities", RefColumn: "id"},
}

// TrashTables are the tenant tables whose deleted rows wait in the trash
// (deleted_at set); the audit counts those rows per company under the
// table's name plus TrashSuffix.
var TrashTables = []string{"contacts", "deals"}

// TrashSuffix names a trash count: "contacts_in_trash".
const TrashSuffix = "_in_trash"

// Finding is one problem the audit found.
type Finding struct {
	Table  string `json:"table"`
	Kind   string `json:"kind" enum:"no_company,unknown_company,cross_company_reference"`
	Count  int64  `json:"count"`
	Detail string `json:"detail"`
}

// CompanyCounts is the row count of each tenant table for one company.
type CompanyCounts struct {
	CompanyID   uuid.UUID        `json:"company_id"`
	CompanyName string           `json:"company_name"`
	Counts      map[string]int64 `json:"counts"`
}

// Report is the audit's result.
type Report struct {
	OK        bool            `json:"ok"`
	Tables    []string        `json:"tables" doc:"The tenant tables audited."`
	Findings  []Finding       `json:"findings"`
	Companies []CompanyCounts `json:"companies"`
}

// Auditor reads across every company. It needs a connection that bypasses
// row-level security (the crm_platform role); this is the explicit,
// audited path for cross-company reads.
type Auditor struct {
	pool *pgxpool.Pool
}

// NewAuditor returns an auditor over a platform-role pool.
func NewAuditor(pool *pgxpool.Pool) *Auditor { return &Auditor{pool: pool} }

// TenantTables lists the tables with a company_id column that are not
// platform tables.
func TenantTables(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'company_id' AND NOT a.attisdropped
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		ORDER BY c.relname`)
	if err != nil {
		return nil, fmt.Errorf("list tenant tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if _, ok := PlatformTables[n]; !ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// Run audits the database and records the run in the audit log.
func (a *Auditor) Run(ctx context.Context, actor *uuid.UUID) (*Report, error) {
	r := &Report{Findings: []Finding{}, Companies: []CompanyCounts{}}
	err := pgx.BeginTxFunc(ctx, a.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		tables, err := TenantTables(ctx, tx)
		if err != nil {
			return err
		}
		r.Tables = tables
		byCompany := map[uuid.UUID]*CompanyCounts{}
		crows, err := tx.Query(ctx, `SELECT id, name FROM companies ORDER BY name, id`)
		if err != nil {
			return fmt.Errorf("list companies: %w", err)
		}
		var order []uuid.UUID
		for crows.Next() {
			var id uuid.UUID
			var name string
			if err := crows.Scan(&id, &name); err != nil {
				return err
			}
			byCompany[id] = &CompanyCounts{CompanyID: id, CompanyName: name, Counts: map[string]int64{}}
			order = append(order, id)
		}
		if err := crows.Err(); err != nil {
			return err
		}
		count := func(table string, sql string) error {
			rows, err := tx.Query(ctx, sql)
			if err != nil {
				return fmt.Errorf("count %s: %w", table, err)
			}
			defer rows.Close()
			for rows.Next() {
				var id uuid.UUID
				var n int64
				if err := rows.Scan(&id, &n); err != nil {
					return err
				}
				if c := byCompany[id]; c != nil {
					c.Counts[table] = n
				}
			}
			return rows.Err()
		}
		if err := count("users", `SELECT company_id, count(*) FROM memberships GROUP BY company_id`); err != nil {
			return err
		}
		for _, t := range tables {
			ident := pgx.Identifier{t}.Sanitize()
			if err := count(t, `SELECT company_id, count(*) FROM `+ident+` WHERE company_id IS NOT NULL GROUP BY company_id`); err != nil {
				return err
			}
			var noCompany, unknown int64
			err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE t.company_id IS NULL),
				count(*) FILTER (WHERE t.company_id IS NOT NULL AND c.id IS NULL)
				FROM `+ident+` t LEFT JOIN companies c ON c.id = t.company_id`).Scan(&noCompany, &unknown)
			if err != nil {
				return fmt.Errorf("audit %s: %w", t, err)
			}
			if noCompany > 0 {
				r.Findings = append(r.Findings, Finding{Table: t, Kind: "no_company", Count: noCompany, Detail: "rows with a NULL company_id"})
			}
			if unknown > 0 {
				r.Findings = append(r.Findings, Finding{Table: t, Kind: "unknown_company", Count: unknown, Detail: "rows whose company_id names no company"})
			}
		}
		// Trashed rows are counted in their tables and, for a company's
		// real size, apart as well.
		for _, t := range TrashTables {
			if !slices.Contains(tables, t) {
				continue
			}
			ident := pgx.Identifier{t}.Sanitize()
			if err := count(t+TrashSuffix, `SELECT company_id, count(*) FROM `+ident+` WHERE company_id IS NOT NULL AND deleted_at IS NOT NULL GROUP BY company_id`); err != nil {
				return err
			}
		}
		for _, ref := range References {
			// A reference that resolves only within another company is a
			// cross-company reference.
			sql := fmt.Sprintf(`SELECT count(*) FROM %[1]s t WHERE t.%[2]s IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM %[3]s r WHERE r.company_id = t.company_id AND r.%[4]s = t.%[2]s)
				AND EXISTS (SELECT 1 FROM %[3]s r WHERE r.%[4]s = t.%[2]s)`,
				pgx.Identifier{ref.Table}.Sanitize(), pgx.Identifier{ref.Column}.Sanitize(),
				pgx.Identifier{ref.RefTable}.Sanitize(), pgx.Identifier{ref.RefColumn}.Sanitize())
			var n int64
			if err := tx.QueryRow(ctx, sql).Scan(&n); err != nil {
				return fmt.Errorf("audit reference %s.%s: %w", ref.Table, ref.Column, err)
			}
			if n > 0 {
				r.Findings = append(r.Findings, Finding{Table: ref.Table, Kind: "cross_company_reference", Count: n,
					Detail: fmt.Sprintf("%s.%s points at a %s row of another company", ref.Table, ref.Column, ref.RefTable)})
			}
		}
		for _, id := range order {
			r.Companies = append(r.Companies, *byCompany[id])
		}
		r.OK = len(r.Findings) == 0
		detail, _ := json.Marshal(map[string]any{"ok": r.OK, "findings": len(r.Findings)})
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (id, actor_user_id, action, detail) VALUES ($1, $2, 'tenancy.audit', $3)`,
			uuid.Must(uuid.NewV7()), actor, detail)
		if err != nil {
			return fmt.Errorf("record audit run: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// WriteText prints the report as tables for people.
func (r *Report) WriteText(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if r.OK {
		fmt.Fprintf(tw, "tenancy audit: OK (%d tenant tables, %d companies)\n\n", len(r.Tables), len(r.Companies))
	} else {
		fmt.Fprintf(tw, "tenancy audit: %d FINDINGS\n\nTABLE\tKIND\tROWS\tDETAIL\n", len(r.Findings))
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", f.Table, f.Kind, f.Count, f.Detail)
		}
		fmt.Fprintln(tw)
	}
	cols := append([]string{"users"}, r.Tables...)
	for _, t := range TrashTables {
		if slices.Contains(r.Tables, t) {
			cols = append(cols, t+TrashSuffix)
		}
	}
	fmt.Fprintf(tw, "COMPANY\tID\t%s\n", strings.ToUpper(strings.Join(cols, "\t")))
	for _, c := range r.Companies {
		vals := make([]string, len(cols))
		for i, col := range cols {
			vals[i] = fmt.Sprint(c.Counts[col])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.CompanyName, c.CompanyID, strings.Join(vals, "\t"))
	}
	tw.Flush()
}

// SortFindings orders findings for stable output.
func (r *Report) SortFindings() {
	sort.Slice(r.Findings, func(i, j int) bool {
		return r.Findings[i].Table+r.Findings[i].Kind < r.Findings[j].Table+r.Findings[j].Kind
	})
}
