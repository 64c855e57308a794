// Package activities owns tasks, notes, logged calls and meetings, and the
// timelines of contacts and deals.
package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/zone"
)

// Service manages activities. Every method takes the company first and works
// inside that company's tenant transaction.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d, now: time.Now} }

// Create stores a new activity made by the member caller (its created_by,
// and the default assignee of a task). With Done it is stored already
// completed, in the same transaction: a call logged after it happened never
// shows as open work. A contact, deal or assignee that is not the company's
// is a field error and nothing is written.
func (s *Service) Create(ctx context.Context, companyID, caller uuid.UUID, in Input) (*Activity, error) {
	f, err := in.validate(caller)
	if err != nil {
		return nil, err
	}
	var createdBy *uuid.UUID
	if caller != uuid.Nil {
		createdBy = &caller
	}
	var out Activity
	err = s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if err := checkLinks(ctx, q, companyID, f); err != nil {
			return err
		}
		id := uuid.Must(uuid.NewV7())
		err := q.CreateActivity(ctx, dbq.CreateActivityParams{CompanyID: companyID, ID: id, Type: f.typ,
			Subject: f.subject, Body: f.body, DueAt: f.dueAt, AssigneeID: f.assigneeID, ContactID: f.contactID,
			DealID: f.dealID, CreatedBy: createdBy})
		if err != nil {
			return translate(err, f)
		}
		if f.done {
			if err := q.CompleteActivity(ctx, dbq.CompleteActivityParams{CompanyID: companyID, ID: id}); err != nil {
				return fmt.Errorf("complete new activity %s: %w", id, err)
			}
		}
		out, err = get(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns one activity; another company's id is not found.
func (s *Service) Get(ctx context.Context, companyID, id uuid.UUID) (*Activity, error) {
	var out Activity
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) (err error) {
		out, err = get(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Update applies a patch. System entries cannot be changed (Conflict).
func (s *Service) Update(ctx context.Context, companyID, id uuid.UUID, p Patch) (*Activity, error) {
	var out Activity
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		cur, err := lock(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		if cur.Type == TypeSystem {
			return errs.E(errs.Conflict, "system entries cannot be changed")
		}
		f, err := p.apply(fromRow(dbq.GetActivityRow{ID: cur.ID, Type: cur.Type, Subject: cur.Subject, Body: cur.Body,
			DueAt: cur.DueAt, AssigneeID: cur.AssigneeID, ContactID: cur.ContactID, DealID: cur.DealID})).validate(uuid.Nil)
		if err != nil {
			return err
		}
		if err := checkLinks(ctx, q, companyID, f); err != nil {
			return err
		}
		doneAt := cur.DoneAt
		if !doable(f.typ) {
			doneAt = nil
		}
		err = q.UpdateActivity(ctx, dbq.UpdateActivityParams{CompanyID: companyID, ID: id, Type: f.typ,
			Subject: f.subject, Body: f.body, DueAt: f.dueAt, DoneAt: doneAt, AssigneeID: f.assigneeID,
			ContactID: f.contactID, DealID: f.dealID})
		if err != nil {
			return translate(err, f)
		}
		out, err = get(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes an activity.
func (s *Service) Delete(ctx context.Context, companyID, id uuid.UUID) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		n, err := q.DeleteActivity(ctx, dbq.DeleteActivityParams{CompanyID: companyID, ID: id})
		if err != nil {
			return fmt.Errorf("delete activity %s: %w", id, err)
		}
		if n == 0 {
			return errs.NotFoundf("activity not found")
		}
		return nil
	})
}

// Complete marks a task, call or meeting done now; completing a done one
// keeps its done time. Notes and system entries are never done (Conflict).
func (s *Service) Complete(ctx context.Context, companyID, id uuid.UUID) (*Activity, error) {
	return s.setDone(ctx, companyID, id, true)
}

// Reopen marks a task, call or meeting not done; reopening an open one
// changes nothing. Notes and system entries cannot be reopened (Conflict).
func (s *Service) Reopen(ctx context.Context, companyID, id uuid.UUID) (*Activity, error) {
	return s.setDone(ctx, companyID, id, false)
}

func (s *Service) setDone(ctx context.Context, companyID, id uuid.UUID, done bool) (*Activity, error) {
	var out Activity
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		cur, err := lock(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		if !doable(cur.Type) {
			return errs.E(errs.Conflict, "only tasks, calls and meetings can be completed or reopened, not a %s", cur.Type)
		}
		if done {
			err = q.CompleteActivity(ctx, dbq.CompleteActivityParams{CompanyID: companyID, ID: id})
		} else {
			err = q.ReopenActivity(ctx, dbq.ReopenActivityParams{CompanyID: companyID, ID: id})
		}
		if err != nil {
			return fmt.Errorf("set activity %s done=%v: %w", id, done, err)
		}
		out, err = get(ctx, q, companyID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// MyTasks returns the open tasks assigned to user, by when they are due in
// the company's time zone.
func (s *Service) MyTasks(ctx context.Context, companyID, user uuid.UUID) (*MyTasks, error) {
	out := &MyTasks{Overdue: []Activity{}, Today: []Activity{}, Upcoming: []Activity{}, NoDueDate: []Activity{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		d, err := s.today(ctx, q, companyID, user)
		if err != nil {
			return err
		}
		out.Timezone, out.Date = d.loc.String(), d.start.Format(time.DateOnly)
		rows, err := q.MyOpenTasks(ctx, dbq.MyOpenTasksParams{CompanyID: companyID, UserID: user,
			TodayStart: d.start, TomorrowStart: d.next})
		if err != nil {
			return fmt.Errorf("my tasks: %w", err)
		}
		for _, r := range rows {
			a := fromRow(dbq.GetActivityRow{CompanyID: r.CompanyID, ID: r.ID, Type: r.Type, Subject: r.Subject,
				Body: r.Body, DueAt: r.DueAt, DoneAt: r.DoneAt, AssigneeID: r.AssigneeID, ContactID: r.ContactID,
				DealID: r.DealID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
				ContactName: r.ContactName, DealTitle: r.DealTitle, AssigneeName: r.AssigneeName})
			switch r.Bucket {
			case "overdue":
				out.Overdue = append(out.Overdue, a)
			case "today":
				out.Today = append(out.Today, a)
			case "upcoming":
				out.Upcoming = append(out.Upcoming, a)
			case "no_due_date":
				out.NoDueDate = append(out.NoDueDate, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// day is today in a person's time zone: [start, next).
type day struct {
	loc         *time.Location
	start, next time.Time
}

// today reads the person's time zone (their own, or the company's) in the
// tenant transaction and returns today's bounds there.
func (s *Service) today(ctx context.Context, q *db.Q, companyID, userID uuid.UUID) (day, error) {
	loc, start, next, err := TodayTx(ctx, q, companyID, userID, s.now())
	return day{loc: loc, start: start, next: next}, err
}

// TodayTx returns the bounds of the day holding now in userID's time zone
// (their own, or else the company's), inside the caller's tenant
// transaction. A zone this server cannot load counts as UTC.
func TodayTx(ctx context.Context, q *db.Q, companyID, userID uuid.UUID, now time.Time) (loc *time.Location, start, next time.Time, err error) {
	tz, err := q.ActivityTimezone(ctx, dbq.ActivityTimezoneParams{CompanyID: companyID, UserID: userID})
	if err != nil {
		return nil, time.Time{}, time.Time{}, fmt.Errorf("time zone of %s: %w", userID, err)
	}
	loc = zone.Location(tz)
	n := now.In(loc)
	return loc, time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc), time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, loc), nil
}

// get loads one activity with its names.
func get(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (Activity, error) {
	r, err := q.GetActivity(ctx, dbq.GetActivityParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return Activity{}, errs.NotFoundf("activity not found")
		}
		return Activity{}, fmt.Errorf("load activity %s: %w", id, err)
	}
	return fromRow(r), nil
}

// lock loads the bare row for update. An activity of a contact or deal in
// the trash is not found, as GetActivity would say.
func lock(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (dbq.Activity, error) {
	r, err := q.LockActivity(ctx, dbq.LockActivityParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return r, errs.NotFoundf("activity not found")
		}
		return r, fmt.Errorf("lock activity %s: %w", id, err)
	}
	if _, err := get(ctx, q, companyID, id); err != nil {
		return r, err
	}
	return r, nil
}

// checkLinks refuses a contact or deal that is not live in the company: the
// foreign keys refuse another company's, but a trashed one exists.
func checkLinks(ctx context.Context, q *db.Q, companyID uuid.UUID, f fields) error {
	if f.contactID != nil {
		ok, err := q.TimelineContactExists(ctx, dbq.TimelineContactExistsParams{CompanyID: companyID, ID: *f.contactID})
		if err != nil {
			return fmt.Errorf("check contact: %w", err)
		}
		if !ok {
			return errs.Field("body.contact_id", "is not a contact of this company", f.contactRaw)
		}
	}
	if f.dealID != nil {
		ok, err := q.TimelineDealExists(ctx, dbq.TimelineDealExistsParams{CompanyID: companyID, ID: *f.dealID})
		if err != nil {
			return fmt.Errorf("check deal: %w", err)
		}
		if !ok {
			return errs.Field("body.deal_id", "is not a deal of this company", f.dealRaw)
		}
	}
	return nil
}

// translate turns constraint violations into field errors. The composite
// foreign keys are what make another company's contact, deal or member
// unreferenceable; here they become the same 422 as an id that does not exist.
func translate(err error, f fields) error {
	class, constraint, ok := db.ConstraintViolation(err)
	if ok && class == "foreign_key" {
		switch constraint {
		case "activities_company_id_assignee_id_fkey":
			return errs.Field("body.assignee_id", "is not a member of this company", f.assigneeRaw)
		case "activities_company_id_contact_id_fkey":
			return errs.Field("body.contact_id", "is not a contact of this company", f.contactRaw)
		case "activities_company_id_deal_id_fkey":
			return errs.Field("body.deal_id", "is not a deal of this company", f.dealRaw)
		}
	}
	return fmt.Errorf("store activity: %w", err)
}
