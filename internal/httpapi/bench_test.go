package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
)

// Sizes of the benchmark database: many small companies and one large one.
const (
	benchCompanies      = 1000
	benchPerCompany     = 100
	benchLargeCompany   = 100_000
	benchInsertBatch    = 5_000
	benchLoadGoroutines = 4
)

var (
	benchFirstNames = []string{"Ada", "Alan", "Barbara", "Brian", "Carol", "Claude", "Dennis", "Donald", "Edsger", "Frances",
		"Grace", "Guido", "Hedy", "Ivan", "James", "Jean", "John", "Katherine", "Ken", "Leslie", "Linus", "Margaret",
		"Mary", "Niklaus", "Radia", "Richard", "Rob", "Robin", "Shafi", "Sophie", "Tim", "Tony", "Vint", "Whitfield",
		"Yukihiro", "Émile", "Zoë", "Anita", "Bjarne", "Charles"}
	benchLastNames = []string{"Allen", "Backus", "Berners-Lee", "Cerf", "Codd", "Dijkstra", "Diffie", "Floyd", "Goldwasser",
		"Hamilton", "Hoare", "Hopper", "Johnson", "Kahn", "Kernighan", "Knuth", "Lamport", "Liskov", "Lovelace",
		"McCarthy", "Milner", "Naur", "Perlman", "Pike", "Ritchie", "Rossum", "Shannon", "Smith", "Stroustrup",
		"Sutherland", "Tarjan", "Thompson", "Torvalds", "Turing", "Wilson", "Wirth", "Wozniak", "Yao", "Zuse", "Borg"}
	benchCompanyNames = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
		"Cyberdyne", "Soylent", "Aperture", "Massive Dynamic", "Oscorp", "Vandelay", "Gringotts", "Monarch", "Dunder Mifflin",
		"Pied Piper", "Prestige Worldwide"}
)

// benchInsertSQL makes n contacts for the company of the tenant transaction
// with one multi-row INSERT … SELECT (COPY is refused under RLS on Citus).
// Rows are numbered from $3; ids come from Go (UUIDv7); names and company
// names are picked by hashing the row number (so they are not correlated
// with each other or with the insert order), emails and phones are unique,
// every 10th contact is tagged vip and every 3rd lead.
const benchInsertSQL = `
INSERT INTO contacts (company_id, id, first_name, last_name, email, phone, company_name, title, tags, created_at, updated_at)
SELECT $1, ids.id,
       fn, ln,
       lower(replace(fn || '.' || ln, ' ', '')) || '.' || g || '@example' || (g % 97) || '.test',
       '+1' || (2000000000 + (g::bigint * 7919) % 7000000000)::text,
       cn || CASE WHEN g % 2 = 0 THEN ' Inc' ELSE ' LLC' END,
       CASE WHEN g % 5 = 0 THEN 'VP Sales' ELSE '' END,
       CASE WHEN g % 10 = 0 THEN ARRAY['vip', 'lead'] WHEN g % 3 = 0 THEN ARRAY['lead'] ELSE '{}'::text[] END,
       now() - make_interval(secs => g),
       now() - make_interval(secs => (g * 7919) % 100000)
FROM unnest($2::uuid[]) WITH ORDINALITY AS ids(id, i),
     LATERAL (SELECT $3::int + ids.i::int - 1 AS g) AS gg,
     LATERAL (SELECT ($4::text[])[1 + abs(hashint4(g)::bigint) % cardinality($4::text[])] AS fn,
                     ($5::text[])[1 + abs(hashint4(-g)::bigint) % cardinality($5::text[])] AS ln,
                     ($6::text[])[1 + abs(hashint4(g + 1000000000)::bigint) % cardinality($6::text[])] AS cn) AS names`

// loadContacts inserts contacts number from … from+n-1 into company in one
// tenant transaction (the one door, as the server would).
func loadContacts(ctx context.Context, d *db.DB, company uuid.UUID, from, n int) error {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	err := d.InTenant(ctx, company, func(q *db.Q) error {
		_, err := q.Tx.Exec(ctx, benchInsertSQL, company, ids, from, benchFirstNames, benchLastNames, benchCompanyNames)
		return err
	})
	if err != nil {
		return fmt.Errorf("load contacts of %s: %w", company, err)
	}
	return nil
}

