package httpapi_test

import (
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
)

// Sign-up takes the company's time zone and base currency (the web app sends
// the browser's); both are validated and changeable.
func TestSignupTakesTimeZoneAndCurrency(t *testing.T) {
	env := apitest.New(t)
	c := env.Anonymous()
	p := c.Do("POST", "/api/auth/signup", map[string]any{"company_name": "Café", "name": "N", "email": "n@cafe.test",
		"password": "long enough", "timezone": "Mars/Olympus", "currency": "EUX"}).Want(422).Problem()
	if !p.HasFieldError("body.timezone") || !p.HasFieldError("body.currency") {
		t.Fatalf("bad zone and currency: %+v", p)
	}
	var me struct {
		Company struct {
			Timezone, Currency string
		}
		Timezone string
	}
	c.Do("POST", "/api/auth/signup", map[string]any{"company_name": "Café", "name": "N", "email": "n@cafe.test",
		"password": "long enough", "timezone": "Europe/Paris", "currency": "eur"}).Want(201).Decode(&me)
	if me.Company.Timezone != "Europe/Paris" || me.Company.Currency != "EUR" || me.Timezone != "Europe/Paris" {
		t.Fatalf("me after sign-up: %+v", me)
	}
	// Without them: UTC and USD, as before.
	d := env.Signup("Defaults")
	if d.Me.Company.Timezone != "UTC" || d.Me.Company.Currency != "USD" {
		t.Fatalf("defaults: %+v", d.Me.Company)
	}
	c.Do("PATCH", "/api/company", map[string]any{"currency": "XYZ"}).Want(422)
	c.Do("PATCH", "/api/company", map[string]any{"currency": "CHF"}).Want(200)
}

// The dashboard's totals are in the company's base currency, never in
// "whichever currency most deals use"; a new deal without a currency is in it.
func TestDashboardTotalsAreInTheBaseCurrency(t *testing.T) {
	env := apitest.New(t)
	c := env.Signup("Euro Co")
	c.Do("PATCH", "/api/company", map[string]any{"currency": "EUR"}).Want(200)
	stage := defaultPipeline(t, c).Stages[0].ID
	for _, d := range []map[string]any{{"title": "A", "value": "100", "currency": "USD"}, {"title": "B", "value": "200", "currency": "USD"},
		{"title": "C", "value": "7.50"}} {
		d["stage_id"] = stage
		c.Do("POST", "/api/deals", d).Want(201)
	}
	var deals struct {
		Items []struct{ Title, Currency string }
	}
	c.Do("GET", "/api/deals?q=C", nil).Want(200).Decode(&deals)
	if len(deals.Items) != 1 || deals.Items[0].Currency != "EUR" {
		t.Fatalf("a deal without a currency: %+v", deals.Items)
	}
	var dash struct {
		Currency  string
		OpenValue string `json:"open_value"`
		Other     bool   `json:"other_currencies"`
	}
	c.Do("GET", "/api/analytics/dashboard", nil).Want(200).Decode(&dash)
	if dash.Currency != "EUR" || dash.OpenValue != "7.50" || !dash.Other {
		t.Fatalf("dashboard of a EUR company with mostly USD deals: %+v", dash)
	}
}

// Each member can have a time zone of their own: "today" and "overdue" are
// their days, not the company's.
func TestMembersHaveTheirOwnToday(t *testing.T) {
	env := apitest.New(t)
	c := env.Signup("Spread Out") // company in UTC
	// Late in a UTC day it is already tomorrow in Auckland (UTC+12/13), and
	// early in a UTC day it is still yesterday in Honolulu (UTC-10).
	now := time.Now().UTC()
	zone, due := "Pacific/Auckland", now.Add(14*time.Hour)
	if now.Hour() < 12 {
		zone, due = "Pacific/Honolulu", now.Add(-11*time.Hour)
	}
	loc, _ := time.LoadLocation(zone)
	if due.In(loc).Format(time.DateOnly) != now.In(loc).Format(time.DateOnly) || due.Format(time.DateOnly) == now.Format(time.DateOnly) {
		t.Fatalf("the test's times are not today there and another day in UTC: %v %v in %s", now, due, zone)
	}
	var task struct{ ID string }
	c.Do("POST", "/api/activities", map[string]any{"type": "task", "subject": "Call back", "due_at": due.Format(time.RFC3339)}).Want(201).Decode(&task)
	today := func() bool {
		var mine struct {
			Today []struct{ ID string }
		}
		c.Do("GET", "/api/activities/my-tasks", nil).Want(200).Decode(&mine)
		for _, a := range mine.Today {
			if a.ID == task.ID {
				return true
			}
		}
		return false
	}
	if today() {
		t.Fatal("the task is due today in UTC too; the test proves nothing")
	}
	c.Do("PATCH", "/api/auth/me", map[string]any{"timezone": "Not/AZone"}).Want(422)
	var me struct {
		Timezone string
		User     struct{ Timezone *string }
	}
	c.Do("PATCH", "/api/auth/me", map[string]any{"timezone": zone}).Want(200).Decode(&me)
	if me.Timezone != zone || me.User.Timezone == nil || *me.User.Timezone != zone {
		t.Fatalf("me: %+v", me)
	}
	if !today() {
		t.Fatalf("the task is not under Today in the member's own zone %s", zone)
	}
	var listed struct{ Items []struct{ ID string } }
	c.Do("GET", "/api/activities?due=today", nil).Want(200).Decode(&listed)
	if len(listed.Items) != 1 || listed.Items[0].ID != task.ID {
		t.Fatalf("due=today in the member's zone: %+v", listed.Items)
	}
	// An empty zone follows the company's again.
	c.Do("PATCH", "/api/auth/me", map[string]any{"timezone": ""}).Want(200).Decode(&me)
	if me.Timezone != "UTC" || me.User.Timezone != nil || today() {
		t.Fatalf("back to the company's zone: %+v", me)
	}
}
