package imports

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/blob"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/jobs"
	"github.com/salescrm/crm/internal/slots"
	"github.com/salescrm/crm/internal/storage"
	"github.com/salescrm/crm/internal/tenancy"
)

// Import is an uploaded file and what became of it.
type Import struct {
	ID            uuid.UUID  `json:"id"`
	Kind          string     `json:"kind" enum:"contacts,deals"`
	Status        string     `json:"status" enum:"uploaded,queued,running,done,failed" doc:"uploaded: waiting for a mapping and a start; queued and running: in the background (poll for progress); done; failed: see error."`
	FileName      string     `json:"file_name"`
	Headers       []string   `json:"headers" doc:"The file's first row: the column names."`
	Mapping       []string   `json:"mapping" doc:"For each column, in the order of headers, the field it fills, or an empty string to ignore the column."`
	OnDuplicate   string     `json:"on_duplicate" enum:"skip,update" doc:"What a contact row whose email is already a contact's does: skip the row, or update that contact."`
	TotalRows     int        `json:"total_rows" doc:"Data rows in the file (blank rows are not counted)."`
	ProcessedRows int        `json:"processed_rows"`
	CreatedRows   int        `json:"created_rows"`
	UpdatedRows   int        `json:"updated_rows"`
	SkippedRows   int        `json:"skipped_rows"`
	FailedRows    int        `json:"failed_rows" doc:"Rows in the failure report."`
	Error         string     `json:"error" doc:"Why a failed import stopped."`
	CreatedBy     *uuid.UUID `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	StartedAt     *time.Time `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
}

// Preview is an import with the fields its columns can map to and its first
// rows checked against its mapping.
type Preview struct {
	Import Import       `json:"import"`
	Fields []Field      `json:"fields"`
	Rows   []PreviewRow `json:"rows" doc:"The first rows of the file, checked with the mapping; nothing is written."`
}

// PreviewRow is one row as the import would see it.
type PreviewRow struct {
	Row      int       `json:"row" doc:"The row's line in the file; the header is line 1."`
	Values   []string  `json:"values" doc:"The row's cells, in the order of headers."`
	Action   string    `json:"action" enum:"create,update,skip,fail" doc:"What the import would do with the row."`
	Problems []Problem `json:"problems"`
}

// Problem is why a row would fail.
type Problem struct {
	Field   string `json:"field" doc:"The field, or empty for the whole row."`
	Column  string `json:"column" doc:"The header of the column the field comes from, when there is one."`
	Message string `json:"message"`
}

// Settings are a mapping and a duplicate policy; absent parts keep the
// import's current ones.
type Settings struct {
	Mapping     []string `json:"mapping,omitempty" maxItems:"100" doc:"For each column, in the order of headers, a field name or an empty string."`
	OnDuplicate string   `json:"on_duplicate,omitempty" enum:"skip,update"`
}

