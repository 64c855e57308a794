package telephony

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/secrets"
)

// CompanyPager returns keyset pages of every company's id (from internal/auth).
type CompanyPager func(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error)

// SealedSecrets is the secrets.Holder of the companies' Twilio auth tokens.
// Each company is read in its own tenant transaction: the tokens are tenant
// data, and nothing reads them across companies.
func (s *Service) SealedSecrets(companies CompanyPager) secrets.Holder {
	return tokenHolder{s: s, companies: companies}
}

type tokenHolder struct {
	s         *Service
	companies CompanyPager
}

func (tokenHolder) Name() string { return "Twilio auth tokens" }

func (h tokenHolder) each(ctx context.Context, fn func(q *db.Q, st dbq.TwilioSetting) error) error {
	after := uuid.Nil
	for {
		ids, err := h.companies(ctx, after, 500)
		if err != nil {
			return err
		}
		for _, id := range ids {
			err := h.s.db.InTenant(ctx, id, func(q *db.Q) error {
				st, err := q.GetTwilioSettings(ctx, id)
				if db.IsNotFound(err) || (err == nil && st.AuthToken == "") {
					return nil
				}
				if err != nil {
					return fmt.Errorf("load twilio settings of %s: %w", id, err)
				}
				return fn(q, st)
			})
			if err != nil {
				return err
			}
		}
		if len(ids) < 500 {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

func (h tokenHolder) KeyIDs(ctx context.Context) (map[string]int, error) {
	ids := map[string]int{}
	err := h.each(ctx, func(_ *db.Q, st dbq.TwilioSetting) error {
		ids[secrets.KeyID(st.AuthToken)]++
		return nil
	})
	return ids, err
}

func (h tokenHolder) Reseal(ctx context.Context, progress func()) (int, error) {
	n := 0
	err := h.each(ctx, func(q *db.Q, st dbq.TwilioSetting) error {
		if !h.s.box.NeedsRotation(st.AuthToken) {
			return nil
		}
		sealed, err := h.s.box.Reseal(st.CompanyID, st.AuthToken)
		if err != nil {
			return fmt.Errorf("reseal twilio token of %s: %w", st.CompanyID, err)
		}
		if err := q.UpdateTwilioAuthToken(ctx, dbq.UpdateTwilioAuthTokenParams{CompanyID: st.CompanyID, AuthToken: sealed}); err != nil {
			return fmt.Errorf("store resealed token of %s: %w", st.CompanyID, err)
		}
		n++
		progress()
		return nil
	})
	return n, err
}
