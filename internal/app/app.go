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
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/analytics"
	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/blob"
	"github.com/salescrm/crm/internal/calls"
	"github.com/salescrm/crm/internal/config"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/httpapi"
	"github.com/salescrm/crm/internal/imports"
	"github.com/salescrm/crm/internal/jobs"
	"github.com/salescrm/crm/internal/pipelines"
	"github.com/salescrm/crm/internal/secrets"
	"github.com/salescrm/crm/internal/seed"
	"github.com/salescrm/crm/internal/sms"
	"github.com/salescrm/crm/internal/storage"
	"github.com/salescrm/crm/internal/telephony"
	"github.com/salescrm/crm/internal/tenancy"
	"github.com/salescrm/crm/internal/trash"
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
	Imports    *imports.Service
	Storage    *storage.Service
	Analytics  *analytics.Service
	Telephony  *telephony.Service
	SMS        *sms.Service
	Calls      *calls.Service
	Trash      *trash.Service
	Audit      *audit.Service
	Server     *httpapi.Server
	Box        *secrets.Box
	Registry   *prometheus.Registry
	// Workers is where domain packages register their job workers, before
	// the jobs client is made; Jobs inserts and works them.
	Workers *river.Workers
	Jobs    *jobs.Client
}

// New connects to the database and builds the services and the handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts auth.Options) (*App, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, db.Options{MaxConns: cfg.DBMaxConns, JobsMaxConns: cfg.JobsDBMaxConns,
		StatementTimeout: cfg.StatementTimeout, JobStatementTimeout: cfg.JobStatementTimeout, AcquireTimeout: cfg.DBAcquireTimeout})
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
	a.Contacts = contacts.NewService(d)
	a.Pipelines = pipelines.NewService(d)
	a.Deals = deals.NewService(d)
	a.Activities = activities.NewService(d)
	a.Analytics = analytics.NewService(d)
	box, err := secrets.NewBox(cfg.SecretKeyID, cfg.SecretKey, cfg.OldSecretKeys)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("secret key: %w", err)
	}
	a.Box = box
	a.Auth = auth.NewService(d, log, cfg.PublicURL, box, opts)
	a.Auth.OnCompanyCreated = pipelines.CreateDefault
	a.Storage = storage.New(d, blob.NewLocal(filepath.Join(cfg.DataDir, "blobs")), cfg.StorageQuotaBytes)
	a.Imports = imports.NewService(imports.Deps{DB: d, Storage: a.Storage,
		Auth: a.Auth, Contacts: a.Contacts, Deals: a.Deals, Log: log})
	tw, err := telephony.NewTwilio(cfg.TwilioAPIURL)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Telephony = telephony.NewService(d, box, tw, cfg.PublicURL,
		telephony.Limits{SMSPerDay: cfg.SMSDailyLimit, CallsPerDay: cfg.CallsDailyLimit})
	a.Telephony.Log = log
	a.SMS = sms.NewService(d, a.Telephony, tw)
	a.Calls = calls.NewService(d, a.Telephony, tw)
	a.Trash = trash.NewService(d)
	a.Audit = audit.NewService(d)
	if err := secrets.CheckKeys(ctx, box, a.SecretHolders()); err != nil {
		a.Close()
		return nil, err
	}
	a.Workers = river.NewWorkers()
	registerWorkers(a)
	if a.Jobs, err = jobs.New(d.Jobs(), log, a.Workers, periodicJobs()); err != nil {
		a.Close()
		return nil, err
	}
	a.Imports.SetJobs(a.Jobs)
	a.SMS.SetJobs(a.Jobs)
	a.Calls.SetJobs(a.Jobs)
	a.Trash.SetJobs(a.Jobs)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	webHandler, _ := webui.Handler(mustSub(web.Dist, "dist"))
	a.Server = httpapi.New(httpapi.Deps{Log: log, DB: d, Auditor: auditor, Auth: a.Auth, Contacts: a.Contacts,
		Pipelines: a.Pipelines, Deals: a.Deals, Activities: a.Activities, Imports: a.Imports, Storage: a.Storage, Analytics: a.Analytics,
		Telephony: a.Telephony, SMS: a.SMS, Calls: a.Calls, Trash: a.Trash, Audit: a.Audit,
		SecureCookies: cfg.SecureCookies(), Web: webHandler, Registry: reg, Version: Version,
		TrustedProxies: cfg.TrustedProxies, MetricsElsewhere: cfg.MetricsAddr != ""})
	a.Registry = reg
	return a, nil
}

// SecretHolders are the packages that keep values sealed with CRM_SECRET_KEY.
func (a *App) SecretHolders() []secrets.Holder {
	return []secrets.Holder{a.Auth.SealedSecrets(), a.Telephony.SealedSecrets(a.Auth.CompanyIDs)}
}

// SeedServices are the services the demo data is loaded through.
func (a *App) SeedServices() seed.Services {
	return seed.Services{Auth: a.Auth, Contacts: a.Contacts, Pipelines: a.Pipelines, Deals: a.Deals, Activities: a.Activities,
		Telephony: a.Telephony, SMS: a.SMS}
}

// StartJobs starts working background jobs until StopJobs.
func (a *App) StartJobs(ctx context.Context) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// StopJobs stops working jobs, letting running ones finish within ctx.
func (a *App) StopJobs(ctx context.Context) error { return jobs.Stop(ctx, a.Jobs) }

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
	if err := a.StartJobs(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if a.Cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", a.Cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (CRM_METRICS_ADDR): %w", a.Cfg.MetricsAddr, err)
		}
		msrv := &http.Server{Handler: promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{}), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := msrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.Log.Error("metrics server", "err", err)
			}
		}()
		defer msrv.Close()
		a.Log.Info("serving metrics", "addr", mln.Addr().String())
	}
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
	if err := a.StopJobs(sctx); err != nil {
		a.Log.Warn("stop jobs", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewLogger returns the JSON logger that adds request facts to each line.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(logHandler(w, l))
}
