// Package pipelines owns sales pipelines and their ordered stages.
package pipelines

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/trash"
)

// Stage kinds: deals in a won or lost stage are closed.
const (
	KindOpen = "open"
	KindWon  = "won"
	KindLost = "lost"
)

// Pipeline is a sales process with ordered stages.
type Pipeline struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Position  int32     `json:"position"`
	Stages    []Stage   `json:"stages"`
	CreatedAt time.Time `json:"created_at"`
}

// Stage is one step of a pipeline.
type Stage struct {
	ID          uuid.UUID `json:"id"`
	PipelineID  uuid.UUID `json:"pipeline_id"`
	Name        string    `json:"name"`
	Position    int32     `json:"position"`
	Probability int32     `json:"probability" doc:"Win probability in percent."`
	Kind        string    `json:"kind" enum:"open,won,lost"`
	Deals       int64     `json:"deals" doc:"How many deals are in the stage, of every currency."`
	TotalValue  string    `json:"total_value" doc:"Sum of the values of the stage's deals in currency (the first of totals) only; other currencies are in totals and never added to it."`
	Currency    string    `json:"currency,omitempty" doc:"The currency of total_value: the stage's most common deal currency (alphabetical on a tie). Absent when the stage has no deals."`
	Totals      []Total   `json:"totals" doc:"Deal count and value per currency, most deals first, then alphabetical."`
}

// Total is a stage's deals in one currency.
type Total struct {
	Currency string `json:"currency"`
	Deals    int64  `json:"deals"`
	Value    string `json:"value"`
}

// StageInput defines a stage.
type StageInput struct {
	Name        string `json:"name" minLength:"1" maxLength:"100"`
	Probability *int32 `json:"probability,omitempty" minimum:"0" maximum:"100"`
	Kind        string `json:"kind,omitempty" enum:"open,won,lost" doc:"Default open."`
}

// Input creates a pipeline; with no stages it gets the default ones.
type Input struct {
	Name   string       `json:"name" minLength:"1" maxLength:"100"`
	Stages []StageInput `json:"stages,omitempty" maxItems:"30"`
}

// DefaultStages is every new pipeline's process unless it names its own.
var DefaultStages = []StageInput{
	{Name: "Lead", Probability: ptr(10)}, {Name: "Qualified", Probability: ptr(25)},
	{Name: "Proposal", Probability: ptr(50)}, {Name: "Negotiation", Probability: ptr(75)},
	{Name: "Won", Probability: ptr(100), Kind: KindWon}, {Name: "Lost", Probability: ptr(0), Kind: KindLost},
}

func ptr(v int32) *int32 { return &v }

// Service manages pipelines.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// CreateDefault gives a new company its first pipeline, inside the sign-up
// transaction (which has already been scoped to the company).
func CreateDefault(ctx context.Context, q *db.Q, companyID uuid.UUID) error {
	_, err := create(ctx, q, companyID, Input{Name: "Sales", Stages: DefaultStages})
	return err
}

// List returns the company's pipelines with their stages and stage totals.
func (s *Service) List(ctx context.Context, companyID uuid.UUID) ([]Pipeline, error) {
	out := []Pipeline{}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		ps, err := q.ListPipelines(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list pipelines: %w", err)
		}
		// Three queries whatever the number of pipelines.
		stages, err := q.ListAllStages(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list stages: %w", err)
		}
		stats, err := q.CompanyStageStats(ctx, companyID)
		if err != nil {
			return fmt.Errorf("stage stats: %w", err)
		}
		totals := totalsByStage(stats)
		byPipeline := map[uuid.UUID][]dbq.PipelineStage{}
		for _, st := range stages {
			byPipeline[st.PipelineID] = append(byPipeline[st.PipelineID], st)
		}
		for _, p := range ps {
			out = append(out, *assemble(p, byPipeline[p.ID], totals))
		}
		return nil
	})
	return out, err
}

// Get returns one pipeline.
func (s *Service) Get(ctx context.Context, companyID, id uuid.UUID) (*Pipeline, error) {
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		out, err = get(ctx, q, companyID, id)
		return err
	})
	return out, err
}

