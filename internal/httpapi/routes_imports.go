package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/imports"
)

// uploadPath is the one route whose body may exceed MaxBodyBytes: it is
// streamed to the blob store, never read whole (see limitBody).
const uploadPath = "/api/imports"

// uploadInput takes the request body as a stream: huma reads no body for
// it (the operation declares none that huma would decode), and Resolve,
// which runs after authentication, hands the stream to the handler.
type uploadInput struct {
	Kind     string `query:"kind" required:"true" enum:"contacts,deals" doc:"What the rows are."`
	FileName string `query:"file_name" maxLength:"500" doc:"The file's name, shown in the list of imports."`

	body        io.Reader
	contentType string
}

// Resolve implements huma.Resolver.
func (in *uploadInput) Resolve(ctx huma.Context) []error {
	in.body = &uploadBody{r: ctx.BodyReader(), ctx: ctx}
	in.contentType = ctx.Header("Content-Type")
	// A large file on a slow link outlasts the server's read timeout, and
	// the write timeout, which runs from the request's headers.
	_ = ctx.SetReadDeadline(time.Now().Add(15 * time.Minute))
	if _, w := humago.Unwrap(ctx); w != nil {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(16 * time.Minute))
	}
	return nil
}

// uploadBody closes the connection after an upload that broke the size
// limit, rather than letting the server read on through the rest of it.
type uploadBody struct {
	r   io.Reader
	ctx huma.Context
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		b.ctx.SetHeader("Connection", "close")
	}
	return n, err
}

// csvTypes are the content types browsers and tools send a .csv file with.
var csvTypes = map[string]bool{"text/csv": true, "application/csv": true, "text/plain": true,
	"application/vnd.ms-excel": true, "application/octet-stream": true}

type importOut struct{ Body *imports.Import }

type previewOut struct{ Body *imports.Preview }

type importSettingsInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body *imports.Settings
}

func (in *importSettingsInput) settings() imports.Settings {
	if in.Body == nil {
		return imports.Settings{}
	}
	return *in.Body
}

type exportContactsInput struct {
	Q       string `query:"q" maxLength:"200" doc:"Searches name, email, phone and company name."`
	Tag     string `query:"tag" maxLength:"50"`
	OwnerID string `query:"owner_id" doc:"A user id."`
	Sort    string `query:"sort" enum:"name,created_at,updated_at" default:"name"`
	Order   string `query:"order" enum:"asc,desc" default:"asc"`
}

type exportDealsInput struct {
	Q          string `query:"q" maxLength:"200" doc:"Searches the title."`
	PipelineID string `query:"pipeline_id"`
	StageID    string `query:"stage_id"`
	OwnerID    string `query:"owner_id"`
	ContactID  string `query:"contact_id"`
	Status     string `query:"status" enum:"open,won,lost"`
	MinValue   string `query:"min_value" maxLength:"20"`
	MaxValue   string `query:"max_value" maxLength:"20"`
	CloseFrom  string `query:"close_from" doc:"Expected close date from, YYYY-MM-DD."`
	CloseTo    string `query:"close_to" doc:"Expected close date to, YYYY-MM-DD."`
}

func (in *exportDealsInput) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": in.Q, "pipeline_id": in.PipelineID, "stage_id": in.StageID,
		"owner_id": in.OwnerID, "contact_id": in.ContactID, "status": in.Status, "min_value": in.MinValue, "max_value": in.MaxValue,
		"close_from": in.CloseFrom, "close_to": in.CloseTo} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// csvResponses documents an operation that answers with a CSV file.
func csvResponses(desc string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {Description: desc, Content: map[string]*huma.MediaType{
		"text/csv": {Schema: &huma.Schema{Type: "string"}}}}}
}

