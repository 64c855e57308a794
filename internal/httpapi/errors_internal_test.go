package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/salescrm/crm/internal/db"
)

// TestTimeLimitsAnswer503 checks the one mapping of shared-resource errors:
// no connection within the acquire timeout, and a statement stopped by
// statement_timeout, are 503 problems with Retry-After, not bare 500s.
func TestTimeLimitsAnswer503(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for name, err := range map[string]error{
		"pool":              fmt.Errorf("list contacts: %w", fmt.Errorf("acquire: %w", db.ErrBusy)),
		"statement_timeout": fmt.Errorf("list contacts: %w", &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}),
		"idle_in_tx":        &pgconn.PgError{Code: "25P03", Message: "terminating connection due to idle-in-transaction timeout"},
	} {
		p := toProblem(context.Background(), log, err)
		se, ok := p.(huma.StatusError)
		if !ok || se.GetStatus() != 503 {
			t.Errorf("%s: %v, want 503", name, p)
			continue
		}
		he, ok := p.(huma.HeadersError)
		if !ok || he.GetHeaders().Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", name)
		}
	}
	// A statement cancelled because the caller went away is not the server's trouble.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := toProblem(ctx, log, fmt.Errorf("x: %w: %w", &pgconn.PgError{Code: "57014"}, context.Canceled))
	if se, ok := p.(huma.StatusError); !ok || se.GetStatus() != 499 {
		t.Errorf("cancelled by the caller: %v", p)
	}
}
