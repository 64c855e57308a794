package contacts

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/nyaruka/phonenumbers"

	"github.com/salescrm/crm/internal/errs"
)

// fields is a validated contact, ready to store.
type fields struct {
	firstName, lastName, companyName, title string
	email, phone                            *string
	tags                                    []string
	ownerID                                 *uuid.UUID
	customFields                            []byte
}

func (in Input) validate() (fields, error) {
	var fe errs.Fields
	f := fields{
		firstName:   text("body.first_name", in.FirstName, &fe),
		lastName:    text("body.last_name", in.LastName, &fe),
		companyName: text("body.company_name", in.CompanyName, &fe),
		title:       text("body.title", in.Title, &fe),
		email:       NormalizeEmail("body.email", in.Email, &fe),
		phone:       NormalizePhone("body.phone", in.Phone, &fe),
		tags:        normalizeTags("body.tags", in.Tags, &fe),
		ownerID:     parseOwner("body.owner_id", in.OwnerID, &fe),
	}
	f.customFields = customFields("body.custom_fields", in.CustomFields, &fe)
	if f.firstName == "" && f.lastName == "" && f.email == nil && f.phone == nil && len(fe) == 0 {
		fe.Add("body.first_name", "a contact needs a name, an email or a phone number", "")
	}
	return f, fe.Err()
}

func text(field, v string, fe *errs.Fields) string {
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) {
		fe.Add(field, "must be valid UTF-8", nil)
		return ""
	}
	if strings.ContainsRune(v, 0) {
		fe.Add(field, "must not contain NUL characters", nil)
		return ""
	}
	if utf8.RuneCountInString(v) > MaxTextLen {
		fe.Add(field, fmt.Sprintf("must be at most %d characters", MaxTextLen), v)
	}
	return v
}

// NormalizeEmail lower-cases and checks an email; empty means none.
func NormalizeEmail(field, v string, fe *errs.Fields) *string {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		return nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 {
		fe.Add(field, "must be a valid email address", v)
		return nil
	}
	return &v
}

// NormalizePhone parses a phone number into E.164; empty means none.
// Numbers without a country code are read as US numbers.
func NormalizePhone(field, v string, fe *errs.Fields) *string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	num, err := phonenumbers.Parse(v, "US")
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		fe.Add(field, "must be a phone number, such as +14155550100", v)
		return nil
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	return &e164
}

func normalizeTags(field string, tags []string, fe *errs.Fields) []string {
	out := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for i, t := range tags {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			fe.Add(fmt.Sprintf("%s[%d]", field, i), "must not be empty", t)
			continue
		case utf8.RuneCountInString(t) > MaxTagLen || !utf8.ValidString(t) || strings.ContainsRune(t, 0):
			fe.Add(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("must be at most %d characters of text", MaxTagLen), t)
			continue
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		fe.Add(field, fmt.Sprintf("at most %d tags", MaxTags), len(out))
	}
	return out
}

func parseOwner(field, v string, fe *errs.Fields) *uuid.UUID {
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		fe.Add(field, "must be a user id", v)
		return nil
	}
	return &id
}

func customFields(field string, m map[string]any, fe *errs.Fields) []byte {
	if m == nil {
		return []byte("{}")
	}
	if len(m) > MaxCustomFields {
		fe.Add(field, fmt.Sprintf("at most %d custom fields", MaxCustomFields), len(m))
	}
	for k := range m {
		if strings.TrimSpace(k) == "" || utf8.RuneCountInString(k) > 64 || strings.ContainsRune(k, 0) {
			fe.Add(field, "keys must be 1 to 64 characters", k)
			break
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		fe.Add(field, "must be a JSON object", nil)
		return []byte("{}")
	}
	if len(b) > MaxCustomFieldsSize {
		fe.Add(field, fmt.Sprintf("must be at most %d bytes as JSON", MaxCustomFieldsSize), len(b))
	}
	if strings.Contains(string(b), `\u0000`) {
		fe.Add(field, "must not contain NUL characters", nil)
	}
	return b
}

// apply merges a patch into an existing contact's input form.
func (p Patch) apply(c Contact) Input {
	in := Input{FirstName: c.FirstName, LastName: c.LastName, CompanyName: c.CompanyName, Title: c.Title,
		Tags: c.Tags, CustomFields: c.CustomFields}
	if c.Email != nil {
		in.Email = *c.Email
	}
	if c.Phone != nil {
		in.Phone = *c.Phone
	}
	if c.OwnerID != nil {
		in.OwnerID = c.OwnerID.String()
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.FirstName, p.FirstName)
	set(&in.LastName, p.LastName)
	set(&in.Email, p.Email)
	set(&in.Phone, p.Phone)
	set(&in.CompanyName, p.CompanyName)
	set(&in.Title, p.Title)
	set(&in.OwnerID, p.OwnerID)
	if p.Tags != nil {
		in.Tags = *p.Tags
	}
	if p.CustomFields != nil {
		in.CustomFields = *p.CustomFields
	}
	return in
}
