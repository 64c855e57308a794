package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// activityColumns and activityJoins are GetActivity's select list and joins
// (internal/db/queries/activities.sql), so rows scan into dbq.GetActivityRow.
const (
	activityColumns = `a.company_id, a.id, a.type, a.subject, a.body, a.due_at, a.done_at, a.assignee_id, a.contact_id,
       a.deal_id, a.created_by, a.created_at, a.updated_at,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, c.phone, '')::text AS contact_name,
       coalesce(d.title, '')::text AS deal_title,
       coalesce(u.name, '')::text AS assignee_name`
	activityJoins = `
LEFT JOIN contacts c ON c.company_id = a.company_id AND c.id = a.contact_id
LEFT JOIN deals d ON d.company_id = a.company_id AND d.id = a.deal_id
LEFT JOIN memberships m ON m.company_id = a.company_id AND m.user_id = a.assignee_id
LEFT JOIN users u ON u.id = m.user_id`
)

// The two orders of the list, each matching an index led by company_id:
// due_at sorts soonest first with undated activities last
// (activities_due_order_idx); created_at sorts newest first
// (activities_created_idx, read backwards).
const (
	dueKey        = "coalesce(a.due_at, 'infinity'::timestamptz)"
	SortDueAt     = "due_at"
	SortCreatedAt = "created_at"
)

type listCursor struct {
	S  string    `json:"s"`
	V  string    `json:"v"`
	ID uuid.UUID `json:"id"`
}

// List returns one page of the company's activities.
//
// This is the reviewed filter builder for activities: the SQL text is chosen
// only from constants here, and every value is a bind parameter. Filters that
// need today's bounds (due) read the company's time zone inside the same
// tenant transaction and fill their parameters there.
func (s *Service) List(ctx context.Context, companyID uuid.UUID, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return nil, errs.Field("query.limit", "must be at most 200", f.Limit)
	}
	var fe errs.Fields
	switch f.Type {
	case "", TypeTask, TypeNote, TypeCall, TypeMeeting, TypeSystem:
	default:
		fe.Add("query.type", "must be task, note, call, meeting or system", f.Type)
	}
	switch f.Status {
	case "", "open", "done":
	default:
		fe.Add("query.status", "must be open or done", f.Status)
	}
	switch f.Due {
	case "", "overdue", "today", "upcoming":
	default:
		fe.Add("query.due", "must be overdue, today or upcoming", f.Due)
	}
	if f.Sort == "" {
		f.Sort = SortCreatedAt
		if f.Status == "open" || f.Due != "" {
			f.Sort = SortDueAt
		}
	}
	if f.Sort != SortDueAt && f.Sort != SortCreatedAt {
		fe.Add("query.sort", "must be due_at or created_at", f.Sort)
	}
	var cur *listCursor
	if f.Cursor != "" {
		var c listCursor
		err := cursor.Decode(f.Cursor, &c)
		if err != nil || c.S != f.Sort {
			fe.Add("query.cursor", "is not a cursor from this list", f.Cursor)
		} else if _, err := time.Parse(time.RFC3339Nano, c.V); err != nil && !(f.Sort == SortDueAt && c.V == "infinity") {
			fe.Add("query.cursor", "is not a cursor from this list", f.Cursor)
		} else {
			cur = &c
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}

	sb := db.NewSQL(companyID)
	// An activity of a contact or deal in the trash is in the trash with it
	// (the joins give NULL when there is none).
	sb.WriteString("SELECT " + activityColumns + "\nFROM activities a" + activityJoins + "\nWHERE a.company_id = $1 AND c.deleted_at IS NULL AND d.deleted_at IS NULL")
	if f.Type != "" {
		fmt.Fprintf(sb, " AND a.type = %s", sb.Arg(f.Type))
	}
	if f.AssigneeID != nil {
		fmt.Fprintf(sb, " AND a.assignee_id = %s", sb.Arg(*f.AssigneeID))
	}
	if f.ContactID != nil {
		fmt.Fprintf(sb, " AND a.contact_id = %s", sb.Arg(*f.ContactID))
	}
	if f.DealID != nil {
		fmt.Fprintf(sb, " AND a.deal_id = %s", sb.Arg(*f.DealID))
	}
	const open = " AND a.done_at IS NULL AND a.type IN ('task', 'call', 'meeting')"
	switch f.Status {
	case "open":
		sb.WriteString(open)
	case "done":
		sb.WriteString(" AND a.done_at IS NOT NULL")
	}
	// Today's bounds are filled in inside the transaction.
	startArg, nextArg := -1, -1
	switch f.Due {
	case "overdue":
		sb.WriteString(open)
		fmt.Fprintf(sb, " AND a.due_at < %s", sb.Arg(nil))
		startArg = len(sb.Args) - 1
	case "today":
		fmt.Fprintf(sb, " AND a.due_at >= %s", sb.Arg(nil))
		startArg = len(sb.Args) - 1
		fmt.Fprintf(sb, " AND a.due_at < %s", sb.Arg(nil))
		nextArg = len(sb.Args) - 1
	case "upcoming":
		fmt.Fprintf(sb, " AND a.due_at >= %s", sb.Arg(nil))
		nextArg = len(sb.Args) - 1
	}
	switch f.Sort {
	case SortDueAt:
		if cur != nil {
			fmt.Fprintf(sb, " AND (%s, a.id) > (%s::text::timestamptz, %s)", dueKey, sb.Arg(cur.V), sb.Arg(cur.ID))
		}
		fmt.Fprintf(sb, " ORDER BY %s, a.id LIMIT %s", dueKey, sb.Arg(f.Limit+1))
	default:
		if cur != nil {
			fmt.Fprintf(sb, " AND (a.created_at, a.id) < (%s::text::timestamptz, %s)", sb.Arg(cur.V), sb.Arg(cur.ID))
		}
		fmt.Fprintf(sb, " ORDER BY a.created_at DESC, a.id DESC LIMIT %s", sb.Arg(f.Limit+1))
	}

	page := &Page{Items: []Activity{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if startArg >= 0 || nextArg >= 0 {
			d, err := s.today(ctx, q, companyID, f.Viewer)
			if err != nil {
				return err
			}
			if startArg >= 0 {
				sb.Args[startArg] = d.start
			}
			if nextArg >= 0 {
				sb.Args[nextArg] = d.next
			}
		}
		rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
		if err != nil {
			return fmt.Errorf("list activities: %w", err)
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[dbq.GetActivityRow])
		if err != nil {
			return fmt.Errorf("list activities: %w", err)
		}
		if len(list) > f.Limit {
			last := list[f.Limit-1]
			page.NextCursor = cursor.Encode(listCursor{S: f.Sort, V: sortValue(f.Sort, last), ID: last.ID})
			list = list[:f.Limit]
		}
		for _, r := range list {
			page.Items = append(page.Items, fromRow(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func sortValue(sort string, r dbq.GetActivityRow) string {
	if sort == SortDueAt {
		if r.DueAt == nil {
			return "infinity"
		}
		return r.DueAt.UTC().Format(time.RFC3339Nano)
	}
	return r.CreatedAt.UTC().Format(time.RFC3339Nano)
}
