package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/imports"
)

// upload sends a CSV file as an import of kind.
func upload(c *apitest.Client, kind string, body io.Reader) *apitest.Response {
	return c.Send("POST", "/api/imports?kind="+kind+"&file_name=people.csv", "text/csv", body)
}

func uploadOK(t *testing.T, c *apitest.Client, kind, body string) imports.Preview {
	t.Helper()
	var p imports.Preview
	upload(c, kind, strings.NewReader(body)).Want(201).Decode(&p)
	return p
}

// runImport starts an import with settings and waits until it is done.
func runImport(t *testing.T, c *apitest.Client, id string, settings map[string]any) imports.Import {
	t.Helper()
	var body any
	if settings != nil {
		body = settings
	}
	var imp imports.Import
	c.Do("POST", "/api/imports/"+id+"/start", body).Want(200).Decode(&imp)
	if imp.Status != "queued" {
		t.Fatalf("started import is %s", imp.Status)
	}
	return waitImport(t, c, id, time.Minute)
}

// waitImport polls an import, as the UI does, until it finishes or the
// deadline passes. The counters only ever grow while it runs.
func waitImport(t testing.TB, c *apitest.Client, id string, within time.Duration) imports.Import {
	t.Helper()
	deadline := time.Now().Add(within)
	last := -1
	for {
		var imp imports.Import
		c.Do("GET", "/api/imports/"+id, nil).Want(200).Decode(&imp)
		if imp.ProcessedRows < last {
			t.Fatalf("progress went back from %d to %d", last, imp.ProcessedRows)
		}
		last = imp.ProcessedRows
		if imp.Status == "done" || imp.Status == "failed" {
			return imp
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s still %s after %s: %+v", id, imp.Status, within, imp)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// allContacts reads every contact of the caller's company.
func allContacts(t testing.TB, c *apitest.Client, query url.Values) []contacts.Contact {
	t.Helper()
	var out []contacts.Contact
	if query == nil {
		query = url.Values{}
	}
	query.Set("limit", "200")
	for {
		var p contacts.Page
		c.Do("GET", "/api/contacts?"+query.Encode(), nil).Want(200).Decode(&p)
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		query.Set("cursor", p.NextCursor)
	}
}

func byEmail(cs []contacts.Contact) map[string]contacts.Contact {
	m := map[string]contacts.Contact{}
	for _, c := range cs {
		if c.Email != nil {
			m[*c.Email] = c
		}
	}
	return m
}

func readCSV(t *testing.T, res *apitest.Response) [][]string {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	r := csv.NewReader(bytes.NewReader(res.Body))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read CSV %q: %v", res.Body, err)
	}
	return rows
}

// TestImportContacts imports a spreadsheet export with everything that goes
// wrong in real files: a byte order mark, CRLF line ends, quoted fields with
// commas, quotes and line breaks, blank lines, short rows, a bad email, a
// row with no name, an unknown owner and a broken quote.
func TestImportContacts(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	member := a.Invite("rep@acme.test", "member")
	file := "\uFEFFFirst Name,Last Name,E-mail,Mobile,Company,Tags,Owner email,custom.industry,Notes\r\n" +
		"Ada,Lovelace,ADA@example.com,+44 20 7946 0958,\"Analytical Engines, Ltd\",vip; math,rep@acme.test,Computing,\"said \"\"hi\"\"\r\non two lines\"\r\n" +
		"\r\n" +
		"Grace,Hopper,grace@example.com\r\n" + // a short row: the other cells are empty
		"Bad,Email,not-an-email,,,,,,\r\n" +
		",,,,Nameless Inc,,,,\r\n" +
		"Owner,Unknown,owner@example.com,,,,nobody@acme.test,,\r\n" +
		"Broken,\"quote,x@example.com\r\n" // an unclosed quote runs to the end: one broken row
	p := uploadOK(t, a, "contacts", file)
	imp := p.Import
	if imp.Status != "uploaded" || imp.Kind != "contacts" || imp.FileName != "people.csv" || imp.TotalRows != 6 {
		t.Fatalf("uploaded: %+v", imp)
	}
	wantHeaders := []string{"First Name", "Last Name", "E-mail", "Mobile", "Company", "Tags", "Owner email", "custom.industry", "Notes"}
	if !reflect.DeepEqual(imp.Headers, wantHeaders) {
		t.Fatalf("headers %q", imp.Headers)
	}
	wantMapping := []string{"first_name", "last_name", "email", "phone", "company_name", "tags", "owner", "custom.industry", ""}
	if !reflect.DeepEqual(imp.Mapping, wantMapping) {
		t.Fatalf("guessed mapping %q", imp.Mapping)
	}
	if len(p.Fields) == 0 || len(p.Rows) != 6 {
		t.Fatalf("preview: %d fields, rows %+v", len(p.Fields), p.Rows)
	}
	actions := map[int]string{}
	for _, r := range p.Rows {
		actions[r.Row] = r.Action
		if len(r.Values) != len(wantHeaders) {
			t.Errorf("row %d values %q", r.Row, r.Values)
		}
	}
	// Lines: header 1, Ada 2-3, blank 4, Grace 5, Bad 6, nameless 7, owner 8, broken 9.
	wantActions := map[int]string{2: "create", 5: "create", 6: "fail", 7: "fail", 8: "fail", 9: "fail"}
	if !reflect.DeepEqual(actions, wantActions) {
		t.Fatalf("preview actions %v, want %v; rows %+v", actions, wantActions, p.Rows)
	}
	if pr := p.Rows[2].Problems; len(pr) != 1 || pr[0].Field != "email" || pr[0].Column != "E-mail" {
		t.Errorf("bad email row problems %+v", pr)
	}

	done := runImport(t, a, imp.ID.String(), map[string]any{"on_duplicate": "skip"})
	if done.Status != "done" || done.ProcessedRows != 6 || done.CreatedRows != 2 || done.FailedRows != 4 || done.TotalRows != 6 ||
		done.StartedAt == nil || done.FinishedAt == nil {
		t.Fatalf("finished import: %+v", done)
	}
	got := byEmail(allContacts(t, a, nil))
	ada := got["ada@example.com"]
	if ada.FirstName != "Ada" || ada.CompanyName != "Analytical Engines, Ltd" || str(ada.Phone) != "+442079460958" ||
		!reflect.DeepEqual(ada.Tags, []string{"vip", "math"}) || ada.CustomFields["industry"] != "Computing" ||
		ada.OwnerID == nil || *ada.OwnerID != member.Me.User.ID {
		t.Errorf("Ada: %+v", ada)
	}
	if g := got["grace@example.com"]; g.LastName != "Hopper" || g.Phone != nil {
		t.Errorf("Grace: %+v", g)
	}
	if len(got) != 2 {
		t.Errorf("contacts: %v", got)
	}

	// The report names each failed row and why, with its original cells.
	rows := readCSV(t, a.Do("GET", "/api/imports/"+imp.ID.String()+"/failures.csv", nil).Want(200))
	if want := append([]string{"row", "error"}, wantHeaders...); !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("report header %q", rows[0])
	}
	if len(rows) != 5 {
		t.Fatalf("report: %q", rows)
	}
	reasons := map[string]string{}
	for _, r := range rows[1:] {
		reasons[r[0]] = r[1]
	}
	for row, want := range map[string]string{"6": "email (E-mail): must be a valid email address", "7": "needs a name, an email or a phone",
		"8": "no member of the company has the email nobody@acme.test", "9": "not valid CSV"} {
		if !strings.Contains(reasons[row], want) {
			t.Errorf("row %s: reason %q, want %q", row, reasons[row], want)
		}
	}
	if rows[1][2] != "Bad" || rows[1][4] != "not-an-email" {
		t.Errorf("report keeps the original cells: %q", rows[1])
	}

	// A started import cannot be started, or remapped, again.
	a.Do("POST", "/api/imports/"+imp.ID.String()+"/start", map[string]any{}).Want(409)
	a.Do("POST", "/api/imports/"+imp.ID.String()+"/preview", map[string]any{}).Want(409)
	var list imports.Page
	a.Do("GET", "/api/imports", nil).Want(200).Decode(&list)
	if len(list.Items) != 1 || list.Items[0].ID != imp.ID || list.Items[0].Status != "done" {
		t.Errorf("list: %+v", list)
	}
	a.Do("DELETE", "/api/imports/"+imp.ID.String(), nil).Want(204)
	a.Do("GET", "/api/imports/"+imp.ID.String(), nil).Want(404)
	a.Do("GET", "/api/imports/"+imp.ID.String()+"/failures.csv", nil).Want(404).Problem()
	if n := len(allContacts(t, a, nil)); n != 2 {
		t.Errorf("deleting the import removed contacts: %d left", n)
	}
}

// TestImportMappingAndPreview changes a guessed mapping, previews it, and
// refuses mappings that cannot work.
func TestImportMappingAndPreview(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	p := uploadOK(t, a, "contacts", "Who,Mail,Whatever\nAda Lovelace,ada@example.com,x\nGrace Hopper,,y\n")
	if !reflect.DeepEqual(p.Import.Mapping, []string{"", "email", ""}) {
		t.Fatalf("guess %q", p.Import.Mapping)
	}
	id := p.Import.ID.String()
	for _, bad := range [][]string{{"full_name"}, {"full_name", "email", "email"}, {"full_name", "nope", ""}, {"", "", ""},
		{"full_name", "email", "custom."}, {"title", "email", "custom.*"}} {
		a.Do("POST", "/api/imports/"+id+"/preview", map[string]any{"mapping": bad}).Want(422).Problem()
	}
	a.Do("POST", "/api/imports/"+id+"/preview", map[string]any{"on_duplicate": "merge"}).Want(422)
	var pv imports.Preview
	a.Do("POST", "/api/imports/"+id+"/preview", map[string]any{"mapping": []string{"full_name", "email", "custom.note"}, "on_duplicate": "update"}).
		Want(200).Decode(&pv)
	if pv.Import.OnDuplicate != "update" || pv.Import.Mapping[2] != "custom.note" || len(pv.Rows) != 2 ||
		pv.Rows[0].Action != "create" || pv.Rows[1].Action != "create" {
		t.Fatalf("preview: %+v", pv)
	}
	// The saved mapping is what the start uses when it sends none.
	done := runImport(t, a, id, nil)
	if done.CreatedRows != 2 {
		t.Fatalf("import: %+v", done)
	}
	got := byEmail(allContacts(t, a, nil))
	if c := got["ada@example.com"]; c.FirstName != "Ada" || c.LastName != "Lovelace" || c.CustomFields["note"] != "x" {
		t.Errorf("Ada: %+v", c)
	}

	// Files that are no CSV import at all are refused at upload.
	for name, body := range map[string]string{"empty": "", "header only": "a,b,c\n", "blank": "\n\n\n",
		"not UTF-8": "Name,\xff\xfe\nx,y\n", "too many columns": strings.Repeat("c,", imports.MaxColumns) + "c\nx\n"} {
		if p := upload(a, "contacts", strings.NewReader(body)).Want(422).Problem(); p.Detail == "" {
			t.Errorf("%s: no reason", name)
		}
	}
	upload(a, "widgets", strings.NewReader("a\nb\n")).Want(422)
	a.Send("POST", "/api/imports?kind=contacts", "application/json", strings.NewReader("a\nb\n")).Want(415)
	a.Send("POST", "/api/imports?kind=contacts", "multipart/form-data; boundary=x", strings.NewReader("a\nb\n")).Want(415)
	env.Anonymous().Send("POST", "/api/imports?kind=contacts", "text/csv", strings.NewReader("a\nb\n")).Want(401)
}

// TestImportDuplicates skips, then updates, contacts whose email is taken,
// and treats a repeated email within the file the same way.
func TestImportDuplicates(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Old", "last_name": "Name", "email": "dup@example.com",
		"phone": "+14155550100", "tags": []string{"existing"}, "custom_fields": map[string]any{"keep": "me"}}).Want(201)
	file := "email,first_name,tags,custom.source\n" +
		"DUP@example.com,New,imported,csv\n" +
		"fresh@example.com,Fresh,,\n" +
		"fresh@example.com,Again,second,\n"

	skip := uploadOK(t, a, "contacts", file)
	if acts := []string{skip.Rows[0].Action, skip.Rows[1].Action, skip.Rows[2].Action}; !reflect.DeepEqual(acts, []string{"skip", "create", "skip"}) {
		t.Fatalf("preview actions %v", acts)
	}
	done := runImport(t, a, skip.Import.ID.String(), map[string]any{"on_duplicate": "skip"})
	if done.CreatedRows != 1 || done.SkippedRows != 2 || done.UpdatedRows != 0 || done.FailedRows != 0 {
		t.Fatalf("skip: %+v", done)
	}
	got := byEmail(allContacts(t, a, nil))
	if c := got["dup@example.com"]; c.FirstName != "Old" || !reflect.DeepEqual(c.Tags, []string{"existing"}) {
		t.Errorf("skipped duplicate changed: %+v", c)
	}
	if c := got["fresh@example.com"]; c.FirstName != "Fresh" {
		t.Errorf("first of a repeated email: %+v", c)
	}

	upd := uploadOK(t, a, "contacts", file)
	done = runImport(t, a, upd.Import.ID.String(), map[string]any{"on_duplicate": "update"})
	if done.CreatedRows != 0 || done.UpdatedRows != 3 || done.SkippedRows != 0 || done.FailedRows != 0 {
		t.Fatalf("update: %+v", done)
	}
	got = byEmail(allContacts(t, a, nil))
	c := got["dup@example.com"]
	if c.FirstName != "New" || c.LastName != "Name" || str(c.Phone) != "+14155550100" ||
		!reflect.DeepEqual(c.Tags, []string{"existing", "imported"}) || c.CustomFields["keep"] != "me" || c.CustomFields["source"] != "csv" {
		t.Errorf("updated duplicate: %+v", c)
	}
	if c := got["fresh@example.com"]; c.FirstName != "Again" || !reflect.DeepEqual(c.Tags, []string{"second"}) {
		t.Errorf("repeated email updated in file order: %+v", c)
	}
	if len(got) != 2 {
		t.Errorf("contacts: %d", len(got))
	}
}