func (s *Server) registerImports() {
	im := s.deps.Imports
	tags := []string{"Imports"}
	register(s, huma.Operation{OperationID: "uploadImport", Method: http.MethodPost, Path: uploadPath, Tags: tags,
		Summary: "Upload a CSV file to import",
		Description: "The body is the file itself (Content-Type text/csv), UTF-8 with or without a byte order mark, at most 50 MiB; " +
			"the first row names the columns. The answer is the new import (status uploaded) with a mapping guessed from the " +
			"column names, the fields the columns can map to, and the first rows checked with that mapping. " +
			"Nothing is imported until the import is started; an import not started within 24 hours is deleted with its file. " +
			"The file counts against the company's storage quota (GET /api/company/storage): one that does not fit is refused " +
			"with 422 on body, and nothing of it is kept.",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: imports.MaxUploadBytes,
		RequestBody: &huma.RequestBody{Required: true, Description: "The CSV file.", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}},
		Errors: []int{400, 413, 415, 422}}, Member, true,
		func(ctx context.Context, in *uploadInput) (*previewOut, error) {
			if in.contentType != "" {
				mt, _, err := mime.ParseMediaType(in.contentType)
				if err != nil || !csvTypes[mt] {
					return nil, huma.Error415UnsupportedMediaType("send the file itself as the body, with Content-Type text/csv")
				}
			}
			p := principal(ctx)
			out, err := im.Upload(ctx, p.CompanyID, p.UserID, in.Kind, in.FileName, in.body)
			return &previewOut{out}, err
		})
	register(s, huma.Operation{OperationID: "listImports", Method: http.MethodGet, Path: "/api/imports", Tags: tags,
		Summary: "List imports", Description: "Newest first.", Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *struct {
			Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
			Cursor string `query:"cursor" maxLength:"500"`
		}) (*struct{ Body *imports.Page }, error) {
			page, err := im.List(ctx, principal(ctx).CompanyID, in.Limit, in.Cursor)
			return &struct{ Body *imports.Page }{page}, err
		})
	register(s, huma.Operation{OperationID: "getImport", Method: http.MethodGet, Path: "/api/imports/{id}", Tags: tags,
		Summary: "Get an import", Description: "Poll it for progress while the import is queued or running.",
		Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*importOut, error) {
			id, err := parseID(in.ID, "import")
			if err != nil {
				return nil, err
			}
			out, err := im.Get(ctx, principal(ctx).CompanyID, id)
			return &importOut{out}, err
		})
	register(s, huma.Operation{OperationID: "previewImport", Method: http.MethodPost, Path: "/api/imports/{id}/preview", Tags: tags,
		Summary: "Change an import's mapping and preview it",
		Description: "Saves the mapping and duplicate policy (absent parts stay) and checks the file's first rows with them; " +
			"nothing is imported. 409 once the import has started.",
		Errors: []int{404, 409, 422}}, Member, true,
		func(ctx context.Context, in *importSettingsInput) (*previewOut, error) {
			id, err := parseID(in.ID, "import")
			if err != nil {
				return nil, err
			}
			out, err := im.Preview(ctx, principal(ctx).CompanyID, id, in.settings())
			return &previewOut{out}, err
		})
	register(s, huma.Operation{OperationID: "startImport", Method: http.MethodPost, Path: "/api/imports/{id}/start", Tags: tags,
		Summary: "Start an import",
		Description: "Saves the mapping and duplicate policy (absent parts stay) and queues the import to run in the background: " +
			"poll the import for progress. 409 once the import has started.",
		Errors: []int{404, 409, 422}}, Member, true,
		func(ctx context.Context, in *importSettingsInput) (*importOut, error) {
			id, err := parseID(in.ID, "import")
			if err != nil {
				return nil, err
			}
			out, err := im.Start(ctx, principal(ctx).CompanyID, id, in.settings())
			return &importOut{out}, err
		})
	register(s, huma.Operation{OperationID: "downloadImportFailures", Method: http.MethodGet, Path: "/api/imports/{id}/failures.csv", Tags: tags,
		Summary:     "Download the rows that failed",
		Description: "A CSV file: the row's line in the uploaded file, why it failed, then the row's original columns.",
		Responses:   csvResponses("The failure report."), Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*huma.StreamResponse, error) {
			id, err := parseID(in.ID, "import")
			if err != nil {
				return nil, err
			}
			companyID := principal(ctx).CompanyID
			return s.csvStream("import-failures.csv", func(ctx context.Context, open func() (io.Writer, error)) error {
				return im.Failures(ctx, companyID, id, open)
			}), nil
		})
	register(s, huma.Operation{OperationID: "deleteImport", Method: http.MethodDelete, Path: "/api/imports/{id}", Tags: tags,
		Summary: "Delete an import", Description: "Removes the import, its file and its failure report; what it imported stays. " +
			"A running import stops after its current batch.",
		DefaultStatus: http.StatusNoContent, Errors: []int{404}}, Member, true,
		func(ctx context.Context, in *idPath) (*noContent, error) {
			id, err := parseID(in.ID, "import")
			if err != nil {
				return nil, err
			}
			return &noContent{}, im.Delete(ctx, principal(ctx).CompanyID, id)
		})

	register(s, huma.Operation{OperationID: "exportContacts", Method: http.MethodGet, Path: "/api/contacts/export.csv", Tags: []string{"Contacts"},
		Summary:     "Export contacts as CSV",
		Description: "Every contact matching the list's filters, streamed, in the columns an import reads back.",
		Responses:   csvResponses("The contacts."), Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *exportContactsInput) (*huma.StreamResponse, error) {
			f := contacts.Filter{Q: in.Q, Tag: in.Tag, Sort: in.Sort, Desc: in.Order == "desc"}
			if in.OwnerID != "" {
				id, err := uuid.Parse(in.OwnerID)
				if err != nil {
					return nil, errs.Field("query.owner_id", "must be a user id", in.OwnerID)
				}
				f.OwnerID = &id
			}
			companyID := principal(ctx).CompanyID
			return s.csvStream("contacts.csv", func(ctx context.Context, open func() (io.Writer, error)) error {
				return im.ExportContacts(ctx, companyID, f, open)
			}), nil
		})
	register(s, huma.Operation{OperationID: "exportDeals", Method: http.MethodGet, Path: "/api/deals/export.csv", Tags: []string{"Deals"},
		Summary:     "Export deals as CSV",
		Description: "Every deal matching the list's filters, oldest first, streamed, in the columns an import reads back.",
		Responses:   csvResponses("The deals."), Errors: []int{422}}, Member, true,
		func(ctx context.Context, in *exportDealsInput) (*huma.StreamResponse, error) {
			f, err := deals.ParseFilter(in.values().Get)
			if err != nil {
				return nil, err
			}
			companyID := principal(ctx).CompanyID
			return s.csvStream("deals.csv", func(ctx context.Context, open func() (io.Writer, error)) error {
				return im.ExportDeals(ctx, companyID, f, open)
			}), nil
		})
}

