// Package audit owns the company's audit trail (audit_events): who did what
// to which record, readable by the company's admins. Other packages record
// an event with RecordTx inside the tenant transaction of the change itself,
// so an event exists exactly when its change committed. (The platform's own
// audit_log, written by internal/auth and the tenancy audit, is separate and
// not readable by companies.)
//
// The trail is append-only: the app role may insert and read audit_events,
// never update or delete them. Actor names are kept as they were, so the
// trail still reads well after a member has left.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
)

// Actions recorded by the trash. Other packages define their own, in the
// same shape: "<entity>.<verb in the past tense>".
const (
	ContactDeleted  = "contact.deleted"  // moved to the trash
	ContactRestored = "contact.restored" // back from the trash
	ContactPurged   = "contact.purged"   // deleted for good (expired, or deleted forever)
	ContactMerged   = "contact.merged"   // merged into another contact and gone
	DealDeleted     = "deal.deleted"
	DealRestored    = "deal.restored"
	DealPurged      = "deal.purged"
)

// MaxDetailBytes bounds an event's JSON detail (the table checks it too).
const MaxDetailBytes = 4096

var (
	actionRE     = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z][a-z_]*)+$`)
	entityTypeRE = regexp.MustCompile(`^[a-z_]*$`)
)

// Actor is who did something: a member (ID and the name they had then), or
// the server itself (no ID, such as the daily purge).
type Actor struct {
	ID   *uuid.UUID
	Name string
}

// By returns the actor of an authenticated request.
func By(p *tenancy.Principal) Actor {
	id := p.UserID
	return Actor{ID: &id, Name: p.Name}
}

// System is the server acting on its own (the daily purge of the trash).
var System = Actor{Name: "System"}

// Event is one thing that happened to one record.
type Event struct {
	Action     string    // such as "contact.deleted"
	EntityType string    // such as "contact"; empty when the event is about no one record
	EntityID   uuid.UUID // uuid.Nil when none
	// Detail is a short JSON object (a name, a reason) that keeps the event
	// readable after the record is gone. Never secrets.
	Detail map[string]any
}

// RecordTx writes events by actor inside the caller's tenant transaction,
// all at once and with one time. An action or entity type not in the
// "<entity>.<verb>" shape, or a detail over MaxDetailBytes, is a programming
// error and fails the transaction.
func RecordTx(ctx context.Context, q *db.Q, companyID uuid.UUID, actor Actor, events ...Event) error {
	return RecordAtTx(ctx, q, companyID, time.Now(), actor, events...)
}

// RecordAtTx is RecordTx at a given time.
func RecordAtTx(ctx context.Context, q *db.Q, companyID uuid.UUID, at time.Time, actor Actor, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	p := dbq.InsertAuditEventsParams{CompanyID: companyID, At: at, ActorID: actor.ID, ActorName: truncate(actor.Name, 200),
		Ids: make([]uuid.UUID, len(events)), Actions: make([]string, len(events)), EntityTypes: make([]string, len(events)),
		EntityIds: make([]uuid.UUID, len(events)), Details: make([]string, len(events))}
	for i, e := range events {
		if !actionRE.MatchString(e.Action) || len(e.Action) > 64 || !entityTypeRE.MatchString(e.EntityType) || len(e.EntityType) > 32 {
			return fmt.Errorf("audit: malformed event %q on %q", e.Action, e.EntityType)
		}
		detail := e.Detail
		if detail == nil {
			detail = map[string]any{}
		}
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit: detail of %s: %w", e.Action, err)
		}
		if len(b) > MaxDetailBytes {
			return fmt.Errorf("audit: detail of %s is %d bytes, over %d", e.Action, len(b), MaxDetailBytes)
		}
		p.Ids[i] = uuid.Must(uuid.NewV7())
		p.Actions[i], p.EntityTypes[i], p.EntityIds[i], p.Details[i] = e.Action, e.EntityType, e.EntityID, string(b)
	}
	if err := q.InsertAuditEvents(ctx, p); err != nil {
		return fmt.Errorf("record audit events: %w", err)
	}
	return nil
}

// Entry is one event as the trail shows it.
type Entry struct {
	ID         uuid.UUID      `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    *uuid.UUID     `json:"actor_id" nullable:"true" doc:"The member who did it; null for the server itself."`
	ActorName  string         `json:"actor_name" doc:"The actor's name at the time."`
	Action     string         `json:"action" doc:"What happened, such as contact.deleted, contact.restored, contact.purged, deal.deleted."`
	EntityType string         `json:"entity_type" doc:"The kind of record, such as contact or deal; empty for none."`
	EntityID   *uuid.UUID     `json:"entity_id" nullable:"true"`
	Detail     map[string]any `json:"detail" doc:"A short description that outlives the record, such as its name."`
}

