package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/tenancy"
	"github.com/salescrm/crm/internal/trash"
)

// registerTrash adds the trash and the company's audit trail.
func (s *Server) registerTrash() {
	tags := []string{"Trash"}
	register(s, huma.Operation{OperationID: "listTrash", Method: http.MethodGet, Path: "/api/trash", Tags: tags,
		Summary: "List the trash", Description: "Deleted contacts or deals, most recently deleted first; each is deleted for good at purge_at, " +
			"30 days after it was deleted.", Errors: []int{422}}, Admin, true, s.listTrash)
	register(s, huma.Operation{OperationID: "restoreTrashItem", Method: http.MethodPost, Path: "/api/trash/{type}/{id}/restore", Tags: tags,
		Summary: "Restore from the trash", Description: "Brings a contact back with its activities, texts, calls and deal links, or a deal with " +
			"its stage history and activities. Admins restore anything; members what they deleted themselves (403 otherwise). " +
			"409 when a live contact has taken the contact's email since.", Errors: []int{403, 404, 409}}, Member, true, s.restoreTrashItem)
	register(s, huma.Operation{OperationID: "deleteTrashItem", Method: http.MethodDelete, Path: "/api/trash/{type}/{id}", Tags: tags,
		Summary: "Delete forever", Description: "Deletes a record in the trash for good, now. A contact's texts and calls stay, " +
			"without the contact (the conversation falls back to the phone number).",
		DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Admin, true, s.deleteTrashItem)
	register(s, huma.Operation{OperationID: "listAuditEvents", Method: http.MethodGet, Path: "/api/audit-events", Tags: []string{"Audit trail"},
		Summary: "The company's audit trail", Description: "Who did what to which record, newest first: deletes, restores and purges, " +
			"account changes.", Errors: []int{422}}, Admin, true, s.listAuditEvents)
}

type listTrashInput struct {
	Type   string `query:"type" enum:"contact,deal" default:"contact"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor string `query:"cursor" maxLength:"500"`
}

type trashPageOut struct{ Body *trash.Page }

func (s *Server) listTrash(ctx context.Context, in *listTrashInput) (*trashPageOut, error) {
	p, err := s.deps.Trash.List(ctx, principal(ctx).CompanyID, in.Type, in.Limit, in.Cursor)
	return &trashPageOut{p}, err
}

type trashItemPath struct {
	Type string `path:"type" maxLength:"16" doc:"contact or deal."`
	ID   string `path:"id" maxLength:"64"`
}

// parse reads the path; an unknown type, like a malformed id, names nothing
// and is not found.
func (in *trashItemPath) parse() (string, error) {
	if in.Type != trash.TypeContact && in.Type != trash.TypeDeal {
		return "", errs.NotFoundf("not found in the trash")
	}
	return in.Type, nil
}

type restoredOut struct{ Body *trash.Restored }

func (s *Server) restoreTrashItem(ctx context.Context, in *trashItemPath) (*restoredOut, error) {
	typ, err := in.parse()
	if err != nil {
		return nil, err
	}
	id, err := parseID(in.ID, typ)
	if err != nil {
		return nil, err
	}
	p := principal(ctx)
	out, err := s.deps.Trash.Restore(ctx, p.CompanyID, audit.By(p), p.Role.AtLeast(tenancy.RoleAdmin), typ, id)
	return &restoredOut{out}, err
}

func (s *Server) deleteTrashItem(ctx context.Context, in *trashItemPath) (*noContent, error) {
	typ, err := in.parse()
	if err != nil {
		return nil, err
	}
	id, err := parseID(in.ID, typ)
	if err != nil {
		return nil, err
	}
	p := principal(ctx)
	return &noContent{}, s.deps.Trash.Purge(ctx, p.CompanyID, audit.By(p), typ, id)
}

type listAuditEventsInput struct {
	Action     string `query:"action" maxLength:"64" doc:"Only this action, such as contact.deleted."`
	EntityType string `query:"entity_type" maxLength:"32" doc:"Only events about this kind of record, such as contact or deal."`
	EntityID   string `query:"entity_id" maxLength:"64" doc:"Only events about this record (with entity_type)."`
	Limit      int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor     string `query:"cursor" maxLength:"500"`
}

type auditPageOut struct{ Body *audit.Page }

func (s *Server) listAuditEvents(ctx context.Context, in *listAuditEventsInput) (*auditPageOut, error) {
	p, err := s.deps.Audit.List(ctx, principal(ctx).CompanyID, audit.Filter{Action: in.Action, EntityType: in.EntityType,
		EntityID: in.EntityID, Limit: in.Limit, Cursor: in.Cursor})
	return &auditPageOut{p}, err
}
