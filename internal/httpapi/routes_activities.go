package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/errs"
)

type activityOut struct{ Body *activities.Activity }

type listActivitiesInput struct {
	Limit      int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor     string `query:"cursor" maxLength:"500"`
	Type       string `query:"type" enum:"task,note,call,meeting,system"`
	AssigneeID string `query:"assignee_id" maxLength:"64" doc:"A user id, or \"me\" for the caller."`
	ContactID  string `query:"contact_id" maxLength:"64"`
	DealID     string `query:"deal_id" maxLength:"64"`
	Status     string `query:"status" enum:"open,done" doc:"open: tasks, calls and meetings not done yet (notes and system entries are never open); done: completed ones."`
	Due        string `query:"due" enum:"overdue,today,upcoming" doc:"In the company's time zone. overdue: open and due before today; today: due today; upcoming: due tomorrow or later."`
	Sort       string `query:"sort" enum:"due_at,created_at" doc:"due_at: soonest first, undated last; created_at: newest first. Default: due_at when status=open or due is set, created_at otherwise."`
}

type timelineInput struct {
	ID     string `path:"id" maxLength:"64"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor string `query:"cursor" maxLength:"500"`
}

// queryID parses an optional id from the query string; malformed is a 422
// (a filter, unlike a path, does not name a resource).
func queryID(field, v string) (*uuid.UUID, error) {
	if v == "" {
		return nil, nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return nil, errs.Field(field, "must be an id", v)
	}
	return &id, nil
}

func (s *Server) registerActivities() {
	a := s.deps.Activities
	tags := []string{"Activities"}
	register(s, huma.Operation{OperationID: "listActivities", Method: http.MethodGet, Path: "/api/activities", Tags: tags,
		Summary: "List activities", Description: "Cursor-paginated; filter by type, assignee, contact, deal, status and due date.",
		Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *listActivitiesInput) (*struct{ Body *activities.Page }, error) {
			p := principal(ctx)
			f := activities.Filter{Type: in.Type, Status: in.Status, Due: in.Due, Sort: in.Sort, Limit: in.Limit, Cursor: in.Cursor, Viewer: p.UserID}
			var err error
			if in.AssigneeID == "me" {
				f.AssigneeID = &p.UserID
			} else if f.AssigneeID, err = queryID("query.assignee_id", in.AssigneeID); err != nil {
				return nil, err
			}
			if f.ContactID, err = queryID("query.contact_id", in.ContactID); err != nil {
				return nil, err
			}
			if f.DealID, err = queryID("query.deal_id", in.DealID); err != nil {
				return nil, err
			}
			page, err := a.List(ctx, p.CompanyID, f)
			return &struct{ Body *activities.Page }{page}, err
		})
	register(s, huma.Operation{OperationID: "createActivity", Method: http.MethodPost, Path: "/api/activities", Tags: tags,
		Summary: "Create an activity", Description: "A task, note, call or meeting. A task without assignee_id is assigned to the caller.",
		DefaultStatus: http.StatusCreated, Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct{ Body activities.Input }) (*activityOut, error) {
			p := principal(ctx)
			out, err := a.Create(ctx, p.CompanyID, p.UserID, in.Body)
			return &activityOut{out}, err
		})
	register(s, huma.Operation{OperationID: "getMyTasks", Method: http.MethodGet, Path: "/api/activities/my-tasks", Tags: tags,
		Summary: "The caller's open tasks", Description: "Open tasks assigned to the caller: overdue, due today, upcoming and without a due time, " +
			"by the company's time zone; at most 100 in each bucket."}, Member, true,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *activities.MyTasks }, error) {
			p := principal(ctx)
			out, err := a.MyTasks(ctx, p.CompanyID, p.UserID)
			return &struct{ Body *activities.MyTasks }{out}, err
		})
	register(s, huma.Operation{OperationID: "getActivity", Method: http.MethodGet, Path: "/api/activities/{id}", Tags: tags,
		Summary: "Get an activity", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*activityOut, error) {
			id, err := parseID(in.ID, "activity")
			if err != nil {
				return nil, err
			}
			out, err := a.Get(ctx, principal(ctx).CompanyID, id)
			return &activityOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updateActivity", Method: http.MethodPatch, Path: "/api/activities/{id}", Tags: tags,
		Summary: "Change an activity", Description: "Absent fields stay; an empty string clears due_at, assignee_id, contact_id or deal_id. " +
			"System entries cannot be changed (409).",
		Errors: []int{404, 409, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body activities.Patch
		}) (*activityOut, error) {
			id, err := parseID(in.ID, "activity")
			if err != nil {
				return nil, err
			}
			out, err := a.Update(ctx, principal(ctx).CompanyID, id, in.Body)
			return &activityOut{out}, err
		})
	register(s, huma.Operation{OperationID: "deleteActivity", Method: http.MethodDelete, Path: "/api/activities/{id}", Tags: tags,
		Summary: "Delete an activity", DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "activity")
			if err != nil {
				return nil, err
			}
			return &noContent{}, a.Delete(ctx, principal(ctx).CompanyID, id)
		})
	register(s, huma.Operation{OperationID: "completeActivity", Method: http.MethodPost, Path: "/api/activities/{id}/complete", Tags: tags,
		Summary: "Complete a task, call or meeting", Description: "Sets done_at to now; completing a done activity keeps its done_at. " +
			"Notes and system entries cannot be completed (409).",
		Errors: []int{404, 409}}, Member, true,
		func(ctx context.Context, in *idPath) (*activityOut, error) {
			id, err := parseID(in.ID, "activity")
			if err != nil {
				return nil, err
			}
			out, err := a.Complete(ctx, principal(ctx).CompanyID, id)
			return &activityOut{out}, err
		})
	register(s, huma.Operation{OperationID: "reopenActivity", Method: http.MethodPost, Path: "/api/activities/{id}/reopen", Tags: tags,
		Summary: "Reopen a task, call or meeting", Description: "Clears done_at; reopening an open activity changes nothing. " +
			"Notes and system entries cannot be reopened (409).",
		Errors: []int{404, 409}}, Member, true,
		func(ctx context.Context, in *idPath) (*activityOut, error) {
			id, err := parseID(in.ID, "activity")
			if err != nil {
				return nil, err
			}
			out, err := a.Reopen(ctx, principal(ctx).CompanyID, id)
			return &activityOut{out}, err
		})

	tl := []string{"Timelines"}
	register(s, huma.Operation{OperationID: "getContactTimeline", Method: http.MethodGet, Path: "/api/contacts/{id}/timeline", Tags: tl,
		Summary: "A contact's timeline", Description: "Newest first: the contact's activities, the activities of its deals, " +
			"and its deals' stage changes. More kinds of entries will be added; skip kinds you do not know.",
		Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *timelineInput) (*struct{ Body *activities.Timeline }, error) {
			id, err := parseID(in.ID, "contact")
			if err != nil {
				return nil, err
			}
			out, err := a.ContactTimeline(ctx, principal(ctx).CompanyID, id, in.Limit, in.Cursor)
			return &struct{ Body *activities.Timeline }{out}, err
		})
	register(s, huma.Operation{OperationID: "getDealTimeline", Method: http.MethodGet, Path: "/api/deals/{id}/timeline", Tags: tl,
		Summary: "A deal's timeline", Description: "Newest first: the deal's activities and its stage changes. " +
			"More kinds of entries will be added; skip kinds you do not know.",
		Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *timelineInput) (*struct{ Body *activities.Timeline }, error) {
			id, err := parseID(in.ID, "deal")
			if err != nil {
				return nil, err
			}
			out, err := a.DealTimeline(ctx, principal(ctx).CompanyID, id, in.Limit, in.Cursor)
			return &struct{ Body *activities.Timeline }{out}, err
		})
}
