package imports

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/blob"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/jobs"
)

// BatchRows is how many rows one transaction writes; the import's counters
// move once per batch.
const BatchRows = 500

// JobArgs runs one import. It names the company, and the worker works only
// inside that company's tenant transactions.
type JobArgs struct {
	CompanyID uuid.UUID `json:"company_id"`
	ImportID  uuid.UUID `json:"import_id"`
}

// Kind implements river.JobArgs.
func (JobArgs) Kind() string { return "imports.run" }

// TenantID implements jobs.TenantArgs.
func (a JobArgs) TenantID() uuid.UUID { return a.CompanyID }

// InsertOpts implements river.JobArgsWithInsertOpts: imports have their own
// queue (they run for minutes), and a few retries, each resuming after the
// last committed batch.
func (JobArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, Queue: jobs.QueueImports}
}

// Worker runs JobArgs.
type Worker struct {
	river.WorkerDefaults[JobArgs]
	Service *Service
}

// Work implements river.Worker. An error, or the client's job timeout, is
// retried, and the next attempt resumes after the last committed batch (so
// the timeout bounds an attempt, not an import); after the last attempt
// the import is marked failed. (The timeout stays under River's stuck-job
// rescue, so two attempts never run at once.)
func (w *Worker) Work(ctx context.Context, job *river.Job[JobArgs]) error {
	err := w.Service.Run(ctx, job.Args.CompanyID, job.Args.ImportID)
	if err != nil && job.Attempt >= job.MaxAttempts {
		w.Service.finish(context.WithoutCancel(ctx), job.Args.CompanyID, job.Args.ImportID, "failed",
			"the import stopped after an internal error; the rows counted as processed were imported")
	}
	return err
}

// errGone stops a run whose import was deleted (or finished elsewhere).
var errGone = errors.New("imports: import gone")

// tally counts what a batch did.
type tally struct{ created, updated, skipped, failed int }

// Run imports the file of a queued (or interrupted) import. It returns nil
// when the import is done, failed for a reason in the file, or gone; an
// error means "try again", and the next run skips the rows already counted
// as processed, which were committed with their counters.
func (s *Service) Run(ctx context.Context, companyID, importID uuid.UUID) error {
	var imp dbq.Import
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		imp, err = q.RunImport(ctx, dbq.RunImportParams{CompanyID: companyID, ID: importID})
		return err
	})
	if db.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("claim import %s: %w", importID, err)
	}
	fail := func(msg string) error {
		s.finish(ctx, companyID, importID, "failed", msg)
		return nil
	}
	mapping := parseMapping(imp.Mapping, len(imp.Headers))
	if err := checkMapping(imp.Kind, imp.Headers, mapping); err != nil {
		return fail("the mapping is not valid: " + err.Error())
	}
	if imp.Kind == KindDeals && imp.CreatedBy == nil {
		return fail("the member who uploaded the file has left the company; upload it again")
	}
	lk, err := s.lookups(ctx, companyID, imp.Kind, imp.Headers, mapping, imp.OnDuplicate)
	if err != nil {
		return err
	}
	if err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error { return lk.loadPipelines(ctx, q) }); err != nil {
		return err
	}
	var by uuid.UUID
	if imp.CreatedBy != nil {
		by = *imp.CreatedBy
	}

	rc, err := s.deps.Storage.Open(ctx, BlobKey(companyID, importID))
	if errors.Is(err, blob.ErrNotFound) {
		return fail("the uploaded file is gone")
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	f := newCSVFile(rc)
	if _, err := f.header(); err != nil {
		var de *errs.Error
		if errors.As(err, &de) {
			return fail(de.Message)
		}
		return fmt.Errorf("read import file: %w", err)
	}
	skip := int(imp.ProcessedRows)
	batch := make([]record, 0, BatchRows)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.processBatch(ctx, lk, by, importID, batch)
		batch = batch[:0]
		return err
	}
	broken := "" // why the file could not be read to its end
	err = func() error {
		for {
			rec, err := f.next()
			if err == io.EOF {
				return flush()
			}
			var de *errs.Error
			if errors.As(err, &de) {
				// The file breaks off here: keep what came before it.
				broken = de.Message
				return flush()
			}
			if err != nil {
				return fmt.Errorf("read import file: %w", err)
			}
			if skip > 0 {
				skip--
				continue
			}
			if batch = append(batch, rec); len(batch) == BatchRows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}()
	switch {
	case errors.Is(err, errGone):
		return nil
	case err != nil:
		return err
	case broken != "":
		return fail(broken)
	}
	s.finish(ctx, companyID, importID, "done", "")
	return nil
}

// finish sets an import's final status.
func (s *Service) finish(ctx context.Context, companyID, importID uuid.UUID, status, msg string) {
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		_, err := q.FinishImport(ctx, dbq.FinishImportParams{CompanyID: companyID, ID: importID, Status: status, Error: msg})
		return err
	})
	if err != nil {
		s.deps.Log.ErrorContext(ctx, "finish import", "company_id", companyID, "import_id", importID, "err", err)
	}
}

// rowError carries a write that the database or a rule refused, which may
// have aborted the batch's transaction.
type rowError struct{ err error }

func (e *rowError) Error() string { return e.err.Error() }
func (e *rowError) Unwrap() error { return e.err }

