package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

type stageJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Probability int    `json:"probability"`
	Deals       int    `json:"deals"`
	TotalValue  string `json:"total_value"`
}

type pipelineJSON struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Stages []stageJSON `json:"stages"`
}

type dealJSON struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Value       string  `json:"value"`
	Currency    string  `json:"currency"`
	StageID     string  `json:"stage_id"`
	PipelineID  string  `json:"pipeline_id"`
	Status      string  `json:"status"`
	ClosedAt    *string `json:"closed_at"`
	CloseReason string  `json:"close_reason"`
	ContactName string  `json:"contact_name"`
	OwnerID     *string `json:"owner_id"`
}

func defaultPipeline(t testing.TB, c *apitest.Client) pipelineJSON {
	t.Helper()
	var l struct{ Items []pipelineJSON }
	c.Do("GET", "/api/pipelines", nil).Want(200).Decode(&l)
	if len(l.Items) != 1 {
		t.Fatalf("pipelines: %+v", l.Items)
	}
	return l.Items[0]
}

func boardOrder(t *testing.T, c *apitest.Client, pipelineID, stageID string) []string {
	t.Helper()
	var b struct {
		Deals []struct {
			ID      string `json:"id"`
			StageID string `json:"stage_id"`
		} `json:"deals"`
	}
	c.Do("GET", "/api/pipelines/"+pipelineID+"/board", nil).Want(200).Decode(&b)
	var out []string
	for _, d := range b.Deals {
		if d.StageID == stageID {
			out = append(out, d.ID)
		}
	}
	return out
}

func TestNewCompanyHasDefaultPipeline(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := defaultPipeline(t, env.Signup("Acme"))
	names := ""
	for _, s := range p.Stages {
		names += s.Name + "/" + s.Kind + " "
	}
	if p.Name != "Sales" || names != "Lead/open Qualified/open Proposal/open Negotiation/open Won/won Lost/lost " {
		t.Fatalf("default pipeline: %s %s", p.Name, names)
	}
}

func TestDealsMoneyAndValidation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	var contact struct{ ID string }
	c.Do("POST", "/api/contacts", map[string]any{"first_name": "Grace", "last_name": "Hopper"}).Want(201).Decode(&contact)
	var d dealJSON
	c.Do("POST", "/api/deals", map[string]any{"title": "  Big one ", "value": "0.10", "currency": "eur", "contact_id": contact.ID}).Want(201).Decode(&d)
	if d.Title != "Big one" || d.Value != "0.10" || d.Currency != "EUR" || d.Status != "open" || d.ContactName != "Grace Hopper" || d.OwnerID == nil || *d.OwnerID != c.Me.User.ID.String() {
		t.Fatalf("deal: %+v", d)
	}
	c.Do("POST", "/api/deals", map[string]any{"title": "Second", "value": "0.20", "currency": "EUR"}).Want(201)
	// Exact decimal totals: 0.10 + 0.20 is 0.30, not 0.30000000000000004
	// (both in euros: a stage never adds currencies together).
	p := defaultPipeline(t, c)
	if p.Stages[0].TotalValue != "0.30" || p.Stages[0].Deals != 2 {
		t.Fatalf("stage totals: %+v", p.Stages[0])
	}
	for body, field := range map[string]string{
		`{"title":"x","value":"-1"}`:                       "body.value",
		`{"title":"x","value":"1.005"}`:                    "body.value",
		`{"title":"x","value":"lots"}`:                     "body.value",
		`{"title":"x","currency":"EURO"}`:                  "body.currency",
		`{"title":"x","currency":"ZZZ"}`:                   "body.currency",
		`{"title":"   "}`:                                  "body.title",
		`{"title":"x","expected_close_date":"31/12/2026"}`: "body.expected_close_date",
		`{"title":"x","contact_id":"nope"}`:                "body.contact_id",
		`{"title":"x","owner_id":"` + missingID + `"}`:     "body.owner_id",
		`{"title":"x","stage_id":"` + missingID + `"}`:     "body.stage_id",
	} {
		if p := c.Do("POST", "/api/deals", body).Want(422).Problem(); !p.HasFieldError(field) {
			t.Errorf("%s: want an error on %s, got %+v", body, field, p)
		}
	}
	if n := len(c.Do("GET", "/api/deals", nil).Want(200).JSON()["items"].([]any)); n != 2 {
		t.Fatalf("invalid deals were written: %d deals", n)
	}
	c.Do("PATCH", "/api/deals/"+d.ID, map[string]any{"value": "99999.99", "contact_id": "", "expected_close_date": "2026-12-31"}).Want(200).Decode(&d)
	if d.Value != "99999.99" || d.ContactName != "" {
		t.Fatalf("patched: %+v", d)
	}
}

