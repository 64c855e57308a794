package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/errs"
)

type contactOut struct{ Body *contacts.Contact }

type listContactsInput struct {
	Limit   int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor  string `query:"cursor" maxLength:"500"`
	Q       string `query:"q" maxLength:"200" doc:"Searches name, email, phone and company name."`
	Tag     string `query:"tag" maxLength:"50"`
	OwnerID string `query:"owner_id" doc:"A user id."`
	Sort    string `query:"sort" enum:"name,created_at,updated_at" default:"name"`
	Order   string `query:"order" enum:"asc,desc" default:"asc"`
}

type bulkIDs struct {
	IDs []uuid.UUID `json:"ids" minItems:"1" maxItems:"500"`
}

func (s *Server) registerContacts() {
	c := s.deps.Contacts
	tags := []string{"Contacts"}
	register(s, huma.Operation{OperationID: "listContacts", Method: http.MethodGet, Path: "/api/contacts", Tags: tags,
		Summary: "List contacts", Description: "Cursor-paginated; filter by tag and owner, search with q.", Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *listContactsInput) (*struct{ Body *contacts.Page }, error) {
			f := contacts.Filter{Q: in.Q, Tag: in.Tag, Sort: in.Sort, Desc: in.Order == "desc", Limit: in.Limit, Cursor: in.Cursor}
			if in.OwnerID != "" {
				id, err := uuid.Parse(in.OwnerID)
				if err != nil {
					return nil, errs.Field("query.owner_id", "must be a user id", in.OwnerID)
				}
				f.OwnerID = &id
			}
			p, err := c.List(ctx, principal(ctx).CompanyID, f)
			return &struct{ Body *contacts.Page }{p}, err
		})
	register(s, huma.Operation{OperationID: "createContact", Method: http.MethodPost, Path: "/api/contacts", Tags: tags,
		Summary: "Create a contact", DefaultStatus: http.StatusCreated, Errors: []int{409, 422}}, Member, true,
		func(ctx context.Context, in *struct{ Body contacts.Input }) (*contactOut, error) {
			out, err := c.Create(ctx, principal(ctx).CompanyID, in.Body)
			return &contactOut{out}, err
		})
	register(s, huma.Operation{OperationID: "listContactTags", Method: http.MethodGet, Path: "/api/contacts/tags", Tags: tags,
		Summary: "Tags in use, with counts"}, Member, true,
		func(ctx context.Context, _ *struct{}) (*list[contacts.TagCount], error) {
			t, err := c.Tags(ctx, principal(ctx).CompanyID)
			return listOf(t), err
		})
	register(s, huma.Operation{OperationID: "getContact", Method: http.MethodGet, Path: "/api/contacts/{id}", Tags: tags,
		Summary: "Get a contact", Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*contactOut, error) {
			id, err := parseID(in.ID, "contact")
			if err != nil {
				return nil, err
			}
			out, err := c.Get(ctx, principal(ctx).CompanyID, id)
			return &contactOut{out}, err
		})
	register(s, huma.Operation{OperationID: "updateContact", Method: http.MethodPatch, Path: "/api/contacts/{id}", Tags: tags,
		Summary: "Change a contact", Description: "Absent fields stay; an empty string clears email, phone or owner_id.",
		Errors: []int{404, 409, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body contacts.Patch
		}) (*contactOut, error) {
			id, err := parseID(in.ID, "contact")
			if err != nil {
				return nil, err
			}
			out, err := c.Update(ctx, principal(ctx).CompanyID, id, in.Body)
			return &contactOut{out}, err
		})
	register(s, huma.Operation{OperationID: "deleteContact", Method: http.MethodDelete, Path: "/api/contacts/{id}", Tags: tags,
		Summary: "Delete a contact", Description: "Moves the contact to the trash for 30 days, with its activities, texts, calls and deal links; " +
			"POST /api/trash/contact/{id}/restore brings it back.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "contact")
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			return &noContent{}, c.Delete(ctx, p.CompanyID, audit.By(p), id)
		})
	register(s, huma.Operation{OperationID: "bulkDeleteContacts", Method: http.MethodPost, Path: "/api/contacts/bulk-delete", Tags: tags,
		Summary: "Delete many contacts", Description: "Moves them to the trash for 30 days; ids that are not the company's live contacts are skipped.",
		Errors: []int{422}}, Admin, true,
		func(ctx context.Context, in *struct{ Body bulkIDs }) (*struct {
			Body struct {
				Deleted int64 `json:"deleted"`
			}
		}, error) {
			p := principal(ctx)
			n, err := c.BulkDelete(ctx, p.CompanyID, audit.By(p), in.Body.IDs)
			out := &struct {
				Body struct {
					Deleted int64 `json:"deleted"`
				}
			}{}
			out.Body.Deleted = n
			return out, err
		})
	register(s, huma.Operation{OperationID: "bulkTagContacts", Method: http.MethodPost, Path: "/api/contacts/bulk-tag", Tags: tags,
		Summary: "Add and remove tags on many contacts", Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct {
			Body struct {
				IDs        []uuid.UUID `json:"ids" minItems:"1" maxItems:"500"`
				AddTags    []string    `json:"add_tags,omitempty" maxItems:"30"`
				RemoveTags []string    `json:"remove_tags,omitempty" maxItems:"30"`
			}
		}) (*struct {
			Body struct {
				Updated int64 `json:"updated"`
			}
		}, error) {
			n, err := c.BulkTag(ctx, principal(ctx).CompanyID, in.Body.IDs, in.Body.AddTags, in.Body.RemoveTags)
			out := &struct {
				Body struct {
					Updated int64 `json:"updated"`
				}
			}{}
			out.Body.Updated = n
			return out, err
		})
	register(s, huma.Operation{OperationID: "listDuplicateContacts", Method: http.MethodGet, Path: "/api/contacts/duplicates", Tags: tags,
		Summary: "Likely duplicate contacts", Description: "Pairs with the same phone number or very similar names, most likely first."}, Member, true,
		func(ctx context.Context, in *struct {
			Limit int `query:"limit" minimum:"1" maximum:"200" default:"50"`
		}) (*list[contacts.DuplicatePair], error) {
			l, err := c.Duplicates(ctx, principal(ctx).CompanyID, in.Limit)
			return listOf(l), err
		})
	type pairPath struct {
		ID      string `path:"id" maxLength:"64"`
		OtherID string `path:"other_id" maxLength:"64"`
	}
	parsePair := func(in *pairPath) (uuid.UUID, uuid.UUID, error) {
		id, err := parseID(in.ID, "contact")
		if err != nil {
			return id, id, err
		}
		other, err := parseID(in.OtherID, "contact")
		return id, other, err
	}
	register(s, huma.Operation{OperationID: "markNotDuplicates", Method: http.MethodPut, Path: "/api/contacts/{id}/not-duplicates/{other_id}", Tags: tags,
		Summary: "Say two contacts are not the same person", Description: "The duplicate finder stops offering the pair. Saying it again changes nothing.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *pairPath) (*noContent, error) {
			id, other, err := parsePair(in)
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			return &noContent{}, c.NotDuplicates(ctx, p.CompanyID, p.UserID, id, other)
		})
	register(s, huma.Operation{OperationID: "unmarkNotDuplicates", Method: http.MethodDelete, Path: "/api/contacts/{id}/not-duplicates/{other_id}", Tags: tags,
		Summary: "Let the duplicate finder offer a pair again", Description: "Undoes markNotDuplicates.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404, 422}}, Member, true,
		func(ctx context.Context, in *pairPath) (*noContent, error) {
			id, other, err := parsePair(in)
			if err != nil {
				return nil, err
			}
			return &noContent{}, c.MaybeDuplicates(ctx, principal(ctx).CompanyID, id, other)
		})
	register(s, huma.Operation{OperationID: "mergeContacts", Method: http.MethodPost, Path: "/api/contacts/{id}/merge", Tags: tags,
		Summary: "Merge a duplicate into this contact", Description: "Keeps the chosen value of each field; the duplicate's deals and activities move here; the duplicate is deleted; the merge is recorded on the timeline.",
		Errors: []int{404, 409, 422}}, Member, true,
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body contacts.MergeInput
		}) (*contactOut, error) {
			id, err := parseID(in.ID, "contact")
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			out, err := c.Merge(ctx, p.CompanyID, audit.By(p), id, in.Body)
			return &contactOut{out}, err
		})
}
