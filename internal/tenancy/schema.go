package tenancy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Querier is what CheckSchema needs of a connection.
type Querier interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}

// The one policy every tenant table has, as pg_policies prints it.
const policyExpr = "(company_id = crm_current_company())"

// CheckSchema reads pg_catalog and returns every way the schema breaks the
// tenancy invariants (DESIGN.md §3): tenant table shape, row-level security
// and its single policy, indexes, unique constraints, foreign keys, views,
// functions and the app role's privileges. appRole is the server's role.
func CheckSchema(ctx context.Context, q Querier, appRole string) ([]string, error) {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	tables, err := TenantTables(ctx, q)
	if err != nil {
		return nil, err
	}
	for name := range PlatformTables {
		var exists bool
		if err := q.QueryRow(ctx, `SELECT to_regclass('public.' || $1) IS NOT NULL`, name).Scan(&exists); err != nil {
			return nil, err
		}
		if !exists {
			add("platform allowlist names %s, which does not exist", name)
		}
	}
	for _, t := range tables {
		var notNull, rls, force bool
		err := q.QueryRow(ctx, `SELECT a.attnotnull, c.relrowsecurity, c.relforcerowsecurity
			FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'company_id'
			WHERE c.oid = ('public.' || quote_ident($1))::regclass`, t).Scan(&notNull, &rls, &force)
		if err != nil {
			return nil, fmt.Errorf("inspect %s: %w", t, err)
		}
		if !notNull {
			add("%s.company_id is nullable", t)
		}
		if !rls {
			add("%s: row-level security is not enabled", t)
		}
		if !force {
			add("%s: row-level security is not forced", t)
		}
		if err := checkPolicies(ctx, q, t, add); err != nil {
			return nil, err
		}
		if err := checkIndexes(ctx, q, t, add); err != nil {
			return nil, err
		}
	}
	if err := checkForeignKeys(ctx, q, tables, add); err != nil {
		return nil, err
	}
	if err := checkViewsAndFunctions(ctx, q, add); err != nil {
		return nil, err
	}
	if err := checkRole(ctx, q, appRole, add); err != nil {
		return nil, err
	}
	slices.Sort(problems)
	return problems, nil
}

