package contacts

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// sortColumns maps the public sort names to columns; each has an index led
// by company_id that ends in id, matching the keyset order below.
var sortColumns = map[string]string{
	"name":       "sort_name",
	"created_at": "created_at",
	"updated_at": "updated_at",
}

// position is where a page ends, in the list's order.
type position struct {
	V  string    `json:"v"`
	ID uuid.UUID `json:"id"`
}

// filterSQL validates f and builds the SELECT with its conditions. This is
// the reviewed filter builder for contacts: SQL text only from constants
// here, every value a bind parameter. It returns the sort column and an arg
// function to add more parameters.
func (f *Filter) filterSQL(companyID uuid.UUID) (col string, sb *db.SQL, err error) {
	col, ok := sortColumns[f.Sort]
	if f.Sort == "" {
		col, ok = "sort_name", true
		f.Sort = "name"
	}
	if !ok {
		return "", nil, errs.Field("query.sort", "must be name, created_at or updated_at", f.Sort)
	}
	// Query values go to PostgreSQL as text parameters, which cannot hold
	// NUL or invalid UTF-8: refuse them here as the 422 they are, not a 500.
	for _, v := range []struct{ field, value string }{{"query.q", f.Q}, {"query.tag", f.Tag}} {
		if !isText(v.value) {
			return "", nil, errs.Field(v.field, "must be UTF-8 text without NUL characters", nil)
		}
	}
	sb = db.NewSQL(companyID)
	// Only live contacts: the trash is listed by internal/trash. deleted_at
	// IS NULL also matches the partial sort indexes' predicate (a NullTest
	// is no function call, so it can prove one under row-level security).
	sb.WriteString("SELECT company_id, id, first_name, last_name, email, phone, company_name, title, tags, owner_id, custom_fields, created_at, updated_at, sort_name, deleted_at, deleted_by FROM contacts WHERE company_id = $1 AND deleted_at IS NULL")
	// Each word of q must start one of the contact's words (names, company,
	// email parts) or its phone digits; see SearchWords.
	words := SearchWords(f.Q)
	for _, w := range words {
		fmt.Fprintf(sb, " AND id IN (SELECT contact_id FROM contact_search_terms WHERE company_id = $1 AND term ^@ %s)", sb.Arg(w))
	}
	if len(words) == 0 && strings.TrimSpace(f.Q) != "" {
		sb.WriteString(" AND false") // a search with no words finds nothing
	}
	if f.Tag != "" {
		fmt.Fprintf(sb, " AND tags @> ARRAY[%s::text]", sb.Arg(f.Tag))
	}
	if f.OwnerID != nil {
		fmt.Fprintf(sb, " AND owner_id = %s", sb.Arg(*f.OwnerID))
	}
	return col, sb, nil
}

// List returns one page of the company's contacts.
func (s *Service) List(ctx context.Context, companyID uuid.UUID, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return nil, errs.Field("query.limit", "must be at most 200", f.Limit)
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

// ExportPage is how many contacts one page of Pages holds.
const ExportPage = 500

// Pages hands every contact matching f (Q, Tag, OwnerID, Sort and Desc, as
// in List; Limit and Cursor are ignored) to fn, in the list's order, a page
// of up to ExportPage at a time. Each page is read in its own short tenant
// transaction and fn runs after it, outside any transaction (db.Pages), so
// an export of any size holds one page in memory and no connection while it
// writes. A bad filter is an Invalid error returned before fn is first
// called; an error from fn stops the pages and is returned.
func (s *Service) Pages(ctx context.Context, companyID uuid.UUID, f Filter, fn func([]Contact) error) error {
	f.Limit = ExportPage
	return db.Pages(ctx, s.db, companyID, func(ctx context.Context, q *db.Q, after string) ([]Contact, string, error) {
		f.Cursor = after
		p, err := listTx(ctx, q, companyID, f)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	}, fn)
}

// listTx reads one page of f in the caller's transaction, with the
// reviewed filter builder.
func listTx(ctx context.Context, q *db.Q, companyID uuid.UUID, f Filter) (*Page, error) {
	col, sb, err := f.filterSQL(companyID)
	if err != nil {
		return nil, err
	}
	dir, cmp := "ASC", ">"
	if f.Desc {
		dir, cmp = "DESC", "<"
	}
	if f.Cursor != "" {
		var c position
		err := cursor.Decode(f.Cursor, &c)
		if err != nil || !isText(c.V) {
			return nil, errs.Field("query.cursor", "is not a cursor from this list", f.Cursor)
		}
		cast := "::text"
		if col != "sort_name" {
			if _, err := time.Parse(time.RFC3339Nano, c.V); err != nil {
				return nil, errs.Field("query.cursor", "is not a cursor from this list", f.Cursor)
			}
			cast = "::timestamptz"
		}
		fmt.Fprintf(sb, " AND (%s, id) %s (%s%s, %s)", col, cmp, sb.Arg(c.V), cast, sb.Arg(c.ID))
	}
	fmt.Fprintf(sb, " ORDER BY %s %s, id %s LIMIT %s", col, dir, dir, sb.Arg(f.Limit+1))

	page := &Page{Items: []Contact{}}
	rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[dbq.Contact])
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	if len(list) > f.Limit {
		last := list[f.Limit-1]
		page.NextCursor = cursor.Encode(position{V: sortValue(col, last), ID: last.ID})
		list = list[:f.Limit]
	}
	for _, r := range list {
		page.Items = append(page.Items, fromRow(r))
	}
	return page, nil
}

func sortValue(col string, r dbq.Contact) string {
	switch col {
	case "created_at":
		return r.CreatedAt.Format(time.RFC3339Nano)
	case "updated_at":
		return r.UpdatedAt.Format(time.RFC3339Nano)
	}
	if r.SortName == nil {
		return ""
	}
	return *r.SortName
}

// isText reports whether s can be sent to PostgreSQL as text.
func isText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
