package activities

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/errs"
)

// fields is a validated activity, ready to store.
type fields struct {
	typ, subject, body               string
	dueAt                            *time.Time
	done                             bool // record as done at creation
	assigneeID, contactID, dealID    *uuid.UUID
	assigneeRaw, contactRaw, dealRaw string // as sent, for error values
}

// validate checks an input; caller is the member creating it, the default
// assignee of a task.
func (in Input) validate(caller uuid.UUID) (fields, error) {
	var fe errs.Fields
	f := fields{
		typ:     in.Type,
		subject: subject("body.subject", in.Subject, &fe),
		body:    body("body.body", in.Body, &fe),
		dueAt:   dueAt("body.due_at", in.DueAt, &fe),
	}
	switch in.Type {
	case TypeTask, TypeNote, TypeCall, TypeMeeting:
		if in.Done && !doable(in.Type) {
			fe.Add("body.done", "must be false for a note: notes are never done", in.Done)
		}
	default:
		fe.Add("body.type", "must be task, note, call or meeting", in.Type)
	}
	f.done = in.Done
	switch {
	case in.AssigneeID != nil:
		f.assigneeRaw = *in.AssigneeID
		f.assigneeID = optionalID("body.assignee_id", "a user id", *in.AssigneeID, &fe)
	case in.Type == TypeTask && caller != uuid.Nil:
		f.assigneeID = &caller
		f.assigneeRaw = caller.String()
	}
	f.contactRaw, f.dealRaw = in.ContactID, in.DealID
	f.contactID = optionalID("body.contact_id", "a contact id", in.ContactID, &fe)
	f.dealID = optionalID("body.deal_id", "a deal id", in.DealID, &fe)
	return f, fe.Err()
}

func subject(field, v string, fe *errs.Fields) string {
	v = strings.TrimSpace(v)
	switch {
	case !isText(v):
		fe.Add(field, "must be text without NUL characters", nil)
	case v == "":
		fe.Add(field, "must not be empty", v)
	case utf8.RuneCountInString(v) > MaxSubjectLen:
		fe.Add(field, fmt.Sprintf("must be at most %d characters", MaxSubjectLen), nil)
	}
	return v
}

func body(field, v string, fe *errs.Fields) string {
	v = strings.TrimRight(v, " \t\r\n")
	switch {
	case !isText(v):
		fe.Add(field, "must be text without NUL characters", nil)
	case utf8.RuneCountInString(v) > MaxBodyLen:
		fe.Add(field, fmt.Sprintf("must be at most %d characters", MaxBodyLen), nil)
	}
	return v
}

// dueAt parses an RFC 3339 date-time; empty means none.
func dueAt(field, v string, fe *errs.Fields) *time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		fe.Add(field, "must be an RFC 3339 date-time, such as 2025-03-01T09:00:00Z", v)
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond) // what PostgreSQL keeps
	return &t
}

// optionalID parses an id; empty means none.
func optionalID(field, what, v string, fe *errs.Fields) *uuid.UUID {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		fe.Add(field, "must be "+what, v)
		return nil
	}
	return &id
}

// isText reports whether s can be sent to PostgreSQL as text.
func isText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// apply merges a patch into an existing activity's input form.
func (p Patch) apply(a Activity) Input {
	in := Input{Type: a.Type, Subject: a.Subject, Body: a.Body}
	if a.DueAt != nil {
		in.DueAt = a.DueAt.Format(time.RFC3339Nano)
	}
	assignee := ""
	if a.AssigneeID != nil {
		assignee = a.AssigneeID.String()
	}
	in.AssigneeID = &assignee
	if a.ContactID != nil {
		in.ContactID = a.ContactID.String()
	}
	if a.DealID != nil {
		in.DealID = a.DealID.String()
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Type, p.Type)
	set(&in.Subject, p.Subject)
	set(&in.Body, p.Body)
	set(&in.DueAt, p.DueAt)
	set(in.AssigneeID, p.AssigneeID)
	set(&in.ContactID, p.ContactID)
	set(&in.DealID, p.DealID)
	return in
}