// TestImportRowRefusedInBatch: a row that passes the preview's checks but
// is refused when written (here: an update would give a contact more than
// 30 tags) fails alone, with the reason; the rest of its batch is imported.
func TestImportRowRefusedInBatch(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	tags := make([]string, contacts.MaxTags)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Full", "email": "full@example.com", "tags": tags}).Want(201)
	p := uploadOK(t, a, "contacts", "email,first_name,tags\nbefore@example.com,Before,\nfull@example.com,Full,one-more\nafter@example.com,After,\n")
	a.Do("POST", "/api/imports/"+p.Import.ID.String()+"/preview", map[string]any{"on_duplicate": "update"}).Want(200).Decode(&p)
	if p.Rows[1].Action != "update" {
		t.Fatalf("preview: %+v", p.Rows)
	}
	done := runImport(t, a, p.Import.ID.String(), nil)
	if done.CreatedRows != 2 || done.UpdatedRows != 0 || done.FailedRows != 1 || done.ProcessedRows != 3 {
		t.Fatalf("import: %+v", done)
	}
	rows := readCSV(t, a.Do("GET", "/api/imports/"+p.Import.ID.String()+"/failures.csv", nil).Want(200))
	if len(rows) != 2 || rows[1][0] != "3" || !strings.Contains(rows[1][1], "tags") || !strings.Contains(rows[1][1], "at most 30") {
		t.Errorf("report: %q", rows)
	}
	got := byEmail(allContacts(t, a, nil))
	if len(got) != 3 || len(got["full@example.com"].Tags) != contacts.MaxTags {
		t.Errorf("contacts: %+v", got)
	}
}

