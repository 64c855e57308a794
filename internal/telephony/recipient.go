package telephony

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Recipient is who a message or call goes to: a contact, or a number (which
// is linked to the contact that has it, if any).
type Recipient struct {
	ContactID *uuid.UUID
	Phone     string
	raw       string
}

// ParseRecipient reads body.contact_id or body.to; exactly one is given.
func ParseRecipient(contactID, to string, fe *errs.Fields) Recipient {
	r := Recipient{raw: contactID}
	switch {
	case contactID != "" && to != "":
		fe.Add("body.to", "give contact_id or to, not both", to)
	case contactID != "":
		if id, err := uuid.Parse(contactID); err == nil {
			r.ContactID = &id
		} else {
			fe.Add("body.contact_id", "must be a contact of the company", contactID)
		}
	case to != "":
		if p := contacts.NormalizePhone("body.to", to, fe); p != nil {
			r.Phone = *p
		}
	default:
		fe.Add("body.to", "give contact_id or to", "")
	}
	return r
}

// Resolve fills in the contact's phone, or the contact of a number. A
// contact that is not the company's, or has no phone, is a field error.
func (r *Recipient) Resolve(ctx context.Context, q *db.Q, companyID uuid.UUID) error {
	if r.ContactID != nil {
		c, err := q.ContactPhone(ctx, dbq.ContactPhoneParams{CompanyID: companyID, ID: *r.ContactID})
		if db.IsNotFound(err) {
			return errs.Field("body.contact_id", "must be a contact of the company", r.raw)
		} else if err != nil {
			return fmt.Errorf("load contact %s: %w", *r.ContactID, err)
		}
		if c.Phone == nil || *c.Phone == "" {
			return errs.Field("body.contact_id", "has no phone number", r.raw)
		}
		r.Phone = *c.Phone
		return nil
	}
	id, err := q.ContactByPhone(ctx, dbq.ContactByPhoneParams{CompanyID: companyID, Phone: &r.Phone})
	if db.IsNotFound(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("find contact by phone: %w", err)
	}
	r.ContactID = &id
	return nil
}