// benchEnv is the benchmark database, built once per `go test -bench` run.
type benchEnv struct {
	env          *apitest.Env
	handler      http.Handler
	large, small string // bearer tokens
	largeID      uuid.UUID
	deepCursor   string
	setup        time.Duration
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	start := time.Now()
	ctx := context.Background()
	env := apitest.New(b)
	large := env.Signup("Large Co")
	small := env.Signup("Small Co")
	be := &benchEnv{env: env, handler: env.App.Server.Handler(), large: large.Token().Bearer, small: small.Token().Bearer,
		largeID: large.Me.Company.ID}
	d := env.App.DB

	// The many small companies: platform rows, then their contacts.
	others := make([]uuid.UUID, benchCompanies)
	for i := range others {
		others[i] = uuid.Must(uuid.NewV7())
	}
	err := d.InPlatform(ctx, func(q *db.Q) error {
		_, err := q.Tx.Exec(ctx, `INSERT INTO companies (id, name) SELECT id, 'Company ' || i FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`, others)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	jobs := make(chan func() error)
	errc := make(chan error, benchLoadGoroutines)
	var wg sync.WaitGroup
	for w := 0; w < benchLoadGoroutines; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				if err := job(); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	for from := 1; from <= benchLargeCompany; from += benchInsertBatch {
		jobs <- func() error {
			return loadContacts(ctx, d, be.largeID, from, min(benchInsertBatch, benchLargeCompany-from+1))
		}
	}
	jobs <- func() error { return loadContacts(ctx, d, small.Me.Company.ID, 1, benchPerCompany) }
	for _, c := range others {
		jobs <- func() error { return loadContacts(ctx, d, c, 1, benchPerCompany) }
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		b.Fatal(err)
	default:
	}

	// Fresh statistics, as autovacuum would eventually have them.
	super, err := pgx.Connect(ctx, env.URLs.Super)
	if err != nil {
		b.Fatal(err)
	}
	defer super.Close(ctx)
	if _, err := super.Exec(ctx, "VACUUM ANALYZE contacts"); err != nil {
		b.Fatal(err)
	}
	var rows, companies int64
	if err := super.QueryRow(ctx, "SELECT count(*), count(DISTINCT company_id) FROM contacts").Scan(&rows, &companies); err != nil {
		b.Fatal(err)
	}

	// A cursor half-way through the large company's list, found by walking it.
	q := url.Values{"limit": {"200"}}
	for range benchLargeCompany / 2 / 200 {
		var p contacts.Page
		be.get(b, "/api/contacts?"+q.Encode(), be.large, &p)
		q.Set("cursor", p.NextCursor)
	}
	be.deepCursor = q.Get("cursor")
	be.setup = time.Since(start)
	b.Logf("benchmark database: %d contacts in %d companies, ready in %v", rows, companies, be.setup.Round(time.Millisecond))
	return be
}

// setPlanCacheMode sets plan_cache_mode (auto, force_custom_plan,
// force_generic_plan) for new connections to the benchmark database and
// empties the server's pool, to compare plans of cached prepared statements.
func (be *benchEnv) setPlanCacheMode(b *testing.B, mode string) {
	b.Helper()
	ctx := context.Background()
	super, err := pgx.Connect(ctx, be.env.URLs.Super)
	if err != nil {
		b.Fatal(err)
	}
	defer super.Close(ctx)
	var database string
	if err := super.QueryRow(ctx, "SELECT current_database()").Scan(&database); err != nil {
		b.Fatal(err)
	}
	if _, err := super.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{database}.Sanitize()+" SET plan_cache_mode = "+literal(mode)); err != nil {
		b.Fatal(err)
	}
	be.env.App.DB.Pool.Reset()
	b.Logf("plan_cache_mode = %s", mode)
}

// get serves one request through the whole handler (middleware, auth,
// huma, service, database) and decodes the answer when out is not nil.
func (be *benchEnv) get(b *testing.B, path, token string, out any) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	be.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListContacts lists 50 contacts of one company through the HTTP
// handler, against a database of benchCompanies companies of
// benchPerCompany contacts and one of benchLargeCompany. See
// docs/performance.md for the method and the numbers.
//
//	go test -run XXX -bench ListContacts -benchtime 200x ./internal/httpapi
//
// CRM_BENCH_EXPLAIN=1 (with -v) also prints the plans of the list
// statements; CRM_BENCH_PLAN_CACHE_MODE=force_custom_plan (or
// force_generic_plan) runs the server's connections with that setting.
func BenchmarkListContacts(b *testing.B) {
	be := newBenchEnv(b)
	if os.Getenv("CRM_BENCH_EXPLAIN") != "" {
		be.explainList(b)
	}
	if mode := os.Getenv("CRM_BENCH_PLAN_CACHE_MODE"); mode != "" {
		be.setPlanCacheMode(b, mode)
	}
	// One contact's whole email: every word of it must start one of that
	// contact's words, so exactly one matches.
	var rareEmail string
	if err := be.env.App.DB.InTenant(context.Background(), be.largeID, func(q *db.Q) error {
		return q.Tx.QueryRow(context.Background(), `SELECT email FROM contacts WHERE company_id = $1 AND email LIKE '%.4242@%'`, be.largeID).Scan(&rareEmail)
	}); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, token, path string
		wantItems         int
	}{
		{"large/first_page", be.large, "/api/contacts?limit=50", 50},
		{"large/sort_created_desc", be.large, "/api/contacts?limit=50&sort=created_at&order=desc", 50},
		{"large/deep_page", be.large, "/api/contacts?limit=50&cursor=" + url.QueryEscape(be.deepCursor), 50},
		{"large/search_common", be.large, "/api/contacts?limit=50&q=smith", 50},
		{"large/search_rare", be.large, "/api/contacts?limit=50&q=" + url.QueryEscape(rareEmail), 1},
		{"large/search_none", be.large, "/api/contacts?limit=50&q=nobody-is-called-this", 0},
		{"large/tag", be.large, "/api/contacts?limit=50&tag=vip", 50},
		{"small/first_page", be.small, "/api/contacts?limit=50", 50},
		{"small/search", be.small, "/api/contacts?limit=50&q=smith", -1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var p contacts.Page
			be.get(b, bc.path, bc.token, &p)
			if bc.wantItems >= 0 && len(p.Items) != bc.wantItems {
				b.Fatalf("%s: %d items, want %d", bc.path, len(p.Items), bc.wantItems)
			}
			b.ReportAllocs()
			for b.Loop() {
				be.get(b, bc.path, bc.token, nil)
			}
		})
	}
}