// Filter selects a page of the trail. Empty fields mean any.
type Filter struct {
	Action     string
	EntityType string
	EntityID   string
	Limit      int
	Cursor     string
}

// Page is one page of the trail, newest first.
type Page struct {
	Items      []Entry `json:"items"`
	NextCursor string  `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

type position struct {
	At time.Time `json:"at"`
	ID uuid.UUID `json:"id"`
}

// Service reads the trail.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// List returns a page of the company's trail, newest first.
//
// This is the reviewed filter builder for the trail: SQL text only from
// constants here, every value a bind parameter. Each combination of filters
// has an index led by company_id that ends in (at DESC, id DESC).
func (s *Service) List(ctx context.Context, companyID uuid.UUID, f Filter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var fe errs.Fields
	if f.Limit > 200 {
		fe.Add("query.limit", "must be at most 200", f.Limit)
	}
	if f.Action != "" && (!actionRE.MatchString(f.Action) || len(f.Action) > 64) {
		fe.Add("query.action", "must be an action such as contact.deleted", f.Action)
	}
	if !entityTypeRE.MatchString(f.EntityType) || len(f.EntityType) > 32 {
		fe.Add("query.entity_type", "must be a record type such as contact", f.EntityType)
	}
	var entityID uuid.UUID
	if f.EntityID != "" {
		id, err := uuid.Parse(f.EntityID)
		switch {
		case err != nil:
			fe.Add("query.entity_id", "must be an id", f.EntityID)
		case f.EntityType == "":
			fe.Add("query.entity_type", "is required with entity_id", f.EntityType)
		}
		entityID = id
	}
	var after *position
	if f.Cursor != "" {
		var c position
		if err := cursor.Decode(f.Cursor, &c); err != nil || c.ID == uuid.Nil || c.At.IsZero() {
			fe.Add("query.cursor", "is not a cursor from this list", f.Cursor)
		} else {
			after = &c
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	sb := db.NewSQL(companyID)
	sb.WriteString("SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, detail FROM audit_events WHERE company_id = $1")
	if f.Action != "" {
		fmt.Fprintf(sb, " AND action = %s", sb.Arg(f.Action))
	}
	if f.EntityType != "" {
		fmt.Fprintf(sb, " AND entity_type = %s", sb.Arg(f.EntityType))
	}
	if f.EntityID != "" {
		fmt.Fprintf(sb, " AND entity_id = %s", sb.Arg(entityID))
	}
	if after != nil {
		fmt.Fprintf(sb, " AND (at, id) < (%s::timestamptz, %s::uuid)", sb.Arg(after.At), sb.Arg(after.ID))
	}
	fmt.Fprintf(sb, " ORDER BY at DESC, id DESC LIMIT %s", sb.Arg(f.Limit+1))

	page := &Page{Items: []Entry{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.Tx.Query(ctx, sb.String(), sb.Args...)
		if err != nil {
			return fmt.Errorf("list audit events: %w", err)
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
			var e Entry
			var detail []byte
			if err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.EntityType, &e.EntityID, &detail); err != nil {
				return e, err
			}
			e.Detail = map[string]any{}
			_ = json.Unmarshal(detail, &e.Detail)
			return e, nil
		})
		if err != nil {
			return fmt.Errorf("list audit events: %w", err)
		}
		if len(list) > f.Limit {
			last := list[f.Limit-1]
			page.NextCursor = cursor.Encode(position{At: last.At, ID: last.ID})
			list = list[:f.Limit]
		}
		page.Items = append(page.Items, list...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
