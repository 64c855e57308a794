// Package analytics reads across a company's deals and activities for the
// dashboard. It owns no tables.
package analytics

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/zone"
)

// OpenCurrency is the open deals of one currency.
type OpenCurrency struct {
	Currency      string `json:"currency"`
	Deals         int64  `json:"deals"`
	Value         string `json:"value"`
	WeightedValue string `json:"weighted_value" doc:"Value times the stage's win probability."`
}

// CurrencyValue is the closed deals of one currency.
type CurrencyValue struct {
	Currency string `json:"currency"`
	Deals    int64  `json:"deals"`
	Value    string `json:"value"`
}

// StageValue is the open value in one stage.
type StageValue struct {
	StageID       uuid.UUID      `json:"stage_id"`
	Stage         string         `json:"stage"`
	Probability   int32          `json:"probability"`
	Deals         int64          `json:"deals" doc:"Open deals in the stage, of every currency."`
	Value         string         `json:"value" doc:"Value of the stage's deals in the main currency only."`
	WeightedValue string         `json:"weighted_value" doc:"Value times the stage's win probability, main currency only."`
	ByCurrency    []OpenCurrency `json:"by_currency" doc:"The stage's deals per currency, main currency first, then alphabetical."`
}

// Closed counts deals won and lost in a period.
type Closed struct {
	WonDeals       int64           `json:"won_deals" doc:"Deals won, of every currency."`
	WonValue       string          `json:"won_value" doc:"Value won in the main currency only."`
	LostDeals      int64           `json:"lost_deals" doc:"Deals lost, of every currency."`
	LostValue      string          `json:"lost_value" doc:"Value lost in the main currency only."`
	WonByCurrency  []CurrencyValue `json:"won_by_currency" doc:"Deals won per currency, main currency first, then alphabetical."`
	LostByCurrency []CurrencyValue `json:"lost_by_currency" doc:"Deals lost per currency, main currency first, then alphabetical."`
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
	PipelineID   uuid.UUID      `json:"pipeline_id"`
	PipelineName string         `json:"pipeline_name"`
	Currency     string         `json:"currency" doc:"The company's most used currency. Every single-number value (open_value, weighted_value, won_value, lost_value, a stage's value) is in this currency only; other currencies are in the by_currency breakdowns and never added to it."`
	Timezone     string         `json:"timezone"`
	OpenByStage  []StageValue   `json:"open_by_stage"`
	OpenDeals    int64          `json:"open_deals" doc:"Open deals, of every currency."`
	OpenValue    string         `json:"open_value" doc:"Open value in the main currency only."`
	Weighted     string         `json:"weighted_value" doc:"Probability-weighted open value in the main currency only."`
	OpenByCur    []OpenCurrency `json:"open_by_currency" doc:"Open deals per currency, main currency first, then alphabetical."`
	Other        bool           `json:"other_currencies" doc:"True when a deal in a currency other than the main one is in any breakdown, so the single-number values leave some deals out."`
	ThisMonth    Closed         `json:"this_month"`
	LastMonth    Closed         `json:"last_month"`
	Last90Days   Closed         `json:"last_90_days"`
	Months       []Month        `json:"months" doc:"The last six months, oldest first."`
	TasksOverdue int64          `json:"tasks_overdue" doc:"The caller's open tasks past due."`
	TasksToday   int64          `json:"tasks_due_today" doc:"The caller's open tasks due today."`
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
	out := &Dashboard{OpenByStage: []StageValue{}, OpenByCur: []OpenCurrency{}, Months: []Month{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		tzName, err := q.CompanyTimezone(ctx, companyID)
		if err != nil {
			return fmt.Errorf("company time zone: %w", err)
		}
		loc := zone.Location(tzName)
		if loc == time.UTC {
			tzName = "UTC"
		}
		out.Timezone = tzName
		if out.Currency, err = q.CompanyCurrency(ctx, companyID); err != nil {
			return fmt.Errorf("company currency: %w", err)
		}
		if err := s.pipeline(ctx, q, companyID, pipelineID, out); err != nil {
			return err
		}
		now := s.now().In(loc)
		dayStart := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
		lastMonthStart := monthStart.AddDate(0, -1, 0)
		far := now.AddDate(100, 0, 0)
		if out.ThisMonth, err = closed(ctx, q, companyID, out.Currency, monthStart, far); err != nil {
			return err
		}
		if out.LastMonth, err = closed(ctx, q, companyID, out.Currency, lastMonthStart, monthStart); err != nil {
			return err
		}
		if out.Last90Days, err = closed(ctx, q, companyID, out.Currency, now.AddDate(0, 0, -90), far); err != nil {
			return err
		}
		if err := months(ctx, q, companyID, tzName, monthStart, out); err != nil {
			return err
		}
		// Tasks are the person's: due today in their own time zone.
		_, dayStart, dayEnd, err := activities.TodayTx(ctx, q, companyID, userID, s.now())
		if err != nil {
			return err
		}
		tc, err := q.TaskCounts(ctx, dbq.TaskCountsParams{CompanyID: companyID, AssigneeID: &userID, DayStart: &dayStart, DayEnd: &dayEnd})
		if err != nil {
			return fmt.Errorf("task counts: %w", err)
		}
		out.TasksOverdue, out.TasksToday = tc.Overdue, tc.DueToday
		out.Other = out.otherCurrencies()
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
	open := map[string]*openSum{}
	for _, r := range rows {
		n := len(out.OpenByStage)
		if n == 0 || out.OpenByStage[n-1].StageID != r.ID {
			out.OpenByStage = append(out.OpenByStage, StageValue{StageID: r.ID, Stage: r.Name, Probability: r.Probability,
				Value: "0.00", WeightedValue: "0.00", ByCurrency: []OpenCurrency{}})
			n++
		}
		if r.Currency == "" || r.Deals == 0 {
			continue
		}
		st := &out.OpenByStage[n-1]
		st.Deals += r.Deals
		st.ByCurrency = append(st.ByCurrency, OpenCurrency{Currency: r.Currency, Deals: r.Deals,
			Value: r.Value.StringFixed(2), WeightedValue: r.WeightedValue.StringFixed(2)})
		if r.Currency == out.Currency {
			st.Value, st.WeightedValue = r.Value.StringFixed(2), r.WeightedValue.StringFixed(2)
		}
		out.OpenDeals += r.Deals
		o := open[r.Currency]
		if o == nil {
			o = &openSum{}
			open[r.Currency] = o
		}
		o.deals += r.Deals
		o.value, o.weighted = o.value.Add(r.Value), o.weighted.Add(r.WeightedValue)
	}
	out.OpenValue, out.Weighted = "0.00", "0.00"
	for cur, o := range open {
		out.OpenByCur = append(out.OpenByCur, OpenCurrency{Currency: cur, Deals: o.deals,
			Value: o.value.StringFixed(2), WeightedValue: o.weighted.StringFixed(2)})
		if cur == out.Currency {
			out.OpenValue, out.Weighted = o.value.StringFixed(2), o.weighted.StringFixed(2)
		}
	}
	for i := range out.OpenByStage {
		sortCurrencies(out.OpenByStage[i].ByCurrency, out.Currency, func(c OpenCurrency) string { return c.Currency })
	}
	sortCurrencies(out.OpenByCur, out.Currency, func(c OpenCurrency) string { return c.Currency })
	return nil
}

type openSum struct {
	deals           int64
	value, weighted decimal.Decimal
}

// sortCurrencies puts the main currency first, then the others alphabetically.
func sortCurrencies[T any](xs []T, main string, cur func(T) string) {
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := cur(xs[i]), cur(xs[j])
		if (a == main) != (b == main) {
			return a == main
		}
		return a < b
	})
}

