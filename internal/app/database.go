package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/salescrm/crm/internal/config"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/pgdev"
)

// Database resolves the database URLs. With no CRM_DATABASE_URL it starts
// (or reuses) the private cluster under CRM_DATA_DIR/pg and fills in the
// URLs of its roles; stop stops the cluster when this process started it.
func Database(ctx context.Context, cfg *config.Config, log *slog.Logger) (stop func(), private bool, err error) {
	if cfg.DatabaseURL != "" {
		return func() {}, false, nil
	}
	dir := filepath.Join(cfg.DataDir, "pg")
	log.Info("starting the private PostgreSQL cluster", "dir", dir, "port", cfg.PGPort)
	cl, err := pgdev.Start(dir, cfg.PGPort)
	if err != nil {
		return nil, false, err
	}
	if cl.Moved(dir) {
		log.Warn("the postgres OS user cannot reach the data directory, so the private cluster's data lives elsewhere",
			"asked", dir, "cluster", cl.Dir)
	}
	stop = func() {
		if cl.Started() {
			log.Info("stopping the private PostgreSQL cluster")
			if err := cl.Stop(); err != nil {
				log.Error("stop cluster", "err", err)
			}
		}
	}
	if err := db.Bootstrap(ctx, cl.SuperURL("postgres"), "crm", cl.Password()); err != nil {
		stop()
		return nil, false, fmt.Errorf("prepare private cluster: %w", err)
	}
	u := cl.DatabaseURLs("crm")
	cfg.DatabaseURL, cfg.MigrateDatabaseURL = u.App, u.Owner
	if cfg.PlatformDatabaseURL == "" {
		cfg.PlatformDatabaseURL = u.Platform
	}
	return stop, true, nil
}