// benchListSQL is the statement contacts.List builds for a filter (a copy:
// the builder is unexported), for EXPLAIN.
func benchListSQL(q, tag, cursor bool) string {
	var sb strings.Builder
	sb.WriteString("SELECT company_id, id, first_name, last_name, email, phone, company_name, title, tags, owner_id, custom_fields, created_at, updated_at, sort_name FROM contacts WHERE company_id = $1")
	n := 1
	next := func() string { n++; return fmt.Sprintf("$%d", n) }
	if q {
		sb.WriteString(" AND id IN (SELECT contact_id FROM contact_search_terms WHERE company_id = $1 AND term ^@ " + next() + ")")
	}
	if tag {
		sb.WriteString(" AND tags @> ARRAY[" + next() + "::text]")
	}
	if cursor {
		sb.WriteString(" AND (sort_name, id) > (" + next() + "::text, " + next() + ")")
	}
	sb.WriteString(" ORDER BY sort_name ASC, id ASC LIMIT " + next())
	return sb.String()
}

func literal(v any) string {
	return "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
}

// explainList prints the plans of the list statements for the large
// company: as the server runs them (crm_app, in a tenant transaction, so
// under row-level security) with a custom plan and with a generic plan, and
// as a superuser (no row-level security) for comparison. Run with
// CRM_BENCH_EXPLAIN=1.
func (be *benchEnv) explainList(b *testing.B) {
	ctx := context.Background()
	var cursorName string
	var cursorID uuid.UUID
	var super *pgx.Conn
	super, err := pgx.Connect(ctx, be.env.URLs.Super)
	if err != nil {
		b.Fatal(err)
	}
	defer super.Close(ctx)
	if err := super.QueryRow(ctx, "SELECT sort_name, id FROM contacts WHERE company_id = $1 ORDER BY sort_name, id OFFSET $2 LIMIT 1",
		be.largeID, benchLargeCompany/2).Scan(&cursorName, &cursorID); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		q, tag, cursor bool
		args           []any
	}{
		{"first page", false, false, false, []any{be.largeID, 51}},
		{"deep page", false, false, true, []any{be.largeID, cursorName, cursorID, 51}},
		{"search common (smith)", true, false, false, []any{be.largeID, "smith", 51}},
		{"search rare (4242)", true, false, false, []any{be.largeID, "4242", 51}},
		{"tag vip", false, true, false, []any{be.largeID, "vip", 51}},
	} {
		sql := benchListSQL(c.q, c.tag, c.cursor)
		lits := make([]string, len(c.args))
		for i, a := range c.args {
			lits[i] = literal(a)
		}
		var out strings.Builder
		plan := func(conn interface {
			Query(context.Context, string, ...any) (pgx.Rows, error)
		}, stmt string, args ...any) {
			rows, err := conn.Query(ctx, stmt, args...)
			if err != nil {
				b.Fatalf("%s: %v", stmt, err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				b.Fatalf("%s: %v", stmt, err)
			}
			out.WriteString(strings.Join(lines, "\n") + "\n")
		}
		err := be.env.App.DB.InTenant(ctx, be.largeID, func(q *db.Q) error {
			out.WriteString("-- crm_app, row-level security, custom plan:\n")
			plan(q.Tx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+sql, c.args...)
			out.WriteString("-- crm_app, row-level security, generic plan (as a cached prepared statement may get):\n")
			if _, err := q.Tx.Exec(ctx, "PREPARE bench_list AS "+sql, pgx.QueryExecModeSimpleProtocol); err != nil {
				return err
			}
			if _, err := q.Tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_generic_plan"); err != nil {
				return err
			}
			plan(q.Tx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE bench_list("+strings.Join(lits, ", ")+")", pgx.QueryExecModeSimpleProtocol)
			_, err := q.Tx.Exec(ctx, "DEALLOCATE bench_list", pgx.QueryExecModeSimpleProtocol)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		out.WriteString("-- superuser, no row-level security, custom plan:\n")
		plan(super, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+sql, c.args...)
		b.Logf("EXPLAIN %s:\n%s\n%s", c.name, sql, out.String())
	}
}
