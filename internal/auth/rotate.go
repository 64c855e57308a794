package auth

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/secrets"
)

const rotatePage = 500

// SealedSecrets is the secrets.Holder of two-step sign-in secrets.
func (s *Service) SealedSecrets() secrets.Holder { return totpHolder{s} }

type totpHolder struct{ s *Service }

func (totpHolder) Name() string { return "two-step sign-in secrets" }

func (h totpHolder) each(ctx context.Context, fn func(q *db.Q, u dbq.ListSealedTOTPRow) error) error {
	after := uuid.Nil
	for {
		var rows []dbq.ListSealedTOTPRow
		err := h.s.db.InPlatform(ctx, func(q *db.Q) error {
			var err error
			if rows, err = q.ListSealedTOTP(ctx, dbq.ListSealedTOTPParams{ID: after, Limit: rotatePage}); err != nil {
				return fmt.Errorf("list sealed secrets: %w", err)
			}
			for _, r := range rows {
				if err := fn(q, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(rows) < rotatePage {
			return err
		}
		after = rows[len(rows)-1].ID
	}
}

func (h totpHolder) KeyIDs(ctx context.Context) (map[string]int, error) {
	ids := map[string]int{}
	err := h.each(ctx, func(_ *db.Q, u dbq.ListSealedTOTPRow) error {
		for _, v := range []*string{u.TotpSecret, u.TotpPendingSecret} {
			if v != nil {
				ids[secrets.KeyID(*v)]++
			}
		}
		return nil
	})
	return ids, err
}

func (h totpHolder) Reseal(ctx context.Context, progress func()) (int, error) {
	n := 0
	err := h.each(ctx, func(q *db.Q, u dbq.ListSealedTOTPRow) error {
		changed := false
		for _, v := range []*string{u.TotpSecret, u.TotpPendingSecret} {
			if v == nil || !h.s.box.NeedsRotation(*v) {
				continue
			}
			sealed, err := h.s.box.Reseal(u.ID, *v)
			if err != nil {
				return fmt.Errorf("reseal secret of user %s: %w", u.ID, err)
			}
			*v, changed = sealed, true
		}
		if !changed {
			return nil
		}
		if err := q.UpdateSealedTOTP(ctx, dbq.UpdateSealedTOTPParams(u)); err != nil {
			return fmt.Errorf("store resealed secret: %w", err)
		}
		n++
		progress()
		return nil
	})
	return n, err
}
