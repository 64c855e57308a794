package db

import (
	"strconv"
	"strings"
)

// SQL is the buffer of a reviewed filter builder: the text is written only
// from constants in the builder's code, and every value goes in as a bind
// parameter through Arg. It exists for list queries whose combinations of
// filters and orders do not fit static sqlc queries.
type SQL struct {
	strings.Builder
	Args []any
}

// NewSQL starts a statement whose first parameter ($1) is first.
func NewSQL(first any) *SQL { return &SQL{Args: []any{first}} }

// Arg adds a bind parameter and returns its placeholder ("$n").
func (s *SQL) Arg(v any) string {
	s.Args = append(s.Args, v)
	return "$" + strconv.Itoa(len(s.Args))
}
