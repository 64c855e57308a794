package httpapi_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
)

func TestDashboard(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	c.Do("PATCH", "/api/company", map[string]any{"timezone": "America/New_York"}).Want(200)
	p := defaultPipeline(t, c)
	mk := func(title, value, stage string) string {
		var d dealJSON
		c.Do("POST", "/api/deals", map[string]any{"title": title, "value": value, "stage_id": stage}).Want(201).Decode(&d)
		return d.ID
	}
	mk("Lead 1", "100.10", p.Stages[0].ID)
	mk("Lead 2", "200.20", p.Stages[0].ID)
	mk("Proposal", "1000", p.Stages[2].ID)
	won := mk("Won now", "500", p.Stages[0].ID)
	c.Do("POST", "/api/deals/"+won+"/move", map[string]any{"stage_id": p.Stages[4].ID}).Want(200)
	lost := mk("Lost now", "50", p.Stages[0].ID)
	c.Do("POST", "/api/deals/"+lost+"/move", map[string]any{"stage_id": p.Stages[5].ID}).Want(200)
	old := mk("Won last month", "700", p.Stages[4].ID)
	// Ten days before the first of this month in New York: last month there,
	// whatever today's date.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(ny)
	lastMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, ny).AddDate(0, 0, -10)
	tomorrow, yesterday := time.Now().Add(24*time.Hour), time.Now().Add(-48*time.Hour)
	if err := env.App.DB.InTenant(t.Context(), c.Me.Company.ID, func(q *dbQ) error {
		if _, err := q.Tx.Exec(t.Context(), `UPDATE deals SET closed_at = $2 WHERE id = $1`, old, lastMonth); err != nil {
			return err
		}
		_, err := q.Tx.Exec(t.Context(), `INSERT INTO activities (company_id, id, type, subject, due_at, assignee_id)
			VALUES ($1, gen_random_uuid(), 'task', 'Overdue', $2, $3), ($1, gen_random_uuid(), 'task', 'Later', $4, $3)`,
			c.Me.Company.ID, yesterday, c.Me.User.ID, tomorrow.Add(48*time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Other        bool   `json:"other_currencies"`
		PipelineName string `json:"pipeline_name"`
		Currency     string
		Timezone     string
		OpenByStage  []struct {
			Stage         string
			Deals         int
			Value         string
			WeightedValue string `json:"weighted_value"`
		} `json:"open_by_stage"`
		OpenDeals int    `json:"open_deals"`
		OpenValue string `json:"open_value"`
		ThisMonth struct {
			WonDeals  int      `json:"won_deals"`
			WonValue  string   `json:"won_value"`
			LostDeals int      `json:"lost_deals"`
			WinRate   *float64 `json:"win_rate"`
		} `json:"this_month"`
		LastMonth struct {
			WonDeals int    `json:"won_deals"`
			WonValue string `json:"won_value"`
		} `json:"last_month"`
		Months []struct {
			Month    string
			WonDeals int `json:"won_deals"`
		}
		TasksOverdue int `json:"tasks_overdue"`
	}
	c.Do("GET", "/api/analytics/dashboard", nil).Want(200).Decode(&d)
	if d.PipelineName != "Sales" || d.Currency != "USD" || d.Timezone != "America/New_York" || len(d.OpenByStage) != 4 {
		t.Fatalf("dashboard: %+v", d)
	}
	if s := d.OpenByStage[0]; s.Stage != "Lead" || s.Deals != 2 || s.Value != "300.30" || s.WeightedValue != "30.03" {
		t.Errorf("lead stage: %+v", s)
	}
	if d.OpenDeals != 3 || d.OpenValue != "1300.30" {
		t.Errorf("open: %d %s", d.OpenDeals, d.OpenValue)
	}
	if d.ThisMonth.WonDeals != 1 || d.ThisMonth.WonValue != "500.00" || d.ThisMonth.LostDeals != 1 || d.ThisMonth.WinRate == nil || *d.ThisMonth.WinRate != 0.5 {
		t.Errorf("this month: %+v", d.ThisMonth)
	}
	if d.LastMonth.WonDeals != 1 || d.LastMonth.WonValue != "700.00" {
		t.Errorf("last month: %+v", d.LastMonth)
	}
	if len(d.Months) != 6 || d.Months[5].WonDeals != 1 || d.Months[4].WonDeals != 1 {
		t.Errorf("months: %+v", d.Months)
	}
	if d.Other {
		t.Errorf("other currencies with dollars only")
	}
	if d.TasksOverdue != 1 {
		t.Errorf("tasks overdue: %d", d.TasksOverdue)
	}
	c.Do("GET", "/api/analytics/dashboard?pipeline_id=nope", nil).Want(422)

	// Another company sells in dollars and euros: the single numbers are in
	// dollars only and the euros are in the breakdowns, never added to them.
	g := env.Signup("Globex")
	gp := defaultPipeline(t, g)
	mkc := func(title, value, currency, stage string) {
		g.Do("POST", "/api/deals", map[string]any{"title": title, "value": value, "currency": currency, "stage_id": stage}).Want(201)
	}
	mkc("USD lead 1", "100", "USD", gp.Stages[0].ID)
	mkc("USD lead 2", "300", "USD", gp.Stages[0].ID)
	mkc("EUR lead", "50", "EUR", gp.Stages[0].ID)
	mkc("USD won", "400", "USD", gp.Stages[4].ID)
	mkc("EUR won", "70", "EUR", gp.Stages[4].ID)
	type cv struct {
		Currency      string
		Deals         int
		Value         string
		WeightedValue string `json:"weighted_value"`
	}
	type closedJSON struct {
		WonDeals       int    `json:"won_deals"`
		WonValue       string `json:"won_value"`
		WonByCurrency  []cv   `json:"won_by_currency"`
		LostByCurrency []cv   `json:"lost_by_currency"`
	}
	var m struct {
		Currency    string
		Other       bool `json:"other_currencies"`
		OpenByStage []struct {
			Deals      int
			Value      string
			ByCurrency []cv `json:"by_currency"`
		} `json:"open_by_stage"`
		OpenDeals      int        `json:"open_deals"`
		OpenValue      string     `json:"open_value"`
		Weighted       string     `json:"weighted_value"`
		OpenByCurrency []cv       `json:"open_by_currency"`
		ThisMonth      closedJSON `json:"this_month"`
		Last90Days     closedJSON `json:"last_90_days"`
		Months         []closedJSON
	}
	g.Do("GET", "/api/analytics/dashboard", nil).Want(200).Decode(&m)
	if m.Currency != "USD" || !m.Other {
		t.Fatalf("mixed dashboard: %+v", m)
	}
	if m.OpenDeals != 3 || m.OpenValue != "400.00" || m.Weighted != "40.00" {
		t.Errorf("mixed open: %d %s %s", m.OpenDeals, m.OpenValue, m.Weighted)
	}
	wantOpen := []cv{{"USD", 2, "400.00", "40.00"}, {"EUR", 1, "50.00", "5.00"}}
	if !reflect.DeepEqual(m.OpenByCurrency, wantOpen) {
		t.Errorf("open by currency: %+v", m.OpenByCurrency)
	}
	if s := m.OpenByStage[0]; s.Deals != 3 || s.Value != "400.00" || !reflect.DeepEqual(s.ByCurrency, wantOpen) {
		t.Errorf("mixed lead stage: %+v", s)
	}
	if s := m.OpenByStage[1]; s.Deals != 0 || s.Value != "0.00" || len(s.ByCurrency) != 0 {
		t.Errorf("empty stage: %+v", s)
	}
	wantWon := []cv{{"USD", 1, "400.00", ""}, {"EUR", 1, "70.00", ""}}
	for _, c := range []closedJSON{m.ThisMonth, m.Last90Days, m.Months[5]} {
		if c.WonDeals != 2 || c.WonValue != "400.00" || !reflect.DeepEqual(c.WonByCurrency, wantWon) || c.LostByCurrency == nil || len(c.LostByCurrency) != 0 {
			t.Errorf("mixed won: %+v", c)
		}
	}
	var pl struct {
		Items []struct {
			Stages []struct {
				Deals      int
				TotalValue string `json:"total_value"`
				Currency   string
				Totals     []cv
			}
		}
	}
	g.Do("GET", "/api/pipelines", nil).Want(200).Decode(&pl)
	lead, wonStage := pl.Items[0].Stages[0], pl.Items[0].Stages[4]
	if lead.Deals != 3 || lead.TotalValue != "400.00" || lead.Currency != "USD" ||
		!reflect.DeepEqual(lead.Totals, []cv{{"USD", 2, "400.00", ""}, {"EUR", 1, "50.00", ""}}) {
		t.Errorf("lead stage totals: %+v", lead)
	}
	// A tie: the alphabetically first currency names total_value.
	if wonStage.Deals != 2 || wonStage.TotalValue != "70.00" || wonStage.Currency != "EUR" || len(wonStage.Totals) != 2 {
		t.Errorf("won stage totals: %+v", wonStage)
	}
	if e := pl.Items[0].Stages[1]; e.Deals != 0 || e.TotalValue != "0.00" || e.Currency != "" || e.Totals == nil || len(e.Totals) != 0 {
		t.Errorf("empty stage totals: %+v", e)
	}
}
