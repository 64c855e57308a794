// Package trash keeps deleted contacts and deals for 30 days.
//
// Deleting a contact or a deal (internal/contacts, internal/deals) only
// marks it: deleted_at and who did it. Every other query of the application
// reads live rows only, so a trashed record vanishes from lists, search, the
// board, the dashboard, duplicates, timelines, exports, imports' matching and
// the conversations' contact lookups, while its activities, texts, calls,
// deal links and stage history stay in place, hidden with it.
//
// This package is the trash itself: admins list it and delete forever; a
// restore brings a record back with everything attached (admins restore
// anything, a member what they deleted themselves, which is what the web
// app's Undo does). A daily River job purges what was deleted more than
// Retention ago, per company and in bounded batches, each batch its own
// tenant transaction. A purge never deletes texts or calls: they stay,
// detached from the contact, under the phone number (docs/decisions.md).
// Every delete, restore and purge is in the company's audit trail.
package trash

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/calls"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/jobs"
	"github.com/salescrm/crm/internal/sms"
)

// Retention is how long a deleted record stays in the trash.
const Retention = 30 * 24 * time.Hour

// BatchSize bounds the records one purge transaction deletes.
const BatchSize = 500

// The kinds of record in the trash.
const (
	TypeContact = "contact"
	TypeDeal    = "deal"
)

// Why a record was purged, as the audit trail says.
const (
	ReasonExpired         = "expired"
	ReasonDeletedForever  = "deleted_forever"
	ReasonPipelineDeleted = "pipeline_deleted"
)

// Item is one record in the trash.
type Item struct {
	Type          string     `json:"type" enum:"contact,deal"`
	ID            uuid.UUID  `json:"id"`
	Name          string     `json:"name" doc:"A contact's name (else email or phone), or a deal's title."`
	Description   string     `json:"description" doc:"A contact's email and company, or a deal's value and currency."`
	Value         string     `json:"value,omitempty" doc:"A deal's value, exact decimal money such as 1250.00."`
	Currency      string     `json:"currency,omitempty" doc:"A deal's currency (ISO 4217)."`
	DeletedAt     time.Time  `json:"deleted_at"`
	DeletedBy     *uuid.UUID `json:"deleted_by" nullable:"true"`
	DeletedByName string     `json:"deleted_by_name" doc:"Empty when that member has left the company."`
	PurgeAt       time.Time  `json:"purge_at" doc:"When it is deleted for good."`
}

