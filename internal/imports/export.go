package imports

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/deals"
)

// Exports write the same columns an import reads, so an export imports
// back as it was (into the same company, or another).

// MaxExportCustomFields bounds the custom field columns of a contacts export.
const MaxExportCustomFields = 200

// plainNumber is a value a spreadsheet reads as a number, not a formula:
// a phone number such as +14155550100, or -12.5.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9][0-9 ().-]*$`)

// escapeCell defuses CSV formula injection: a value that a spreadsheet
// would run as a formula (it starts with =, +, -, @, tab or carriage
// return) gets a leading quote, which the import removes again. Phone
// numbers and signed numbers stay as they are.
func escapeCell(v string) string {
	if v == "" || plainNumber.MatchString(v) {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	case '\'': // keep a value that already starts like an escaped one
		if len(v) > 1 && strings.ContainsRune("=+-@", rune(v[1])) {
			return "'" + v
		}
	}
	return v
}

func escapeAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = escapeCell(v)
	}
	return out
}

// csvOut writes rows, opening the output at the first row so that an
// error before any output can still be answered as an error.
type csvOut struct {
	open   func() (io.Writer, error)
	header []string
	w      *csv.Writer
	rows   int
}

func (o *csvOut) write(row []string) error {
	if o.w == nil {
		w, err := o.open()
		if err != nil {
			return err
		}
		o.w = csv.NewWriter(w)
		if err := o.w.Write(o.header); err != nil {
			return err
		}
	}
	if row == nil {
		return nil
	}
	if err := o.w.Write(escapeAll(row)); err != nil {
		return err
	}
	if o.rows++; o.rows%500 == 0 {
		o.w.Flush()
		return o.w.Error()
	}
	return nil
}

func (o *csvOut) close() error {
	if err := o.write(nil); err != nil {
		return err
	}
	o.w.Flush()
	return o.w.Error()
}

// ExportContacts writes the contacts matching f as CSV, streaming: one
// contact in memory at a time. Columns: id, the contact fields, tags
// (separated by "; "), owner (the member's email), one custom.<name> column
// per custom field in use, created_at and updated_at. open is called once,
// before the first byte; a bad filter is returned before it is called.
func (s *Service) ExportContacts(ctx context.Context, companyID uuid.UUID, f contacts.Filter, open func() (io.Writer, error)) error {
	_, owners, err := s.memberEmails(ctx, companyID)
	if err != nil {
		return err
	}
	var keys []string
	err = s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		keys, err = q.ExportCustomFieldKeys(ctx, dbq.ExportCustomFieldKeysParams{CompanyID: companyID, MaxKeys: MaxExportCustomFields})
		if err != nil {
			return fmt.Errorf("custom field names: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	header := []string{"id", "first_name", "last_name", "email", "phone", "company_name", "title", "tags", "owner"}
	for _, k := range keys {
		header = append(header, CustomPrefix+k)
	}
	header = append(header, "created_at", "updated_at")
	out := &csvOut{open: open, header: header}
	err = s.deps.Contacts.Each(ctx, companyID, f, func(c contacts.Contact) error {
		row := []string{c.ID.String(), c.FirstName, c.LastName, deref(c.Email), deref(c.Phone), c.CompanyName, c.Title,
			strings.Join(c.Tags, "; "), ""}
		if c.OwnerID != nil {
			row[8] = owners[*c.OwnerID]
		}
		for _, k := range keys {
			row = append(row, customValue(c.CustomFields[k]))
		}
		row = append(row, c.CreatedAt.UTC().Format(time.RFC3339), c.UpdatedAt.UTC().Format(time.RFC3339))
		return out.write(row)
	})
	if err != nil {
		return err
	}
	return out.close()
}

// customValue writes a custom field: text as it is, anything else as JSON.
func customValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ExportDeals writes the deals matching f as CSV, streaming. Columns: id,
// title, value, currency, pipeline and stage (by name), status,
// contact_email and contact_name, expected_close_date, owner (email),
// close_reason, closed_at, created_at, updated_at. The names of the
// company's pipelines, stages, members and deal contacts are read first.
func (s *Service) ExportDeals(ctx context.Context, companyID uuid.UUID, f deals.Filter, open func() (io.Writer, error)) error {
	_, owners, err := s.memberEmails(ctx, companyID)
	if err != nil {
		return err
	}
	pipelines, stages := map[uuid.UUID]string{}, map[uuid.UUID]string{}
	type ref struct{ email, name string }
	refs := map[uuid.UUID]ref{}
	err = s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		ps, err := q.ListPipelines(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list pipelines: %w", err)
		}
		for _, p := range ps {
			pipelines[p.ID] = p.Name
		}
		sts, err := q.ListAllStages(ctx, companyID)
		if err != nil {
			return fmt.Errorf("list stages: %w", err)
		}
		for _, st := range sts {
			stages[st.ID] = st.Name
		}
		cs, err := q.ExportDealContacts(ctx, companyID)
		if err != nil {
			return fmt.Errorf("deal contacts: %w", err)
		}
		for _, c := range cs {
			refs[c.ID] = ref{c.Email, c.Name}
		}
		return nil
	})
	if err != nil {
		return err
	}
	out := &csvOut{open: open, header: []string{"id", "title", "value", "currency", "pipeline", "stage", "status", "contact_email",
		"contact_name", "expected_close_date", "owner", "close_reason", "closed_at", "created_at", "updated_at"}}
	err = s.deps.Deals.Each(ctx, companyID, f, func(d deals.Deal) error {
		row := []string{d.ID.String(), d.Title, d.Value, d.Currency, pipelines[d.PipelineID], stages[d.StageID], d.Status, "", "",
			deref(d.ExpectedCloseDate), "", d.CloseReason, "", d.CreatedAt.UTC().Format(time.RFC3339), d.UpdatedAt.UTC().Format(time.RFC3339)}
		if d.ContactID != nil {
			r := refs[*d.ContactID]
			row[7], row[8] = r.email, r.name
		}
		if d.OwnerID != nil {
			row[10] = owners[*d.OwnerID]
		}
		if d.ClosedAt != nil {
			row[12] = d.ClosedAt.UTC().Format(time.RFC3339)
		}
		return out.write(row)
	})
	if err != nil {
		return err
	}
	return out.close()
}
