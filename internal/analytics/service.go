// Package analytics reads across a company's deals and activities for the
// dashboard. It owns no tables.
package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// StageValue is the open value in one stage.
type StageValue struct {
	StageID       uuid.UUID `json:"stage_id"`
	Stage         string    `json:"stage"`
	Probability   int32     `json:"probability"`
	Deals         int64     `json:"deals"`
	Value         string    `json:"value"`
	WeightedValue string    `json:"weighted_value" doc:"Value times the stage's win probability."`
}

// Closed counts deals won and lost in a period.
type Closed struct {
	WonDeals  int64  `json:"won_deals"`
	WonValue  string `json:"won_value"`
	LostDeals int64  `json:"lost_deals"`
	LostValue string `json:"lost_value"`
	// WinRate is won / (won + lost) by count, or null when nothing closed.
	WinRate *float64 `json:"win_rate"`
}

// Month is one month of closed deals.
type Month struct {
	Month string `json:"month" doc:"YYYY-MM in the company's time zone."`
	Closed
}

// Dashboard is the numbers a sales team reads every morning.
type Dashboard struct {
	PipelineID   uuid.UUID    `json:"pipeline_id"`
	PipelineName string       `json:"pipeline_name"`
	Currency     string       `json:"currency" doc:"The company's most used currency; values of all currencies are added as numbers."`
	Timezone     string       `json:"timezone"`
	OpenByStage  []StageValue `json:"open_by_stage"`
	OpenDeals    int64        `json:"open_deals"`
	OpenValue    string       `json:"open_value"`
	Weighted     string       `json:"weighted_value"`
	ThisMonth    Closed       `json:"this_month"`
	LastMonth    Closed       `json:"last_month"`
	Last90Days   Closed       `json:"last_90_days"`
	Months       []Month      `json:"months" doc:"The last six months, oldest first."`
	TasksOverdue int64        `json:"tasks_overdue" doc:"The caller's open tasks past due."`
	TasksToday   int64        `json:"tasks_due_today" doc:"The caller's open tasks due today."`
}

// Service computes the dashboard.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d, now: time.Now} }

