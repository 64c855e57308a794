package deals

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Service manages deals. Every method works in the company's tenant
// transaction.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// Create adds a deal at the end of its stage.
func (s *Service) Create(ctx context.Context, companyID, by uuid.UUID, in Input) (*Deal, error) {
	var out *Deal
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		out, err = CreateTx(ctx, q, companyID, by, in)
		return err
	})
	return out, err
}

// CreateTx creates a deal inside the caller's tenant transaction (the CSV
// import uses it).
func CreateTx(ctx context.Context, q *db.Q, companyID, by uuid.UUID, in Input) (*Deal, error) {
	var fe errs.Fields
	title := checkTitle("body.title", in.Title, &fe)
	value := ParseMoney("body.value", in.Value, &fe)
	cur := ParseCurrency("body.currency", in.Currency, &fe)
	contactID := parseOptionalID("body.contact_id", in.ContactID, &fe)
	ownerID := parseOptionalID("body.owner_id", in.OwnerID, &fe)
	if in.OwnerID == "" {
		ownerID = &by
	}
	pipelineID := parseOptionalID("body.pipeline_id", in.PipelineID, &fe)
	stageID := parseOptionalID("body.stage_id", in.StageID, &fe)
	closeDate := parseDate("body.expected_close_date", in.ExpectedCloseDate, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Currency) == "" {
		// A deal without a currency is in the company's base currency.
		c, err := q.DealCompanyCurrency(ctx, companyID)
		if err != nil {
			return nil, fmt.Errorf("company currency: %w", err)
		}
		cur = c
	}
	stage, err := resolveStage(ctx, q, companyID, pipelineID, stageID)
	if err != nil {
		return nil, err
	}
	if err := checkContact(ctx, q, companyID, contactID); err != nil {
		return nil, err
	}
	var closedAt *time.Time
	if stage.Kind != "open" {
		now := time.Now()
		closedAt = &now
	}
	r, err := q.CreateDeal(ctx, dbq.CreateDealParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), PipelineID: stage.PipelineID,
		StageID: stage.ID, Title: title, Value: value, Currency: cur, ContactID: contactID, OwnerID: ownerID,
		Status: stage.Kind, ExpectedCloseDate: closeDate, ClosedAt: closedAt})
	if err != nil {
		return nil, translate(err)
	}
	if err := q.InsertStageChange(ctx, dbq.InsertStageChangeParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()),
		DealID: r.ID, ToStageID: &stage.ID, ToStage: stage.Name, ChangedBy: &by}); err != nil {
		return nil, fmt.Errorf("record stage: %w", err)
	}
	return get(ctx, q, companyID, r.ID)
}

// resolveStage finds the stage a new deal starts in.
func resolveStage(ctx context.Context, q *db.Q, companyID uuid.UUID, pipelineID, stageID *uuid.UUID) (dbq.PipelineStage, error) {
	if stageID != nil {
		st, err := q.GetStage(ctx, dbq.GetStageParams{CompanyID: companyID, ID: *stageID})
		if err != nil {
			if db.IsNotFound(err) {
				return st, errs.Field("body.stage_id", "is not a stage of this company", stageID.String())
			}
			return st, fmt.Errorf("load stage: %w", err)
		}
		if pipelineID != nil && st.PipelineID != *pipelineID {
			return st, errs.Field("body.stage_id", "is not a stage of the pipeline", stageID.String())
		}
		return st, nil
	}
	if pipelineID == nil {
		ps, err := q.ListPipelines(ctx, companyID)
		if err != nil {
			return dbq.PipelineStage{}, fmt.Errorf("list pipelines: %w", err)
		}
		if len(ps) == 0 {
			return dbq.PipelineStage{}, errs.E(errs.Conflict, "the company has no pipeline; create one first")
		}
		pipelineID = &ps[0].ID
	}
	stages, err := q.ListStages(ctx, dbq.ListStagesParams{CompanyID: companyID, PipelineID: *pipelineID})
	if err != nil {
		return dbq.PipelineStage{}, fmt.Errorf("list stages: %w", err)
	}
	if len(stages) == 0 {
		return dbq.PipelineStage{}, errs.Field("body.pipeline_id", "is not a pipeline of this company", pipelineID.String())
	}
	return stages[0], nil
}

// Get returns one deal with its contact's name.
func (s *Service) Get(ctx context.Context, companyID, id uuid.UUID) (*Deal, error) {
	var out *Deal
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		out, err = get(ctx, q, companyID, id)
		return err
	})
	return out, err
}

