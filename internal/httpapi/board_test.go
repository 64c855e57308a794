package httpapi_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/db"
)

type boardJSON struct {
	Columns []struct {
		StageID string `json:"stage_id"`
		Deals   int    `json:"deals"`
		Totals  []struct {
			Currency string `json:"currency"`
			Deals    int    `json:"deals"`
			Value    string `json:"value"`
		} `json:"totals"`
		NextCursor string `json:"next_cursor"`
	} `json:"columns"`
	Deals []cardJSON `json:"deals"`
}

type cardJSON struct {
	ID          string  `json:"id"`
	StageID     string  `json:"stage_id"`
	Title       string  `json:"title"`
	ContactName string  `json:"contact_name"`
	Position    float64 `json:"position"`
}

// column reads all of a stage's cards: the board's first page, then the
// stage's pages by cursor, checking that each page follows in board order.
func column(t *testing.T, c *apitest.Client, pipelineID, stageID string, b boardJSON, filter url.Values) []cardJSON {
	t.Helper()
	var out []cardJSON
	cursor := ""
	for _, d := range b.Deals {
		if d.StageID == stageID {
			out = append(out, d)
		}
	}
	for _, col := range b.Columns {
		if col.StageID == stageID {
			cursor = col.NextCursor
		}
	}
	for cursor != "" {
		q := url.Values{"cursor": {cursor}, "limit": {"40"}}
		for k, v := range filter {
			q[k] = v
		}
		var page struct {
			Items      []cardJSON `json:"items"`
			NextCursor string     `json:"next_cursor"`
		}
		c.Do("GET", "/api/pipelines/"+pipelineID+"/stages/"+stageID+"/deals?"+q.Encode(), nil).Want(200).Decode(&page)
		if len(page.Items) == 0 || len(page.Items) > 40 {
			t.Fatalf("a page of %d cards", len(page.Items))
		}
		out = append(out, page.Items...)
		cursor = page.NextCursor
	}
	if !slices.IsSortedFunc(out, func(a, b cardJSON) int {
		if a.Position < b.Position {
			return -1
		}
		if a.Position > b.Position {
			return 1
		}
		return 0
	}) {
		t.Fatal("a column's pages are not in board order")
	}
	return out
}

