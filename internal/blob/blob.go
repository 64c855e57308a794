// Package blob stores opaque files (uploaded CSV imports, later attachments)
// by key. Keys are made by the program, never by a caller: each starts with
// the owning company's id ("<company_id>/imports/<import_id>.csv"), so one
// company's files can be listed, moved or deleted as a unit and a key can
// never name another company's file.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotFound is returned by Open for a key that holds nothing.
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs by key. Local is the implementation for one server; a
// deployment with several app servers needs a shared one (such as S3).
type Store interface {
	// Put stores everything r yields under key, replacing what was there, and
	// returns the number of bytes stored. The blob appears whole or not at all.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the blob's content; ErrNotFound when there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the blob; deleting a missing blob is not an error.
	Delete(ctx context.Context, key string) error
}

// Local stores blobs as files under a directory (CRM_DATA_DIR/blobs).
type Local struct {
	root string
}

// NewLocal returns a store rooted at dir, which is created on first use.
func NewLocal(dir string) *Local { return &Local{root: dir} }

// CheckKey refuses keys that are not a clean relative path of simple
// segments: no "..", no absolute path, no empty segment, only letters,
// digits, '-', '_' and '.'. Keys come from the program, so a bad key is a bug.
func CheckKey(key string) error {
	if key == "" || len(key) > 512 {
		return fmt.Errorf("blob: bad key %q", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			return fmt.Errorf("blob: bad key %q", key)
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return fmt.Errorf("blob: bad key %q", key)
			}
		}
	}
	return nil
}

func (l *Local) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Put writes r to a temporary file beside the target and renames it into
// place once complete, so a reader never sees half a blob.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	p, err := l.path(key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return 0, fmt.Errorf("blob put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return 0, fmt.Errorf("blob put %s: %w", key, err)
	}
	tmp := f.Name()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return n, fmt.Errorf("blob put %s: %w", key, err)
	}
	return n, nil
}

// Open opens the blob's file.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob open %s: %w", key, err)
	}
	return f, nil
}

// Delete removes the blob's file.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob delete %s: %w", key, err)
	}
	return nil
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
