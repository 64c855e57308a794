package deals

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// BoardDeal is a deal as a kanban card.
type BoardDeal struct {
	ID                uuid.UUID  `json:"id"`
	StageID           uuid.UUID  `json:"stage_id"`
	Title             string     `json:"title"`
	Value             string     `json:"value"`
	Currency          string     `json:"currency"`
	ContactID         *uuid.UUID `json:"contact_id" nullable:"true"`
	ContactName       string     `json:"contact_name"`
	OwnerID           *uuid.UUID `json:"owner_id" nullable:"true"`
	Position          float64    `json:"position"`
	Status            string     `json:"status" enum:"open,won,lost"`
	ExpectedCloseDate *string    `json:"expected_close_date"`
	ClosedAt          *time.Time `json:"closed_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Column is one stage of the board: its count and totals over every deal
// the filters let through, and where its next cards start.
type Column struct {
	StageID    uuid.UUID     `json:"stage_id"`
	Deals      int64         `json:"deals" doc:"How many of the stage's deals the filters let through."`
	Totals     []ColumnTotal `json:"totals" doc:"Their count and value per currency, most deals first, then alphabetical; currencies are never added together."`
	NextCursor string        `json:"next_cursor" doc:"Pass as ?cursor= to the stage's cards (GET /api/pipelines/{id}/stages/{stage_id}/deals) for the cards after these; empty when the column is whole."`
}

// ColumnTotal is a column's deals in one currency.
type ColumnTotal struct {
	Currency string `json:"currency"`
	Deals    int64  `json:"deals"`
	Value    string `json:"value"`
}

// Board is a pipeline's first cards per stage, with every stage's count and
// totals. A pipeline of any size answers with at most PerStage cards per
// stage: the rest come a page at a time through Cards.
type Board struct {
	Columns []Column    `json:"columns" doc:"One per stage, in stage order."`
	Deals   []BoardDeal `json:"deals" doc:"Each stage's first cards (per_stage at most), ordered by stage and position."`
}

// BoardFilter narrows the board: to one owner's deals, and to deals whose
// title or contact's name contains every word of Q.
type BoardFilter struct {
	OwnerID *uuid.UUID
	Q       string
}

// Board page sizes.
const (
	DefaultPerStage = 50
	MaxPerStage     = 200
)

// boardPosition is where a column's page ends.
type boardPosition struct {
	P  float64   `json:"p"`
	ID uuid.UUID `json:"id"`
}

// words are the lower-cased words of a board search.
func (f BoardFilter) words() []string { return strings.Fields(strings.ToLower(f.Q)) }

// where adds the filter's conditions on d (deals) and c (the contact joined
// when there are words). This is the reviewed filter builder of the board:
// SQL text only from constants here, every value a bind parameter.
func (f BoardFilter) where(sb *db.SQL) {
	// Live deals only; deleted_at IS NULL matches the partial board index.
	sb.WriteString(" AND d.deleted_at IS NULL")
	if f.OwnerID != nil {
		fmt.Fprintf(sb, " AND d.owner_id = %s", sb.Arg(*f.OwnerID))
	}
	for _, w := range f.words() {
		fmt.Fprintf(sb, " AND strpos(lower(d.title || ' ' || %s), %s) > 0", contactName, sb.Arg(w))
	}
}

const contactName = "coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, c.phone, '')"

// c.id rather than d.contact_id: a contact in the trash is not shown (the
// deal keeps its link for a restore).
const cardColumns = "d.id, d.stage_id, d.title, d.value, d.currency, c.id AS contact_id, " + contactName + "::text AS contact_name, " +
	"d.owner_id, d.position, d.status, d.expected_close_date, d.closed_at, d.updated_at"

func (f BoardFilter) check() error {
	if !isText(f.Q) {
		return errs.Field("query.q", "must be UTF-8 text without NUL characters", nil)
	}
	if len(f.words()) > 10 {
		return errs.Field("query.q", "must have at most 10 words", f.Q)
	}
	return nil
}

// Board returns a pipeline's board: each stage's first perStage cards in
// board order with their contacts' names (one query, an index range per
// stage on deals_board_idx), and each stage's count and totals from one
// aggregate over the filtered deals. It touches perStage cards per stage
// whatever the pipeline's size; only the aggregate reads every deal of the
// pipeline, and returns one row per stage and currency.
func (s *Service) Board(ctx context.Context, companyID, pipelineID uuid.UUID, f BoardFilter, perStage int) (*Board, error) {
	if perStage <= 0 {
		perStage = DefaultPerStage
	}
	if perStage > MaxPerStage {
		return nil, errs.Field("query.per_stage", fmt.Sprintf("must be at most %d", MaxPerStage), perStage)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	out := &Board{Columns: []Column{}, Deals: []BoardDeal{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		stages, err := q.ListStages(ctx, dbq.ListStagesParams{CompanyID: companyID, PipelineID: pipelineID})
		if err != nil {
			return fmt.Errorf("load stages: %w", err)
		}
		if len(stages) == 0 {
			if _, err := q.GetPipeline(ctx, dbq.GetPipelineParams{CompanyID: companyID, ID: pipelineID}); err != nil {
				if db.IsNotFound(err) {
					return errs.NotFoundf("pipeline not found")
				}
				return fmt.Errorf("load pipeline: %w", err)
			}
		}
		totals, err := columnTotals(ctx, q, companyID, pipelineID, f)
		if err != nil {
			return err
		}
		sb := db.NewSQL(companyID)
		pid := sb.Arg(pipelineID)
		fmt.Fprintf(sb, "SELECT %s FROM pipeline_stages s CROSS JOIN LATERAL (SELECT %s FROM deals d"+
			" LEFT JOIN contacts c ON c.company_id = d.company_id AND c.id = d.contact_id AND c.deleted_at IS NULL"+
			" WHERE d.company_id = $1 AND d.pipeline_id = %s AND d.stage_id = s.id", cardOut, cardColumns, pid)
		f.where(sb)
		fmt.Fprintf(sb, " ORDER BY d.position, d.id LIMIT %s) d WHERE s.company_id = $1 AND s.pipeline_id = %s"+
			" ORDER BY s.position, s.id, d.position, d.id", sb.Arg(perStage+1), pid)
		cards, err := queryCards(ctx, q, sb)
		if err != nil {
			return err
		}
		byStage := map[uuid.UUID][]BoardDeal{}
		for _, c := range cards {
			byStage[c.StageID] = append(byStage[c.StageID], c)
		}
		for _, st := range stages {
			col := Column{StageID: st.ID, Totals: totals[st.ID]}
			if col.Totals == nil {
				col.Totals = []ColumnTotal{}
			}
			for _, t := range col.Totals {
				col.Deals += t.Deals
			}
			page := byStage[st.ID]
			if len(page) > perStage {
				page = page[:perStage]
				col.NextCursor = nextCursor(page)
			}
			out.Columns = append(out.Columns, col)
			out.Deals = append(out.Deals, page...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CardsPage is the next cards of one column.
type CardsPage struct {
	Items      []BoardDeal `json:"items"`
	NextCursor string      `json:"next_cursor" doc:"Pass as ?cursor= for the next cards; empty at the end of the column."`
}

// Cards returns one stage's cards after cursor, in board order, limit at a
// time: the "show more" of a column. The filter must be the board's.
func (s *Service) Cards(ctx context.Context, companyID, pipelineID, stageID uuid.UUID, f BoardFilter, after string, limit int) (*CardsPage, error) {
	if limit <= 0 {
		limit = DefaultPerStage
	}
	if limit > MaxPerStage {
		return nil, errs.Field("query.limit", fmt.Sprintf("must be at most %d", MaxPerStage), limit)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	pos := boardPosition{P: math.Inf(-1)}
	if after != "" {
		if err := cursor.Decode(after, &pos); err != nil || math.IsNaN(pos.P) {
			return nil, errs.Field("query.cursor", "is not a cursor from this column", after)
		}
	}
	out := &CardsPage{Items: []BoardDeal{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		st, err := q.GetStage(ctx, dbq.GetStageParams{CompanyID: companyID, ID: stageID})
		if err != nil || st.PipelineID != pipelineID {
			if err == nil || db.IsNotFound(err) {
				return errs.NotFoundf("stage not found")
			}
			return fmt.Errorf("load stage: %w", err)
		}
		sb := db.NewSQL(companyID)
		fmt.Fprintf(sb, "SELECT %s FROM deals d LEFT JOIN contacts c ON c.company_id = d.company_id AND c.id = d.contact_id AND c.deleted_at IS NULL"+
			" WHERE d.company_id = $1 AND d.pipeline_id = %s AND d.stage_id = %s AND (d.position, d.id) > (%s::float8, %s::uuid)",
			cardColumns, sb.Arg(pipelineID), sb.Arg(stageID), sb.Arg(pos.P), sb.Arg(pos.ID))
		f.where(sb)
		fmt.Fprintf(sb, " ORDER BY d.position, d.id LIMIT %s", sb.Arg(limit+1))
		cards, err := queryCards(ctx, q, sb)
		if err != nil {
			return err
		}
		if len(cards) > limit {
			cards = cards[:limit]
			out.NextCursor = nextCursor(cards)
		}
		out.Items = cards
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// cardOut names the lateral subquery's columns in the outer select.
const cardOut = "d.id, d.stage_id, d.title, d.value, d.currency, d.contact_id, d.contact_name, " +
	"d.owner_id, d.position, d.status, d.expected_close_date, d.closed_at, d.updated_at"

func nextCursor(page []BoardDeal) string {
	last := page[len(page)-1]
	return cursor.Encode(boardPosition{P: last.Position, ID: last.ID})
}

func queryCards(ctx context.Context, q *db.Q, sb *db.SQL) ([]BoardDeal, error) {
	rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
	if err != nil {
		return nil, fmt.Errorf("board cards: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardDeal, error) {
		var d BoardDeal
		var value decimal.Decimal
		var closeDate *time.Time
		if err := r.Scan(&d.ID, &d.StageID, &d.Title, &value, &d.Currency, &d.ContactID, &d.ContactName, &d.OwnerID,
			&d.Position, &d.Status, &closeDate, &d.ClosedAt, &d.UpdatedAt); err != nil {
			return d, err
		}
		d.Value = value.StringFixed(2)
		if closeDate != nil {
			v := closeDate.Format(dateLayout)
			d.ExpectedCloseDate = &v
		}
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("board cards: %w", err)
	}
	return out, nil
}

// columnTotals counts and sums the filtered deals of a pipeline per stage
// and currency. The contact is joined only when the search needs its name.
func columnTotals(ctx context.Context, q *db.Q, companyID, pipelineID uuid.UUID, f BoardFilter) (map[uuid.UUID][]ColumnTotal, error) {
	sb := db.NewSQL(companyID)
	sb.WriteString("SELECT d.stage_id, d.currency, count(*)::bigint, coalesce(sum(d.value), 0)::numeric FROM deals d")
	if len(f.words()) > 0 {
		sb.WriteString(" LEFT JOIN contacts c ON c.company_id = d.company_id AND c.id = d.contact_id AND c.deleted_at IS NULL")
	}
	fmt.Fprintf(sb, " WHERE d.company_id = $1 AND d.pipeline_id = %s", sb.Arg(pipelineID))
	f.where(sb)
	sb.WriteString(" GROUP BY d.stage_id, d.currency")
	rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
	if err != nil {
		return nil, fmt.Errorf("board totals: %w", err)
	}
	out := map[uuid.UUID][]ColumnTotal{}
	var stageID uuid.UUID
	var t ColumnTotal
	var value decimal.Decimal
	_, err = pgx.ForEachRow(rows, []any{&stageID, &t.Currency, &t.Deals, &value}, func() error {
		t.Value = value.StringFixed(2)
		out[stageID] = append(out[stageID], t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("board totals: %w", err)
	}
	for _, ts := range out {
		sortTotals(ts)
	}
	return out, nil
}

// sortTotals orders a column's totals: most deals first, then alphabetical.
func sortTotals(ts []ColumnTotal) {
	sort.SliceStable(ts, func(i, j int) bool {
		if ts[i].Deals != ts[j].Deals {
			return ts[i].Deals > ts[j].Deals
		}
		return ts[i].Currency < ts[j].Currency
	})
}

// isText reports whether s can be sent to PostgreSQL as text.
func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