func get(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (*Pipeline, error) {
	p, err := q.GetPipeline(ctx, dbq.GetPipelineParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return nil, errs.NotFoundf("pipeline not found")
		}
		return nil, fmt.Errorf("load pipeline %s: %w", id, err)
	}
	return load(ctx, q, companyID, p)
}

func load(ctx context.Context, q *db.Q, companyID uuid.UUID, p dbq.Pipeline) (*Pipeline, error) {
	stages, err := q.ListStages(ctx, dbq.ListStagesParams{CompanyID: companyID, PipelineID: p.ID})
	if err != nil {
		return nil, fmt.Errorf("list stages: %w", err)
	}
	stats, err := q.StageStats(ctx, dbq.StageStatsParams{CompanyID: companyID, PipelineID: p.ID})
	if err != nil {
		return nil, fmt.Errorf("stage stats: %w", err)
	}
	rows := make([]dbq.CompanyStageStatsRow, len(stats))
	for i, st := range stats {
		rows[i] = dbq.CompanyStageStatsRow(st)
	}
	return assemble(p, stages, totalsByStage(rows)), nil
}

func totalsByStage(stats []dbq.CompanyStageStatsRow) map[uuid.UUID][]Total {
	byStage := map[uuid.UUID][]Total{}
	for _, st := range stats {
		byStage[st.StageID] = append(byStage[st.StageID], Total{Currency: st.Currency, Deals: st.Deals, Value: money(st.TotalValue)})
	}
	return byStage
}

// assemble builds a pipeline from its ordered stages and the per-stage totals.
func assemble(p dbq.Pipeline, stages []dbq.PipelineStage, byStage map[uuid.UUID][]Total) *Pipeline {
	out := &Pipeline{ID: p.ID, Name: p.Name, Position: p.Position, CreatedAt: p.CreatedAt, Stages: []Stage{}}
	for _, st := range stages {
		s := Stage{ID: st.ID, PipelineID: st.PipelineID, Name: st.Name, Position: st.Position,
			Probability: st.Probability, Kind: st.Kind, TotalValue: "0.00", Totals: slices.Clone(byStage[st.ID])}
		if s.Totals == nil {
			s.Totals = []Total{}
		}
		sort.SliceStable(s.Totals, func(i, j int) bool {
			if s.Totals[i].Deals != s.Totals[j].Deals {
				return s.Totals[i].Deals > s.Totals[j].Deals
			}
			return s.Totals[i].Currency < s.Totals[j].Currency
		})
		for _, t := range s.Totals {
			s.Deals += t.Deals
		}
		if len(s.Totals) > 0 {
			s.Currency, s.TotalValue = s.Totals[0].Currency, s.Totals[0].Value
		}
		out.Stages = append(out.Stages, s)
	}
	return out
}

func money(d decimal.Decimal) string { return d.StringFixed(2) }

// Create adds a pipeline.
func (s *Service) Create(ctx context.Context, companyID uuid.UUID, in Input) (*Pipeline, error) {
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		id, err := create(ctx, q, companyID, in)
		if err != nil {
			return err
		}
		out, err = get(ctx, q, companyID, id)
		return err
	})
	return out, err
}

func create(ctx context.Context, q *db.Q, companyID uuid.UUID, in Input) (uuid.UUID, error) {
	var fe errs.Fields
	name := checkName("body.name", in.Name, &fe)
	stages := in.Stages
	if len(stages) == 0 {
		stages = DefaultStages
	}
	seen := map[string]bool{}
	for i := range stages {
		stages[i].Name = checkName(fmt.Sprintf("body.stages[%d].name", i), stages[i].Name, &fe)
		checkStage(fmt.Sprintf("body.stages[%d]", i), &stages[i], &fe)
		if seen[strings.ToLower(stages[i].Name)] {
			fe.Add(fmt.Sprintf("body.stages[%d].name", i), "is used by another stage of this pipeline", stages[i].Name)
		}
		seen[strings.ToLower(stages[i].Name)] = true
	}
	if err := fe.Err(); err != nil {
		return uuid.Nil, err
	}
	p, err := q.CreatePipeline(ctx, dbq.CreatePipelineParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), Name: name})
	if err != nil {
		return uuid.Nil, translate(err, name)
	}
	for i, st := range stages {
		if _, err := q.CreateStage(ctx, dbq.CreateStageParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), PipelineID: p.ID,
			Name: st.Name, Position: int32(i), Probability: *st.Probability, Kind: st.Kind}); err != nil {
			return uuid.Nil, fmt.Errorf("create stage: %w", err)
		}
	}
	return p.ID, nil
}

