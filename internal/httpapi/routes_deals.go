package httpapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/deals"
)

type dealOut struct{ Body *deals.Deal }

type listDealsInput struct {
	Limit      int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor     string `query:"cursor" maxLength:"500"`
	Q          string `query:"q" maxLength:"200" doc:"Searches the title."`
	PipelineID string `query:"pipeline_id"`
	StageID    string `query:"stage_id"`
	OwnerID    string `query:"owner_id"`
	ContactID  string `query:"contact_id"`
	Status     string `query:"status" enum:"open,won,lost"`
	MinValue   string `query:"min_value" maxLength:"20"`
	MaxValue   string `query:"max_value" maxLength:"20"`
	CloseFrom  string `query:"close_from" doc:"Expected close date from, YYYY-MM-DD."`
	CloseTo    string `query:"close_to" doc:"Expected close date to, YYYY-MM-DD."`
	Sort       string `query:"sort" enum:"created_at,updated_at,value" default:"created_at"`
	Order      string `query:"order" enum:"asc,desc" default:"desc"`
}

func (in *listDealsInput) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"cursor": in.Cursor, "q": in.Q, "pipeline_id": in.PipelineID, "stage_id": in.StageID,
		"owner_id": in.OwnerID, "contact_id": in.ContactID, "status": in.Status, "min_value": in.MinValue, "max_value": in.MaxValue,
		"close_from": in.CloseFrom, "close_to": in.CloseTo, "sort": in.Sort, "order": in.Order} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (s *Server) registerDeals() {
	d := s.deps.Deals
	tags := []string{"Deals"}
	register(s, huma.Operation{OperationID: "listDeals", Method: http.MethodGet, Path: "/api/deals", Tags: tags,
		Summary: "List deals", Description: "Filter by pipeline, stage, owner, contact, status, value and expected close date; search the title.",
		Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *listDealsInput) (*struct{ Body *deals.Page }, error) {
			f, err := deals.ParseFilter(in.values().Get)
			if err != nil {
				return nil, err
			}
			f.Limit = in.Limit
			page, err := d.List(ctx, principal(ctx).CompanyID, f)
			return &struct{ Body *deals.Page }{page}, err
		})
	register(s, huma.Operation{OperationID: "createDeal", Method: http.MethodPost, Path: "/api/deals", Tags: tags,
		Summary: "Create a deal", DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Member, true,
		func(ctx context.Context, in *struct{ Body deals.Input }) (*dealOut, error) {
			p := principal(ctx)
			out, err := d.Create(ctx, p.CompanyID, p.UserID, in.Body)
			return &dealOut{out}, err
		})
	register(s, huma.Operation{OperationID: "getDeal", Method: http.MethodGet, Path: "/api/deals/{id}", Tags: tags,
		Summary: "Get a deal", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*dealOut, error) {
			id, err := parseID(in.ID, "deal")
			if err != nil {
				return nil, err
			}
			out, err := d.Get(ctx, principal(ctx).CompanyID, id)
			return &dealOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updateDeal", Method: http.MethodPatch, Path: "/api/deals/{id}", Tags: tags,
		Summary: "Change a deal", Description: "Absent fields stay; an empty string clears contact, owner or expected close date. Use move to change the stage.",
		Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body deals.Patch
		}) (*dealOut, error) {
			id, err := parseID(in.ID, "deal")
			if err != nil {
				return nil, err
			}
			out, err := d.Update(ctx, principal(ctx).CompanyID, id, in.Body)
			return &dealOut{out}, err
		})
	register(s, huma.Operation{OperationID: "moveDeal", Method: http.MethodPost, Path: "/api/deals/{id}/move", Tags: tags,
		Summary: "Move a deal on the board", Description: "To a stage (of any pipeline), before another deal or at the end. Records the stage change; won and lost stages close the deal.",
		Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body deals.MoveInput
		}) (*dealOut, error) {
			id, err := parseID(in.ID, "deal")
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			out, err := d.Move(ctx, p.CompanyID, p.UserID, id, in.Body)
			return &dealOut{out}, err
		})
	register(s, huma.Operation{OperationID: "deleteDeal", Method: http.MethodDelete, Path: "/api/deals/{id}", Tags: tags,
		Summary: "Delete a deal", Description: "Moves the deal to the trash for 30 days, with its stage history and activities; " +
			"POST /api/trash/deal/{id}/restore brings it back.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "deal")
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			return &noContent{}, d.Delete(ctx, p.CompanyID, audit.By(p), id)
		})
}
