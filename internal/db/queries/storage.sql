-- What each company stores in the blob store (internal/storage). Every
-- statement filters on company_id.

-- name: LockStorage :exec
-- Serialises the quota checks of one company's uploads until the end of the
-- transaction (an advisory lock: no row to lock exists before the first
-- upload, and nothing else waits on it).
SELECT pg_advisory_xact_lock(7355612, hashtext(@company_key::text));

-- name: StorageUsage :many
-- A company's stored bytes and blobs per kind (an index-only scan of
-- blobs_usage_idx).
SELECT kind, coalesce(sum(bytes), 0)::bigint AS bytes, count(*)::bigint AS blobs
FROM blobs WHERE company_id = $1
GROUP BY kind ORDER BY kind;

-- name: InsertBlob :exec
INSERT INTO blobs (company_id, id, key, kind, bytes) VALUES ($1, $2, $3, $4, $5);

-- name: DeleteBlob :execrows
DELETE FROM blobs WHERE company_id = $1 AND key = $2;