// Rename changes a pipeline's name.
func (s *Service) Rename(ctx context.Context, companyID, id uuid.UUID, name string) (*Pipeline, error) {
	var fe errs.Fields
	name = checkName("body.name", name, &fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *Pipeline
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if _, err := q.UpdatePipeline(ctx, dbq.UpdatePipelineParams{CompanyID: companyID, ID: id, Name: name}); err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("pipeline not found")
			}
			return translate(err, name)
		}
		var err error
		out, err = get(ctx, q, companyID, id)
		return err
	})
	return out, err
}

// Delete removes a pipeline without live deals (its deals in the trash are
// purged with it); the last pipeline stays.
func (s *Service) Delete(ctx context.Context, companyID uuid.UUID, by audit.Actor, id uuid.UUID) error {
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if _, err := get(ctx, q, companyID, id); err != nil {
			return err
		}
		n, err := q.CountDealsInPipeline(ctx, dbq.CountDealsInPipelineParams{CompanyID: companyID, PipelineID: id})
		if err != nil {
			return fmt.Errorf("count deals: %w", err)
		}
		if n > 0 {
			return errs.E(errs.Conflict, "the pipeline still holds %d deals; move or delete them first", n)
		}
		total, err := q.CountPipelines(ctx, companyID)
		if err != nil {
			return fmt.Errorf("count pipelines: %w", err)
		}
		if total <= 1 {
			return errs.E(errs.Conflict, "a company needs at least one pipeline")
		}
		// Its deals in the trash could never be restored into it: they go
		// for good with it (each in the audit trail).
		trashed, err := q.TrashedDealsInPipeline(ctx, dbq.TrashedDealsInPipelineParams{CompanyID: companyID, PipelineID: id})
		if err != nil {
			return fmt.Errorf("list trashed deals: %w", err)
		}
		if err := trash.PurgeDealsTx(ctx, q, companyID, by, trash.ReasonPipelineDeleted, trashed); err != nil {
			return err
		}
		if _, err := q.DeletePipeline(ctx, dbq.DeletePipelineParams{CompanyID: companyID, ID: id}); err != nil {
			return fmt.Errorf("delete pipeline: %w", err)
		}
		return nil
	})
}

func checkName(field, v string, fe *errs.Fields) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		fe.Add(field, "is required", v)
	case utf8.RuneCountInString(v) > 100 || strings.ContainsRune(v, 0):
		fe.Add(field, "must be at most 100 characters of text", v)
	}
	return v
}

func checkStage(field string, st *StageInput, fe *errs.Fields) {
	if st.Kind == "" {
		st.Kind = KindOpen
	}
	if st.Kind != KindOpen && st.Kind != KindWon && st.Kind != KindLost {
		fe.Add(field+".kind", "must be open, won or lost", st.Kind)
	}
	if st.Probability == nil {
		p := int32(0)
		switch st.Kind {
		case KindWon:
			p = 100
		case KindOpen:
			p = 50
		}
		st.Probability = &p
	}
	if *st.Probability < 0 || *st.Probability > 100 {
		fe.Add(field+".probability", "must be between 0 and 100", *st.Probability)
	}
}

func translate(err error, name string) error {
	if class, constraint, ok := db.ConstraintViolation(err); ok && class == "unique" && constraint == "pipelines_name_key" {
		return &errs.Error{Code: errs.Conflict, Message: "another pipeline has this name",
			Fields: []errs.FieldError{{Field: "body.name", Message: "is used by another pipeline", Value: name}}}
	}
	return fmt.Errorf("store pipeline: %w", err)
}