// csvStream answers with a CSV file that write produces. write calls open
// once, before its first byte; an error before that is answered as a
// problem like any other, and an error after it aborts the response, so
// that a client sees a broken download rather than a short file that looks
// whole.
func (s *Server) csvStream(name string, write func(ctx context.Context, open func() (io.Writer, error)) error) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		ctx := hctx.Context()
		started := false
		open := func() (io.Writer, error) {
			started = true
			hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
			hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
			hctx.SetHeader("Cache-Control", "no-store")
			hctx.SetStatus(http.StatusOK)
			if _, w := humago.Unwrap(hctx); w != nil {
				// A large file on a slow link outlasts the server's write
				// timeout, which runs from the request's headers; instead each
				// write must make progress within downloadIdle, so a client
				// that stops reading gives its export slot back.
				return &progressWriter{w: hctx.BodyWriter(), rc: http.NewResponseController(w)}, nil
			}
			return hctx.BodyWriter(), nil
		}
		err := write(ctx, open)
		switch {
		case err == nil:
		case !started:
			s.writeErr(hctx, err)
		default:
			s.log.WarnContext(ctx, "CSV download broke off", "file", name, "err", err)
			panic(http.ErrAbortHandler)
		}
	}}
}

// downloadIdle is how long a download's client may go without taking any of
// it before the server gives up on it.
const downloadIdle = time.Minute

// progressWriter moves the connection's write deadline on before each write.
type progressWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (p *progressWriter) Write(b []byte) (int, error) {
	_ = p.rc.SetWriteDeadline(time.Now().Add(downloadIdle))
	return p.w.Write(b)
}