func get(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (*Deal, error) {
	r, err := q.GetDeal(ctx, dbq.GetDealParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("deal not found")
		}
		return nil, fmt.Errorf("load deal %s: %w", id, err)
	}
	d := fromRow(r)
	if r.ContactID != nil {
		names, err := q.ContactNames(ctx, dbq.ContactNamesParams{CompanyID: companyID, Ids: []uuid.UUID{*r.ContactID}})
		if err != nil {
			return nil, fmt.Errorf("load contact name: %w", err)
		}
		if len(names) == 1 {
			d.ContactName = names[0].Name
		} else {
			// The contact is in the trash: not shown, but still linked,
			// so restoring it brings the link back.
			d.ContactID = nil
		}
	}
	return &d, nil
}

// checkContact refuses a contact that is not a live contact of the company
// (another company's is refused by the foreign key as well; a trashed one
// only here).
func checkContact(ctx context.Context, q *db.Q, companyID uuid.UUID, id *uuid.UUID) error {
	if id == nil {
		return nil
	}
	names, err := q.ContactNames(ctx, dbq.ContactNamesParams{CompanyID: companyID, Ids: []uuid.UUID{*id}})
	if err != nil {
		return fmt.Errorf("check contact: %w", err)
	}
	if len(names) == 0 {
		return errs.Field("body.contact_id", "is not a contact of this company", id.String())
	}
	return nil
}

// Update applies a patch (not the stage: see Move).
func (s *Service) Update(ctx context.Context, companyID, id uuid.UUID, p Patch) (*Deal, error) {
	var out *Deal
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := q.GetDealForUpdate(ctx, dbq.GetDealForUpdateParams{CompanyID: companyID, ID: id})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("deal not found")
			}
			return fmt.Errorf("load deal %s: %w", id, err)
		}
		var fe errs.Fields
		params := dbq.UpdateDealParams{CompanyID: companyID, ID: id, Title: r.Title, Value: r.Value, Currency: r.Currency,
			ContactID: r.ContactID, OwnerID: r.OwnerID, ExpectedCloseDate: r.ExpectedCloseDate, CloseReason: r.CloseReason}
		if p.Title != nil {
			params.Title = checkTitle("body.title", *p.Title, &fe)
		}
		if p.Value != nil {
			params.Value = ParseMoney("body.value", *p.Value, &fe)
		}
		if p.Currency != nil {
			params.Currency = ParseCurrency("body.currency", *p.Currency, &fe)
		}
		contactChanged := false
		if p.ContactID != nil {
			params.ContactID = parseOptionalID("body.contact_id", *p.ContactID, &fe)
			contactChanged = true
		}
		if p.OwnerID != nil {
			params.OwnerID = parseOptionalID("body.owner_id", *p.OwnerID, &fe)
		}
		if p.ExpectedCloseDate != nil {
			params.ExpectedCloseDate = parseDate("body.expected_close_date", *p.ExpectedCloseDate, &fe)
		}
		if p.CloseReason != nil {
			params.CloseReason = checkReason("body.close_reason", *p.CloseReason, &fe)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if contactChanged {
			if err := checkContact(ctx, q, companyID, params.ContactID); err != nil {
				return err
			}
		}
		if _, err := q.UpdateDeal(ctx, params); err != nil {
			return translate(err)
		}
		out, err = get(ctx, q, companyID, id)
		return err
	})
	return out, err
}

// Delete moves a deal to the trash (see TrashTx); an id that is not a live
// deal of the company is not found.
func (s *Service) Delete(ctx context.Context, companyID uuid.UUID, by audit.Actor, id uuid.UUID) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		got, err := TrashTx(ctx, q, companyID, by, time.Now(), []uuid.UUID{id})
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return errs.NotFoundf("deal not found")
		}
		return nil
	})
}

func checkTitle(field, v string, fe *errs.Fields) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		fe.Add(field, "is required", v)
	case utf8.RuneCountInString(v) > 200 || strings.ContainsRune(v, 0):
		fe.Add(field, "must be at most 200 characters of text", v)
	}
	return v
}

func checkReason(field, v string, fe *errs.Fields) string {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > 500 || strings.ContainsRune(v, 0) {
		fe.Add(field, "must be at most 500 characters of text", v)
	}
	return v
}

// translate turns constraint violations into field errors: a contact, owner
// or stage of another company is refused by the composite foreign keys.
func translate(err error) error {
	class, constraint, ok := db.ConstraintViolation(err)
	if ok && class == "foreign_key" {
		switch constraint {
		case "deals_company_id_contact_id_fkey":
			return errs.Field("body.contact_id", "is not a contact of this company", nil)
		case "deals_company_id_owner_id_fkey":
			return errs.Field("body.owner_id", "is not a member of this company", nil)
		case "deals_company_id_pipeline_id_stage_id_fkey", "deals_company_id_pipeline_id_fkey":
			return errs.Field("body.stage_id", "is not a stage of the pipeline", nil)
		}
	}
	return fmt.Errorf("store deal: %w", err)
}
