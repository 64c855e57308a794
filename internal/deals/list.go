package deals

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Filter selects deals. Zero values mean "any".
type Filter struct {
	PipelineID, StageID, OwnerID, ContactID *uuid.UUID
	Status                                  string
	MinValue, MaxValue                      *decimal.Decimal
	CloseFrom, CloseTo                      *time.Time
	Q                                       string
	Sort                                    string // created_at, updated_at, value
	Desc                                    bool
	Limit                                   int
	Cursor                                  string
}

// Page is one page of deals.
type Page struct {
	Items      []Deal `json:"items"`
	NextCursor string `json:"next_cursor"`
}

var sortColumns = map[string]string{"created_at": "created_at", "updated_at": "updated_at", "value": "value"}

// pagePosition is where a page ends, in the list's order.
type pagePosition struct {
	V  string    `json:"v"`
	ID uuid.UUID `json:"id"`
}

// ParseFilter reads the list's query parameters into a Filter, naming the
// parameter that is wrong.
func ParseFilter(get func(string) string) (Filter, error) {
	var fe errs.Fields
	f := Filter{Status: get("status"), Q: get("q"), Sort: get("sort"), Desc: get("order") == "desc", Cursor: get("cursor")}
	id := func(name string) *uuid.UUID { return parseOptionalID("query."+name, get(name), &fe) }
	f.PipelineID, f.StageID, f.OwnerID, f.ContactID = id("pipeline_id"), id("stage_id"), id("owner_id"), id("contact_id")
	if f.Status != "" && f.Status != "open" && f.Status != "won" && f.Status != "lost" {
		fe.Add("query.status", "must be open, won or lost", f.Status)
	}
	money := func(name string) *decimal.Decimal {
		if get(name) == "" {
			return nil
		}
		v := ParseMoney("query."+name, get(name), &fe)
		return &v
	}
	f.MinValue, f.MaxValue = money("min_value"), money("max_value")
	f.CloseFrom = parseDate("query.close_from", get("close_from"), &fe)
	f.CloseTo = parseDate("query.close_to", get("close_to"), &fe)
	if l := get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			fe.Add("query.limit", "must be between 1 and 200", l)
		}
		f.Limit = n
	}
	if f.Sort == "" {
		f.Sort = "created_at"
		f.Desc = get("order") != "asc"
	}
	if _, ok := sortColumns[f.Sort]; !ok {
		fe.Add("query.sort", "must be created_at, updated_at or value", f.Sort)
	}
	return f, fe.Err()
}

