package httpapi

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/calls"
)

type callOut struct{ Body *calls.Call }

func (s *Server) registerCalls() {
	c := s.deps.Calls
	tags := []string{"Calls"}
	register(s, huma.Operation{OperationID: "startCall", Method: http.MethodPost, Path: "/api/calls", Tags: tags,
		Summary: "Click-to-call", Description: "Twilio rings the caller's own phone (see my-phone), then connects the contact with the company number as caller ID. " +
			"Both numbers must be in the company's allowed countries (422 on to or from); past the company's daily cap of calls it is a 429 with " +
			"Retry-After. Neither places or stores a call.",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422, 429, 502}}, Member, true,
		func(ctx context.Context, in *struct{ Body calls.Input }) (*callOut, error) {
			p := principal(ctx)
			out, err := c.Start(ctx, p.CompanyID, p.UserID, in.Body)
			return &callOut{out}, err
		})
	register(s, huma.Operation{OperationID: "listCalls", Method: http.MethodGet, Path: "/api/calls", Tags: tags,
		Summary: "The call log", Description: "Newest first; since and until are days in the company's time zone, both inclusive.",
		Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct {
			Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
			Cursor    string `query:"cursor" maxLength:"500"`
			Direction string `query:"direction" enum:"inbound,outbound"`
			Status    string `query:"status" enum:"queued,initiated,ringing,in-progress,completed,busy,no-answer,failed,canceled"`
			UserID    string `query:"user_id" maxLength:"64" doc:"A user id, or \"me\"."`
			ContactID string `query:"contact_id" maxLength:"64"`
			Since     string `query:"since" maxLength:"10" doc:"YYYY-MM-DD"`
			Until     string `query:"until" maxLength:"10" doc:"YYYY-MM-DD"`
		}) (*struct{ Body *calls.Page }, error) {
			p := principal(ctx)
			f := calls.Filter{Direction: in.Direction, Status: in.Status, Since: in.Since, Until: in.Until, Limit: in.Limit, Cursor: in.Cursor}
			var err error
			if in.UserID == "me" {
				f.UserID = &p.UserID
			} else if f.UserID, err = queryID("query.user_id", in.UserID); err != nil {
				return nil, err
			}
			if f.ContactID, err = queryID("query.contact_id", in.ContactID); err != nil {
				return nil, err
			}
			out, err := c.List(ctx, p.CompanyID, f)
			return &struct{ Body *calls.Page }{out}, err
		})
	register(s, huma.Operation{OperationID: "getCall", Method: http.MethodGet, Path: "/api/calls/{id}", Tags: tags,
		Summary: "A call", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*callOut, error) {
			id, err := parseID(in.ID, "call")
			if err != nil {
				return nil, err
			}
			out, err := c.Get(ctx, principal(ctx).CompanyID, id)
			return &callOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updateCall", Method: http.MethodPatch, Path: "/api/calls/{id}", Tags: tags,
		Summary: "Write a call's notes", Description: "The notes are also kept as a call activity on the contact's timeline.",
		Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body calls.Patch
		}) (*callOut, error) {
			id, err := parseID(in.ID, "call")
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			out, err := c.SetNotes(ctx, p.CompanyID, p.UserID, id, in.Body)
			return &callOut{out}, err
		})
	register(s, huma.Operation{OperationID: "getCallRecording", Method: http.MethodGet, Path: "/api/calls/{id}/recording", Tags: tags,
		Summary: "A call's recording", Description: "The audio, fetched from Twilio with the company's credentials.",
		Errors: []int{404, 502}, Responses: map[string]*huma.Response{"200": {Description: "Audio",
			Content: map[string]*huma.MediaType{"audio/wav": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}}, Member, true,
		func(ctx context.Context, in *idPath) (*huma.StreamResponse, error) {
			id, err := parseID(in.ID, "call")
			if err != nil {
				return nil, err
			}
			body, ct, err := c.Recording(ctx, principal(ctx).CompanyID, id, s.deps.Telephony.Twilio)
			if err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hc huma.Context) {
				defer body.Close()
				hc.SetHeader("Content-Type", ct)
				hc.SetHeader("Cache-Control", "private, max-age=3600")
				_, _ = io.Copy(hc.BodyWriter(), body)
			}}, nil
		})
	register(s, huma.Operation{OperationID: "simulateInboundCall", Method: http.MethodPost, Path: "/api/calls/simulate-inbound", Tags: tags,
		Summary: "Simulator: receive a made-up call", Description: "Only while the company uses the simulator (409 otherwise).",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Member, true,
		func(ctx context.Context, in *struct{ Body calls.SimulateInput }) (*callOut, error) {
			out, err := c.SimulateInbound(ctx, principal(ctx).CompanyID, in.Body)
			return &callOut{out}, err
		})
}
