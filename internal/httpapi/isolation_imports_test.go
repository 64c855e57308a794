package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/imports"
)

// Company A's imports for the isolation matrix: one that ran (it created a
// contact and has a failure report) and one still waiting to be started.
func init() {
	worldSetups = append(worldSetups, func(w *world) {
		t := w.env.T
		var p imports.Preview
		upload(w.a, "contacts", strings.NewReader("name,email,tags\nImported Secret,imported@a.test,a-import\nBad Row,not-an-email,\n")).
			Want(201).Decode(&p)
		w.ids["import"] = p.Import.ID.String()
		w.a.Do("POST", "/api/imports/"+w.ids["import"]+"/start", map[string]any{}).Want(200)
		if done := waitImport(t, w.a, w.ids["import"], time.Minute); done.Status != "done" || done.CreatedRows != 1 || done.FailedRows != 1 {
			t.Fatalf("A's import: %+v", done)
		}
		upload(w.a, "contacts", strings.NewReader("name,email\nWaiting Secret,waiting@a.test\n")).Want(201).Decode(&p)
		w.ids["import_open"] = p.Import.ID.String()
	})
	snapshotPaths = append(snapshotPaths, func(w *world) []string {
		return []string{"/api/imports", "/api/imports/" + w.ids["import"], "/api/imports/" + w.ids["import_open"],
			"/api/imports/" + w.ids["import"] + "/failures.csv", "/api/contacts/export.csv", "/api/deals/export.csv", "/api/company/storage"}
	})
	hidden := func(method, suffix string, body any) func(t *testing.T, w *world) {
		return func(t *testing.T, w *world) {
			for _, id := range []string{w.ids["import"], w.ids["import_open"]} {
				expectHidden(t, w.b, method, "/api/imports/"+id+suffix, "/api/imports/"+missingID+suffix, body)
			}
		}
	}
	// exportLacks fails when B's export at path shows any of A's data.
	exportLacks := func(t *testing.T, w *world, paths ...string) {
		t.Helper()
		for _, p := range paths {
			res := w.b.Do("GET", p, nil).Want(200)
			body := string(res.Body)
			// (Other operations give B contacts of its own that look like
			// A's, such as one with A's contact's email: see createContact.)
			for _, secret := range []string{w.contactID, "imported@a.test", "Imported Secret", "a-only", "a-import",
				"A secret deal", w.ids["deal"], "member@a.test", w.a.Me.User.Email} {
				if secret != "" && strings.Contains(body, secret) {
					t.Errorf("B's %s shows A's %q:\n%s", p, secret, body)
				}
			}
		}
	}
	add := map[string]func(t *testing.T, w *world){
		"uploadImport": func(t *testing.T, w *world) {
			// B's file names A's member as owner and A's contact as a
			// deal's contact: neither is B's, so the rows would fail.
			var p imports.Preview
			upload(w.b, "contacts", strings.NewReader("name,email,owner\nX,x@b.test,member@a.test\n")).Want(201).Decode(&p)
			if r := p.Rows[0]; r.Action != "fail" || len(r.Problems) != 1 || r.Problems[0].Field != "owner" {
				t.Errorf("B's row with A's member as owner: %+v", r)
			}
			upload(w.b, "deals", strings.NewReader("title,contact_email,stage\nD,imported@a.test,Lead\n")).Want(201).Decode(&p)
			if r := p.Rows[0]; r.Action != "fail" || len(r.Problems) != 1 || r.Problems[0].Field != "contact_email" {
				t.Errorf("B's deal with A's contact: %+v", r)
			}
			if listHas(t, w.a, "/api/imports", p.Import.ID.String()) {
				t.Error("A sees B's import")
			}
		},
		"listImports": func(t *testing.T, w *world) {
			for _, id := range []string{w.ids["import"], w.ids["import_open"]} {
				if listHas(t, w.b, "/api/imports", id) {
					t.Errorf("B's imports show A's %s", id)
				}
			}
		},
		"getStorageUsage": func(t *testing.T, w *world) {
			// B's usage counts B's own uploads only (A's two files are in
			// A's snapshot, which B cannot change).
			var u struct {
				Files int `json:"files"`
			}
			w.b.Do("GET", "/api/company/storage", nil).Want(200).Decode(&u)
			var l struct {
				Items []any `json:"items"`
			}
			w.b.Do("GET", "/api/imports?limit=200", nil).Want(200).Decode(&l)
			if u.Files != len(l.Items) {
				t.Errorf("B's storage counts %d files, B has %d imports", u.Files, len(l.Items))
			}
		},
		"getImport":              hidden("GET", "", nil),
		"previewImport":          hidden("POST", "/preview", map[string]any{"on_duplicate": "update"}),
		"startImport":            hidden("POST", "/start", map[string]any{}),
		"deleteImport":           hidden("DELETE", "", nil),
		"downloadImportFailures": hidden("GET", "/failures.csv", nil),
		"exportContacts": func(t *testing.T, w *world) {
			exportLacks(t, w, "/api/contacts/export.csv", "/api/contacts/export.csv?q=secret", "/api/contacts/export.csv?tag=a-only",
				"/api/contacts/export.csv?owner_id="+w.a.Me.User.ID.String())
		},
		"exportDeals": func(t *testing.T, w *world) {
			exportLacks(t, w, "/api/deals/export.csv", "/api/deals/export.csv?q=secret",
				"/api/deals/export.csv?pipeline_id="+w.ids["pipeline"], "/api/deals/export.csv?contact_id="+w.contactID,
				"/api/deals/export.csv?stage_id="+w.ids["stage2"], "/api/deals/export.csv?owner_id="+w.a.Me.User.ID.String())
		},
	}
	for k, v := range add {
		matrix[k] = v
	}
}
