package imports

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/errs"
)

// lookups is what turning rows into contacts or deals needs to know about
// the company: its members by email and its pipelines and stages by name.
type lookups struct {
	companyID   uuid.UUID
	kind        string
	headers     []string
	mapping     []string
	onDuplicate string
	members     map[string]uuid.UUID
	pipelines   []dbq.Pipeline
	stages      map[uuid.UUID][]dbq.PipelineStage
}

func (s *Service) lookups(ctx context.Context, companyID uuid.UUID, kind string, headers, mapping []string, onDup string) (*lookups, error) {
	members, _, err := s.memberEmails(ctx, companyID)
	if err != nil {
		return nil, err
	}
	return &lookups{companyID: companyID, kind: kind, headers: headers, mapping: mapping, onDuplicate: onDup, members: members}, nil
}

// loadPipelines reads the pipelines and stages a deal import names.
func (lk *lookups) loadPipelines(ctx context.Context, q *db.Q) error {
	if lk.kind != KindDeals {
		return nil
	}
	var err error
	if lk.pipelines, err = q.ListPipelines(ctx, lk.companyID); err != nil {
		return fmt.Errorf("list pipelines: %w", err)
	}
	all, err := q.ListAllStages(ctx, lk.companyID)
	if err != nil {
		return fmt.Errorf("list stages: %w", err)
	}
	lk.stages = map[uuid.UUID][]dbq.PipelineStage{}
	for _, st := range all {
		lk.stages[st.PipelineID] = append(lk.stages[st.PipelineID], st)
	}
	return nil
}

// plan is one row turned into what the import will do with it.
type plan struct {
	rec      record
	problems []Problem
	action   string // create, update, skip, fail
	contact  contacts.Input
	email    string       // a contact row's normalized email
	existing *dbq.Contact // the contact a duplicate row matches, when stored before this batch
	deal     deals.Input
	dealMail string // a deal row's contact email
}

func (p *plan) problem(lk *lookups, field, msg string) {
	p.problems = append(p.problems, Problem{Field: field, Column: lk.column(field), Message: msg})
}

// column returns the header of the column mapped to field.
func (lk *lookups) column(field string) string {
	for i, m := range lk.mapping {
		if m == field && i < len(lk.headers) {
			return lk.headers[i]
		}
	}
	return ""
}

// cell cleans a value: surrounding space trimmed, and the quote that an
// export puts before a value a spreadsheet would run as a formula (see
// escapeCell) removed.
func cell(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && v[0] == '\'' && (strings.ContainsRune("=+-@", rune(v[1])) || escapeCell(v[1:]) == v) {
		v = v[1:]
	}
	return v
}

// values returns the row's mapped, cleaned cells by field; cells past the
// row's end are empty.
func (lk *lookups) values(rec record) map[string]string {
	out := map[string]string{}
	for i, field := range lk.mapping {
		if field == "" || i >= len(rec.Cells) {
			continue
		}
		out[field] = cell(rec.Cells[i])
	}
	return out
}

// build turns a record into a contact or deal input, noting what is wrong
// with it that can be known without the database.
func (lk *lookups) build(rec record) plan {
	p := plan{rec: rec}
	if rec.Problem != "" {
		p.problem(lk, "", "the row "+rec.Problem)
		return p
	}
	v := lk.values(rec)
	for field, val := range v {
		if !utf8.ValidString(val) || strings.ContainsRune(val, 0) {
			p.problem(lk, field, "is not UTF-8 text")
			delete(v, field)
		}
	}
	owner := ""
	if e := strings.ToLower(v["owner"]); e != "" {
		id, ok := lk.members[e]
		if !ok {
			p.problem(lk, "owner", "no member of the company has the email "+v["owner"])
		}
		owner = id.String()
	}
	if lk.kind == KindDeals {
		lk.buildDeal(&p, v, owner)
	} else {
		lk.buildContact(&p, v, owner)
	}
	return p
}

var tagSplit = regexp.MustCompile(`[,;]`)