// TestBoardPagesPerStage: a pipeline's board answers with each stage's first
// cards only, while each column's count and totals are over all of its deals
// (per currency, under the filters); the rest of a column comes page by page,
// each card once; a card dropped below the last card a board shows lands
// right after it (after_id), where the next page picks it up.
func TestBoardPagesPerStage(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Big Pipeline Co")
	p := defaultPipeline(t, a)
	lead, qualified := p.Stages[0].ID, p.Stages[1].ID
	other := a.Invite("rep@big.test", "member")
	cid := a.Me.Company.ID
	ctx := db.ForJobs(context.Background())
	// 130 deals in Lead (every third in EUR, every fifth the rep's), 3 in Qualified.
	if err := env.App.DB.InTenant(ctx, cid, func(q *db.Q) error {
		_, err := q.Tx.Exec(ctx, `INSERT INTO deals (company_id, id, pipeline_id, stage_id, title, value, currency, position, status, owner_id)
			SELECT $1, gen_random_uuid(), $2, CASE WHEN g <= 130 THEN $3::uuid ELSE $4::uuid END, 'Deal ' || g, g, 
			       CASE WHEN g % 3 = 0 THEN 'EUR' ELSE 'USD' END, g * 1024, 'open', CASE WHEN g % 5 = 0 THEN $5::uuid END
			FROM generate_series(1, 133) g`, cid, uuid.MustParse(p.ID), uuid.MustParse(lead), uuid.MustParse(qualified), other.Me.User.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var b boardJSON
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?per_stage=50", nil).Want(200).Decode(&b)
	if len(b.Columns) != len(p.Stages) || len(b.Deals) != 53 {
		t.Fatalf("%d columns, %d cards; want %d and 50 + 3", len(b.Columns), len(b.Deals), len(p.Stages))
	}
	leadCol := b.Columns[0]
	// USD: g in 1..130 not divisible by 3 (87 deals); EUR: 43 deals.
	usd, eur := 0, 0
	for g := 1; g <= 130; g++ {
		if g%3 == 0 {
			eur += g
		} else {
			usd += g
		}
	}
	if leadCol.StageID != lead || leadCol.Deals != 130 || leadCol.NextCursor == "" || len(leadCol.Totals) != 2 ||
		leadCol.Totals[0].Currency != "USD" || leadCol.Totals[0].Deals != 87 || leadCol.Totals[0].Value != strconv.Itoa(usd)+".00" ||
		leadCol.Totals[1].Currency != "EUR" || leadCol.Totals[1].Deals != 43 || leadCol.Totals[1].Value != strconv.Itoa(eur)+".00" {
		t.Fatalf("Lead column: %+v (USD %d, EUR %d)", leadCol, usd, eur)
	}
	if q := b.Columns[1]; q.Deals != 3 || q.NextCursor != "" {
		t.Fatalf("Qualified column: %+v", q)
	}
	cards := column(t, a, p.ID, lead, b, nil)
	ids := map[string]bool{}
	for _, c := range cards {
		ids[c.ID] = true
	}
	if len(cards) != 130 || len(ids) != 130 {
		t.Fatalf("Lead holds %d cards (%d distinct), want 130", len(cards), len(ids))
	}

	// Filters apply to the cards and the totals alike.
	var mine boardJSON
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?per_stage=10&owner_id="+other.Me.User.ID.String(), nil).Want(200).Decode(&mine)
	if mine.Columns[0].Deals != 26 || len(column(t, a, p.ID, lead, mine, url.Values{"owner_id": {other.Me.User.ID.String()}})) != 26 {
		t.Fatalf("the rep's Lead column: %+v", mine.Columns[0])
	}
	var found boardJSON
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?q="+url.QueryEscape("deal 12"), nil).Want(200).Decode(&found)
	// Every word in the title: Deal 12, 112 and 120 … 129, all in Lead.
	if found.Columns[0].Deals != 12 || len(found.Deals) != 12 || found.Columns[1].Deals != 0 {
		t.Fatalf("search: %+v, %d cards", found.Columns[:2], len(found.Deals))
	}

	// The search reads the contact's name too.
	var ada struct{ ID string }
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Ada", "last_name": "Lovelace"}).Want(201).Decode(&ada)
	a.Do("POST", "/api/deals", map[string]any{"title": "Engines", "contact_id": ada.ID, "stage_id": qualified}).Want(201)
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?q=LOVELACE", nil).Want(200).Decode(&found)
	if len(found.Deals) != 1 || found.Deals[0].ContactName != "Ada Lovelace" || found.Columns[1].Deals != 1 {
		t.Fatalf("search by contact: %+v", found)
	}
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?per_stage=50", nil).Want(200).Decode(&b)

	// Drop a Qualified deal below the 50th Lead card the board shows.
	fiftieth := cards[49]
	moved := b.Deals[50] // Qualified's first
	a.Do("POST", "/api/deals/"+moved.ID+"/move", map[string]any{"stage_id": lead, "after_id": fiftieth.ID}).Want(200)
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?per_stage=50", nil).Want(200).Decode(&b)
	if b.Columns[0].Deals != 131 || b.Columns[1].Deals != 3 {
		t.Fatalf("counts after the move: %d, %d", b.Columns[0].Deals, b.Columns[1].Deals)
	}
	cards = column(t, a, p.ID, lead, b, nil)
	if len(cards) != 131 || cards[49].ID != fiftieth.ID || cards[50].ID != moved.ID {
		t.Fatalf("after the move, Lead's cards 49-51: %v %v %v", cards[49].Title, cards[50].Title, cards[51].Title)
	}
	a.Do("POST", "/api/deals/"+moved.ID+"/move", map[string]any{"stage_id": lead, "after_id": fiftieth.ID, "before_id": cards[51].ID}).Want(422)
	a.Do("GET", "/api/pipelines/"+p.ID+"/board?per_stage=201", nil).Want(422)
	a.Do("GET", "/api/pipelines/"+p.ID+"/stages/"+lead+"/deals?cursor=nonsense", nil).Want(422)
}
