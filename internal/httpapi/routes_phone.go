package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/telephony"
)

type twilioSettingsOut struct{ Body *telephony.Settings }

type phoneNumberOut struct{ Body *telephony.PhoneNumber }

func (s *Server) registerPhone() {
	t := s.deps.Telephony
	tags := []string{"Twilio settings"}
	register(s, huma.Operation{OperationID: "getTwilioSettings", Method: http.MethodGet, Path: "/api/twilio-settings", Tags: tags,
		Summary: "The company's Twilio connection", Description: "The auth token is never returned; auth_token_set says whether one is stored. " +
			"webhooks are the URLs to paste into the Twilio console."}, Admin, true,
		func(ctx context.Context, _ *struct{}) (*twilioSettingsOut, error) {
			out, err := t.Get(ctx, principal(ctx).CompanyID)
			return &twilioSettingsOut{out}, err
		})
	register(s, huma.Operation{OperationID: "putTwilioSettings", Method: http.MethodPut, Path: "/api/twilio-settings", Tags: tags,
		Summary: "Connect Twilio (or turn on the simulator)", Description: "The auth token is stored encrypted; an absent or empty auth_token keeps the stored one.",
		Errors: []int{422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body telephony.SettingsInput }) (*twilioSettingsOut, error) {
			out, err := t.Put(ctx, principal(ctx).CompanyID, in.Body)
			return &twilioSettingsOut{out}, err
		})
	register(s, huma.Operation{OperationID: "testTwilioSettings", Method: http.MethodPost, Path: "/api/twilio-settings/test", Tags: tags,
		Summary: "Test the connection", Description: "Checks the stored Account SID and auth token against Twilio and records the result.",
		Errors: []int{409}}, Admin, true,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *telephony.Check }, error) {
			out, err := t.TestConnection(ctx, principal(ctx).CompanyID, t.Twilio)
			return &struct{ Body *telephony.Check }{out}, err
		})
	register(s, huma.Operation{OperationID: "getTwilioProvider", Method: http.MethodGet, Path: "/api/twilio-settings/provider", Tags: tags,
		Summary: "Whether SMS and calls are set up, and simulated", Description: "For every member: the pages label the simulator."}, Member, true,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *telephony.ProviderInfo }, error) {
			out, err := t.Provider(ctx, principal(ctx).CompanyID)
			return &struct{ Body *telephony.ProviderInfo }{out}, err
		})
	register(s, huma.Operation{OperationID: "listPhoneNumbers", Method: http.MethodGet, Path: "/api/twilio-settings/numbers", Tags: tags,
		Summary: "The company's phone numbers", Description: "Every member may list them: they are what messages and calls go out on."}, Member, true,
		func(ctx context.Context, _ *struct{}) (*list[telephony.PhoneNumber], error) {
			out, err := t.Numbers(ctx, principal(ctx).CompanyID)
			return listOf(out), err
		})
	register(s, huma.Operation{OperationID: "addPhoneNumber", Method: http.MethodPost, Path: "/api/twilio-settings/numbers", Tags: tags,
		Summary: "Connect a phone number", Description: "A number belongs to at most one company on the whole platform: one already connected is a 409.",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body telephony.NumberInput }) (*phoneNumberOut, error) {
			out, err := t.AddNumber(ctx, principal(ctx).CompanyID, in.Body)
			return &phoneNumberOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updatePhoneNumber", Method: http.MethodPatch, Path: "/api/twilio-settings/numbers/{id}", Tags: tags,
		Summary: "Change a phone number", Errors: []int{404, 422}}, Admin, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body telephony.NumberPatch
		}) (*phoneNumberOut, error) {
			id, err := parseID(in.ID, "phone number")
			if err != nil {
				return nil, err
			}
			out, err := t.UpdateNumber(ctx, principal(ctx).CompanyID, id, in.Body)
			return &phoneNumberOut{out}, err
		})
	register(s, huma.Operation{OperationID: "deletePhoneNumber", Method: http.MethodDelete, Path: "/api/twilio-settings/numbers/{id}", Tags: tags,
		Summary: "Disconnect a phone number", Description: "Its messages and calls stay. The number is free for any company afterwards.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Admin, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "phone number")
			if err != nil {
				return nil, err
			}
			return &noContent{}, t.DeleteNumber(ctx, principal(ctx).CompanyID, id)
		})
	register(s, huma.Operation{OperationID: "getMyPhone", Method: http.MethodGet, Path: "/api/twilio-settings/my-phone", Tags: tags,
		Summary: "Where the caller's calls ring"}, Member, true,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *telephony.MyPhone }, error) {
			p := principal(ctx)
			out, err := t.GetMyPhone(ctx, p.CompanyID, p.UserID)
			return &struct{ Body *telephony.MyPhone }{out}, err
		})
	register(s, huma.Operation{OperationID: "setMyPhone", Method: http.MethodPut, Path: "/api/twilio-settings/my-phone", Tags: tags,
		Summary: "Set where the caller's calls ring", Description: "Click-to-call rings this phone first; inbound calls to a number assigned to the caller ring it. Empty clears.",
		Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct{ Body telephony.MyPhone }) (*struct{ Body *telephony.MyPhone }, error) {
			p := principal(ctx)
			out, err := t.SetMyPhone(ctx, p.CompanyID, p.UserID, in.Body)
			return &struct{ Body *telephony.MyPhone }{out}, err
		})
}