// Page is one page of imports, newest first.
type Page struct {
	Items      []Import `json:"items"`
	NextCursor string   `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// Deps are what the service works with.
type Deps struct {
	DB       *db.DB
	Storage  *storage.Service // the uploaded files, within the company's quota
	Auth     *auth.Service    // members, to turn owner emails into users
	Contacts *contacts.Service
	Deals    *deals.Service
	Log      *slog.Logger
}

// Service runs imports and exports. Every method takes the company first.
type Service struct {
	deps    Deps
	jobs    *jobs.Client
	exports *slots.Limiter[uuid.UUID] // MaxExportsPerCompany
}

// NewService returns the service; SetJobs must be called before Start.
func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{deps: d, exports: slots.New[uuid.UUID](MaxExportsPerCompany)}
}

// SetJobs gives the service the job client that Start enqueues with. (The
// client is made after the workers, which include this service's.)
func (s *Service) SetJobs(c *jobs.Client) { s.jobs = c }

// BlobKey is where an import's file is stored: under the company's prefix,
// made of ids only, never of anything a caller sent.
func BlobKey(companyID, importID uuid.UUID) string {
	return companyID.String() + "/imports/" + importID.String() + ".csv"
}

// MaxUploadBytes bounds an uploaded file; the HTTP layer enforces it.
const MaxUploadBytes = 50 << 20

var errNotFound = errs.NotFoundf("import not found")

func fromRow(r dbq.Import) Import {
	out := Import{ID: r.ID, Kind: r.Kind, Status: r.Status, FileName: r.FileName, Headers: r.Headers, OnDuplicate: r.OnDuplicate,
		TotalRows: int(r.TotalRows), ProcessedRows: int(r.ProcessedRows), CreatedRows: int(r.CreatedRows),
		UpdatedRows: int(r.UpdatedRows), SkippedRows: int(r.SkippedRows), FailedRows: int(r.FailedRows),
		Error: r.Error, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
	if out.Headers == nil {
		out.Headers = []string{}
	}
	out.Mapping = parseMapping(r.Mapping, len(out.Headers))
	return out
}

// parseMapping reads the stored mapping; anything unreadable maps nothing.
func parseMapping(b []byte, n int) []string {
	var m []string
	if json.Unmarshal(b, &m) != nil || len(m) != n {
		m = make([]string, n)
	}
	return m
}

// upload is what reading an uploaded file once yields.
type upload struct {
	headers []string
	total   int
	first   []record
}

// Upload stores a CSV file for a new import of kind, reading it once on the
// way: its header, its row count and its first rows. It returns the import
// with a mapping guessed from the header and a preview. A file that is not
// CSV with a header and at least one row is Invalid; a body that breaks the
// upload limit is TooLarge; one that does not fit in the company's storage
// quota is Invalid on the body, and nothing of it stays.
func (s *Service) Upload(ctx context.Context, companyID, userID uuid.UUID, kind, fileName string, body io.Reader) (*Preview, error) {
	if kind != KindContacts && kind != KindDeals {
		return nil, errs.Field("query.kind", "must be contacts or deals", kind)
	}
	fileName = cleanFileName(fileName)
	id := uuid.Must(uuid.NewV7())
	key := BlobKey(companyID, id)

	// The body goes to the blob store and through the CSV reader at once.
	// The quota is counted as the bytes arrive (storage.Put).
	pr, pw := io.Pipe()
	type putResult struct {
		st  storage.Stored
		err error
	}
	put := make(chan putResult, 1)
	go func() {
		st, err := s.deps.Storage.Put(ctx, companyID, key, storage.KindImport, pr, "body")
		pr.CloseWithError(err)
		put <- putResult{st, err}
	}()
	up, scanErr := scan(io.TeeReader(body, pw))
	pw.CloseWithError(scanErr)
	stored := <-put
	putErr := stored.err
	if scanErr != nil || putErr != nil {
		s.deps.Storage.Discard(context.WithoutCancel(ctx), key)
		return nil, uploadError(scanErr, putErr)
	}
	mapping := GuessMapping(kind, up.headers)
	mb, _ := json.Marshal(mapping)
	lk, err := s.lookups(ctx, companyID, kind, up.headers, mapping, "skip")
	if err != nil {
		s.deps.Storage.Discard(context.WithoutCancel(ctx), key)
		return nil, err
	}
	var out Preview
	err = s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := q.CreateImport(ctx, dbq.CreateImportParams{CompanyID: companyID, ID: id, Kind: kind, FileName: fileName,
			BlobKey: key, Headers: up.headers, Mapping: mb, TotalRows: int32(up.total), CreatedBy: &userID})
		if err != nil {
			return fmt.Errorf("store import: %w", err)
		}
		out.Import = fromRow(r)
		if err := s.deps.Storage.RecordTx(ctx, q, companyID, stored.st, "body"); err != nil {
			return err
		}
		if err := lk.loadPipelines(ctx, q); err != nil {
			return err
		}
		out.Rows, err = previewRows(ctx, q, lk, up.first)
		return err
	})
	if err != nil {
		s.deps.Storage.Discard(context.WithoutCancel(ctx), key)
		return nil, err
	}
	out.Fields = FieldsOf(kind)
	return &out, nil
}

// scan reads a whole upload as CSV.
func scan(r io.Reader) (*upload, error) {
	f := newCSVFile(r)
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	up := &upload{headers: h}
	for {
		rec, err := f.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		up.total++
		if len(up.first) < PreviewRows {
			up.first = append(up.first, rec)
		}
	}
	if up.total == 0 {
		return nil, errs.E(errs.Invalid, "the file has no rows under its header")
	}
	return up, nil
}

func uploadError(scanErr, putErr error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errs.CodeOf(putErr) != "":
		return putErr // the quota: the store refused, so the reader's error is only its echo
	case errors.As(scanErr, &tooBig):
		return errs.E(errs.TooLarge, "the file is larger than %d MiB", MaxUploadBytes>>20)
	case errs.CodeOf(scanErr) != "":
		return scanErr
	case errors.Is(scanErr, io.ErrUnexpectedEOF):
		return errs.E(errs.Malformed, "the upload ended early")
	case scanErr != nil:
		return fmt.Errorf("read upload: %w", scanErr)
	}
	return fmt.Errorf("store upload: %w", putErr)
}

// cleanFileName keeps a display name: the last path element, as text, at
// most 200 characters. It is never used to build a path.
func cleanFileName(n string) string {
	n = strings.ToValidUTF8(strings.ReplaceAll(n, "\x00", ""), "")
	n = strings.TrimSpace(path.Base(strings.ReplaceAll(n, `\`, "/")))
	if n == "." || n == "/" {
		n = ""
	}
	if utf8.RuneCountInString(n) > 200 {
		n = string([]rune(n)[:200])
	}
	return n
}

// Get returns one import; another company's id is not found.
func (s *Service) Get(ctx context.Context, companyID, id uuid.UUID) (*Import, error) {
	var out Import
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := getImport(ctx, q, companyID, id)
		out = fromRow(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func getImport(ctx context.Context, q *db.Q, companyID, id uuid.UUID) (dbq.Import, error) {
	r, err := q.GetImport(ctx, dbq.GetImportParams{CompanyID: companyID, ID: id})
	if err != nil {
		if db.IsNotFound(err) {
			return r, errNotFound
		}
		return r, fmt.Errorf("load import %s: %w", id, err)
	}
	return r, nil
}

// position is where a page of imports ends.
type position struct {
	T  time.Time `json:"t"`
	ID uuid.UUID `json:"id"`
}

// List returns a page of the company's imports, newest first.
func (s *Service) List(ctx context.Context, companyID uuid.UUID, limit int, after string) (*Page, error) {
	if limit <= 0 {
		limit = 50
	}
	if limit > 200 {
		return nil, errs.Field("query.limit", "must be at most 200", limit)
	}
	c := position{T: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ID: uuid.Max}
	if after != "" {
		if cursor.Decode(after, &c) != nil {
			return nil, errs.Field("query.cursor", "is not a cursor from this list", after)
		}
	}
	page := &Page{Items: []Import{}}
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		rows, err := q.ListImports(ctx, dbq.ListImportsParams{CompanyID: companyID, BeforeCreatedAt: c.T, BeforeID: c.ID, MaxRows: int32(limit + 1)})
		if err != nil {
			return fmt.Errorf("list imports: %w", err)
		}
		if len(rows) > limit {
			last := rows[limit-1]
			page.NextCursor = cursor.Encode(position{T: last.CreatedAt, ID: last.ID})
			rows = rows[:limit]
		}
		for _, r := range rows {
			page.Items = append(page.Items, fromRow(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// settle applies settings to an import's stored ones and checks them.
func settle(r dbq.Import, in Settings) ([]string, string, error) {
	mapping := parseMapping(r.Mapping, len(r.Headers))
	if in.Mapping != nil {
		mapping = in.Mapping
	}
	onDup := r.OnDuplicate
	if in.OnDuplicate != "" {
		onDup = in.OnDuplicate
	}
	if onDup != "skip" && onDup != "update" {
		return nil, "", errs.Field("body.on_duplicate", "must be skip or update", onDup)
	}
	if err := checkMapping(r.Kind, r.Headers, mapping); err != nil {
		return nil, "", err
	}
	return mapping, onDup, nil
}

// Preview sets the mapping and duplicate policy of an import that has not
// started and checks the file's first rows with them (nothing is written
// but the settings). An import that has started answers Conflict.
func (s *Service) Preview(ctx context.Context, companyID, id uuid.UUID, in Settings) (*Preview, error) {
	var imp dbq.Import
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := getImport(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		if r.Status != "uploaded" {
			return errs.E(errs.Conflict, "the import has already started (%s)", r.Status)
		}
		mapping, onDup, err := settle(r, in)
		if err != nil {
			return err
		}
		mb, _ := json.Marshal(mapping)
		if imp, err = q.SetImportMapping(ctx, dbq.SetImportMappingParams{CompanyID: companyID, ID: id, Mapping: mb, OnDuplicate: onDup}); err != nil {
			if db.IsNotFound(err) {
				return errs.E(errs.Conflict, "the import has already started")
			}
			return fmt.Errorf("set mapping: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	first, err := s.firstRows(ctx, companyID, id)
	if err != nil {
		return nil, err
	}
	out := Preview{Import: fromRow(imp), Fields: FieldsOf(imp.Kind)}
	lk, err := s.lookups(ctx, companyID, imp.Kind, imp.Headers, out.Import.Mapping, imp.OnDuplicate)
	if err != nil {
		return nil, err
	}
	err = s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		if err := lk.loadPipelines(ctx, q); err != nil {
			return err
		}
		out.Rows, err = previewRows(ctx, q, lk, first)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// firstRows reads the first data rows of an import's file.
func (s *Service) firstRows(ctx context.Context, companyID, id uuid.UUID) ([]record, error) {
	rc, err := s.deps.Storage.Open(ctx, BlobKey(companyID, id))
	if errors.Is(err, blob.ErrNotFound) {
		return nil, errs.E(errs.Conflict, "the uploaded file is gone; upload it again")
	}
	if err != nil {
		return nil, fmt.Errorf("open import file: %w", err)
	}
	defer rc.Close()
	f := newCSVFile(rc)
	if _, err := f.header(); err != nil {
		return nil, err
	}
	var out []record
	for len(out) < PreviewRows {
		rec, err := f.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// Start queues the import with its (possibly changed) settings: the job is
// inserted in the same transaction that marks the import queued, so it
// exists exactly when the import says so. An import that has started
// answers Conflict.
func (s *Service) Start(ctx context.Context, companyID, id uuid.UUID, in Settings) (*Import, error) {
	var out Import
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		r, err := getImport(ctx, q, companyID, id)
		if err != nil {
			return err
		}
		if r.Status != "uploaded" {
			return errs.E(errs.Conflict, "the import has already started (%s)", r.Status)
		}
		mapping, onDup, err := settle(r, in)
		if err != nil {
			return err
		}
		mb, _ := json.Marshal(mapping)
		if r, err = q.QueueImport(ctx, dbq.QueueImportParams{CompanyID: companyID, ID: id, Mapping: mb, OnDuplicate: onDup}); err != nil {
			if db.IsNotFound(err) {
				return errs.E(errs.Conflict, "the import has already started")
			}
			return fmt.Errorf("queue import: %w", err)
		}
		if _, err := s.jobs.InsertTx(ctx, q.Tx, JobArgs{CompanyID: companyID, ImportID: id}, nil); err != nil {
			return fmt.Errorf("enqueue import: %w", err)
		}
		out = fromRow(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes an import, its failure report and its file, which no
// longer counts against the company's storage. A running import stops at
// its next batch (what it wrote so far stays).
func (s *Service) Delete(ctx context.Context, companyID, id uuid.UUID) error {
	var key string
	err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		if key, err = q.DeleteImport(ctx, dbq.DeleteImportParams{CompanyID: companyID, ID: id}); err != nil {
			if db.IsNotFound(err) {
				return errNotFound
			}
			return fmt.Errorf("delete import %s: %w", id, err)
		}
		return s.deps.Storage.ForgetTx(ctx, q, companyID, key)
	})
	if err != nil {
		return err
	}
	s.removeFile(ctx, id, key)
	return nil
}

// removeFile deletes an import's file once its row is gone; a leftover file
// is only disk space (no longer counted), so a failure is logged.
func (s *Service) removeFile(ctx context.Context, id uuid.UUID, key string) {
	if err := s.deps.Storage.Remove(context.WithoutCancel(ctx), key); err != nil {
		s.deps.Log.WarnContext(ctx, "delete import file", "import_id", id, "err", err)
	}
}

// failuresPage is how many failure rows one query reads.
const failuresPage = 1000

// Failures writes the failure report of an import as CSV: the row's line,
// the reason, then the row's original cells under the file's own headers.
// open is called once, after the import is found and before the first
// byte; an error before that (not found, or the company at its export
// limit) is returned without calling it.
func (s *Service) Failures(ctx context.Context, companyID, id uuid.UUID, open func() (io.Writer, error)) error {
	release, err := s.exportSlot(companyID)
	if err != nil {
		return err
	}
	defer release()
	imp, err := s.Get(ctx, companyID, id)
	if err != nil {
		return err
	}
	w, err := open()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"row", "error"}, escapeAll(imp.Headers)...)); err != nil {
		return err
	}
	after := int32(0)
	for {
		var rows []dbq.ListImportFailuresRow
		err := s.deps.DB.InTenant(ctx, companyID, func(q *db.Q) error {
			var err error
			rows, err = q.ListImportFailures(ctx, dbq.ListImportFailuresParams{CompanyID: companyID, ImportID: id, AfterRow: after, MaxRows: failuresPage})
			if err != nil {
				return fmt.Errorf("list import failures: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := cw.Write(append([]string{fmt.Sprint(r.RowNumber), escapeCell(r.Error)}, escapeAll(r.Raw)...)); err != nil {
				return err
			}
			after = r.RowNumber
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(rows) < failuresPage {
			return nil
		}
	}
}

// memberEmails returns the company's members by lower-cased email, and
// their emails by id. auth's ListMembers reads only the principal's company.
func (s *Service) memberEmails(ctx context.Context, companyID uuid.UUID) (map[string]uuid.UUID, map[uuid.UUID]string, error) {
	ms, err := s.deps.Auth.ListMembers(ctx, &tenancy.Principal{CompanyID: companyID})
	if err != nil {
		return nil, nil, err
	}
	byEmail, byID := map[string]uuid.UUID{}, map[uuid.UUID]string{}
	for _, m := range ms {
		byEmail[strings.ToLower(m.Email)] = m.ID
		byID[m.ID] = m.Email
	}
	return byEmail, byID, nil
}