// TestImportDeals links deals to contacts by email and to pipelines and
// stages by name.
func TestImportDeals(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	member := a.Invite("rep@acme.test", "member")
	var contact struct{ ID string }
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Ada", "email": "ada@example.com"}).Want(201).Decode(&contact)
	var renewals pipelineJSON
	a.Do("POST", "/api/pipelines", map[string]any{"name": "Renewals"}).Want(201).Decode(&renewals)
	a.Do("POST", "/api/pipelines/"+renewals.ID+"/stages", map[string]any{"name": "Due soon"}).Want(201)
	sales := map[string]string{}
	var pls struct{ Items []pipelineJSON }
	a.Do("GET", "/api/pipelines", nil).Want(200).Decode(&pls)
	for _, pl := range pls.Items {
		for _, st := range pl.Stages {
			sales[pl.Name+"/"+st.Name] = st.ID
		}
	}

	file := "Deal Name,Amount,Currency,Pipeline,Stage,Contact Email,Close Date,Owner\n" +
		"Big one,\"$1,250.50\",eur,,qualified,ADA@example.com,2030-01-31,rep@acme.test\n" +
		"Renewal,99,,Renewals,Due soon,,,\n" +
		"Plain,,,,,,,\n" +
		"Won already,10,,,Won,,,\n" +
		"Lost contact,5,,,,nobody@example.com,,\n" +
		"Bad stage,5,,Sales,Nope,,,\n" +
		",5,,,,,,\n" +
		"Bad money,12.345,XXX1,,,,31/01/2030,\n"
	p := uploadOK(t, a, "deals", file)
	wantMapping := []string{"title", "value", "currency", "pipeline", "stage", "contact_email", "expected_close_date", "owner"}
	if !reflect.DeepEqual(p.Import.Mapping, wantMapping) {
		t.Fatalf("guessed %q", p.Import.Mapping)
	}
	done := runImport(t, a, p.Import.ID.String(), nil)
	if done.CreatedRows != 4 || done.FailedRows != 4 {
		t.Fatalf("deals import: %+v", done)
	}
	var list struct{ Items []dealJSON }
	a.Do("GET", "/api/deals?limit=200", nil).Want(200).Decode(&list)
	got := map[string]dealJSON{}
	for _, d := range list.Items {
		got[d.Title] = d
	}
	big := got["Big one"]
	if big.Value != "1250.50" || big.Currency != "EUR" || big.StageID != sales["Sales/Qualified"] || big.ContactName != "Ada" ||
		big.OwnerID == nil || *big.OwnerID != member.Me.User.ID.String() {
		t.Errorf("Big one: %+v", big)
	}
	if d := got["Renewal"]; d.StageID != sales["Renewals/Due soon"] || d.PipelineID != renewals.ID || *d.OwnerID != a.Me.User.ID.String() {
		t.Errorf("Renewal: %+v", d)
	}
	if d := got["Plain"]; d.StageID != sales["Sales/Lead"] || d.Value != "0.00" {
		t.Errorf("Plain: %+v", d)
	}
	if d := got["Won already"]; d.Status != "won" || d.ClosedAt == nil {
		t.Errorf("Won already: %+v", d)
	}
	rows := readCSV(t, a.Do("GET", "/api/imports/"+p.Import.ID.String()+"/failures.csv", nil).Want(200))
	report := ""
	for _, r := range rows[1:] {
		report += r[0] + ": " + r[1] + "\n"
	}
	for _, want := range []string{"6: contact_email (Contact Email): no contact has the email nobody@example.com",
		"7: stage (Stage): the pipeline Sales has no stage named Nope", "8: title (Deal Name): is required",
		"9: value (Amount): must have at most two decimal places", "currency (Currency): must be an ISO 4217",
		"expected_close_date (Close Date): must be a date"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// TestImportLargeFile streams a 3,000-row file (six batches) generated on the fly as a
// chunked upload (no Content-Length, never whole in memory on either side)
// and imports all of it, in batches whose progress the poll sees.
func TestImportLargeFile(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	const n = 3_000
	pr, pw := io.Pipe()
	go func() {
		w := csv.NewWriter(pw)
		_ = w.Write([]string{"First name", "Last name", "Email", "Phone", "Tags"})
		for i := range n {
			_ = w.Write([]string{fmt.Sprintf("First%d", i), "Last", fmt.Sprintf("p%d@example.com", i),
				fmt.Sprintf("+1415555%04d", i%10000), "bulk"})
		}
		w.Flush()
		pw.CloseWithError(w.Error())
	}()
	var p imports.Preview
	t0 := time.Now()
	upload(a, "contacts", pr).Want(201).Decode(&p)
	t.Logf("upload %s", time.Since(t0))
	if p.Import.TotalRows != n || len(p.Rows) != imports.PreviewRows {
		t.Fatalf("upload: total %d, %d preview rows", p.Import.TotalRows, len(p.Rows))
	}
	a.Do("POST", "/api/imports/"+p.Import.ID.String()+"/start", nil).Want(200)
	t0 = time.Now()
	done := waitImport(t, a, p.Import.ID.String(), 5*time.Minute)
	t.Logf("import %s (%s to %s)", time.Since(t0), done.StartedAt, done.FinishedAt)
	if done.Status != "done" || done.CreatedRows != n || done.ProcessedRows != n || done.FailedRows != 0 {
		t.Fatalf("large import: %+v", done)
	}
	var tags struct {
		Items []struct {
			Tag      string `json:"tag"`
			Contacts int    `json:"contacts"`
		} `json:"items"`
	}
	a.Do("GET", "/api/contacts/tags", nil).Want(200).Decode(&tags)
	if len(tags.Items) != 1 || tags.Items[0].Contacts != n {
		t.Errorf("tag counts: %+v", tags.Items)
	}
	rows := readCSV(t, a.Do("GET", "/api/contacts/export.csv?tag=bulk", nil).Want(200))
	if len(rows) != n+1 {
		t.Errorf("export has %d rows, want %d", len(rows), n+1)
	}
}

// endless yields CSV rows for ever.
type endless struct {
	started bool
	off     int // into the current line
}

func (e *endless) Read(p []byte) (int, error) {
	const line = "Someone With A Long Name,someone@example.com\n"
	n := 0
	if !e.started {
		e.started = true
		n = copy(p, "name,email\n")
	}
	for n < len(p) {
		k := copy(p[n:], line[e.off:])
		n += k
		e.off = (e.off + k) % len(line)
	}
	return n, nil
}

// TestImportTooLarge refuses uploads over the limit with 413, whether the
// size is declared or only found while streaming; other routes keep the
// small limit.
func TestImportTooLarge(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	req, _ := http.NewRequest("POST", env.Srv.URL+"/api/imports?kind=contacts", io.LimitReader(&endless{}, imports.MaxUploadBytes+1))
	req.ContentLength = imports.MaxUploadBytes + 1
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+a.Token().Bearer)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Errorf("declared oversize: %d", res.StatusCode)
	}

	p := upload(a, "contacts", io.LimitReader(&endless{}, imports.MaxUploadBytes+100_000)).Want(413).Problem()
	if !strings.Contains(p.Detail, "larger than 50 MiB") {
		t.Errorf("streamed oversize: %+v", p)
	}
	var list imports.Page
	a.Do("GET", "/api/imports", nil).Want(200).Decode(&list)
	if len(list.Items) != 0 {
		t.Errorf("a refused upload left an import: %+v", list.Items)
	}
	// Just under the limit is fine.
	var ok imports.Preview
	upload(a, "contacts", io.LimitReader(&endless{}, imports.MaxUploadBytes-100)).Want(201).Decode(&ok)
	if ok.Import.TotalRows < 1_000_000 {
		t.Errorf("big upload counted %d rows", ok.Import.TotalRows)
	}
	// The larger limit is for the upload alone.
	a.Do("POST", "/api/contacts", strings.Repeat("x", 2<<20)).Want(413)
	a.Send("POST", "/api/imports/"+ok.Import.ID.String()+"/preview", "application/json",
		io.LimitReader(&endless{}, 2<<20)).Want(413)
}

