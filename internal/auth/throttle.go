package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// ThrottleLimits bound failed logins per email and per client address within
// a window. Failures are stored in PostgreSQL so every app server agrees.
type ThrottleLimits struct {
	PerEmail int
	PerIP    int
	Window   time.Duration
}

// DefaultThrottle allows 5 failures per email and 20 per address in 15 minutes.
var DefaultThrottle = ThrottleLimits{PerEmail: 5, PerIP: 20, Window: 15 * time.Minute}

func (s *Service) checkThrottle(ctx context.Context, keys []string) error {
	q := s.db.Platform()
	since := s.now().Add(-s.Throttle.Window)
	for _, k := range keys {
		limit := s.Throttle.PerEmail
		if strings.HasPrefix(k, "ip:") {
			limit = s.Throttle.PerIP
		}
		row, err := q.CountLoginFailures(ctx, dbq.CountLoginFailuresParams{Key: k, FailedAt: since})
		if err != nil {
			return fmt.Errorf("count login failures: %w", err)
		}
		if int(row.Failures) >= limit {
			retry := row.Oldest.Add(s.Throttle.Window).Sub(s.now())
			if retry < time.Second {
				retry = time.Second
			}
			return &errs.Error{Code: errs.Throttled, Message: "too many failed logins; try again later", RetryAfter: retry}
		}
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, keys []string) error {
	q := s.db.Platform()
	for _, k := range keys {
		if err := q.RecordLoginFailure(ctx, k); err != nil {
			return fmt.Errorf("record login failure: %w", err)
		}
	}
	return nil
}

// PruneLoginFailures deletes failures older than the window (run periodically).
func (s *Service) PruneLoginFailures(ctx context.Context) error {
	_, err := s.db.Platform().PruneLoginFailures(ctx, s.now().Add(-s.Throttle.Window))
	return err
}

func normalizeEmailLoose(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Prune deletes expired sessions and login failures past the window.
func (s *Service) Prune(ctx context.Context) error {
	if _, err := s.db.Platform().DeleteExpiredSessions(ctx); err != nil {
		return fmt.Errorf("prune sessions: %w", err)
	}
	return s.PruneLoginFailures(ctx)
}
