package db

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// IsNotFound reports whether err means a query found no row.
func IsNotFound(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// ConstraintViolation returns the violated constraint's name and the
// violation's class ("unique", "foreign_key", "check", "not_null") when err is
// one, so domain packages can translate it into their own errors once.
func ConstraintViolation(err error) (class, constraint string, ok bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return "", "", false
	}
	switch pgErr.Code {
	case "23505":
		class = "unique"
	case "23503":
		class = "foreign_key"
	case "23514":
		class = "check"
	case "23502":
		class = "not_null"
	default:
		return "", "", false
	}
	return class, pgErr.ConstraintName, true
}
