package db

import (
	"context"

	"github.com/google/uuid"
)

// Pages reads a keyset-paginated result one page at a time, each page in its
// own short tenant transaction, and hands each page to emit after that
// transaction has ended: no transaction and no pooled connection is held
// while emit writes to a client, however slowly the client reads (DESIGN.md
// §3.10). read gets the cursor of the page to read ("" for the first) and
// returns the page and the next page's cursor ("" after the last page); the
// cursor keeps the list's filters' order stable across transactions.
//
// The result is not one snapshot: a row written or moved between two pages
// may be missed or seen twice, as when paging through a list by hand.
// An error from read before the first page (a bad filter) is returned before
// emit is ever called.
func Pages[T any](ctx context.Context, d *DB, companyID uuid.UUID,
	read func(ctx context.Context, q *Q, cursor string) (page []T, next string, err error),
	emit func(page []T) error) error {
	cursor := ""
	for {
		var page []T
		var next string
		err := d.InTenant(ctx, companyID, func(q *Q) error {
			var err error
			page, next, err = read(ctx, q, cursor)
			return err
		})
		if err != nil {
			return err
		}
		if err := emit(page); err != nil {
			return err
		}
		if next == "" || next == cursor {
			return nil
		}
		cursor = next
	}
}
