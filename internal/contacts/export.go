package contacts

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// Each streams every contact matching f (Q, Tag, OwnerID, Sort and Desc, as
// in List; Limit and Cursor are ignored) to fn, in the list's order, one row
// at a time: an export of any size holds one contact in memory. A bad filter
// is an Invalid error returned before fn is first called; an error from fn
// stops the stream and is returned.
//
// It uses List's reviewed filter builder.
func (s *Service) Each(ctx context.Context, companyID uuid.UUID, f Filter, fn func(Contact) error) error {
	col, sb, err := f.filterSQL(companyID)
	if err != nil {
		return err
	}
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	fmt.Fprintf(sb, " ORDER BY %s %s, id %s", col, dir, dir)
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
		if err != nil {
			return fmt.Errorf("export contacts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := pgx.RowToStructByPos[dbq.Contact](rows)
			if err != nil {
				return fmt.Errorf("export contacts: %w", err)
			}
			if err := fn(fromRow(r)); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("export contacts: %w", err)
		}
		return nil
	})
}