func TestMoveDealsAcrossStagesAndWithinAStage(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	p := defaultPipeline(t, c)
	lead, qualified, won, lost := p.Stages[0].ID, p.Stages[1].ID, p.Stages[4].ID, p.Stages[5].ID
	var ids []string
	for i := 0; i < 3; i++ {
		var d dealJSON
		c.Do("POST", "/api/deals", map[string]any{"title": fmt.Sprintf("D%d", i)}).Want(201).Decode(&d)
		ids = append(ids, d.ID)
	}
	if got := boardOrder(t, c, p.ID, lead); fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("lead order %v, want %v", got, ids)
	}
	// Within a stage: D2 before D0.
	c.Do("POST", "/api/deals/"+ids[2]+"/move", map[string]any{"stage_id": lead, "before_id": ids[0]}).Want(200)
	if got := boardOrder(t, c, p.ID, lead); fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[0], ids[1]}) {
		t.Fatalf("after reorder: %v", got)
	}
	// Across stages, recorded; into Won closes, with a reason.
	var d dealJSON
	c.Do("POST", "/api/deals/"+ids[0]+"/move", map[string]any{"stage_id": qualified}).Want(200).Decode(&d)
	if d.StageID != qualified || d.Status != "open" {
		t.Fatalf("moved: %+v", d)
	}
	c.Do("POST", "/api/deals/"+ids[0]+"/move", map[string]any{"stage_id": won, "reason": "Best price"}).Want(200).Decode(&d)
	if d.Status != "won" || d.ClosedAt == nil || d.CloseReason != "Best price" {
		t.Fatalf("won: %+v", d)
	}
	c.Do("POST", "/api/deals/"+ids[0]+"/move", map[string]any{"stage_id": lost}).Want(200).Decode(&d)
	if d.Status != "lost" || d.ClosedAt == nil {
		t.Fatalf("lost: %+v", d)
	}
	c.Do("POST", "/api/deals/"+ids[0]+"/move", map[string]any{"stage_id": lead}).Want(200).Decode(&d)
	if d.Status != "open" || d.ClosedAt != nil || d.CloseReason != "" {
		t.Fatalf("reopened: %+v", d)
	}
	var changes []string
	if err := env.App.DB.InTenant(t.Context(), c.Me.Company.ID, func(q *dbQ) error {
		rows, err := q.Tx.Query(t.Context(), `SELECT from_stage || '>' || to_stage FROM deal_stage_changes WHERE deal_id = $1 ORDER BY changed_at, id`, ids[0])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			changes = append(changes, s)
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(changes) != "[>Lead Lead>Qualified Qualified>Won Won>Lost Lost>Lead]" {
		t.Fatalf("stage history: %v", changes)
	}
	// before_id must be in the target stage; stage_id is required.
	c.Do("POST", "/api/deals/"+ids[1]+"/move", map[string]any{"stage_id": qualified, "before_id": ids[2]}).Want(422)
	c.Do("POST", "/api/deals/"+ids[1]+"/move", map[string]any{}).Want(422)
}

func TestRepeatedInsertsAtTheTopRenumberTheStage(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	p := defaultPipeline(t, c)
	lead := p.Stages[0].ID
	var first, second dealJSON
	c.Do("POST", "/api/deals", map[string]any{"title": "first"}).Want(201).Decode(&first)
	c.Do("POST", "/api/deals", map[string]any{"title": "second"}).Want(201).Decode(&second)
	// Moving second before first, then first before second, halves the gap
	// each time: after ~40 moves only renumbering keeps them ordered.
	a, b := second.ID, first.ID
	for i := 0; i < 45; i++ {
		c.Do("POST", "/api/deals/"+a+"/move", map[string]any{"stage_id": lead, "before_id": b}).Want(200)
		if got := boardOrder(t, c, p.ID, lead); got[0] != a || got[1] != b {
			t.Fatalf("move %d: order %v, want %s first", i, got, a)
		}
		a, b = b, a
	}
}

func TestPipelineEditing(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	member := c.Invite("m@acme.test", "member")
	p := defaultPipeline(t, c)
	member.Do("POST", "/api/pipelines/"+p.ID+"/stages", map[string]any{"name": "Demo"}).Want(403)

	var got pipelineJSON
	c.Do("POST", "/api/pipelines/"+p.ID+"/stages", map[string]any{"name": "Demo", "probability": 40}).Want(201).Decode(&got)
	demo := got.Stages[len(got.Stages)-1]
	if demo.Name != "Demo" || demo.Probability != 40 || demo.Kind != "open" {
		t.Fatalf("added: %+v", demo)
	}
	c.Do("POST", "/api/pipelines/"+p.ID+"/stages", map[string]any{"name": "demo"}).Want(409)
	c.Do("PATCH", "/api/pipelines/"+p.ID+"/stages/"+demo.ID, map[string]any{"name": "Product demo", "probability": 101}).Want(422)
	c.Do("PATCH", "/api/pipelines/"+p.ID+"/stages/"+demo.ID, map[string]any{"name": "Product demo"}).Want(200)

	// Reorder: Demo first.
	order := []string{demo.ID}
	for _, s := range p.Stages {
		order = append(order, s.ID)
	}
	c.Do("PUT", "/api/pipelines/"+p.ID+"/stage-order", map[string]any{"stage_ids": order}).Want(200).Decode(&got)
	if got.Stages[0].Name != "Product demo" {
		t.Fatalf("reordered: %+v", got.Stages)
	}
	c.Do("PUT", "/api/pipelines/"+p.ID+"/stage-order", map[string]any{"stage_ids": order[1:]}).Want(422)

	// A stage with deals asks where they go; the move is recorded.
	var d dealJSON
	c.Do("POST", "/api/deals", map[string]any{"title": "In demo", "stage_id": demo.ID}).Want(201).Decode(&d)
	pr := c.Do("DELETE", "/api/pipelines/"+p.ID+"/stages/"+demo.ID, nil).Want(409).Problem()
	if !pr.HasFieldError("query.move_to") {
		t.Fatalf("409 without move_to: %+v", pr)
	}
	c.Do("DELETE", "/api/pipelines/"+p.ID+"/stages/"+demo.ID+"?move_to="+demo.ID, nil).Want(422)
	c.Do("DELETE", "/api/pipelines/"+p.ID+"/stages/"+demo.ID+"?move_to="+p.Stages[4].ID, nil).Want(200).Decode(&got)
	c.Do("GET", "/api/deals/"+d.ID, nil).Want(200).Decode(&d)
	if d.StageID != p.Stages[4].ID || d.Status != "won" || len(got.Stages) != 6 {
		t.Fatalf("after removing the stage: %+v, %d stages", d, len(got.Stages))
	}
	var n int
	if err := env.App.DB.InTenant(t.Context(), c.Me.Company.ID, func(q *dbQ) error {
		return q.Tx.QueryRow(t.Context(), `SELECT count(*) FROM deal_stage_changes WHERE deal_id = $1`, d.ID).Scan(&n)
	}); err != nil || n != 2 {
		t.Fatalf("stage changes of the moved deal: %d (err %v), want 2 (created, moved)", n, err)
	}

	// Pipelines: a second one, renamed, deleted only when empty; never the last.
	var p2 pipelineJSON
	c.Do("POST", "/api/pipelines", map[string]any{"name": "Renewals", "stages": []map[string]any{{"name": "Due"}, {"name": "Renewed", "kind": "won"}}}).Want(201).Decode(&p2)
	if len(p2.Stages) != 2 || p2.Stages[1].Probability != 100 {
		t.Fatalf("custom pipeline: %+v", p2)
	}
	c.Do("PATCH", "/api/pipelines/"+p2.ID, map[string]any{"name": "sales"}).Want(409)
	c.Do("POST", "/api/deals/"+d.ID+"/move", map[string]any{"stage_id": p2.Stages[0].ID}).Want(200)
	c.Do("DELETE", "/api/pipelines/"+p2.ID, nil).Want(409)
	c.Do("DELETE", "/api/deals/"+d.ID, nil).Want(204)
	c.Do("DELETE", "/api/pipelines/"+p2.ID, nil).Want(204)
	c.Do("DELETE", "/api/pipelines/"+p.ID, nil).Want(409)
	// Members work deals even though they cannot edit pipelines.
	member.Do("POST", "/api/deals", map[string]any{"title": "Member's deal"}).Want(201)
}

func TestListDealsFilters(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	p := defaultPipeline(t, c)
	for i, v := range []string{"100", "2500.50", "900", "12000"} {
		var d dealJSON
		c.Do("POST", "/api/deals", map[string]any{"title": fmt.Sprintf("Deal %d", i), "value": v,
			"expected_close_date": fmt.Sprintf("2026-12-%02d", 10+i)}).Want(201).Decode(&d)
		if i == 3 {
			c.Do("POST", "/api/deals/"+d.ID+"/move", map[string]any{"stage_id": p.Stages[4].ID}).Want(200)
		}
	}
	count := func(q string) int {
		return len(c.Do("GET", "/api/deals?"+q, nil).Want(200).JSON()["items"].([]any))
	}
	for q, want := range map[string]int{"": 4, "status=won": 1, "status=open": 3, "min_value=900": 3, "max_value=900": 2,
		"min_value=500&max_value=3000": 2, "close_from=2026-12-11&close_to=2026-12-12": 2, "q=deal%201": 1,
		"stage_id=" + p.Stages[0].ID: 3, "pipeline_id=" + p.ID: 4, "owner_id=" + c.Me.User.ID.String(): 4} {
		if got := count(q); got != want {
			t.Errorf("?%s: %d deals, want %d", q, got, want)
		}
	}
	// Sorted by value, paged two at a time.
	var seen []string
	cursor := ""
	for {
		var page struct {
			Items      []dealJSON `json:"items"`
			NextCursor string     `json:"next_cursor"`
		}
		c.Do("GET", "/api/deals?sort=value&order=asc&limit=2&cursor="+cursor, nil).Want(200).Decode(&page)
		for _, d := range page.Items {
			seen = append(seen, d.Value)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if fmt.Sprint(seen) != "[100.00 900.00 2500.50 12000.00]" {
		t.Fatalf("by value: %v", seen)
	}
	for _, q := range []string{"status=closed", "min_value=abc", "close_from=tomorrow", "sort=title", "cursor=garbage", "limit=500"} {
		c.Do("GET", "/api/deals?"+q, nil).Want(422).Problem()
	}
}

func TestDealContactNameFallsBackToEmail(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	var contact struct{ ID string }
	c.Do("POST", "/api/contacts", map[string]any{"email": "only@email.test"}).Want(201).Decode(&contact)
	var d dealJSON
	c.Do("POST", "/api/deals", map[string]any{"title": "Nameless", "contact_id": contact.ID}).Want(201).Decode(&d)
	if d.ContactName != "only@email.test" {
		t.Fatalf("deal contact_name %q", d.ContactName)
	}
	var b struct {
		Deals []struct {
			ContactName string `json:"contact_name"`
		} `json:"deals"`
	}
	c.Do("GET", "/api/pipelines/"+d.PipelineID+"/board", nil).Want(200).Decode(&b)
	if len(b.Deals) != 1 || b.Deals[0].ContactName != "only@email.test" {
		t.Fatalf("board contact_name: %+v", b.Deals)
	}
}