func (lk *lookups) buildContact(p *plan, v map[string]string, owner string) {
	in := contacts.Input{FirstName: v["first_name"], LastName: v["last_name"], Email: v["email"], Phone: v["phone"],
		CompanyName: v["company_name"], Title: v["title"], OwnerID: owner}
	if full := v["full_name"]; full != "" {
		first, last := full, ""
		if i := strings.LastIndexByte(full, ' '); i > 0 {
			first, last = strings.TrimSpace(full[:i]), strings.TrimSpace(full[i+1:])
		}
		if in.FirstName == "" {
			in.FirstName = first
		}
		if in.LastName == "" {
			in.LastName = last
		}
	}
	for _, t := range tagSplit.Split(v["tags"], -1) {
		if t = strings.TrimSpace(t); t != "" {
			in.Tags = append(in.Tags, t)
		}
	}
	for field, val := range v {
		if name, ok := strings.CutPrefix(field, CustomPrefix); ok && val != "" {
			if in.CustomFields == nil {
				in.CustomFields = map[string]any{}
			}
			in.CustomFields[name] = val
		}
	}
	p.contact = in
	if len(p.problems) > 0 {
		return
	}
	if in.FirstName == "" && in.LastName == "" && in.Email == "" && in.Phone == "" {
		p.problem(lk, "", "a contact needs a name, an email or a phone number")
		return
	}
	if err := contacts.Validate(in); err != nil {
		lk.addErr(p, err)
		return
	}
	var fe errs.Fields
	if e := contacts.NormalizeEmail("email", in.Email, &fe); e != nil {
		p.email = *e
	}
}

// addErr records a domain error's field problems, naming the import's
// fields ("body.tags[2]" is tags; first and last name come from full_name
// when they are not mapped on their own).
func (lk *lookups) addErr(p *plan, err error) {
	var de *errs.Error
	if !errors.As(err, &de) {
		p.problem(lk, "", err.Error())
		return
	}
	if len(de.Fields) == 0 {
		p.problem(lk, "", de.Message)
		return
	}
	for _, f := range de.Fields {
		field := strings.TrimPrefix(f.Field, "body.")
		if i := strings.IndexByte(field, '['); i >= 0 {
			field = field[:i]
		}
		switch field {
		case "first_name", "last_name":
			if lk.column(field) == "" && lk.column("full_name") != "" {
				field = "full_name"
			}
		case "owner_id":
			field = "owner"
		case "custom_fields":
			field = ""
		case "contact_id":
			field = "contact_email"
		case "stage_id":
			field = "stage"
		case "pipeline_id":
			field = "pipeline"
		}
		p.problem(lk, field, f.Message)
	}
}

var thousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)

// money accepts what spreadsheets write: "$1,250.50", "1250 €".
func money(v string) string {
	v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "$€£¥"))
	if thousands.MatchString(v) {
		v = strings.ReplaceAll(v, ",", "")
	}
	return v
}

func (lk *lookups) buildDeal(p *plan, v map[string]string, owner string) {
	in := deals.Input{Title: v["title"], Currency: v["currency"], OwnerID: owner}
	var fe errs.Fields
	title := strings.TrimSpace(v["title"])
	switch {
	case title == "":
		fe.Add("title", "is required", nil)
	case utf8.RuneCountInString(title) > 200:
		fe.Add("title", "must be at most 200 characters", nil)
	}
	if val := money(v["value"]); val != "" {
		deals.ParseMoney("value", val, &fe)
		in.Value = val
	}
	deals.ParseCurrency("currency", v["currency"], &fe)
	if d := v["expected_close_date"]; d != "" {
		if len(d) > 10 && (d[10] == 'T' || d[10] == ' ') {
			d = d[:10]
		}
		if _, err := time.Parse("2006-01-02", d); err != nil {
			fe.Add("expected_close_date", "must be a date, YYYY-MM-DD", d)
		}
		in.ExpectedCloseDate = d
	}
	if e := v["contact_email"]; e != "" {
		if n := contacts.NormalizeEmail("contact_email", e, &fe); n != nil {
			p.dealMail = *n
		}
	}
	for _, f := range fe {
		p.problem(lk, f.Field, f.Message)
	}
	pipeline, stage := lk.resolveStage(p, v["pipeline"], v["stage"])
	if pipeline != nil {
		in.PipelineID = pipeline.String()
	}
	if stage != nil {
		in.StageID = stage.String()
	}
	p.deal = in
}