// Page is one page of the trash, most recently deleted first.
type Page struct {
	Items      []Item `json:"items"`
	NextCursor string `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// Restored names what a restore brought back.
type Restored struct {
	Type string    `json:"type" enum:"contact,deal"`
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// Service is the trash.
type Service struct {
	db   *db.DB
	jobs *jobs.Client
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// SetJobs gives the service the jobs client, made after the workers.
func (s *Service) SetJobs(c *jobs.Client) { s.jobs = c }

type position struct {
	At time.Time `json:"at"`
	ID uuid.UUID `json:"id"`
}

func checkType(typ, field string) error {
	if typ != TypeContact && typ != TypeDeal {
		return errs.Field(field, "must be contact or deal", typ)
	}
	return nil
}

// List returns a page of the company's trash of one type, most recently
// deleted first.
func (s *Service) List(ctx context.Context, companyID uuid.UUID, typ string, limit int, after string) (*Page, error) {
	if err := checkType(typ, "query.type"); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 50
	}
	if limit > 200 {
		return nil, errs.Field("query.limit", "must be at most 200", limit)
	}
	var before *position
	if after != "" {
		var c position
		if err := cursor.Decode(after, &c); err != nil || c.ID == uuid.Nil || c.At.IsZero() {
			return nil, errs.Field("query.cursor", "is not a cursor from this list", after)
		}
		before = &c
	}
	page := &Page{Items: []Item{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var items []Item
		if typ == TypeContact {
			p := dbq.ListTrashedContactsParams{CompanyID: companyID, Lim: int32(limit + 1)}
			if before != nil {
				p.BeforeAt, p.BeforeID = &before.At, &before.ID
			}
			rows, err := q.ListTrashedContacts(ctx, p)
			if err != nil {
				return fmt.Errorf("list trashed contacts: %w", err)
			}
			for _, r := range rows {
				c := contacts.Contact{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone}
				desc := r.CompanyName
				if r.Email != nil && *r.Email != "" {
					desc = join(*r.Email, r.CompanyName)
				}
				items = append(items, Item{Type: TypeContact, ID: r.ID, Name: contacts.DisplayName(c), Description: desc,
					DeletedAt: r.DeletedAt, DeletedBy: r.DeletedBy, DeletedByName: r.DeletedByName, PurgeAt: r.DeletedAt.Add(Retention)})
			}
		} else {
			p := dbq.ListTrashedDealsParams{CompanyID: companyID, Lim: int32(limit + 1)}
			if before != nil {
				p.BeforeAt, p.BeforeID = &before.At, &before.ID
			}
			rows, err := q.ListTrashedDeals(ctx, p)
			if err != nil {
				return fmt.Errorf("list trashed deals: %w", err)
			}
			for _, r := range rows {
				items = append(items, Item{Type: TypeDeal, ID: r.ID, Name: r.Title, Description: r.Value.StringFixed(2) + " " + r.Currency,
					Value: r.Value.StringFixed(2), Currency: r.Currency,
					DeletedAt: r.DeletedAt, DeletedBy: r.DeletedBy, DeletedByName: r.DeletedByName, PurgeAt: r.DeletedAt.Add(Retention)})
			}
		}
		if len(items) > limit {
			last := items[limit-1]
			page.NextCursor = cursor.Encode(position{At: last.DeletedAt, ID: last.ID})
			items = items[:limit]
		}
		page.Items = append(page.Items, items...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + " · " + b
}

// Restore brings a record back from the trash with everything attached.
// An admin (admin true) restores anything; a member only what they deleted
// themselves (Forbidden otherwise). An id that is not in the company's trash
// is not found; a contact whose email a live contact has taken since is a
// Conflict.
func (s *Service) Restore(ctx context.Context, companyID uuid.UUID, by audit.Actor, admin bool, typ string, id uuid.UUID) (*Restored, error) {
	if err := checkType(typ, "path.type"); err != nil {
		return nil, err
	}
	mayRestore := func(deletedBy *uuid.UUID) error {
		if admin || (by.ID != nil && deletedBy != nil && *deletedBy == *by.ID) {
			return nil
		}
		return errs.E(errs.Forbidden, "only admins and owners restore what someone else deleted")
	}
	var out Restored
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if typ == TypeContact {
			t, err := contacts.LockTrashedTx(ctx, q, companyID, id)
			if err != nil {
				return err
			}
			if err := mayRestore(t.DeletedBy); err != nil {
				return err
			}
			c, err := contacts.RestoreTx(ctx, q, companyID, by, id)
			if err != nil {
				return err
			}
			out = Restored{Type: TypeContact, ID: c.ID, Name: contacts.DisplayName(*c)}
			return nil
		}
		t, err := deals.LockTrashedTx(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		if err := mayRestore(t.DeletedBy); err != nil {
			return err
		}
		d, err := deals.RestoreTx(ctx, q, companyID, by, id)
		if err != nil {
			return err
		}
		out = Restored{Type: TypeDeal, ID: d.ID, Name: d.Title}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Purge deletes one record in the trash for good, now ("delete forever";
// the API lets only admins). Texts and calls of a contact stay, detached. An
// id that is not in the company's trash is not found.
func (s *Service) Purge(ctx context.Context, companyID uuid.UUID, by audit.Actor, typ string, id uuid.UUID) error {
	if err := checkType(typ, "path.type"); err != nil {
		return err
	}
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		if typ == TypeContact {
			if _, err = contacts.LockTrashedTx(ctx, q, companyID, id); err == nil {
				_, err = purgeContactsTx(ctx, q, companyID, by, ReasonDeletedForever, []uuid.UUID{id})
			}
		} else {
			if _, err = deals.LockTrashedTx(ctx, q, companyID, id); err == nil {
				_, err = purgeDealsTx(ctx, q, companyID, by, ReasonDeletedForever, []uuid.UUID{id})
			}
		}
		return err
	})
}

// purgeContactsTx deletes trashed contacts for good. Their texts, consent
// records and calls are detached first and stay (each thread falls back to
// its number), and so are their deals (which lose the contact); their
// activities go with them.
func purgeContactsTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, reason string, ids []uuid.UUID) (int, error) {
	if err := sms.DetachContactsTx(ctx, q, companyID, ids); err != nil {
		return 0, err
	}
	if err := calls.DetachTx(ctx, q, companyID, ids, nil); err != nil {
		return 0, err
	}
	if err := deals.UnlinkContactsTx(ctx, q, companyID, ids); err != nil {
		return 0, err
	}
	got, err := contacts.PurgeTx(ctx, q, companyID, by, reason, ids)
	return len(got), err
}

// purgeDealsTx deletes trashed deals for good, with their stage history
// and activities; calls keep their notes without the activity.
func purgeDealsTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, reason string, ids []uuid.UUID) (int, error) {
	if err := calls.DetachTx(ctx, q, companyID, nil, ids); err != nil {
		return 0, err
	}
	got, err := deals.PurgeTx(ctx, q, companyID, by, reason, ids)
	return len(got), err
}

// PurgeDealsTx deletes trashed deals for good inside the caller's tenant
// transaction, for a reason such as ReasonPipelineDeleted (a deal cannot be
// restored into a pipeline that is gone). Ids not in the trash are skipped.
func PurgeDealsTx(ctx context.Context, q *db.Q, companyID uuid.UUID, by audit.Actor, reason string, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := purgeDealsTx(ctx, q, companyID, by, reason, ids)
	return err
}
