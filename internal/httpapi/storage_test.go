package httpapi_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/imports"
	"github.com/salescrm/crm/internal/storage"
)

type usageJSON struct {
	UsedBytes  int64 `json:"used_bytes"`
	QuotaBytes int64 `json:"quota_bytes"`
	Files      int64 `json:"files"`
	Kinds      []struct {
		Kind  string `json:"kind"`
		Bytes int64  `json:"bytes"`
		Files int64  `json:"files"`
	} `json:"kinds"`
}

func usage(t *testing.T, c *apitest.Client) usageJSON {
	t.Helper()
	var u usageJSON
	c.Do("GET", "/api/company/storage", nil).Want(200).Decode(&u)
	return u
}

// csvOf returns a contacts CSV of exactly n bytes.
func csvOf(n int) string {
	head := "name,email\n"
	row := "Ada Lovelace,ada@example.com\n"
	var b strings.Builder
	b.WriteString(head)
	for b.Len()+len(row) <= n {
		b.WriteString(row)
	}
	pad := n - b.Len()
	if pad > 0 {
		b.WriteString(strings.Repeat("x", pad-1) + "\n") // a row of one cell
	}
	return b.String()
}

// blobFiles lists the files in the server's blob store.
func blobFiles(t *testing.T, env *apitest.Env) []string {
	t.Helper()
	var out []string
	root := filepath.Join(env.App.Cfg.DataDir, "blobs")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStorageQuota: uploads count against the company's quota, the usage is
// shown exactly, an upload that does not fit is refused with 422 on the body
// (stopped at the quota, not stored whole, nothing left behind), and
// deleting an import gives its room back. Other companies have their own.
func TestStorageQuota(t *testing.T) {
	env := apitest.New(t, apitest.WithEnv("CRM_STORAGE_QUOTA_BYTES", "10000"))
	a, b := env.Signup("Acme"), env.Signup("Beta")
	if u := usage(t, a); u.UsedBytes != 0 || u.QuotaBytes != 10000 || u.Files != 0 || len(u.Kinds) != 0 {
		t.Fatalf("empty usage: %+v", u)
	}
	first := csvOf(6000)
	p := uploadOK(t, a, "contacts", first)
	if u := usage(t, a); u.UsedBytes != 6000 || u.Files != 1 || len(u.Kinds) != 1 || u.Kinds[0].Kind != "import" || u.Kinds[0].Bytes != 6000 {
		t.Fatalf("usage after a 6000-byte upload: %+v", u)
	}
	// 6000 + 5000 > 10000: refused, and the body is not read to its end.
	const big = 40 << 20
	body := &countingReader{r: io.MultiReader(strings.NewReader(csvOf(5000)), &rowsReader{left: big})}
	res := upload(a, "contacts", body).Want(422)
	if pr := res.Problem(); !pr.HasFieldError("body") || !strings.Contains(pr.Errors[0].Message, "storage") {
		t.Fatalf("over the quota: %+v", pr)
	}
	if body.n > big/4 {
		t.Errorf("%d bytes of a %d-byte upload were sent; the server should stop at the quota (4000 bytes left)", body.n, big)
	}
	if files := blobFiles(t, env); len(files) != 1 {
		t.Fatalf("blob store after the refusal: %v", files)
	}
	var l struct {
		Items []imports.Import `json:"items"`
	}
	a.Do("GET", "/api/imports", nil).Want(200).Decode(&l)
	if len(l.Items) != 1 {
		t.Fatalf("%d imports after the refusal", len(l.Items))
	}
	if u := usage(t, a); u.UsedBytes != 6000 {
		t.Fatalf("usage after the refusal: %+v", u)
	}
	// Exactly what is left fits; then the company is full and a new upload
	// is refused before its body is read.
	uploadOK(t, a, "contacts", csvOf(4000))
	if u := usage(t, a); u.UsedBytes != 10000 || u.Files != 2 {
		t.Fatalf("usage at the quota: %+v", u)
	}
	upload(a, "contacts", strings.NewReader(csvOf(100))).Want(422)
	// Beta's room is its own.
	uploadOK(t, b, "contacts", csvOf(9000))
	if u := usage(t, b); u.UsedBytes != 9000 {
		t.Fatalf("Beta's usage: %+v", u)
	}
	// Deleting an import frees its bytes and its file.
	a.Do("DELETE", "/api/imports/"+p.Import.ID.String(), nil).Want(204)
	if u := usage(t, a); u.UsedBytes != 4000 || u.Files != 1 {
		t.Fatalf("usage after a delete: %+v", u)
	}
	if files := blobFiles(t, env); len(files) != 2 {
		t.Fatalf("blob store after a delete: %v", files)
	}
	uploadOK(t, a, "contacts", csvOf(6000))
}

// rowsReader yields left bytes of CSV rows.
type rowsReader struct{ left int }

func (r *rowsReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	const row = "Grace Hopper,grace@example.com\n"
	n := 0
	for n+len(row) <= len(p) && r.left >= len(row) {
		n += copy(p[n:], row)
		r.left -= len(row)
	}
	if n == 0 {
		r.left = 0
		return 0, io.EOF
	}
	return n, nil
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestUnstartedImportsExpire: an import uploaded more than a day ago and
// never started is deleted with its file by the periodic job, and its bytes
// leave the company's usage; a recent one and a started one stay.
func TestUnstartedImportsExpire(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Acme")
	old := uploadOK(t, a, "contacts", csvOf(3000))
	recent := uploadOK(t, a, "contacts", csvOf(2000))
	started := uploadOK(t, a, "contacts", csvOf(1000))
	a.Do("POST", "/api/imports/"+started.Import.ID.String()+"/start", map[string]any{}).Want(200)
	waitImport(t, a, started.Import.ID.String(), time.Minute)
	for _, id := range []string{old.Import.ID.String(), started.Import.ID.String()} {
		ownerExec(t, env, `UPDATE imports SET created_at = now() - interval '25 hours' WHERE id = $1`, id)
	}
	if u := usage(t, a); u.UsedBytes != 6000 {
		t.Fatalf("usage before: %+v", u)
	}
	if _, err := env.App.Jobs.Insert(context.Background(), imports.ExpireArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the old import to expire", func() bool {
		return a.Do("GET", "/api/imports/"+old.Import.ID.String(), nil).Status == 404
	})
	if u := usage(t, a); u.UsedBytes != 3000 || u.Files != 2 {
		t.Fatalf("usage after the expiry: %+v", u)
	}
	a.Do("GET", "/api/imports/"+recent.Import.ID.String(), nil).Want(200)
	a.Do("GET", "/api/imports/"+started.Import.ID.String(), nil).Want(200)
	key := filepath.Join(env.App.Cfg.DataDir, "blobs", filepath.FromSlash(imports.BlobKey(a.Me.Company.ID, old.Import.ID)))
	if _, err := os.Stat(key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the expired import's file: %v", err)
	}
	if files := blobFiles(t, env); len(files) != 2 {
		t.Fatalf("blob store after the expiry: %v", files)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 912: "912 B", 14_540: "14.2 KB", 50 << 20: "50 MB", 1 << 30: "1 GB", 250 << 30: "250 GB"} {
		if got := storage.FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