// processBatch writes a batch in one transaction with its failures and
// counters. If a write is refused (which aborts the transaction; rows are
// checked beforehand, so it is rare: a race on an email, say), the batch is
// rolled back and written again one row per transaction, so that one bad
// row costs only itself.
func (s *Service) processBatch(ctx context.Context, lk *lookups, by, importID uuid.UUID, recs []record) error {
	err := s.deps.DB.InTenant(ctx, lk.companyID, func(q *db.Q) error {
		return s.writeRows(ctx, q, lk, by, importID, recs)
	})
	var re *rowError
	if !errors.As(err, &re) {
		return err
	}
	for i := range recs {
		one := recs[i : i+1]
		err := s.deps.DB.InTenant(ctx, lk.companyID, func(q *db.Q) error {
			return s.writeRows(ctx, q, lk, by, importID, one)
		})
		if !errors.As(err, &re) {
			if err != nil {
				return err
			}
			continue
		}
		if !rowFailure(re.err) {
			return re.err
		}
		p := plan{rec: one[0]}
		lk.addErr(&p, re.err)
		err = s.deps.DB.InTenant(ctx, lk.companyID, func(q *db.Q) error {
			return s.record(ctx, q, lk.companyID, importID, []plan{p}, tally{failed: 1})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeRows plans and writes rows in the caller's transaction.
func (s *Service) writeRows(ctx context.Context, q *db.Q, lk *lookups, by, importID uuid.UUID, recs []record) error {
	plans, err := planRows(ctx, q, lk, recs)
	if err != nil {
		return err
	}
	var t tally
	written := map[string]*contacts.Contact{} // contacts this batch wrote, by email
	var failed []plan
	// New contacts go first, in one pipelined batch. An update always
	// follows the create of its email (the first row with an email creates,
	// later ones are duplicates), so the order per email is the file's.
	if lk.kind == KindContacts {
		var ins []contacts.Input
		var emails []string
		for _, p := range plans {
			if p.action == "create" {
				ins = append(ins, p.contact)
				emails = append(emails, p.email)
			}
		}
		if len(ins) > 0 {
			cs, err := contacts.CreateManyTx(ctx, q, lk.companyID, ins)
			if err != nil {
				return &rowError{err}
			}
			for i := range cs {
				if emails[i] != "" {
					written[emails[i]] = &cs[i]
				}
			}
		}
	}
	for i := range plans {
		p := &plans[i]
		switch p.action {
		case "fail":
			t.failed++
			failed = append(failed, *p)
		case "skip":
			t.skipped++
		case "create":
			if lk.kind == KindDeals {
				if _, err := deals.CreateTx(ctx, q, lk.companyID, by, p.deal); err != nil {
					return &rowError{err}
				}
			}
			t.created++
		case "update":
			cur := written[p.email]
			if cur == nil && p.existing != nil {
				c := contacts.FromRow(*p.existing)
				cur = &c
			}
			if cur == nil {
				return &rowError{errs.NotFoundf("the contact with this email is gone")}
			}
			c, err := contacts.UpdateTx(ctx, q, lk.companyID, cur.ID, mergePatch(*cur, p.contact))
			if err != nil {
				return &rowError{err}
			}
			written[p.email] = c
			t.updated++
		}
	}
	return s.record(ctx, q, lk.companyID, importID, failed, t)
}

// record stores a batch's failures and moves the import's counters, in the
// batch's transaction. An import that is no longer running (deleted) stops
// the run, and the batch is rolled back.
func (s *Service) record(ctx context.Context, q *db.Q, companyID, importID uuid.UUID, failed []plan, t tally) error {
	for _, p := range failed {
		if err := q.InsertImportFailure(ctx, dbq.InsertImportFailureParams{CompanyID: companyID, ImportID: importID,
			RowNumber: int32(p.rec.Line), Error: clipText(reason(p.problems), 2000), Raw: sanitize(p.rec.Cells, 0)}); err != nil {
			return fmt.Errorf("record import failure: %w", err)
		}
	}
	n, err := q.AddImportProgress(ctx, dbq.AddImportProgressParams{CompanyID: companyID, ID: importID,
		Processed: int32(t.created + t.updated + t.skipped + t.failed), Created: int32(t.created), Updated: int32(t.updated),
		Skipped: int32(t.skipped), Failed: int32(t.failed)})
	if err != nil {
		return fmt.Errorf("import progress: %w", err)
	}
	if n == 0 {
		return errGone
	}
	return nil
}

// mergePatch is what a duplicate row changes in the contact it matches: the
// fields the row fills; tags are added and custom fields merged.
func mergePatch(cur contacts.Contact, in contacts.Input) contacts.Patch {
	var p contacts.Patch
	set := func(dst **string, v string) {
		if v != "" {
			*dst = &v
		}
	}
	set(&p.FirstName, in.FirstName)
	set(&p.LastName, in.LastName)
	set(&p.Phone, in.Phone)
	set(&p.CompanyName, in.CompanyName)
	set(&p.Title, in.Title)
	set(&p.OwnerID, in.OwnerID)
	if len(in.Tags) > 0 {
		tags := append(append([]string{}, cur.Tags...), in.Tags...)
		p.Tags = &tags
	}
	if len(in.CustomFields) > 0 {
		m := map[string]any{}
		for k, v := range cur.CustomFields {
			m[k] = v
		}
		for k, v := range in.CustomFields {
			m[k] = v
		}
		p.CustomFields = &m
	}
	return p
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
