package deals

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// A deleted deal goes to the trash: its row stays, with deleted_at and who
// deleted it, and every other query sees only live deals (the board, lists,
// the dashboard, timelines, exports). Its stage history, activities and
// contact link stay, hidden with it. internal/trash lists the trash,
// restores and purges; these are the deals table's part, each inside the
// caller's tenant transaction.

// TrashTx moves the listed live deals of the company to the trash at time
// at, records each in the audit trail, and returns the ids it moved.
func TrashTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, at time.Time, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := q.TrashDeals(ctx, dbq.TrashDealsParams{CompanyID: companyID, Ids: ids, DeletedAt: at, DeletedBy: by.ID})
	if err != nil {
		return nil, fmt.Errorf("trash deals: %w", err)
	}
	out := make([]uuid.UUID, len(rows))
	events := make([]audit.Event, len(rows))
	for i, r := range rows {
		out[i] = r.ID
		events[i] = audit.Event{Action: audit.DealDeleted, EntityType: "deal", EntityID: r.ID, Detail: map[string]any{"title": r.Title}}
	}
	if err := audit.RecordAtTx(ctx, q, companyID, at, by, events...); err != nil {
		return nil, err
	}
	return out, nil
}

// Trashed is a deal in the trash, locked for a restore or a purge.
type Trashed struct {
	ID        uuid.UUID
	Title     string
	DeletedAt time.Time
	DeletedBy *uuid.UUID
}

// LockTrashedTx locks one trashed deal; a live deal, another company's or
// an unknown id is not found.
func LockTrashedTx(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (*Trashed, error) {
	r, err := q.LockTrashedDeal(ctx, dbq.LockTrashedDealParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("deal not found in the trash")
		}
		return nil, fmt.Errorf("load trashed deal %s: %w", id, err)
	}
	t := &Trashed{ID: r.ID, Title: r.Title, DeletedBy: r.DeletedBy}
	if r.DeletedAt != nil {
		t.DeletedAt = *r.DeletedAt
	}
	return t, nil
}

// RestoreTx brings a trashed deal back where it was (its pipeline, stage
// and contact, if that contact is live), and records it in the audit trail.
func RestoreTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, id uuid.UUID) (*Deal, error) {
	r, err := q.RestoreDeal(ctx, dbq.RestoreDealParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("deal not found in the trash")
		}
		return nil, fmt.Errorf("restore deal %s: %w", id, err)
	}
	if err := audit.RecordTx(ctx, q, companyID, by, audit.Event{Action: audit.DealRestored, EntityType: "deal", EntityID: r.ID,
		Detail: map[string]any{"title": r.Title}}); err != nil {
		return nil, err
	}
	return get(ctx, q, companyID, r.ID)
}

// ExpiredTx returns up to limit trashed deals deleted before the cutoff,
// oldest first.
func ExpiredTx(ctx context.Context, q *db.Q, companyID uuid.UUID, before time.Time, limit int) ([]uuid.UUID, error) {
	ids, err := q.ExpiredDeals(ctx, dbq.ExpiredDealsParams{CompanyID: companyID, Before: before, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("expired deals: %w", err)
	}
	return ids, nil
}

// PurgeTx deletes trashed deals for good, with their stage history and
// activities, and records each in the audit trail with the reason. The
// caller must have detached calls from those activities first. It returns
// the ids purged.
func PurgeTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, reason string, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := q.PurgeDeals(ctx, dbq.PurgeDealsParams{CompanyID: companyID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("purge deals: %w", err)
	}
	out := make([]uuid.UUID, len(rows))
	events := make([]audit.Event, len(rows))
	for i, r := range rows {
		out[i] = r.ID
		events[i] = audit.Event{Action: audit.DealPurged, EntityType: "deal", EntityID: r.ID,
			Detail: map[string]any{"title": r.Title, "reason": reason}}
	}
	if err := audit.RecordTx(ctx, q, companyID, by, events...); err != nil {
		return nil, err
	}
	return out, nil
}

// UnlinkContactsTx clears the contact of every deal (live or trashed) of
// the listed contacts, before those contacts are purged.
func UnlinkContactsTx(ctx context.Context, q *db.Q, companyID uuid.UUID, contactIDs []uuid.UUID) error {
	if err := q.UnlinkContactDeals(ctx, dbq.UnlinkContactDealsParams{CompanyID: companyID, ContactIds: contactIDs}); err != nil {
		return fmt.Errorf("unlink deals from contacts: %w", err)
	}
	return nil
}
