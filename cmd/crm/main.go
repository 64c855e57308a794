// Command crm is the Sales CRM server and its administration commands.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/salescrm/crm/internal/app"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/config"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/httpapi"
	"github.com/salescrm/crm/internal/seed"
	"github.com/salescrm/crm/internal/tenancy"
)

const usage = `usage: crm <command>

  serve                               run the server (starts a private PostgreSQL when CRM_DATABASE_URL is unset)
  migrate up|down|status              apply, roll back or list migrations (as the owner role)
  tenancy audit [--json]              check tenant data across companies; exit 1 on any finding
  seed                                load the demo companies (only into an empty database)
  admin grant-platform-admin EMAIL    make a user a platform administrator
  admin revoke-platform-admin EMAIL   take it away
  secrets rotate                      re-seal every stored secret under CRM_SECRET_KEY (old keys in CRM_SECRET_KEYS_OLD)
  openapi                             print the OpenAPI document
  version                             print the version
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "crm:", err)
		os.Exit(1)
	}
}

type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	switch args[0] {
	case "openapi":
		return printOpenAPI(stdout)
	case "version":
		fmt.Fprintln(stdout, app.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := app.NewLogger(stderr, cfg.LogLevel)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	stopDB, private, err := app.Database(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer stopDB()

	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, private, stdout)
	case "migrate":
		if len(args) < 2 {
			return fmt.Errorf("migrate needs up, down or status")
		}
		switch args[1] {
		case "up":
			return db.MigrateUp(ctx, cfg.MigrateDatabaseURL, stdout)
		case "down":
			return db.MigrateDown(ctx, cfg.MigrateDatabaseURL, stdout)
		case "status":
			return db.MigrateStatus(ctx, cfg.MigrateDatabaseURL, stdout)
		}
		return fmt.Errorf("migrate needs up, down or status")
	case "tenancy":
		fs := flag.NewFlagSet("tenancy audit", flag.ContinueOnError)
		asJSON := fs.Bool("json", false, "print JSON")
		if len(args) < 2 || args[1] != "audit" {
			return fmt.Errorf("tenancy needs audit")
		}
		if err := fs.Parse(args[2:]); err != nil {
			return err
		}
		return tenancyAudit(ctx, cfg, *asJSON, stdout)
	case "secrets":
		if len(args) != 2 || args[1] != "rotate" {
			return fmt.Errorf("usage: crm secrets rotate")
		}
		a, err := newApp(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		return rotateSecrets(ctx, a, stdout)
	case "seed", "admin":
		a, err := newApp(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		if args[0] == "seed" {
			loaded, err := seed.IfEmpty(ctx, a.DB, a.SeedServices(), stdout)
			if err == nil && !loaded {
				fmt.Fprintln(stdout, "the database already has companies; nothing loaded")
			}
			return err
		}
		if len(args) != 3 || (args[1] != "grant-platform-admin" && args[1] != "revoke-platform-admin") {
			return fmt.Errorf("usage: crm admin grant-platform-admin|revoke-platform-admin EMAIL")
		}
		grant := args[1] == "grant-platform-admin"
		if err := a.Auth.GrantPlatformAdmin(ctx, args[2], grant); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: platform administrator = %v\n", args[2], grant)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return exitCode(2)
}

// newApp builds the application. Outside production it first makes sure
// of the development secret key, the one serve, seed and admin share (they
// write and read sealed secrets).
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app.App, error) {
	if !cfg.Production() {
		if err := cfg.EnsureDevSecretKey(); err != nil {
			return nil, fmt.Errorf("development secret key: %w", err)
		}
	}
	return app.New(ctx, cfg, log, auth.Options{})
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, private bool, stdout io.Writer) error {
	if private {
		// The private cluster is ours: keep it migrated. With an external
		// database, migrations are an explicit `crm migrate up`.
		if err := db.MigrateUp(ctx, cfg.MigrateDatabaseURL, io.Discard); err != nil {
			return err
		}
	}
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	// The demo's well-known passwords belong in the private cluster only; a
	// database given by URL gets them only when CRM_SEED=true says so.
	if cfg.Seed && (private || cfg.SeedExplicit) {
		if _, err := seed.IfEmpty(ctx, a.DB, a.SeedServices(), stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (CRM_ADDR): %w", cfg.Addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "config", cfg.Redacted())
	fmt.Fprintf(stdout, "Sales CRM is running at %s (listening on %s)\n", cfg.PublicURL, ln.Addr())
	return a.Serve(ctx, ln)
}

func tenancyAudit(ctx context.Context, cfg config.Config, asJSON bool, stdout io.Writer) error {
	if cfg.PlatformDatabaseURL == "" {
		return fmt.Errorf("CRM_PLATFORM_DATABASE_URL is needed: the audit reads across companies as the crm_platform role")
	}
	pool, err := pgxpool.New(ctx, cfg.PlatformDatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	r, err := tenancy.NewAuditor(pool).Run(ctx, nil)
	if err != nil {
		return err
	}
	r.SortFindings()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		r.WriteText(stdout)
	}
	if !r.OK {
		return exitCode(1)
	}
	return nil
}

// printOpenAPI prints the document without a database: the routes are
// registered against nil services, which the document never calls.
func printOpenAPI(stdout io.Writer) error {
	s := httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Version: app.Version})
	b, err := json.MarshalIndent(s.API().OpenAPI(), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, string(b))
	return err
}
