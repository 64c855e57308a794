package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// explaining runs each query twice in its transaction: first under EXPLAIN
// ANALYZE, recording how many rows every plan node produced (the work the
// query did, whatever the machine's speed), then for real.
type explaining struct {
	tx   pgx.Tx
	work float64
}

func (e *explaining) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return e.tx.Exec(ctx, sql, args...)
}

func (e *explaining) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	var plan []struct {
		Plan map[string]any `json:"Plan"`
	}
	var raw []byte
	if err := e.tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, args...).Scan(&raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		return nil, err
	}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		rows, _ := n["Actual Rows"].(float64)
		loops, _ := n["Actual Loops"].(float64)
		e.work += rows * loops
		if kids, ok := n["Plans"].([]any); ok {
			for _, k := range kids {
				walk(k.(map[string]any))
			}
		}
	}
	for _, p := range plan {
		walk(p.Plan)
	}
	return e.tx.Query(ctx, sql, args...)
}

func (e *explaining) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return e.tx.QueryRow(ctx, sql, args...)
}

func (e *explaining) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return e.tx.SendBatch(ctx, b)
}

// TestDuplicatesByPhoneBounded: 3,000 contacts with one phone number (a
// placeholder in an import) made the finder build 4.5 million pairs per
// call. Each number's group is now capped, so the rows the query touches
// grow with the company's contacts, not with their square, and the group
// offers at most PhoneGroupCap·(PhoneGroupCap-1)/2 pairs. Pairs of smaller
// groups are still found.
func TestDuplicatesByPhoneBounded(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Switchboard Inc")
	cid := a.Me.Company.ID
	ctx := db.ForJobs(context.Background())
	const shared = 3000
	if err := env.App.DB.InTenant(ctx, cid, func(q *db.Q) error {
		_, err := q.Tx.Exec(ctx, `INSERT INTO contacts (company_id, id, first_name, last_name, phone)
			SELECT $1, gen_random_uuid(), 'Caller', 'Number ' || g, '+14155550100' FROM generate_series(1, $2::int) g`, cid, shared)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	x := a.Do("POST", "/api/contacts", map[string]any{"first_name": "Grace", "last_name": "Hopper", "phone": "+1 415 555 0199"}).Want(201).JSON()
	y := a.Do("POST", "/api/contacts", map[string]any{"first_name": "Grace B.", "last_name": "Hopper", "phone": "(415) 555-0199"}).Want(201).JSON()

	var work float64
	var pairs []dbq.DuplicatesByPhoneRow
	if err := env.App.DB.InTenant(ctx, cid, func(q *db.Q) error {
		ex := &explaining{tx: q.Tx}
		var err error
		pairs, err = dbq.New(ex).DuplicatesByPhone(ctx, dbq.DuplicatesByPhoneParams{CompanyID: cid, GroupCap: contacts.PhoneGroupCap, MaxPairs: 10000})
		work = ex.work
		return err
	}); err != nil {
		t.Fatal(err)
	}
	groupPairs := contacts.PhoneGroupCap * (contacts.PhoneGroupCap - 1) / 2
	if len(pairs) != groupPairs+1 {
		t.Fatalf("%d pairs, want %d from the shared number and 1 from Grace's", len(pairs), groupPairs+1)
	}
	// The old query's join alone produced shared²/2 = 4.5 million rows.
	if limit := float64(20 * shared); work > limit {
		t.Fatalf("the query's plan nodes produced %.0f rows for %d contacts (limit %.0f)", work, shared+2, limit)
	}
	t.Logf("%d pairs, %.0f rows produced by the plan's nodes", len(pairs), work)

	// Through the API: Grace's pair is among them, and the answer is bounded.
	var list struct {
		Items []struct {
			A, B    struct{ ID string }
			Reasons []string
		}
	}
	a.Do("GET", "/api/contacts/duplicates?limit=200", nil).Want(200).Decode(&list)
	found := false
	for _, p := range list.Items {
		ids := map[string]bool{p.A.ID: true, p.B.ID: true}
		found = found || (ids[x["id"].(string)] && ids[y["id"].(string)])
	}
	if !found || len(list.Items) > 200 {
		t.Fatalf("%d pairs, Grace's found: %v", len(list.Items), found)
	}
}
