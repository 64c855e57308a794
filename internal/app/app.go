// Package app wires configuration, database, services and the HTTP server
// together, in one place and explicitly.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/config"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/httpapi"
	"github.com/salescrm/crm/internal/pipelines"
	"github.com/salescrm/crm/internal/tenancy"
	"github.com/salescrm/crm/internal/webui"
	"github.com/salescrm/crm/web"
)

// Version is set at build time.
var Version = "dev"

// App is the running server's parts.
type App struct {
	Cfg        config.Config
	Log        *slog.Logger
	DB         *db.DB
	Platform   *pgxpool.Pool // nil without a platform URL
	Auth       *auth.Service
	Contacts   *contacts.Service
	Pipelines  *pipelines.Service
	Deals      *deals.Service
	Activities *activities.Service
	Server     *httpapi.Server
}

// New connects to the database and builds the services and the handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts auth.Options) (*App, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a := &App{Cfg: cfg, Log: log, DB: d}
	var auditor *tenancy.Auditor
	if cfg.PlatformDatabaseURL != "" {
		pcfg, err := pgxpool.ParseConfig(cfg.PlatformDatabaseURL)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("CRM_PLATFORM_DATABASE_URL: %w", err)
		}
		pcfg.MaxConns = 2
		if a.Platform, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
			d.Close()
			return nil, fmt.Errorf("open platform pool: %w", err)
		}
		auditor = tenancy.NewAuditor(a.Platform)
	}
	a.Auth = auth.NewService(d, log, cfg.PublicURL, opts)
	a.Auth.OnCompanyCreated = pipelines.CreateDefault
	a.Contacts = contacts.NewService(d)
	a.Pipelines = pipelines.NewService(d)
	a.Deals = deals.NewService(d)
	a.Activities = activities.NewService(d)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	webHandler, _ := webui.Handler(mustSub(web.Dist, "dist"))
	a.Server = httpapi.New(httpapi.Deps{Log: log, DB: d, Auditor: auditor, Auth: a.Auth, Contacts: a.Contacts,
		Pipelines: a.Pipelines, Deals: a.Deals, Activities: a.Activities,
		SecureCookies: cfg.SecureCookies(), Web: webHandler, Registry: reg, Version: Version})
	return a, nil
}

// Close releases the pools.
func (a *App) Close() {
	if a.Platform != nil {
		a.Platform.Close()
	}
	a.DB.Close()
}

// Serve listens on addr until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	go a.housekeeping(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// housekeeping prunes expired sessions and old login failures.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := a.Auth.Prune(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// NewLogger returns the JSON logger that adds request facts to each line.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(logHandler(w, l))
}
