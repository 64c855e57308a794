package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Bootstrap prepares a cluster for the server, connected as a superuser:
// the owner role (migrations), the app role (the server: no superuser, no
// BYPASSRLS, not an owner), the platform role (cross-company reads for
// platform administration, BYPASSRLS, read-only) and the database, owned by
// the owner role. It is idempotent. Production clusters are prepared by the
// operator with the same statements (docs/operations.md).
func Bootstrap(ctx context.Context, superURL, database, password string) error {
	conn, err := pgx.Connect(ctx, superURL)
	if err != nil {
		return fmt.Errorf("connect as superuser: %w", err)
	}
	defer conn.Close(ctx)
	// Roles are cluster-wide; a lock keeps parallel test binaries from racing.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7355608)"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7355608)") //nolint:errcheck
	pw := quoteLiteral(password)
	roles := []struct{ name, attrs string }{
		{"crm_owner", "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE"},
		{"crm_app", "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB"},
		{"crm_platform", "LOGIN NOSUPERUSER BYPASSRLS NOCREATEROLE NOCREATEDB"},
	}
	for _, r := range roles {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r.name).Scan(&exists); err != nil {
			return err
		}
		verb := "CREATE"
		if exists {
			verb = "ALTER"
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("%s ROLE %s %s PASSWORD %s", verb, r.name, r.attrs, pw)); err != nil {
			return fmt.Errorf("%s role %s: %w", verb, r.name, err)
		}
	}
	if database == "" {
		return nil
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER crm_owner", pgx.Identifier{database}.Sanitize())); err != nil {
			return fmt.Errorf("create database %s: %w", database, err)
		}
	}
	return nil
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
