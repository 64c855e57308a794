package contacts

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

// A deleted contact goes to the trash: its row stays, with deleted_at and
// who deleted it, and every other query of the application sees only live
// contacts. Its activities, texts, calls, deals and their links stay as they
// are, hidden with it, so a restore brings everything back. internal/trash
// lists the trash, restores and purges; the functions here are the contacts
// table's part of that, each inside the caller's tenant transaction.

// TrashTx moves the listed live contacts of the company to the trash at
// time at, records each in the audit trail, and returns those it moved (ids
// that are not live contacts of the company are skipped).
func TrashTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, at time.Time, ids []uuid.UUID) ([]Contact, error) {
	rows, err := q.TrashContacts(ctx, dbq.TrashContactsParams{CompanyID: companyID, Ids: ids, DeletedAt: at, DeletedBy: by.ID})
	if err != nil {
		return nil, fmt.Errorf("trash contacts: %w", err)
	}
	out := make([]Contact, len(rows))
	events := make([]audit.Event, len(rows))
	for i, r := range rows {
		out[i] = fromRow(r)
		events[i] = audit.Event{Action: audit.ContactDeleted, EntityType: "contact", EntityID: r.ID,
			Detail: map[string]any{"name": displayName(out[i])}}
	}
	if err := audit.RecordAtTx(ctx, q, companyID, at, by, events...); err != nil {
		return nil, err
	}
	return out, nil
}

// Trashed is a contact in the trash, locked for a restore or a purge.
type Trashed struct {
	Contact
	DeletedAt time.Time
	DeletedBy *uuid.UUID
}

// LockTrashedTx locks one trashed contact; a live contact, another
// company's or an unknown id is not found.
func LockTrashedTx(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (*Trashed, error) {
	r, err := q.LockTrashedContact(ctx, dbq.LockTrashedContactParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("contact not found in the trash")
		}
		return nil, fmt.Errorf("load trashed contact %s: %w", id, err)
	}
	t := &Trashed{Contact: fromRow(r), DeletedBy: r.DeletedBy}
	if r.DeletedAt != nil {
		t.DeletedAt = *r.DeletedAt
	}
	return t, nil
}

// RestoreTx brings a trashed contact back, records it in the audit trail,
// and gives it the texts and calls its number had meanwhile (while it was in
// the trash they went to the number, as a stranger's would). When a live
// contact has taken its email since, it is a Conflict and nothing changes.
func RestoreTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, id uuid.UUID) (*Contact, error) {
	r, err := q.RestoreContact(ctx, dbq.RestoreContactParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("contact not found in the trash")
		}
		if class, _, ok := db.ConstraintViolation(err); ok && class == "unique" {
			return nil, errs.E(errs.Conflict, "another contact has this contact's email now; change or delete that contact first")
		}
		return nil, fmt.Errorf("restore contact %s: %w", id, err)
	}
	c := fromRow(r)
	if err := restoreConversations(ctx, q, companyID, c); err != nil {
		return nil, err
	}
	if err := audit.RecordTx(ctx, q, companyID, by, audit.Event{Action: audit.ContactRestored, EntityType: "contact", EntityID: c.ID,
		Detail: map[string]any{"name": displayName(c)}}); err != nil {
		return nil, err
	}
	return &c, nil
}

// ExpiredTx returns up to limit trashed contacts deleted before the cutoff,
// oldest first.
func ExpiredTx(ctx context.Context, q *db.Q, companyID uuid.UUID, before time.Time, limit int) ([]uuid.UUID, error) {
	ids, err := q.ExpiredContacts(ctx, dbq.ExpiredContactsParams{CompanyID: companyID, Before: before, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("expired contacts: %w", err)
	}
	return ids, nil
}

// PurgeTx deletes trashed contacts for good and records each in the audit
// trail with the reason ("expired" or "deleted_forever"). Their activities,
// search terms and duplicate dismissals go with them; the caller must have
// detached their texts, calls, consent records and deals first (otherwise
// the texts would go too: sms_messages cascade). It returns the ids purged.
func PurgeTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, reason string, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := q.PurgeContacts(ctx, dbq.PurgeContactsParams{CompanyID: companyID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("purge contacts: %w", err)
	}
	out := make([]uuid.UUID, len(rows))
	events := make([]audit.Event, len(rows))
	for i, r := range rows {
		out[i] = r.ID
		name := displayName(Contact{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone})
		events[i] = audit.Event{Action: audit.ContactPurged, EntityType: "contact", EntityID: r.ID,
			Detail: map[string]any{"name": name, "reason": reason}}
	}
	if err := audit.RecordTx(ctx, q, companyID, by, events...); err != nil {
		return nil, err
	}
	return out, nil
}

// DisplayName is how a contact is named in lists and the audit trail: its
// name, else its email, else its phone.
func DisplayName(c Contact) string { return displayName(c) }