// TestExportRoundTrip exports contacts and deals with filters, imports the
// files into another company and finds the same data there.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Alpha")
	for i, c := range []map[string]any{
		{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+14155550101", "company_name": "Engines, Ltd",
			"title": "=cmd|' /C calc'!A0", "tags": []string{"vip", "math"}, "custom_fields": map[string]any{"industry": "computing", "size": "10"},
			"owner_id": a.Me.User.ID.String()},
		{"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "tags": []string{"vip"}, "title": "-Rear admiral"},
		{"first_name": "Alan", "last_name": "Turing", "email": "alan@example.com", "tags": []string{"other"}},
		{"first_name": "Nomail", "phone": "+14155550199", "tags": []string{"vip"}, "custom_fields": map[string]any{"note": "line one\nline two, \"quoted\""}},
	} {
		a.Do("POST", "/api/contacts", c).Want(201)
		_ = i
	}
	res := a.Do("GET", "/api/contacts/export.csv?tag=vip&sort=name&order=desc", nil).Want(200)
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows := readCSV(t, res)
	var names []string
	for _, r := range rows[1:] {
		names = append(names, r[1])
	}
	if !reflect.DeepEqual(names, []string{"Nomail", "Grace", "Ada"}) {
		t.Fatalf("filtered, sorted export: %q", names)
	}
	for _, r := range rows[1:] {
		for _, v := range r {
			if v != "" && strings.ContainsRune("=@", rune(v[0])) {
				t.Errorf("export cell %q would run as a formula", v)
			}
		}
	}
	a.Do("GET", "/api/contacts/export.csv?sort=nope", nil).Want(422).Problem()
	a.Do("GET", "/api/contacts/export.csv?owner_id=x", nil).Want(422).Problem()

	b := env.Signup("Beta")
	p := uploadOK(t, b, "contacts", string(res.Body))
	mapping := p.Import.Mapping
	for i, h := range p.Import.Headers {
		if h == "owner" {
			mapping[i] = "" // A's members are not B's
		}
	}
	done := runImport(t, b, p.Import.ID.String(), map[string]any{"mapping": mapping})
	if done.CreatedRows != 3 || done.FailedRows != 0 {
		t.Fatalf("import into B: %+v", done)
	}
	strip := func(cs []contacts.Contact) []contacts.Contact {
		for i := range cs {
			cs[i].ID, cs[i].OwnerID, cs[i].CreatedAt, cs[i].UpdatedAt = [16]byte{}, nil, time.Time{}, time.Time{}
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].FirstName < cs[j].FirstName })
		return cs
	}
	want, got := strip(allContacts(t, a, url.Values{"tag": {"vip"}})), strip(allContacts(t, b, nil))
	if !reflect.DeepEqual(want, got) {
		t.Errorf("round trip:\nA %+v\nB %+v", want, got)
	}

	// Deals: export A's open deals and import them into B, whose contacts
	// now have the same emails and whose default pipeline the same stages.
	pl := defaultPipeline(t, a)
	a.Do("POST", "/api/deals", map[string]any{"title": "Engines", "value": "1250.50", "currency": "EUR",
		"stage_id": pl.Stages[2].ID, "expected_close_date": "2031-02-03"}).Want(201)
	var ada struct{ Items []struct{ ID string } }
	a.Do("GET", "/api/contacts?q=ada", nil).Want(200).Decode(&ada)
	a.Do("POST", "/api/deals", map[string]any{"title": "Compiler", "value": "99", "contact_id": ada.Items[0].ID}).Want(201)
	var won dealJSON
	a.Do("POST", "/api/deals", map[string]any{"title": "Closed", "stage_id": pl.Stages[4].ID}).Want(201).Decode(&won)
	res = a.Do("GET", "/api/deals/export.csv?status=open", nil).Want(200)
	rows = readCSV(t, res)
	if len(rows) != 3 || rows[1][1] != "Engines" || rows[2][1] != "Compiler" || rows[2][7] != "ada@example.com" || rows[1][5] != "Proposal" {
		t.Fatalf("deals export: %q", rows)
	}
	a.Do("GET", "/api/deals/export.csv?min_value=abc", nil).Want(422).Problem()
	p = uploadOK(t, b, "deals", string(res.Body))
	mapping = p.Import.Mapping
	for i, h := range p.Import.Headers {
		if h == "owner" {
			mapping[i] = ""
		}
	}
	done = runImport(t, b, p.Import.ID.String(), map[string]any{"mapping": mapping})
	if done.CreatedRows != 2 || done.FailedRows != 0 {
		t.Fatalf("deals into B: %+v", done)
	}
	bres := readCSV(t, b.Do("GET", "/api/deals/export.csv", nil).Want(200))
	for i := 1; i < 3; i++ {
		// title, value, currency, pipeline, stage, status, contact email and name, close date
		if !reflect.DeepEqual(rows[i][1:10], bres[i][1:10]) {
			t.Errorf("deal round trip:\nA %q\nB %q", rows[i][1:10], bres[i][1:10])
		}
	}
}

