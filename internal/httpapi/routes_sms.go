package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/sms"
)

type smsMessageOut struct {
	Status int
	Body   *sms.Message
}

func (s *Server) registerSMS() {
	m := s.deps.SMS
	tags := []string{"SMS"}
	register(s, huma.Operation{OperationID: "sendSMS", Method: http.MethodPost, Path: "/api/sms/messages", Tags: tags,
		Summary: "Send a text message", Description: "Stored as queued and sent in the background from one of the company's numbers, " +
			"at most at the number's send rate. A repeated Idempotency-Key returns the first message (200) and sends nothing. " +
			"Recipients who opted out, or in a country the company does not text, are refused (422); past the company's daily cap of texts " +
			"it is a 429 with Retry-After (the next day in the company's time zone). Neither stores anything. " +
			"A send through an API token is automated (it waits for the end of quiet hours); one from a signed-in member is not.",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422, 429}}, Member, true,
		func(ctx context.Context, in *struct {
			IdempotencyKey string `header:"Idempotency-Key" maxLength:"200"`
			Body           sms.SendInput
		}) (*smsMessageOut, error) {
			p := principal(ctx)
			// An integration (API token) is automated, so quiet hours hold
			// it; a person in the web app is not. The request has no say.
			automated := p.APITokenID != uuid.Nil
			out, created, err := m.Send(ctx, p.CompanyID, p.UserID, automated, in.Body, in.IdempotencyKey)
			status := http.StatusCreated
			if !created {
				status = http.StatusOK
			}
			return &smsMessageOut{Status: status, Body: out}, err
		})
	register(s, huma.Operation{OperationID: "listSMSThreads", Method: http.MethodGet, Path: "/api/sms/threads", Tags: tags,
		Summary: "Conversations", Description: "One thread per contact across all of the company's numbers, most recent first."}, Member, true,
		func(ctx context.Context, in *struct {
			Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
			Cursor string `query:"cursor" maxLength:"500"`
			Unread bool   `query:"unread" doc:"Only threads with unread messages."`
		}) (*struct{ Body *sms.ThreadPage }, error) {
			out, err := m.Threads(ctx, principal(ctx).CompanyID, in.Unread, in.Limit, in.Cursor)
			return &struct{ Body *sms.ThreadPage }{out}, err
		})
	register(s, huma.Operation{OperationID: "getSMSThread", Method: http.MethodGet, Path: "/api/sms/threads/{id}", Tags: tags,
		Summary: "A conversation", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*struct{ Body *sms.Thread }, error) {
			id, err := parseID(in.ID, "thread")
			if err != nil {
				return nil, err
			}
			out, err := m.Thread(ctx, principal(ctx).CompanyID, id)
			return &struct{ Body *sms.Thread }{out}, err
		})
	register(s, huma.Operation{OperationID: "listSMSThreadMessages", Method: http.MethodGet, Path: "/api/sms/threads/{id}/messages", Tags: tags,
		Summary: "A conversation's messages", Description: "Newest first.", Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID     string `path:"id" maxLength:"64"`
			Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
			Cursor string `query:"cursor" maxLength:"500"`
		}) (*struct{ Body *sms.MessagePage }, error) {
			id, err := parseID(in.ID, "thread")
			if err != nil {
				return nil, err
			}
			out, err := m.ThreadMessages(ctx, principal(ctx).CompanyID, id, in.Limit, in.Cursor)
			return &struct{ Body *sms.MessagePage }{out}, err
		})
	register(s, huma.Operation{OperationID: "markSMSThreadRead", Method: http.MethodPost, Path: "/api/sms/threads/{id}/read", Tags: tags,
		Summary: "Mark a conversation read", DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "thread")
			if err != nil {
				return nil, err
			}
			return &noContent{}, m.MarkRead(ctx, principal(ctx).CompanyID, id)
		})
	register(s, huma.Operation{OperationID: "getContactSMSThread", Method: http.MethodGet, Path: "/api/sms/contact-thread/{id}", Tags: tags,
		Summary: "The conversation with a contact", Description: "404 when the contact has never texted or been texted.", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*struct{ Body *sms.Thread }, error) {
			id, err := parseID(in.ID, "contact")
			if err != nil {
				return nil, err
			}
			out, err := m.ContactThread(ctx, principal(ctx).CompanyID, id)
			return &struct{ Body *sms.Thread }{out}, err
		})
	register(s, huma.Operation{OperationID: "listSMSConsents", Method: http.MethodGet, Path: "/api/sms/consents", Tags: tags,
		Summary: "Opt-out and opt-in records", Description: "Of a number or a contact, newest first; the newest is the current state.",
		Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct {
			Phone     string `query:"phone" maxLength:"40"`
			ContactID string `query:"contact_id" maxLength:"64"`
		}) (*list[sms.Consent], error) {
			contactID, err := queryID("query.contact_id", in.ContactID)
			if err != nil {
				return nil, err
			}
			out, err := m.Consents(ctx, principal(ctx).CompanyID, in.Phone, contactID)
			return listOf(out), err
		})
	register(s, huma.Operation{OperationID: "addSMSConsent", Method: http.MethodPost, Path: "/api/sms/consents", Tags: tags,
		Summary: "Opt a contact or number out or in by hand", Description: "An opt-out needs no reason. An opt-in needs evidence: " +
			"how (evidence.method), when (evidence.consented_at) and in what words (evidence.statement) the person agreed; " +
			"without it the answer is a 422 naming each missing field. The caller is recorded as who made the change.",
		DefaultStatus: http.StatusCreated, Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct{ Body sms.ConsentInput }) (*struct{ Body *sms.Consent }, error) {
			p := principal(ctx)
			out, err := m.AddConsent(ctx, p.CompanyID, p.UserID, in.Body)
			return &struct{ Body *sms.Consent }{out}, err
		})
	register(s, huma.Operation{OperationID: "simulateInboundSMS", Method: http.MethodPost, Path: "/api/sms/simulate-inbound", Tags: tags,
		Summary: "Simulator: receive a made-up message", Description: "Only while the company uses the simulator (409 otherwise).",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Member, true,
		func(ctx context.Context, in *struct{ Body sms.SimulateInput }) (*struct{ Body *sms.Message }, error) {
			out, err := m.SimulateInbound(ctx, principal(ctx).CompanyID, in.Body)
			return &struct{ Body *sms.Message }{out}, err
		})
}