// resolveStage finds a row's pipeline and stage by name (case-insensitive).
// Without a pipeline, the stage is looked up in each pipeline in order.
func (lk *lookups) resolveStage(p *plan, pipelineName, stageName string) (pipeline, stage *uuid.UUID) {
	pipes := lk.pipelines
	if pipelineName != "" {
		pipes = nil
		for _, pl := range lk.pipelines {
			if strings.EqualFold(pl.Name, pipelineName) {
				pipes = append(pipes, pl)
				pipeline = &pl.ID
				break
			}
		}
		if pipeline == nil {
			p.problem(lk, "pipeline", "the company has no pipeline named "+pipelineName)
			return nil, nil
		}
	}
	if stageName == "" {
		return pipeline, nil
	}
	for _, pl := range pipes {
		for _, st := range lk.stages[pl.ID] {
			if strings.EqualFold(st.Name, stageName) {
				return &pl.ID, &st.ID
			}
		}
	}
	if pipelineName != "" {
		p.problem(lk, "stage", fmt.Sprintf("the pipeline %s has no stage named %s", pipelineName, stageName))
	} else {
		p.problem(lk, "stage", "no pipeline has a stage named "+stageName)
	}
	return nil, nil
}

// planRows builds a batch of rows and decides, with one query for the
// batch, what each does: duplicates by email for contacts, the linked
// contact for deals.
func planRows(ctx context.Context, q *db.Q, lk *lookups, recs []record) ([]plan, error) {
	plans := make([]plan, len(recs))
	var emails []string
	for i, rec := range recs {
		plans[i] = lk.build(rec)
		p := &plans[i]
		if len(p.problems) == 0 && p.email != "" {
			emails = append(emails, p.email)
		}
		if len(p.problems) == 0 && p.dealMail != "" {
			emails = append(emails, p.dealMail)
		}
	}
	found := map[string]dbq.Contact{}
	if len(emails) > 0 {
		rows, err := q.ImportContactsByEmail(ctx, dbq.ImportContactsByEmailParams{CompanyID: lk.companyID, Emails: emails})
		if err != nil {
			return nil, fmt.Errorf("find contacts by email: %w", err)
		}
		for _, r := range rows {
			if r.Email != nil {
				found[*r.Email] = r
			}
		}
	}
	seen := map[string]bool{}
	for i := range plans {
		p := &plans[i]
		if lk.kind == KindDeals && len(p.problems) == 0 && p.dealMail != "" {
			if c, ok := found[p.dealMail]; ok {
				p.deal.ContactID = c.ID.String()
			} else {
				p.problem(lk, "contact_email", "no contact has the email "+p.dealMail)
			}
		}
		switch {
		case len(p.problems) > 0:
			p.action = "fail"
		case lk.kind == KindContacts && p.email != "" && (seen[p.email] || hasKey(found, p.email)):
			p.action = lk.onDuplicate
			if c, ok := found[p.email]; ok {
				p.existing = &c
			}
		default:
			p.action = "create"
		}
		if p.email != "" {
			seen[p.email] = true
		}
	}
	return plans, nil
}

func hasKey[K comparable, V any](m map[K]V, k K) bool { _, ok := m[k]; return ok }

// previewRows plans the first rows without writing anything.
func previewRows(ctx context.Context, q *db.Q, lk *lookups, recs []record) ([]PreviewRow, error) {
	plans, err := planRows(ctx, q, lk, recs)
	if err != nil {
		return nil, err
	}
	out := make([]PreviewRow, 0, len(plans))
	for _, p := range plans {
		row := PreviewRow{Row: p.rec.Line, Values: sanitize(p.rec.Cells, len(lk.headers)), Action: p.action, Problems: p.problems}
		if row.Problems == nil {
			row.Problems = []Problem{}
		}
		out = append(out, row)
	}
	return out, nil
}

// sanitize makes cells safe to store and show: valid UTF-8 without NUL,
// clipped to the cell limit, padded to n columns.
func sanitize(cells []string, n int) []string {
	out := make([]string, 0, max(n, len(cells)))
	for _, c := range cells {
		if len(c) > MaxCellBytes {
			c = c[:MaxCellBytes]
		}
		out = append(out, strings.ToValidUTF8(strings.ReplaceAll(c, "\x00", ""), "\uFFFD"))
	}
	for len(out) < n {
		out = append(out, "")
	}
	return out
}

// reason is a row's problems as one line, for the failure report.
func reason(ps []Problem) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		switch {
		case p.Field == "":
			parts = append(parts, p.Message)
		case p.Column != "" && p.Column != p.Field:
			parts = append(parts, fmt.Sprintf("%s (%s): %s", p.Field, p.Column, p.Message))
		default:
			parts = append(parts, p.Field+": "+p.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// rowFailure reports whether a write error is the row's fault (a rule or a
// constraint refused it) rather than the system's (a lost connection).
func rowFailure(err error) bool {
	if errs.CodeOf(err) != "" {
		return true
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23"))
}
