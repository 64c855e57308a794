package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// CallNote is the call activity that carries a phone call's notes.
type CallNote struct {
	Subject   string
	Body      string
	At        time.Time
	ContactID *uuid.UUID
	UserID    *uuid.UUID
}

// SaveCallNote writes a call's notes as a completed call activity inside the
// caller's tenant transaction (internal/calls keeps the two in step): it
// updates the activity id names, or creates one when id is nil or the
// activity was deleted. It returns the activity's id.
func SaveCallNote(ctx context.Context, q *db.Q, companyID uuid.UUID, id *uuid.UUID, n CallNote) (uuid.UUID, error) {
	if id != nil {
		cur, err := q.LockActivity(ctx, dbq.LockActivityParams{CompanyID: companyID, ID: *id})
		if err == nil {
			err = q.UpdateActivity(ctx, dbq.UpdateActivityParams{CompanyID: companyID, ID: *id, Type: TypeCall, Subject: n.Subject,
				Body: n.Body, DueAt: cur.DueAt, DoneAt: cur.DoneAt, AssigneeID: cur.AssigneeID, ContactID: n.ContactID, DealID: cur.DealID})
			if err != nil {
				return uuid.Nil, fmt.Errorf("update call note %s: %w", *id, err)
			}
			return *id, nil
		}
		if !db.IsNotFound(err) {
			return uuid.Nil, fmt.Errorf("load call note %s: %w", *id, err)
		}
	}
	newID := uuid.Must(uuid.NewV7())
	at := n.At
	err := q.CreateActivity(ctx, dbq.CreateActivityParams{CompanyID: companyID, ID: newID, Type: TypeCall, Subject: n.Subject,
		Body: n.Body, DoneAt: &at, AssigneeID: n.UserID, ContactID: n.ContactID, CreatedBy: n.UserID})
	if err != nil {
		return uuid.Nil, fmt.Errorf("create call note: %w", err)
	}
	return newID, nil
}