// selectSQL builds the SELECT with the filter's conditions. This is the reviewed filter builder
// for deals: SQL text only from constants, every value a bind parameter.
func (f Filter) selectSQL(companyID uuid.UUID) *db.SQL {
	sb := db.NewSQL(companyID)
	// Only live deals; deleted_at IS NULL matches the partial indexes.
	sb.WriteString("SELECT " + dealColumns + " FROM deals WHERE company_id = $1 AND deleted_at IS NULL")
	for _, c := range []struct {
		col string
		v   *uuid.UUID
	}{{"pipeline_id", f.PipelineID}, {"stage_id", f.StageID}, {"owner_id", f.OwnerID}, {"contact_id", f.ContactID}} {
		if c.v != nil {
			fmt.Fprintf(sb, " AND %s = %s", c.col, sb.Arg(*c.v))
		}
	}
	if f.Status != "" {
		fmt.Fprintf(sb, " AND status = %s", sb.Arg(f.Status))
	}
	if f.MinValue != nil {
		fmt.Fprintf(sb, " AND value >= %s", sb.Arg(*f.MinValue))
	}
	if f.MaxValue != nil {
		fmt.Fprintf(sb, " AND value <= %s", sb.Arg(*f.MaxValue))
	}
	if f.CloseFrom != nil {
		fmt.Fprintf(sb, " AND expected_close_date >= %s", sb.Arg(*f.CloseFrom))
	}
	if f.CloseTo != nil {
		fmt.Fprintf(sb, " AND expected_close_date <= %s", sb.Arg(*f.CloseTo))
	}
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		fmt.Fprintf(sb, " AND lower(title) LIKE %s", sb.Arg("%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)+"%"))
	}
	return sb
}

const dealColumns = "company_id, id, pipeline_id, stage_id, title, value, currency, contact_id, owner_id, position, status, expected_close_date, closed_at, close_reason, created_at, updated_at, deleted_at, deleted_by"

// List returns one page of deals.
func (s *Service) List(ctx context.Context, companyID uuid.UUID, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var page *Page
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		page, err = listTx(ctx, q, companyID, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// ExportPage is how many deals one page of Pages holds.
const ExportPage = 500

// Pages hands every deal matching f (its filters and order, as in List;
// Limit and Cursor are ignored) to fn, a page of up to ExportPage at a
// time, each page read in its own short tenant transaction and fn run after
// it, outside any transaction (db.Pages). A bad cursor or filter is returned
// before fn is first called.
func (s *Service) Pages(ctx context.Context, companyID uuid.UUID, f Filter, fn func([]Deal) error) error {
	f.Limit = ExportPage
	return db.Pages(ctx, s.db, companyID, func(ctx context.Context, q *db.Q, after string) ([]Deal, string, error) {
		f.Cursor = after
		p, err := listTx(ctx, q, companyID, f)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	}, fn)
}

// listTx reads one page of f in the caller's transaction.
func listTx(ctx context.Context, q *db.Q, companyID uuid.UUID, f Filter) (*Page, error) {
	col := sortColumns[f.Sort]
	if col == "" {
		col = "created_at"
	}
	sb := f.selectSQL(companyID)
	dir, cmp := "ASC", ">"
	if f.Desc {
		dir, cmp = "DESC", "<"
	}
	if f.Cursor != "" {
		var c pagePosition
		err := cursor.Decode(f.Cursor, &c)
		cast := "::timestamptz"
		if col == "value" {
			cast = "::numeric"
			if _, perr := decimal.NewFromString(c.V); perr != nil {
				err = perr
			}
		} else if _, perr := time.Parse(time.RFC3339Nano, c.V); perr != nil {
			err = perr
		}
		if err != nil {
			return nil, errs.Field("query.cursor", "is not a cursor from this list", f.Cursor)
		}
		fmt.Fprintf(sb, " AND (%s, id) %s (%s%s, %s)", col, cmp, sb.Arg(c.V), cast, sb.Arg(c.ID))
	}
	fmt.Fprintf(sb, " ORDER BY %s %s, id %s LIMIT %s", col, dir, dir, sb.Arg(f.Limit+1))
	page := &Page{Items: []Deal{}}
	rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
	if err != nil {
		return nil, fmt.Errorf("list deals: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[dbq.Deal])
	if err != nil {
		return nil, fmt.Errorf("list deals: %w", err)
	}
	if len(list) > f.Limit {
		last := list[f.Limit-1]
		v := last.CreatedAt.Format(time.RFC3339Nano)
		switch col {
		case "updated_at":
			v = last.UpdatedAt.Format(time.RFC3339Nano)
		case "value":
			v = last.Value.String()
		}
		page.NextCursor = cursor.Encode(pagePosition{V: v, ID: last.ID})
		list = list[:f.Limit]
	}
	names, err := contactNames(ctx, q, companyID, list)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		d := fromRow(r)
		if r.ContactID != nil {
			// A contact in the trash is not shown; the link stays for a restore.
			name, live := names[*r.ContactID]
			d.ContactName = name
			if !live {
				d.ContactID = nil
			}
		}
		page.Items = append(page.Items, d)
	}
	return page, nil
}

// contactNames names the live contacts of the deals; a contact in the trash
// is absent from the map.
func contactNames(ctx context.Context, q *db.Q, companyID uuid.UUID, list []dbq.Deal) (map[uuid.UUID]string, error) {
	ids := []uuid.UUID{}
	for _, d := range list {
		if d.ContactID != nil {
			ids = append(ids, *d.ContactID)
		}
	}
	out := map[uuid.UUID]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.ContactNames(ctx, dbq.ContactNamesParams{CompanyID: companyID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("load contact names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