// otherCurrencies says whether any breakdown holds a currency other than the main one.
func (d *Dashboard) otherCurrencies() bool {
	for _, c := range d.OpenByCur {
		if c.Currency != d.Currency {
			return true
		}
	}
	periods := []Closed{d.ThisMonth, d.LastMonth, d.Last90Days}
	for _, m := range d.Months {
		periods = append(periods, m.Closed)
	}
	for _, p := range periods {
		for _, c := range append(append([]CurrencyValue{}, p.WonByCurrency...), p.LostByCurrency...) {
			if c.Currency != d.Currency {
				return true
			}
		}
	}
	return false
}

func newClosed() Closed {
	return Closed{WonValue: "0.00", LostValue: "0.00", WonByCurrency: []CurrencyValue{}, LostByCurrency: []CurrencyValue{}}
}

// add counts one status-and-currency row of closed deals.
func (c *Closed) add(main, status, currency string, deals int64, value decimal.Decimal) {
	cv := CurrencyValue{Currency: currency, Deals: deals, Value: value.StringFixed(2)}
	if status == "won" {
		c.WonDeals += deals
		c.WonByCurrency = append(c.WonByCurrency, cv)
		if currency == main {
			c.WonValue = cv.Value
		}
	} else {
		c.LostDeals += deals
		c.LostByCurrency = append(c.LostByCurrency, cv)
		if currency == main {
			c.LostValue = cv.Value
		}
	}
}

func (c *Closed) finish(main string) {
	key := func(v CurrencyValue) string { return v.Currency }
	sortCurrencies(c.WonByCurrency, main, key)
	sortCurrencies(c.LostByCurrency, main, key)
	c.WinRate = winRate(c.WonDeals, c.LostDeals)
}

func closed(ctx context.Context, q *db.Q, companyID uuid.UUID, main string, since, until time.Time) (Closed, error) {
	rows, err := q.ClosedBetween(ctx, dbq.ClosedBetweenParams{CompanyID: companyID, Since: &since, Until: &until})
	if err != nil {
		return Closed{}, fmt.Errorf("closed deals: %w", err)
	}
	c := newClosed()
	for _, r := range rows {
		c.add(main, r.Status, r.Currency, r.Deals, r.Value)
	}
	c.finish(main)
	return c, nil
}

func months(ctx context.Context, q *db.Q, companyID uuid.UUID, tz string, monthStart time.Time, out *Dashboard) error {
	since := monthStart.AddDate(0, -5, 0)
	rows, err := q.ClosedByMonth(ctx, dbq.ClosedByMonthParams{CompanyID: companyID, Tz: tz, Since: &since})
	if err != nil {
		return fmt.Errorf("closed by month: %w", err)
	}
	for i := 0; i < 6; i++ {
		m := Month{Month: since.AddDate(0, i, 0).Format("2006-01"), Closed: newClosed()}
		for _, r := range rows {
			if r.Month == m.Month {
				m.add(out.Currency, r.Status, r.Currency, r.Deals, r.Value)
			}
		}
		m.finish(out.Currency)
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