// Dashboard computes the dashboard for a pipeline (the first when nil), in
// the company's time zone, with the caller's tasks.
func (s *Service) Dashboard(ctx context.Context, companyID, userID uuid.UUID, pipelineID *uuid.UUID) (*Dashboard, error) {
	out := &Dashboard{OpenByStage: []StageValue{}, Months: []Month{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		tzName, err := q.CompanyTimezone(ctx, companyID)
		if err != nil {
			return fmt.Errorf("company time zone: %w", err)
		}
		loc, err := time.LoadLocation(tzName)
		if err != nil {
			loc, tzName = time.UTC, "UTC"
		}
		out.Timezone = tzName
		if err := s.pipeline(ctx, q, companyID, pipelineID, out); err != nil {
			return err
		}
		if out.Currency, err = q.MainCurrency(ctx, companyID); err != nil {
			return fmt.Errorf("main currency: %w", err)
		}
		now := s.now().In(loc)
		dayStart := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
		lastMonthStart := monthStart.AddDate(0, -1, 0)
		far := now.AddDate(100, 0, 0)
		if out.ThisMonth, err = closed(ctx, q, companyID, monthStart, far); err != nil {
			return err
		}
		if out.LastMonth, err = closed(ctx, q, companyID, lastMonthStart, monthStart); err != nil {
			return err
		}
		if out.Last90Days, err = closed(ctx, q, companyID, now.AddDate(0, 0, -90), far); err != nil {
			return err
		}
		if err := months(ctx, q, companyID, tzName, monthStart, out); err != nil {
			return err
		}
		dayEnd := dayStart.AddDate(0, 0, 1)
		tc, err := q.TaskCounts(ctx, dbq.TaskCountsParams{CompanyID: companyID, AssigneeID: &userID, DayStart: &dayStart, DayEnd: &dayEnd})
		if err != nil {
			return fmt.Errorf("task counts: %w", err)
		}
		out.TasksOverdue, out.TasksToday = tc.Overdue, tc.DueToday
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) pipeline(ctx context.Context, q *db.Q, companyID uuid.UUID, pipelineID *uuid.UUID, out *Dashboard) error {
	if pipelineID == nil {
		ps, err := q.ListPipelines(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list pipelines: %w", err)
		}
		if len(ps) == 0 {
			return nil
		}
		out.PipelineID, out.PipelineName = ps[0].ID, ps[0].Name
	} else {
		p, err := q.GetPipeline(ctx, dbq.GetPipelineParams{CompanyID: companyID, ID: *pipelineID})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.Field("query.pipeline_id", "is not a pipeline of this company", pipelineID.String())
			}
			return fmt.Errorf("load pipeline: %w", err)
		}
		out.PipelineID, out.PipelineName = p.ID, p.Name
	}
	rows, err := q.OpenValueByStage(ctx, dbq.OpenValueByStageParams{CompanyID: companyID, PipelineID: out.PipelineID})
	if err != nil {
		return fmt.Errorf("open value by stage: %w", err)
	}
	total, weighted := decimal.Zero, decimal.Zero
	for _, r := range rows {
		out.OpenByStage = append(out.OpenByStage, StageValue{StageID: r.ID, Stage: r.Name, Probability: r.Probability, Deals: r.Deals,
			Value: r.Value.StringFixed(2), WeightedValue: r.WeightedValue.StringFixed(2)})
		out.OpenDeals += r.Deals
		total, weighted = total.Add(r.Value), weighted.Add(r.WeightedValue)
	}
	out.OpenValue, out.Weighted = total.StringFixed(2), weighted.StringFixed(2)
	return nil
}

func closed(ctx context.Context, q *db.Q, companyID uuid.UUID, since, until time.Time) (Closed, error) {
	rows, err := q.ClosedBetween(ctx, dbq.ClosedBetweenParams{CompanyID: companyID, Since: &since, Until: &until})
	if err != nil {
		return Closed{}, fmt.Errorf("closed deals: %w", err)
	}
	c := Closed{WonValue: "0.00", LostValue: "0.00"}
	for _, r := range rows {
		if r.Status == "won" {
			c.WonDeals, c.WonValue = r.Deals, r.Value.StringFixed(2)
		} else {
			c.LostDeals, c.LostValue = r.Deals, r.Value.StringFixed(2)
		}
	}
	c.WinRate = winRate(c.WonDeals, c.LostDeals)
	return c, nil
}

func months(ctx context.Context, q *db.Q, companyID uuid.UUID, tz string, monthStart time.Time, out *Dashboard) error {
	since := monthStart.AddDate(0, -5, 0)
	rows, err := q.ClosedByMonth(ctx, dbq.ClosedByMonthParams{CompanyID: companyID, Tz: tz, Since: &since})
	if err != nil {
		return fmt.Errorf("closed by month: %w", err)
	}
	for i := 0; i < 6; i++ {
		m := Month{Month: since.AddDate(0, i, 0).Format("2006-01"), Closed: Closed{WonValue: "0.00", LostValue: "0.00"}}
		for _, r := range rows {
			switch {
			case r.Month != m.Month:
			case r.Status == "won":
				m.WonDeals, m.WonValue = r.Deals, r.Value.StringFixed(2)
			default:
				m.LostDeals, m.LostValue = r.Deals, r.Value.StringFixed(2)
			}
		}
		m.WinRate = winRate(m.WonDeals, m.LostDeals)
		out.Months = append(out.Months, m)
	}
	return nil
}

func winRate(won, lost int64) *float64 {
	if won+lost == 0 {
		return nil
	}
	r := float64(won) / float64(won+lost)
	return &r
}
