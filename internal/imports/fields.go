package imports

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salescrm/crm/internal/errs"
)

// Kinds of import.
const (
	KindContacts = "contacts"
	KindDeals    = "deals"
)

// CustomPrefix maps a column to a contact's custom field: "custom.<name>".
const CustomPrefix = "custom."

// Field is a target a column can be mapped to.
type Field struct {
	Name        string `json:"name" doc:"The value to put in the mapping; custom.<name> for a contact's custom field."`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required" doc:"The mapping must use this field."`
}

var contactFields = []Field{
	{Name: "first_name", Label: "First name"},
	{Name: "last_name", Label: "Last name"},
	{Name: "full_name", Label: "Full name", Description: "Split at the last space into first and last name, for the parts not mapped on their own."},
	{Name: "email", Label: "Email", Description: "Duplicates are found by email: skipped or updated, as chosen."},
	{Name: "phone", Label: "Phone", Description: "Any common format; numbers without a country code are read as US numbers."},
	{Name: "company_name", Label: "Company"},
	{Name: "title", Label: "Job title"},
	{Name: "tags", Label: "Tags", Description: "Separated by commas or semicolons."},
	{Name: "owner", Label: "Owner email", Description: "The email of a member of the company."},
	{Name: CustomPrefix + "*", Label: "Custom field", Description: "Map a column to custom.<name> to store it as the custom field <name>."},
}

var dealFields = []Field{
	{Name: "title", Label: "Title", Required: true},
	{Name: "value", Label: "Value", Description: "A decimal amount such as 1250.50; a currency sign and thousands commas are allowed."},
	{Name: "currency", Label: "Currency", Description: "ISO 4217 code; USD when empty."},
	{Name: "pipeline", Label: "Pipeline", Description: "A pipeline's name; the first pipeline when empty."},
	{Name: "stage", Label: "Stage", Description: "A stage's name, in the row's pipeline (or the first pipeline that has a stage of that name); the pipeline's first stage when empty."},
	{Name: "contact_email", Label: "Contact email", Description: "Links the deal to the company's contact with this email."},
	{Name: "expected_close_date", Label: "Expected close date", Description: "YYYY-MM-DD."},
	{Name: "owner", Label: "Owner email", Description: "The email of a member of the company; the importer when empty."},
}

// FieldsOf lists the fields a kind of import can fill.
func FieldsOf(kind string) []Field {
	if kind == KindDeals {
		return dealFields
	}
	return contactFields
}

// guesses maps a header, lower-cased with everything but letters and
// digits removed, to a field.
var guesses = map[string]map[string]string{
	KindContacts: words(map[string]string{
		"email":        "email emailaddress mail emailid primaryemail workemail businessemail contactemail",
		"first_name":   "firstname first givenname forename fname",
		"last_name":    "lastname last surname familyname lname",
		"full_name":    "name fullname contactname contact person displayname",
		"phone":        "phone phonenumber mobile mobilephone mobilenumber cell cellphone telephone tel workphone businessphone",
		"company_name": "company companyname organization organisation org account accountname employer business",
		"title":        "title jobtitle position role",
		"tags":         "tags tag labels label",
		"owner":        "owner owneremail contactowner assignedto salesrep",
	}),
	KindDeals: words(map[string]string{
		"title":               "title name dealname deal dealtitle opportunity opportunityname",
		"value":               "value amount dealvalue price revenue total",
		"currency":            "currency currencycode",
		"pipeline":            "pipeline pipelinename",
		"stage":               "stage dealstage pipelinestage",
		"contact_email":       "contactemail email emailaddress contact contactemailaddress",
		"expected_close_date": "expectedclosedate closedate expectedclose closingdate close",
		"owner":               "owner owneremail dealowner assignedto salesrep",
	}),
}

func words(m map[string]string) map[string]string {
	out := map[string]string{}
	for field, ws := range m {
		for _, w := range strings.Fields(ws) {
			out[w] = field
		}
	}
	return out
}

func squash(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GuessMapping proposes a field for each header from its name ("E-mail",
// "Email Address" → email; "custom.industry" → that custom field). Each
// field is proposed once, for the first column that matches it.
func GuessMapping(kind string, headers []string) []string {
	out := make([]string, len(headers))
	used := map[string]bool{}
	for i, h := range headers {
		field := ""
		if kind == KindContacts {
			lh := strings.ToLower(strings.TrimSpace(h))
			for _, p := range []string{"custom.", "custom:", "custom_", "custom "} {
				if strings.HasPrefix(lh, p) {
					if name := strings.TrimSpace(strings.TrimSpace(h)[len(p):]); checkCustomName(name) == "" {
						field = CustomPrefix + name
					}
				}
			}
		}
		if field == "" {
			field = guesses[kind][squash(h)]
		}
		if field != "" && !used[field] {
			out[i] = field
			used[field] = true
		}
	}
	return out
}

func checkCustomName(name string) string {
	switch {
	case strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 64:
		return "a custom field name must be 1 to 64 characters"
	case !utf8.ValidString(name) || strings.ContainsRune(name, 0):
		return "a custom field name must be text"
	}
	return ""
}

// checkMapping validates a mapping against the file's headers: one entry
// per column, each empty (ignore the column) or a field of the kind, no
// field twice, and the fields the kind needs.
func checkMapping(kind string, headers, mapping []string) error {
	var fe errs.Fields
	if len(mapping) != len(headers) {
		fe.Add("body.mapping", fmt.Sprintf("must have one entry per column (%d)", len(headers)), len(mapping))
		return fe.Err()
	}
	known := map[string]bool{}
	for _, f := range FieldsOf(kind) {
		known[f.Name] = true
	}
	seen := map[string]bool{}
	for i, m := range mapping {
		loc := fmt.Sprintf("body.mapping[%d]", i)
		switch {
		case m == "":
			continue
		case kind == KindContacts && strings.HasPrefix(m, CustomPrefix) && m != CustomPrefix+"*":
			if msg := checkCustomName(m[len(CustomPrefix):]); msg != "" {
				fe.Add(loc, msg, m)
				continue
			}
		case !known[m] || strings.HasSuffix(m, "*"):
			fe.Add(loc, "is not a field of a "+strings.TrimSuffix(kind, "s")+" import", m)
			continue
		}
		if seen[m] {
			fe.Add(loc, "maps a second column to the same field", m)
		}
		seen[m] = true
	}
	switch kind {
	case KindDeals:
		if !seen["title"] && len(fe) == 0 {
			fe.Add("body.mapping", "map a column to the deal's title", nil)
		}
	case KindContacts:
		if !seen["first_name"] && !seen["last_name"] && !seen["full_name"] && !seen["email"] && !seen["phone"] && len(fe) == 0 {
			fe.Add("body.mapping", "map a column to a name, an email or a phone number", nil)
		}
	}
	return fe.Err()
}
