// Package deals owns deals, their stage history and the kanban board.
package deals

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Deal is an opportunity moving through a pipeline.
type Deal struct {
	ID                uuid.UUID  `json:"id"`
	PipelineID        uuid.UUID  `json:"pipeline_id"`
	StageID           uuid.UUID  `json:"stage_id"`
	Title             string     `json:"title"`
	Value             string     `json:"value" doc:"Exact decimal money with two places, such as 1250.00."`
	Currency          string     `json:"currency" doc:"ISO 4217 code."`
	ContactID         *uuid.UUID `json:"contact_id" nullable:"true"`
	ContactName       string     `json:"contact_name"`
	OwnerID           *uuid.UUID `json:"owner_id" nullable:"true"`
	Position          float64    `json:"position" doc:"Order within the stage on the board."`
	Status            string     `json:"status" enum:"open,won,lost"`
	ExpectedCloseDate *string    `json:"expected_close_date" doc:"YYYY-MM-DD."`
	ClosedAt          *time.Time `json:"closed_at"`
	CloseReason       string     `json:"close_reason" doc:"Why it was won or lost."`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Input creates a deal. Without a stage it starts in the first stage of the
// pipeline (or of the first pipeline).
type Input struct {
	Title             string `json:"title" minLength:"1" maxLength:"200"`
	Value             string `json:"value,omitempty" maxLength:"20" doc:"Decimal, such as 1250 or 1250.50; default 0."`
	Currency          string `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217; default the company's base currency."`
	ContactID         string `json:"contact_id,omitempty"`
	OwnerID           string `json:"owner_id,omitempty" doc:"Default: the caller."`
	PipelineID        string `json:"pipeline_id,omitempty"`
	StageID           string `json:"stage_id,omitempty"`
	ExpectedCloseDate string `json:"expected_close_date,omitempty" doc:"YYYY-MM-DD."`
}

// Patch changes a deal; absent fields stay, an empty string clears contact,
// owner or expected close date. Stage changes go through Move.
type Patch struct {
	Title             *string `json:"title,omitempty" minLength:"1" maxLength:"200"`
	Value             *string `json:"value,omitempty" maxLength:"20"`
	Currency          *string `json:"currency,omitempty" maxLength:"3"`
	ContactID         *string `json:"contact_id,omitempty"`
	OwnerID           *string `json:"owner_id,omitempty"`
	ExpectedCloseDate *string `json:"expected_close_date,omitempty"`
	CloseReason       *string `json:"close_reason,omitempty" maxLength:"500"`
}

// MoveInput puts a deal in a stage: before another deal, after another
// deal, or at the end.
type MoveInput struct {
	StageID  string `json:"stage_id" doc:"The target stage, in this or another pipeline."`
	BeforeID string `json:"before_id,omitempty" doc:"Place the deal just before this deal of the target stage; empty for the end."`
	AfterID  string `json:"after_id,omitempty" doc:"Place the deal just after this deal of the target stage (a board that shows only a column's first cards drops below the last one it shows). Not with before_id."`
	Reason   string `json:"reason,omitempty" maxLength:"500" doc:"Why the deal was won or lost, when moving into such a stage."`
}

const dateLayout = "2006-01-02"

func fromRow(r dbq.Deal) Deal {
	d := Deal{ID: r.ID, PipelineID: r.PipelineID, StageID: r.StageID, Title: r.Title, Value: r.Value.StringFixed(2),
		Currency: r.Currency, ContactID: r.ContactID, OwnerID: r.OwnerID, Position: r.Position, Status: r.Status,
		ClosedAt: r.ClosedAt, CloseReason: r.CloseReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.ExpectedCloseDate != nil {
		s := r.ExpectedCloseDate.Format(dateLayout)
		d.ExpectedCloseDate = &s
	}
	return d
}

// ParseMoney reads a non-negative amount with at most two decimal places.
func ParseMoney(field, v string, fe *errs.Fields) decimal.Decimal {
	v = strings.TrimSpace(v)
	if v == "" {
		return decimal.Zero
	}
	d, err := decimal.NewFromString(v)
	switch {
	case err != nil:
		fe.Add(field, "must be a decimal number such as 1250.50", v)
	case d.IsNegative():
		fe.Add(field, "must not be negative", v)
	case d.Exponent() < -2 && !d.Equal(d.Round(2)):
		fe.Add(field, "must have at most two decimal places", v)
	case d.GreaterThanOrEqual(decimal.New(1, 16)):
		fe.Add(field, "is too large", v)
	}
	return d.Round(2)
}

// ParseCurrency reads an ISO 4217 code; empty means USD (CreateTx puts the
// company's base currency in its place).
func ParseCurrency(field, v string, fe *errs.Fields) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" {
		return "USD"
	}
	if u, err := currency.ParseISO(v); err != nil || u.String() != v {
		fe.Add(field, "must be an ISO 4217 currency code such as USD or EUR", v)
	}
	return v
}

func parseDate(field, v string, fe *errs.Fields) *time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		fe.Add(field, "must be a date, YYYY-MM-DD", v)
		return nil
	}
	return &t
}

func parseOptionalID(field, v string, fe *errs.Fields) *uuid.UUID {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		fe.Add(field, "must be an id", v)
		return nil
	}
	return &id
}
