package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/db"
)

// Sizes of the pipeline benchmark database: many small companies with a few
// deals each, and one large company with 100,000 deals: one pipeline of
// benchBigPipeline deals and benchPipelines-1 of benchDealsPerPipeline.
const (
	benchPipelineCompanies = 300
	benchSmallDeals        = 50
	benchPipelines         = 11
	benchBigPipeline       = 50000
	benchDealsPerPipeline  = 5000
	benchLargeContacts     = 5000
	benchTimelineItems     = 300
)

// benchDealsSQL inserts n deals into a pipeline's open stages, spread over
// the stages, half of them on one of the company's contacts.
const benchDealsSQL = `
WITH st AS (SELECT id, row_number() OVER (ORDER BY position) - 1 AS k, count(*) OVER () AS n
            FROM pipeline_stages WHERE company_id = $1 AND pipeline_id = $2 AND kind = 'open'),
     ct AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n FROM contacts WHERE company_id = $1)
INSERT INTO deals (company_id, id, pipeline_id, stage_id, title, value, currency, contact_id, position, status)
SELECT $1, gen_random_uuid(), $2, st.id, 'Deal ' || g, (g % 1000) * 10 + 0.5, 'USD',
       CASE WHEN g % 2 = 0 THEN (SELECT ct.id FROM ct WHERE ct.k = g % greatest((SELECT max(n) FROM ct), 1)) END,
       g * 1024, 'open'
FROM generate_series(1, $3::int) AS g
JOIN st ON st.k = g % st.n`

type pipelineBench struct {
	env          *apitest.Env
	handler      http.Handler
	token        string
	bigBoard     string
	columnPage   string
	boardPath    string
	dealTimeline string
	contactTL    string
}

func newPipelineBench(b *testing.B) *pipelineBench {
	b.Helper()
	start := time.Now()
	ctx := context.Background()
	env := apitest.New(b)
	large := env.Signup("Large Co")
	pb := &pipelineBench{env: env, handler: env.App.Server.Handler(), token: large.Token().Bearer}
	d := env.App.DB
	cid := large.Me.Company.ID

	// Small companies, each with the default pipeline and a few deals.
	for i := 0; i < benchPipelineCompanies; i++ {
		c := env.Signup(fmt.Sprintf("Small %d", i))
		if err := d.InTenant(ctx, c.Me.Company.ID, func(q *db.Q) error {
			var pid uuid.UUID
			if err := q.Tx.QueryRow(ctx, `SELECT id FROM pipelines WHERE company_id = $1`, c.Me.Company.ID).Scan(&pid); err != nil {
				return err
			}
			_, err := q.Tx.Exec(ctx, benchDealsSQL, c.Me.Company.ID, pid, benchSmallDeals)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	// The large company: contacts, then 20 pipelines of 5,000 deals.
	if err := d.InTenant(ctx, cid, func(q *db.Q) error {
		_, err := q.Tx.Exec(ctx, `INSERT INTO contacts (company_id, id, first_name, last_name)
			SELECT $1, gen_random_uuid(), 'First' || g, 'Last' || (g % 500) FROM generate_series(1, $2::int) g`, cid, benchLargeContacts)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	var big, first uuid.UUID
	for p := 0; p < benchPipelines; p++ {
		var pl pipelineJSON
		if p == 0 {
			pl = defaultPipeline(b, large)
		} else {
			large.Do("POST", "/api/pipelines", map[string]any{"name": fmt.Sprintf("Pipeline %d", p)}).Want(201).Decode(&pl)
		}
		pid := uuid.MustParse(pl.ID)
		n := benchDealsPerPipeline
		switch p {
		case 0:
			big, n = pid, benchBigPipeline
		case 1:
			first = pid
		}
		if err := d.InTenant(db.ForJobs(ctx), cid, func(q *db.Q) error {
			_, err := q.Tx.Exec(ctx, benchDealsSQL, cid, pid, n)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	// One deal and its contact with a long history.
	var dealID, contactID uuid.UUID
	if err := d.InTenant(ctx, cid, func(q *db.Q) error {
		if err := q.Tx.QueryRow(ctx, `SELECT id, contact_id FROM deals WHERE company_id = $1 AND contact_id IS NOT NULL LIMIT 1`, cid).Scan(&dealID, &contactID); err != nil {
			return err
		}
		_, err := q.Tx.Exec(ctx, `INSERT INTO activities (company_id, id, type, subject, contact_id, deal_id, created_at)
			SELECT $1, gen_random_uuid(), 'note', 'Note ' || g, $2, CASE WHEN g % 2 = 0 THEN $3::uuid END, now() - make_interval(mins => g)
			FROM generate_series(1, $4::int) g`, cid, contactID, dealID, benchTimelineItems)
		if err != nil {
			return err
		}
		_, err = q.Tx.Exec(ctx, `INSERT INTO deal_stage_changes (company_id, id, deal_id, from_stage, to_stage, changed_at)
			SELECT $1, gen_random_uuid(), $2, 'A', 'B', now() - make_interval(mins => g) FROM generate_series(1, $3::int) g`, cid, dealID, benchTimelineItems)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	super, err := pgx.Connect(ctx, env.URLs.Super)
	if err != nil {
		b.Fatal(err)
	}
	defer super.Close(ctx)
	if _, err := super.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	pb.boardPath = "/api/pipelines/" + first.String() + "/board"
	pb.bigBoard = "/api/pipelines/" + big.String() + "/board"
	// The second page of the big pipeline's first column.
	var bd struct {
		Columns []struct {
			StageID    string `json:"stage_id"`
			NextCursor string `json:"next_cursor"`
		} `json:"columns"`
	}
	req := httptest.NewRequest(http.MethodGet, pb.bigBoard, nil)
	req.Header.Set("Authorization", "Bearer "+pb.token)
	rec := httptest.NewRecorder()
	pb.handler.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), &bd); err != nil || len(bd.Columns) == 0 || bd.Columns[0].NextCursor == "" {
		b.Fatalf("big board: %v %s", err, rec.Body)
	}
	pb.columnPage = "/api/pipelines/" + big.String() + "/stages/" + bd.Columns[0].StageID + "/deals?cursor=" + url.QueryEscape(bd.Columns[0].NextCursor)
	pb.dealTimeline = "/api/deals/" + dealID.String() + "/timeline?limit=50"
	pb.contactTL = "/api/contacts/" + contactID.String() + "/timeline?limit=50"
	b.Logf("pipeline benchmark database ready in %v", time.Since(start).Round(time.Millisecond))
	return pb
}

// BenchmarkBoardAndTimeline measures the kanban of a 50,000-deal and of a
// 5,000-deal pipeline (each stage's first 50 cards with contact names, and
// every stage's count and totals), the next page of a column, and the first
// page of a deal's and a contact's timeline, in a company with 100,000 deals
// among many companies. See docs/performance.md.
//
//	go test -run XXX -bench BoardAndTimeline -benchtime 50x ./internal/httpapi
func BenchmarkBoardAndTimeline(b *testing.B) {
	pb := newPipelineBench(b)
	for _, bc := range []struct{ name, path string }{
		{"board_50000_deals", pb.bigBoard},
		{"board_5000_deals", pb.boardPath},
		{"board_column_page", pb.columnPage},
		{"deal_timeline", pb.dealTimeline},
		{"contact_timeline", pb.contactTL},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, bc.path, nil)
				req.Header.Set("Authorization", "Bearer "+pb.token)
				rec := httptest.NewRecorder()
				pb.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", bc.path, rec.Code, rec.Body)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "resp_bytes")
		})
	}
}
