package blob

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := NewLocal(filepath.Join(dir, "blobs"))
	key := "0190a1b2-0000-7000-8000-000000000001/imports/0190a1b2-0000-7000-8000-000000000002.csv"
	n, err := s.Put(ctx, key, strings.NewReader("a,b\n1,2\n"))
	if err != nil || n != 8 {
		t.Fatalf("put: %d %v", n, err)
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "a,b\n1,2\n" {
		t.Errorf("read %q", b)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("open deleted: %v", err)
	}

	// A failed put leaves nothing behind, not even a temporary file.
	boom := errors.New("boom")
	if _, err := s.Put(ctx, key, io.MultiReader(strings.NewReader("partial"), errReader{boom})); !errors.Is(err, boom) {
		t.Errorf("failed put: %v", err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("a failed put left a blob: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(filepath.Join(dir, "blobs", key)))
	if len(entries) != 0 {
		t.Errorf("left over: %v", entries)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestCheckKey(t *testing.T) {
	for _, bad := range []string{"", "/abs", "a/../b", "a//b", "..", "a/./b", ".hidden", "a/b c", "a\\b", "a/b\x00", strings.Repeat("a", 600)} {
		if CheckKey(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
		if _, err := NewLocal(t.TempDir()).Open(context.Background(), bad); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("open %q: %v", bad, err)
		}
	}
	if err := CheckKey("c/imports/i.csv"); err != nil {
		t.Error(err)
	}
}
