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
		Summary: "Connect a phone number", Description: "On Twilio the number must be in the company's own Twilio account: the server asks Twilio " +
			"(IncomingPhoneNumbers) and answers 422 on number otherwise. On the simulator, leave number empty: the server picks a free number of the " +
			"fictional 555-0100 to 555-0199 range (the only numbers a simulator company may have). A number belongs to at most one company on the " +
			"whole platform: one already connected is a 409, except that the company proving the number is in its Twilio account takes it over from " +
			"a company that did not prove it in that account.",
		DefaultStatus: http.StatusCreated, Errors: []int{409, 422, 502}}, Admin, true,
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
	register(s, huma.Operation{OperationID: "getPhoneLimits", Method: http.MethodGet, Path: "/api/twilio-settings/limits", Tags: tags,
		Summary:     "Today's texts and calls against the daily caps, and the destination countries",
		Description: "The caps are the operator's (CRM_SMS_DAILY_LIMIT, CRM_CALLS_DAILY_LIMIT), per company and day in the company's time zone."},
		Admin, true,
		func(ctx context.Context, _ *struct{}) (*struct{ Body *telephony.PhoneLimits }, error) {
			out, err := t.Limits(ctx, principal(ctx).CompanyID)
			return &struct{ Body *telephony.PhoneLimits }{out}, err
		})
	register(s, huma.Operation{OperationID: "setAllowedCountries", Method: http.MethodPut, Path: "/api/twilio-settings/allowed-countries", Tags: tags,
		Summary: "Set the countries texts and calls may go to", Description: "ISO 3166-1 alpha-2 codes; an empty list goes back to the default, " +
			"the countries of the company's own numbers. A text or call to any other country is a 422 on to.",
		Errors: []int{409, 422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body telephony.CountriesInput }) (*struct{ Body *telephony.PhoneLimits }, error) {
			out, err := t.SetAllowedCountries(ctx, principal(ctx).CompanyID, in.Body)
			return &struct{ Body *telephony.PhoneLimits }{out}, err
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
