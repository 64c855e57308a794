-- The trash's daily sweep (internal/trash).

-- name: CompanyIDsAfter :many
-- A page of company ids, to visit every company once; companies is a
-- platform table and only ids are read. Each company's trash is then read in
-- its own tenant transaction.
SELECT id FROM companies WHERE id > @after ORDER BY id LIMIT @lim;
