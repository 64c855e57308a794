// Package storage is the one place that accounts for what companies keep in
// the blob store, against a per-company quota (CRM_STORAGE_QUOTA_BYTES).
// Every upload goes through it: CSV imports today, files and attachments
// later.
//
// The life of a stored blob:
//
//  1. Put streams the bytes to the blob store, counting them: once they
//     would take the company past its quota the upload stops there, the
//     partial blob is removed, and the caller gets a 422 on its field. A
//     company already at its quota is refused before a byte is read.
//  2. RecordTx, in the transaction that writes the row owning the blob (the
//     import), adds the blob's row to the blobs table, checking the quota
//     again under a per-company lock, so two concurrent uploads cannot both
//     take the last room. If that transaction fails, Discard removes the
//     file.
//  3. ForgetTx, in the transaction that deletes the owner, removes the row
//     (usage goes down with the commit); Remove then deletes the file.
//
// Usage is the sum of the company's blob rows (an index-only scan), so it is
// exact by construction: there is no counter to drift.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/blob"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Kinds of stored blobs (the blobs.kind check names each).
const (
	KindImport = "import"
)

// Service stores companies' blobs within their quota.
type Service struct {
	db    *db.DB
	blobs blob.Store
	quota int64 // bytes per company; 0 means no limit
}

// New returns the service; quota is each company's limit in bytes (0: none).
func New(d *db.DB, blobs blob.Store, quota int64) *Service {
	return &Service{db: d, blobs: blobs, quota: quota}
}

// Usage is what a company stores.
type Usage struct {
	UsedBytes  int64       `json:"used_bytes"`
	QuotaBytes int64       `json:"quota_bytes" doc:"The company's limit; 0 means no limit."`
	Blobs      int64       `json:"files" doc:"How many files are stored."`
	Kinds      []KindUsage `json:"kinds" doc:"Usage per kind of file."`
}

// KindUsage is the usage of one kind of file.
type KindUsage struct {
	Kind  string `json:"kind" enum:"import"`
	Bytes int64  `json:"bytes"`
	Files int64  `json:"files"`
}

// Stored is a blob Put has written and RecordTx has yet to record.
type Stored struct {
	Key   string
	Kind  string
	Bytes int64
}

// Usage returns what the company stores and its quota.
func (s *Service) Usage(ctx context.Context, companyID uuid.UUID) (*Usage, error) {
	var u *Usage
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		var err error
		u, err = s.usageTx(ctx, q, companyID)
		return err
	})
	return u, err
}

func (s *Service) usageTx(ctx context.Context, q *db.Q, companyID uuid.UUID) (*Usage, error) {
	rows, err := q.StorageUsage(ctx, companyID)
	if err != nil {
		return nil, fmt.Errorf("storage usage: %w", err)
	}
	u := &Usage{QuotaBytes: s.quota, Kinds: []KindUsage{}}
	for _, r := range rows {
		u.UsedBytes += r.Bytes
		u.Blobs += r.Blobs
		u.Kinds = append(u.Kinds, KindUsage{Kind: r.Kind, Bytes: r.Bytes, Files: r.Blobs})
	}
	return u, nil
}

// errOverQuota stops an upload's copy at the quota.
var errOverQuota = errors.New("storage: over quota")

// Put stores what r yields under key (a key made by the caller from ids,
// under the company's prefix), stopping once it would take the company past
// its quota. field names the request field the bytes came from, for the 422
// that refuses them. What Put stored must be recorded with RecordTx or
// removed with Discard.
func (s *Service) Put(ctx context.Context, companyID uuid.UUID, key, kind string, r io.Reader, field string) (Stored, error) {
	room := int64(-1) // no limit
	if s.quota > 0 {
		u, err := s.Usage(ctx, companyID)
		if err != nil {
			return Stored{}, err
		}
		if room = s.quota - u.UsedBytes; room <= 0 {
			return Stored{}, s.full(field, u.UsedBytes)
		}
	}
	n, err := s.blobs.Put(ctx, key, &quotaReader{r: r, room: room})
	if errors.Is(err, errOverQuota) {
		// Local.Put removes its partial file on any error; Discard makes
		// sure for any other store.
		s.Discard(context.WithoutCancel(ctx), key)
		return Stored{}, s.full(field, s.quota-room)
	}
	if err != nil {
		return Stored{}, err
	}
	return Stored{Key: key, Kind: kind, Bytes: n}, nil
}

// full is the 422 for an upload that does not fit.
func (s *Service) full(field string, used int64) error {
	return errs.Field(field, fmt.Sprintf("the file does not fit in the company's storage (%s of %s used); delete old imports to make room",
		FormatBytes(used), FormatBytes(s.quota)), nil)
}

// RecordTx records st in the caller's transaction, which writes the row that
// owns it. The quota is checked again under the company's lock; a
// concurrent upload that took the room makes it fail with the same 422.
func (s *Service) RecordTx(ctx context.Context, q *db.Q, companyID uuid.UUID, st Stored, field string) error {
	if err := q.LockStorage(ctx, companyID.String()); err != nil {
		return fmt.Errorf("lock storage: %w", err)
	}
	if s.quota > 0 {
		u, err := s.usageTx(ctx, q, companyID)
		if err != nil {
			return err
		}
		if u.UsedBytes+st.Bytes > s.quota {
			return s.full(field, u.UsedBytes)
		}
	}
	err := q.InsertBlob(ctx, dbq.InsertBlobParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), Key: st.Key, Kind: st.Kind, Bytes: st.Bytes})
	if err != nil {
		return fmt.Errorf("record blob %s: %w", st.Key, err)
	}
	return nil
}

// Discard removes a blob that was stored but not recorded (its owner's
// transaction failed). A failure is only disk space, so it is not returned.
func (s *Service) Discard(ctx context.Context, key string) { _ = s.blobs.Delete(ctx, key) }

// ForgetTx removes the blob's row in the caller's transaction, which deletes
// its owner; the usage goes down when it commits. Call Remove after the
// commit to delete the file. A blob stored before accounting began has no
// row, which is not an error.
func (s *Service) ForgetTx(ctx context.Context, q *db.Q, companyID uuid.UUID, key string) error {
	if _, err := q.DeleteBlob(ctx, dbq.DeleteBlobParams{CompanyID: companyID, Key: key}); err != nil {
		return fmt.Errorf("forget blob %s: %w", key, err)
	}
	return nil
}

// Remove deletes a forgotten blob's file.
func (s *Service) Remove(ctx context.Context, key string) error { return s.blobs.Delete(ctx, key) }

// Open returns a stored blob's content; blob.ErrNotFound when it is gone.
func (s *Service) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	return s.blobs.Open(ctx, key)
}

// quotaReader fails once more than room bytes have been read (room < 0: no
// limit).
type quotaReader struct {
	r    io.Reader
	room int64
	n    int64
}

func (q *quotaReader) Read(p []byte) (int, error) {
	n, err := q.r.Read(p)
	q.n += int64(n)
	if q.room >= 0 && q.n > q.room {
		return n, errOverQuota
	}
	return n, err
}

// FormatBytes prints a size for people as the web app does: 912 B, 14.2 KB,
// 50 MB, 1 GB (powers of 1024).
func FormatBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KB", "MB", "GB", "TB"}
	v, i := float64(n)/1024, 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f %s", v, units[i])
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + units[i]
}
