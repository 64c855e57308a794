package contacts

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Service manages contacts. Every method takes the company first and works
// inside that company's tenant transaction.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// MaxBulk bounds the ids in one bulk request.
const MaxBulk = 500

// Create stores a new contact.
func (s *Service) Create(ctx context.Context, companyID uuid.UUID, in Input) (*Contact, error) {
	var out *Contact
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		out, err = CreateTx(ctx, q, companyID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Get returns one contact; another company's id is not found.
func (s *Service) Get(ctx context.Context, companyID, id uuid.UUID) (*Contact, error) {
	var out Contact
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := q.GetContact(ctx, dbq.GetContactParams{CompanyID: companyID, ID: id})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("contact not found")
			}
			return fmt.Errorf("load contact %s: %w", id, err)
		}
		out = fromRow(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Update applies a patch.
func (s *Service) Update(ctx context.Context, companyID, id uuid.UUID, p Patch) (*Contact, error) {
	var out *Contact
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		out, err = UpdateTx(ctx, q, companyID, id, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete moves a contact to the trash (see TrashTx); an id that is not a
// live contact of the company is not found.
func (s *Service) Delete(ctx context.Context, companyID uuid.UUID, by audit.Actor, id uuid.UUID) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		got, err := TrashTx(ctx, q, companyID, by, time.Now(), []uuid.UUID{id})
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return errs.NotFoundf("contact not found")
		}
		return nil
	})
}

// BulkDelete moves the listed contacts of the company to the trash; ids
// that are not the company's live contacts are skipped (and not counted).
// Who may call it is the API's rule (admins).
func (s *Service) BulkDelete(ctx context.Context, companyID uuid.UUID, by audit.Actor, ids []uuid.UUID) (int64, error) {
	if err := checkBulk(ids); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		got, err := TrashTx(ctx, q, companyID, by, time.Now(), ids)
		n = int64(len(got))
		return err
	})
	return n, err
}

// BulkTag adds and removes tags on the listed contacts.
func (s *Service) BulkTag(ctx context.Context, companyID uuid.UUID, ids []uuid.UUID, add, remove []string) (int64, error) {
	if err := checkBulk(ids); err != nil {
		return 0, err
	}
	var fe errs.Fields
	add = normalizeTags("body.add_tags", add, &fe)
	remove = normalizeTags("body.remove_tags", remove, &fe)
	if len(add) == 0 && len(remove) == 0 {
		fe.Add("body.add_tags", "name at least one tag to add or remove", nil)
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		n, err = q.RetagContacts(ctx, dbq.RetagContactsParams{CompanyID: companyID, Ids: ids, AddTags: add, RemoveTags: remove})
		if err != nil {
			if class, _, ok := db.ConstraintViolation(err); ok && class == "check" {
				return errs.Field("body.add_tags", fmt.Sprintf("a contact would have more than %d tags", MaxTags), nil)
			}
			return fmt.Errorf("bulk tag contacts: %w", err)
		}
		return nil
	})
	return n, err
}

// Tags lists the company's tags with their counts.
func (s *Service) Tags(ctx context.Context, companyID uuid.UUID) ([]TagCount, error) {
	out := []TagCount{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.ListContactTags(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list tags: %w", err)
		}
		for _, r := range rows {
			out = append(out, TagCount{Tag: r.Tag, Contacts: r.Contacts})
		}
		return nil
	})
	return out, err
}

func checkBulk(ids []uuid.UUID) error {
	if len(ids) == 0 {
		return errs.Field("body.ids", "name at least one contact", nil)
	}
	if len(ids) > MaxBulk {
		return errs.Field("body.ids", fmt.Sprintf("at most %d contacts at a time", MaxBulk), len(ids))
	}
	return nil
}

// translate turns constraint violations into field errors.
func translate(err error, f fields) error {
	class, constraint, ok := db.ConstraintViolation(err)
	switch {
	case ok && class == "unique" && constraint == "contacts_email_key":
		return &errs.Error{Code: errs.Conflict, Message: "a contact with this email already exists",
			Fields: []errs.FieldError{{Field: "body.email", Message: "is already used by another contact", Value: f.email}}}
	case ok && class == "foreign_key" && constraint == "contacts_company_id_owner_id_fkey":
		return errs.Field("body.owner_id", "is not a member of this company", f.ownerID)
	}
	return fmt.Errorf("store contact: %w", err)
}
