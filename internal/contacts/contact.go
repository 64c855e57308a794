// Package contacts owns the contacts table: people a company sells to.
package contacts

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db/dbq"
)

// Limits on a contact's free-form parts.
const (
	MaxTags             = 30
	MaxTagLen           = 50
	MaxCustomFields     = 50
	MaxCustomFieldsSize = 8 << 10
	MaxTextLen          = 200
)

// Contact is a person a company sells to.
type Contact struct {
	ID           uuid.UUID      `json:"id"`
	FirstName    string         `json:"first_name"`
	LastName     string         `json:"last_name"`
	Email        *string        `json:"email" doc:"Lower-cased; unique within the company."`
	Phone        *string        `json:"phone" doc:"E.164, such as +14155550100."`
	CompanyName  string         `json:"company_name"`
	Title        string         `json:"title"`
	Tags         []string       `json:"tags"`
	OwnerID      *uuid.UUID     `json:"owner_id" nullable:"true" doc:"A member of the company."`
	CustomFields map[string]any `json:"custom_fields"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// Input creates a contact. At least a name, an email or a phone is needed.
type Input struct {
	FirstName    string         `json:"first_name,omitempty" maxLength:"200"`
	LastName     string         `json:"last_name,omitempty" maxLength:"200"`
	Email        string         `json:"email,omitempty" maxLength:"254"`
	Phone        string         `json:"phone,omitempty" maxLength:"40" doc:"Any common format; stored as E.164 (numbers without a country code are read as US numbers)."`
	CompanyName  string         `json:"company_name,omitempty" maxLength:"200"`
	Title        string         `json:"title,omitempty" maxLength:"200"`
	Tags         []string       `json:"tags,omitempty" maxItems:"30"`
	OwnerID      string         `json:"owner_id,omitempty" doc:"User id of a member; empty for none."`
	CustomFields map[string]any `json:"custom_fields,omitempty"`
}

// Patch changes a contact; absent fields stay as they are, and an empty
// string clears email, phone or owner.
type Patch struct {
	FirstName    *string         `json:"first_name,omitempty" maxLength:"200"`
	LastName     *string         `json:"last_name,omitempty" maxLength:"200"`
	Email        *string         `json:"email,omitempty" maxLength:"254"`
	Phone        *string         `json:"phone,omitempty" maxLength:"40"`
	CompanyName  *string         `json:"company_name,omitempty" maxLength:"200"`
	Title        *string         `json:"title,omitempty" maxLength:"200"`
	Tags         *[]string       `json:"tags,omitempty" maxItems:"30"`
	OwnerID      *string         `json:"owner_id,omitempty"`
	CustomFields *map[string]any `json:"custom_fields,omitempty"`
}

// Filter selects and orders a page of contacts.
type Filter struct {
	Q       string
	Tag     string
	OwnerID *uuid.UUID
	Sort    string // name, created_at, updated_at
	Desc    bool
	Limit   int
	Cursor  string
}

// Page is one page of a list.
type Page struct {
	Items      []Contact `json:"items"`
	NextCursor string    `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// TagCount is a tag and how many contacts carry it.
type TagCount struct {
	Tag      string `json:"tag"`
	Contacts int64  `json:"contacts"`
}

func fromRow(r dbq.Contact) Contact {
	c := Contact{ID: r.ID, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone,
		CompanyName: r.CompanyName, Title: r.Title, Tags: r.Tags, OwnerID: r.OwnerID,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	c.CustomFields = map[string]any{}
	_ = json.Unmarshal(r.CustomFields, &c.CustomFields)
	return c
}
