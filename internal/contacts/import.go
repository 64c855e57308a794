package contacts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// The CSV import (internal/imports) writes contacts in batches, many rows to
// one tenant transaction, so it needs the service's rules without the
// service's transaction: Create and Update are these functions in a
// transaction of their own.

// Validate checks in exactly as Create would, without storing anything. The
// error is an *errs.Error naming each wrong field ("body.email").
func Validate(in Input) error {
	_, err := in.validate()
	return err
}

// CreateTx stores a new contact inside the caller's tenant transaction. A
// duplicate email is a Conflict error, an owner who is not a member an
// Invalid one; after such an error the transaction is aborted.
func CreateTx(ctx context.Context, q *db.Q, companyID uuid.UUID, in Input) (*Contact, error) {
	f, err := in.validate()
	if err != nil {
		return nil, err
	}
	r, err := q.CreateContact(ctx, dbq.CreateContactParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()),
		FirstName: f.firstName, LastName: f.lastName, Email: f.email, Phone: f.phone, CompanyName: f.companyName,
		Title: f.title, Tags: f.tags, OwnerID: f.ownerID, CustomFields: f.customFields})
	if err != nil {
		return nil, translate(err, f)
	}
	c := fromRow(r)
	if err := adoptManyConversations(ctx, q, companyID, []Contact{c}); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateManyTx stores new contacts inside the caller's tenant transaction,
// sent to the database as one pipelined batch (one round trip, not one per
// contact). Every input is checked first, and an invalid one is returned
// as its Invalid error before anything is sent. The first row the database
// refuses (a duplicate email) ends the batch with its error, after which
// the transaction is aborted: a caller that wants the other rows writes
// them again one by one.
func CreateManyTx(ctx context.Context, q *db.Q, companyID uuid.UUID, ins []Input) ([]Contact, error) {
	params := make([]dbq.ImportCreateContactParams, len(ins))
	fs := make([]fields, len(ins))
	for i, in := range ins {
		f, err := in.validate()
		if err != nil {
			return nil, err
		}
		fs[i] = f
		params[i] = dbq.ImportCreateContactParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()),
			FirstName: f.firstName, LastName: f.lastName, Email: f.email, Phone: f.phone, CompanyName: f.companyName,
			Title: f.title, Tags: f.tags, OwnerID: f.ownerID, CustomFields: f.customFields}
	}
	out := make([]Contact, len(ins))
	var first error
	q.ImportCreateContact(ctx, params).QueryRow(func(i int, r dbq.Contact, err error) {
		switch {
		case first != nil:
		case err != nil:
			first = translate(err, fs[i])
		default:
			out[i] = fromRow(r)
		}
	})
	if first != nil {
		return nil, first
	}
	if err := adoptManyConversations(ctx, q, companyID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateTx applies a patch to contact id inside the caller's tenant
// transaction; another company's id is not found.
func UpdateTx(ctx context.Context, q *db.Q, companyID, id uuid.UUID, p Patch) (*Contact, error) {
	r, err := q.GetContact(ctx, dbq.GetContactParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("contact not found")
		}
		return nil, fmt.Errorf("load contact %s: %w", id, err)
	}
	f, err := p.apply(fromRow(r)).validate()
	if err != nil {
		return nil, err
	}
	oldPhone := r.Phone
	r, err = q.UpdateContact(ctx, dbq.UpdateContactParams{CompanyID: companyID, ID: id,
		FirstName: f.firstName, LastName: f.lastName, Email: f.email, Phone: f.phone, CompanyName: f.companyName,
		Title: f.title, Tags: f.tags, OwnerID: f.ownerID, CustomFields: f.customFields})
	if err != nil {
		return nil, translate(err, f)
	}
	c := fromRow(r)
	if f.phone != nil && (oldPhone == nil || *oldPhone != *f.phone) {
		if err := adoptManyConversations(ctx, q, companyID, []Contact{c}); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// FromRow converts a contacts row read by another package's query (the
// import's duplicate check) into a Contact.
func FromRow(r dbq.Contact) Contact { return fromRow(r) }
