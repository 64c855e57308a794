-- CSV imports and exports (internal/imports). Every statement filters on company_id.

-- name: CreateImport :one
INSERT INTO imports (company_id, id, kind, file_name, blob_key, headers, mapping, total_rows, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING *;

-- name: GetImport :one
SELECT * FROM imports WHERE company_id = $1 AND id = $2;

-- name: ListImports :many
-- Newest first, keyset-paginated on the (company_id, created_at DESC, id DESC)
-- index; the first page passes a far-future time and the largest uuid.
SELECT * FROM imports
WHERE company_id = @company_id AND (created_at, id) < (@before_created_at::timestamptz, @before_id::uuid)
ORDER BY created_at DESC, id DESC
LIMIT @max_rows;

-- name: SetImportMapping :one
UPDATE imports SET mapping = $3, on_duplicate = $4
WHERE company_id = $1 AND id = $2 AND status = 'uploaded'
RETURNING *;

-- name: QueueImport :one
UPDATE imports SET status = 'queued', mapping = $3, on_duplicate = $4
WHERE company_id = $1 AND id = $2 AND status = 'uploaded'
RETURNING *;

-- name: RunImport :one
-- The worker claims a queued import (or resumes a running one after a retry).
UPDATE imports SET status = 'running', started_at = coalesce(started_at, now())
WHERE company_id = $1 AND id = $2 AND status IN ('queued', 'running')
RETURNING *;

-- name: AddImportProgress :execrows
UPDATE imports SET processed_rows = processed_rows + @processed::integer,
    created_rows = created_rows + @created::integer, updated_rows = updated_rows + @updated::integer,
    skipped_rows = skipped_rows + @skipped::integer, failed_rows = failed_rows + @failed::integer
WHERE company_id = @company_id AND id = @id AND status = 'running';

-- name: FinishImport :execrows
UPDATE imports SET status = @status, error = @error, finished_at = now(),
    total_rows = CASE WHEN @status = 'done' THEN processed_rows ELSE total_rows END
WHERE company_id = @company_id AND id = @id AND status IN ('queued', 'running');

-- name: DeleteImport :one
DELETE FROM imports WHERE company_id = $1 AND id = $2 RETURNING blob_key;

-- name: InsertImportFailure :exec
INSERT INTO import_failures (company_id, import_id, row_number, error, raw)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (company_id, import_id, row_number) DO NOTHING;

-- name: ListImportFailures :many
-- One page of the failure report, in row order (the primary key's order).
SELECT row_number, error, raw FROM import_failures
WHERE company_id = @company_id AND import_id = @import_id AND row_number > @after_row::integer
ORDER BY row_number
LIMIT @max_rows;

-- name: ImportContactsByEmail :many
-- The company's contacts with these emails: an import's duplicate check for
-- a batch of rows, and the contacts its deals link to.
SELECT * FROM contacts WHERE company_id = @company_id AND email = ANY(@emails::text[]) AND deleted_at IS NULL;

-- name: ExportDealContacts :many
-- The email and name of the contacts of one page of the deals export.
SELECT id, coalesce(email, '')::text AS email, btrim(first_name || ' ' || last_name)::text AS name
FROM contacts
WHERE company_id = @company_id AND id = ANY(@ids::uuid[]) AND deleted_at IS NULL;

-- name: ExportCustomFieldKeys :many
-- The custom field names in use, for the contacts export's columns.
SELECT DISTINCT k::text AS key
FROM contacts, jsonb_object_keys(custom_fields) AS k
WHERE company_id = @company_id AND deleted_at IS NULL
ORDER BY 1
LIMIT @max_keys;

-- name: ImportCreateContact :batchone
-- contacts.CreateManyTx: an import's new contacts, sent as one pipelined
-- batch per transaction (the same insert as CreateContact).
INSERT INTO contacts (company_id, id, first_name, last_name, email, phone, company_name, title,
                      tags, owner_id, custom_fields)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING *;

-- name: DeleteUnstartedImports :many
-- Imports of a company that were uploaded before the cutoff and never
-- started (imports_unstarted_idx); their files go with them.
DELETE FROM imports
WHERE company_id = @company_id AND status = 'uploaded' AND created_at < @cutoff::timestamptz
RETURNING id, blob_key;