func checkPolicies(ctx context.Context, q Querier, table string, add func(string, ...any)) error {
	rows, err := q.Query(ctx, `SELECT policyname, permissive, roles::text[], cmd, coalesce(qual, ''), coalesce(with_check, '')
		FROM pg_policies WHERE schemaname = 'public' AND tablename = $1`, table)
	if err != nil {
		return fmt.Errorf("policies of %s: %w", table, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name, permissive, cmd, qual, check string
		var roles []string
		if err := rows.Scan(&name, &permissive, &roles, &cmd, &qual, &check); err != nil {
			return err
		}
		n++
		if name != "tenant_isolation" {
			add("%s: unexpected policy %s (only tenant_isolation may exist)", table, name)
			continue
		}
		if permissive != "PERMISSIVE" || cmd != "ALL" || !slices.Equal(roles, []string{"public"}) {
			add("%s: tenant_isolation must be a PERMISSIVE policy FOR ALL TO PUBLIC", table)
		}
		if qual != policyExpr || check != policyExpr {
			add("%s: tenant_isolation must be USING and WITH CHECK %s, is USING %s WITH CHECK %s", table, policyExpr, qual, check)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		add("%s: no tenant_isolation policy", table)
	}
	return nil
}

func checkIndexes(ctx context.Context, q Querier, table string, add func(string, ...any)) error {
	rows, err := q.Query(ctx, `SELECT ic.relname, i.indisprimary, i.indisunique,
			(SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
			 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)::text[]
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
		WHERE i.indrelid = ('public.' || quote_ident($1))::regclass`, table)
	if err != nil {
		return fmt.Errorf("indexes of %s: %w", table, err)
	}
	defer rows.Close()
	hasPK := false
	for rows.Next() {
		var name string
		var primary, unique bool
		var cols []*string
		if err := rows.Scan(&name, &primary, &unique, &cols); err != nil {
			return err
		}
		first := ""
		if len(cols) > 0 && cols[0] != nil {
			first = *cols[0]
		}
		if primary {
			hasPK = true
			if first != "company_id" || len(cols) < 2 {
				add("%s: primary key %s must be (company_id, id)", table, name)
			}
		} else if first != "company_id" {
			add("%s: index %s does not lead with company_id", table, name)
		}
		if unique && !slices.ContainsFunc(cols, func(c *string) bool { return c != nil && *c == "company_id" }) {
			add("%s: unique index %s does not include company_id", table, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !hasPK {
		add("%s: no primary key", table)
	}
	return nil
}

// checkForeignKeys requires every reference between tables that carry
// company_id to include company_id on both sides, and the declared
// References list to match the schema exactly.
func checkForeignKeys(ctx context.Context, q Querier, tenant []string, add func(string, ...any)) error {
	rows, err := q.Query(ctx, `SELECT c.conname, src.relname, dst.relname,
			(SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
			 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)::text[],
			(SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
			 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)::text[],
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attname = 'company_id' AND NOT a.attisdropped)
		FROM pg_constraint c
		JOIN pg_class src ON src.oid = c.conrelid JOIN pg_namespace n ON n.oid = src.relnamespace
		JOIN pg_class dst ON dst.oid = c.confrelid
		WHERE c.contype = 'f' AND n.nspname = 'public'`)
	if err != nil {
		return fmt.Errorf("foreign keys: %w", err)
	}
	defer rows.Close()
	declared := map[Reference]bool{}
	for _, r := range References {
		declared[r] = false
	}
	for rows.Next() {
		var name, src, dst string
		var cols, refCols []string
		var dstHasCompany bool
		if err := rows.Scan(&name, &src, &dst, &cols, &refCols, &dstHasCompany); err != nil {
			return err
		}
		if !slices.Contains(tenant, src) {
			continue
		}
		if dst == "companies" {
			continue
		}
		i := slices.Index(cols, "company_id")
		if dstHasCompany && (i < 0 || refCols[i] != "company_id") {
			add("%s: foreign key %s to %s omits company_id (use a composite key)", src, name, dst)
			continue
		}
		for j, c := range cols {
			if c == "company_id" {
				continue
			}
			r := Reference{Table: src, Column: c, RefTable: dst, RefColumn: refCols[j]}
			if _, ok := declared[r]; !ok {
				add("%s: foreign key %s (%s -> %s.%s) is not declared in tenancy.References", src, name, c, dst, refCols[j])
			} else {
				declared[r] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for r, seen := range declared {
		if !seen {
			add("tenancy.References declares %s.%s -> %s.%s, which has no foreign key", r.Table, r.Column, r.RefTable, r.RefColumn)
		}
	}
	return nil
}

func checkViewsAndFunctions(ctx context.Context, q Querier, add func(string, ...any)) error {
	rows, err := q.Query(ctx, `SELECT c.relname, coalesce(c.reloptions, '{}')::text[] FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')`)
	if err != nil {
		return fmt.Errorf("views: %w", err)
	}
	for rows.Next() {
		var name string
		var opts []string
		if err := rows.Scan(&name, &opts); err != nil {
			rows.Close()
			return err
		}
		if !slices.Contains(opts, "security_invoker=true") {
			add("view %s lacks security_invoker = true", name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	frows, err := q.Query(ctx, `SELECT p.proname, p.prosecdef, p.proleakproof, coalesce(p.proconfig, '{}')::text[],
			has_function_privilege('public', p.oid, 'EXECUTE')
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
		WHERE n.nspname = 'public' AND d.objid IS NULL`)
	if err != nil {
		return fmt.Errorf("functions: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var name string
		var definer, leakproof, publicExec bool
		var config []string
		if err := frows.Scan(&name, &definer, &leakproof, &config, &publicExec); err != nil {
			return err
		}
		if leakproof {
			add("function %s is LEAKPROOF", name)
		}
		if definer {
			pinned := slices.ContainsFunc(config, func(s string) bool { return strings.HasPrefix(s, "search_path=") })
			if !pinned || publicExec {
				add("SECURITY DEFINER function %s must pin search_path and revoke EXECUTE from PUBLIC", name)
			}
		}
	}
	return frows.Err()
}

func checkRole(ctx context.Context, q Querier, role string, add func(string, ...any)) error {
	var super, bypass bool
	err := q.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, role).Scan(&super, &bypass)
	if err != nil {
		return fmt.Errorf("role %s: %w", role, err)
	}
	if super {
		add("role %s is a superuser", role)
	}
	if bypass {
		add("role %s has BYPASSRLS", role)
	}
	rows, err := q.Query(ctx, `SELECT c.relname,
			has_table_privilege($1, c.oid, 'TRUNCATE'), has_table_privilege($1, c.oid, 'REFERENCES'),
			pg_get_userbyid(c.relowner) = $1
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`, role)
	if err != nil {
		return fmt.Errorf("privileges of %s: %w", role, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var truncate, references, owner bool
		if err := rows.Scan(&name, &truncate, &references, &owner); err != nil {
			return err
		}
		if owner {
			add("role %s owns %s", role, name)
		}
		if truncate {
			add("role %s holds TRUNCATE on %s", role, name)
		}
		if references {
			add("role %s holds REFERENCES on %s", role, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var ownsSchemaOrFunc bool
	err = q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1))
		OR EXISTS (SELECT 1 FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = $1))
		OR EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database() AND datdba = (SELECT oid FROM pg_roles WHERE rolname = $1))`, role).Scan(&ownsSchemaOrFunc)
	if err != nil {
		return err
	}
	if ownsSchemaOrFunc {
		add("role %s owns the database, a schema or a function", role)
	}
	return nil
}
