package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the pgx database/sql driver for goose
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// MigrationsFS is the embedded migrations (for tests that hash them).
func MigrationsFS() embed.FS { return migrationsFS }

func provider(ownerURL string) (*goose.Provider, *sql.DB, error) {
	sqldb, err := sql.Open("pgx", ownerURL)
	if err != nil {
		return nil, nil, fmt.Errorf("open owner connection: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, mustSub(migrationsFS, "migrations"))
	if err != nil {
		sqldb.Close()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return p, sqldb, nil
}

// MigrateUp applies every pending migration as the owner role.
func MigrateUp(ctx context.Context, ownerURL string, log io.Writer) error {
	p, sqldb, err := provider(ownerURL)
	if err != nil {
		return err
	}
	defer sqldb.Close()
	res, err := p.Up(ctx)
	for _, r := range res {
		fmt.Fprintf(log, "migrated %s (%s)\n", r.Source.Path, r.Duration)
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return migrateRiver(ctx, ownerURL, log)
}

// migrateRiver applies River's own migrations (the job queue tables) and
// grants the app role what it needs of them. River's tables hold no tenant
// data of their own: job arguments carry company_id, and workers open a
// tenant transaction.
func migrateRiver(ctx context.Context, ownerURL string, log io.Writer) error {
	pool, err := pgxpool.New(ctx, ownerURL)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer pool.Close()
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("river migrate up: %w", err)
	}
	for _, v := range res.Versions {
		fmt.Fprintf(log, "migrated river %d\n", v.Version)
	}
	_, err = pool.Exec(ctx, `DO $$
DECLARE t text;
BEGIN
	FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'river\_%' LOOP
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO crm_app', t);
		EXECUTE format('GRANT SELECT ON %I TO crm_platform', t);
	END LOOP;
	FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND sequencename LIKE 'river\_%' LOOP
		EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO crm_app', t);
	END LOOP;
END $$`)
	if err != nil {
		return fmt.Errorf("grant river tables: %w", err)
	}
	return nil
}

// MigrateDown rolls back the newest migration.
func MigrateDown(ctx context.Context, ownerURL string, log io.Writer) error {
	p, sqldb, err := provider(ownerURL)
	if err != nil {
		return err
	}
	defer sqldb.Close()
	r, err := p.Down(ctx)
	if r != nil {
		fmt.Fprintf(log, "rolled back %s\n", r.Source.Path)
	}
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// MigrateStatus prints each migration and whether it is applied.
func MigrateStatus(ctx context.Context, ownerURL string, log io.Writer) error {
	p, sqldb, err := provider(ownerURL)
	if err != nil {
		return err
	}
	defer sqldb.Close()
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	for _, s := range st {
		at := "pending"
		if s.State == goose.StateApplied {
			at = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(log, "%-40s %s\n", s.Source.Path, at)
	}
	return nil
}

// LatestVersion is the newest embedded migration version, read from the
// file names (NNNNN_name.sql).
func LatestVersion() (int64, error) {
	entries, err := fs.ReadDir(migrationsFS, "migrations")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// CurrentVersion reads the applied migration version with the app role.
func (d *DB) CurrentVersion(ctx context.Context) (int64, error) {
	var v int64
	err := single{d}.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
	return v, err
}
