-- The companies table is owned by internal/auth (auth.sql); these are its
-- reads for platform housekeeping.

-- name: ListCompanyIDs :many
-- Every company, a page at a time in id order, for jobs that visit each
-- company in turn (expiring old imports, re-sealing secrets).
SELECT id FROM companies WHERE id > @after::uuid ORDER BY id LIMIT @max_rows::integer;