// BenchmarkImportMemory uploads and imports 100,000 generated rows (a file
// of about 30 MiB, with an ignored notes column) and reports the file's
// size and the largest heap seen meanwhile, in the test process that holds
// both the client and the server: the file streams through, so the peak
// stays well under the file's size.
//
//	go test ./internal/httpapi -run '^$' -bench ImportMemory -benchtime 1x
func BenchmarkImportMemory(b *testing.B) {
	env := apitest.New(b)
	a := env.Signup("Acme")
	const n = 100_000
	notes := strings.Repeat("lorem ipsum ", 20)
	for b.Loop() {
		pr, pw := io.Pipe()
		size := make(chan int64, 1)
		go func() {
			cw := &countingWriter{w: pw}
			w := csv.NewWriter(cw)
			_ = w.Write([]string{"name", "email", "company", "tags", "notes"})
			for i := range n {
				_ = w.Write([]string{fmt.Sprintf("Person %d", i), fmt.Sprintf("bench%d-%d@example.com", time.Now().UnixNano(), i),
					"Bench Inc", "bench", notes})
			}
			w.Flush()
			size <- cw.n
			pw.CloseWithError(w.Error())
		}()
		stop := make(chan struct{})
		peak := make(chan uint64)
		go func() {
			var max uint64
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > max {
					max = ms.HeapInuse
				}
				select {
				case <-stop:
					peak <- max
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		var p imports.Preview
		upload(a, "contacts", pr).Want(201).Decode(&p)
		a.Do("POST", "/api/imports/"+p.Import.ID.String()+"/start", nil).Want(200)
		done := waitImport(b, a, p.Import.ID.String(), 30*time.Minute)
		close(stop)
		if done.CreatedRows != n {
			b.Fatalf("import: %+v", done)
		}
		b.ReportMetric(float64(<-peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(<-size)/(1<<20), "file-MiB")
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
