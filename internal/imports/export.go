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
	o.rows++
	return o.w.Write(escapeAll(row))
}

// flush sends what is buffered; the exports flush after every page.
func (o *csvOut) flush() error {
	if o.w == nil {
		return nil
	}
	o.w.Flush()
	return o.w.Error()
}

func (o *csvOut) close() error {
	if err := o.write(nil); err != nil {
		return err
	}
	return o.flush()
}

// MaxExportsPerCompany is how many exports (CSV downloads of contacts,
// deals or an import's failures) one company may stream at once in this
// server; one more is answered 429 with Retry-After. A download holds its
// slot as long as its client keeps reading, and no database connection.
const MaxExportsPerCompany = 2

// exportSlot takes one of the company's export slots.
func (s *Service) exportSlot(companyID uuid.UUID) (func(), error) {
	return s.exports.Take(companyID, 30*time.Second,
		fmt.Sprintf("this company is already downloading %d exports; try again when one has finished", MaxExportsPerCompany))
}

// ExportContacts writes the contacts matching f as CSV, a page at a time,
// each page read in its own short transaction and written to the client
// after it (contacts.Pages): a client that reads slowly, or not at all,
// holds one of the company's export slots but no database connection.
// Columns: id, the contact fields, tags (separated by "; "), owner (the
// member's email), one custom.<name> column per custom field in use,
// created_at and updated_at. open is called once, before the first byte; a
// bad filter, or a company at its export limit, is returned before it is
// called.
func (s *Service) ExportContacts(ctx context.Context, companyID uuid.UUID, f contacts.Filter, open func() (io.Writer, error)) error {
	release, err := s.exportSlot(companyID)
	if err != nil {
		return err
	}
	defer release()
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
	err = s.deps.Contacts.Pages(ctx, companyID, f, func(page []contacts.Contact) error {
		for _, c := range page {
			row := []string{c.ID.String(), c.FirstName, c.LastName, deref(c.Email), deref(c.Phone), c.CompanyName, c.Title,
				strings.Join(c.Tags, "; "), ""}
			if c.OwnerID != nil {
				row[8] = owners[*c.OwnerID]
			}
			for _, k := range keys {
				row = append(row, customValue(c.CustomFields[k]))
			}
			row = append(row, c.CreatedAt.UTC().Format(time.RFC3339), c.UpdatedAt.UTC().Format(time.RFC3339))
			if err := out.write(row); err != nil {
				return err
			}
		}
		return out.flush()
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

// ExportDeals writes the deals matching f as CSV, oldest first, a page at a
// time like ExportContacts. Columns: id, title, value, currency, pipeline and
// stage (by name), status, contact_email and contact_name,
// expected_close_date, owner (email), close_reason, closed_at, created_at,
// updated_at. The names of the company's pipelines, stages and members are
// read first; the contacts of each page with that page.
func (s *Service) ExportDeals(ctx context.Context, companyID uuid.UUID, f deals.Filter, open func() (io.Writer, error)) error {
	release, err := s.exportSlot(companyID)
	if err != nil {
		return err
	}
	defer release()
	_, owners, err := s.memberEmails(ctx, companyID)
	if err != nil {
		return err
	}
	pipelines, stages := map[uuid.UUID]string{}, map[uuid.UUID]string{}
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
		return nil
	})
	if err != nil {
		return err
	}
	out := &csvOut{open: open, header: []string{"id", "title", "value", "currency", "pipeline", "stage", "status", "contact_email",
		"contact_name", "expected_close_date", "owner", "close_reason", "closed_at", "created_at", "updated_at"}}
	f.Sort, f.Desc = "created_at", false
	err = s.deps.Deals.Pages(ctx, companyID, f, func(page []deals.Deal) error {
		refs, err := s.dealContacts(ctx, companyID, page)
		if err != nil {
			return err
		}
		for _, d := range page {
			row := []string{d.ID.String(), d.Title, d.Value, d.Currency, pipelines[d.PipelineID], stages[d.StageID], d.Status, "", "",
				deref(d.ExpectedCloseDate), "", d.CloseReason, "", d.CreatedAt.UTC().Format(time.RFC3339), d.UpdatedAt.UTC().Format(time.RFC3339)}
			if d.ContactID != nil {
				r := refs[*d.ContactID]
				row[7], row[8] = r.Email, r.Name
			}
			if d.OwnerID != nil {
				row[10] = owners[*d.OwnerID]
			}
			if d.ClosedAt != nil {
				row[12] = d.ClosedAt.UTC().Format(time.RFC3339)
			}
			if err := out.write(row); err != nil {
				return err
			}
		}
		return out.flush()
	})
	if err != nil {
		return err
	}
	return out.close()
}

// dealContacts reads the email and name of a page's contacts, in a short
// transaction of its own.
func (s *Service) dealContacts(ctx context.Context, companyID uuid.UUID, page []deals.Deal) (map[uuid.UUID]dbq.ExportDealContactsRow, error) {
	ids := make([]uuid.UUID, 0, len(page))
	for _, d := range page {
		if d.ContactID != nil {
			ids = append(ids, *d.ContactID)
		}
	}
	out := make(map[uuid.UUID]dbq.ExportDealContactsRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.ExportDealContacts(ctx, dbq.ExportDealContactsParams{CompanyID: companyID, Ids: ids})
		if err != nil {
			return fmt.Errorf("deal contacts: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r
		}
		return nil
	})
	return out, err
}
