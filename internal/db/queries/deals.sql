-- name: CreateDeal :one
INSERT INTO deals (company_id, id, pipeline_id, stage_id, title, value, currency, contact_id, owner_id,
                   position, status, expected_close_date, closed_at, close_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
        coalesce((SELECT max(position) FROM deals WHERE company_id = $1 AND pipeline_id = $3 AND stage_id = $4 AND deleted_at IS NULL), 0) + 1024,
        $10, $11, $12, $13)
RETURNING *;

-- Every read and write of a deal below sees only live deals (deleted_at IS
-- NULL), except moving a removed stage's deals; the trash has its own
-- queries at the end.

-- name: GetDeal :one
SELECT * FROM deals WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: GetDealForUpdate :one
SELECT * FROM deals WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE;

-- name: UpdateDeal :one
UPDATE deals SET title = $3, value = $4, currency = $5, contact_id = $6, owner_id = $7,
    expected_close_date = $8, close_reason = $9, updated_at = now()
WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL
RETURNING *;

-- name: MoveDeal :one
UPDATE deals SET pipeline_id = $3, stage_id = $4, position = $5, status = $6, closed_at = $7,
    close_reason = $8, updated_at = now()
WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL
RETURNING *;

-- name: DealPositionBefore :one
-- The position of the deal just before (in board order) the given position
-- in a stage, or 0 when it is the first.
SELECT coalesce(max(position), 0)::float8 FROM deals
WHERE company_id = $1 AND pipeline_id = $2 AND stage_id = $3 AND position < $4 AND deleted_at IS NULL;

-- name: DealPositionAfter :one
-- The position of the deal just after (in board order) the given position
-- in a stage, other than the deal being moved; Infinity when there is none.
SELECT coalesce(min(position), 'Infinity')::float8 FROM deals
WHERE company_id = $1 AND pipeline_id = $2 AND stage_id = $3 AND position > $4 AND id <> $5;

-- name: LastDealPosition :one
SELECT coalesce(max(position), 0)::float8 FROM deals
WHERE company_id = $1 AND pipeline_id = $2 AND stage_id = $3 AND id <> $4 AND deleted_at IS NULL;

-- name: RenumberStage :exec
-- Spreads a stage's positions out again when repeated inserts between the
-- same two deals have used up the gap.
UPDATE deals d SET position = r.rn * 1024
FROM (SELECT x.id, row_number() OVER (ORDER BY x.position, x.id) AS rn
      FROM deals x WHERE x.company_id = @company_id AND x.pipeline_id = @pipeline_id AND x.stage_id = @stage_id
        AND x.deleted_at IS NULL) r
WHERE d.company_id = @company_id AND d.id = r.id;

-- name: MoveStageDeals :many
-- Moves every deal of one stage to another (when a stage is removed),
-- trashed deals too: they must keep a stage to be restored into.
UPDATE deals d SET stage_id = @to_stage_id, status = @status::text, updated_at = now(),
    position = d.position + coalesce((SELECT max(x.position) FROM deals x WHERE x.company_id = @company_id AND x.stage_id = @to_stage_id), 0),
    closed_at = CASE WHEN @status::text = 'open' THEN NULL ELSE coalesce(d.closed_at, now()) END
WHERE d.company_id = @company_id AND d.stage_id = @from_stage_id
RETURNING d.id;

-- name: InsertStageChange :exec
INSERT INTO deal_stage_changes (company_id, id, deal_id, from_stage_id, to_stage_id, from_stage, to_stage, changed_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: ContactNames :many
-- Live contacts only: a deal shows no contact while its contact is in the trash.
SELECT id, coalesce(nullif(btrim(first_name || ' ' || last_name), ''), email, phone, '')::text AS name
FROM contacts WHERE company_id = $1 AND id = ANY(@ids::uuid[]) AND deleted_at IS NULL;

-- The trash (internal/trash drives it). A trashed deal keeps its stage
-- history, activities and contact link; only the purge removes it.

-- name: TrashDeals :many
UPDATE deals SET deleted_at = @deleted_at::timestamptz, deleted_by = sqlc.narg(deleted_by)::uuid
WHERE company_id = @company_id AND id = ANY(@ids::uuid[]) AND deleted_at IS NULL
RETURNING *;

-- name: LockTrashedDeal :one
SELECT * FROM deals WHERE company_id = $1 AND id = $2 AND deleted_at IS NOT NULL FOR UPDATE;

-- name: RestoreDeal :one
UPDATE deals SET deleted_at = NULL, deleted_by = NULL
WHERE company_id = $1 AND id = $2 AND deleted_at IS NOT NULL
RETURNING *;

-- name: ListTrashedDeals :many
-- Newest first, a keyset page over deals_trash_idx.
SELECT d.id, d.title, d.value, d.currency, d.deleted_at::timestamptz AS deleted_at, d.deleted_by,
       coalesce(u.name, '')::text AS deleted_by_name
FROM deals d
LEFT JOIN memberships m ON m.company_id = d.company_id AND m.user_id = d.deleted_by
LEFT JOIN users u ON u.id = m.user_id
WHERE d.company_id = @company_id AND d.deleted_at IS NOT NULL
  AND (d.deleted_at, d.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                              coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
ORDER BY d.deleted_at DESC, d.id DESC
LIMIT @lim;

-- name: ExpiredDeals :many
SELECT id FROM deals
WHERE company_id = @company_id AND deleted_at IS NOT NULL AND deleted_at < @before::timestamptz
ORDER BY deleted_at, id
LIMIT @lim;

-- name: PurgeDeals :many
-- Removes trashed deals for good, with their stage history and activities
-- (ON DELETE CASCADE); the caller has detached calls from those activities.
DELETE FROM deals
WHERE company_id = @company_id AND id = ANY(@ids::uuid[]) AND deleted_at IS NOT NULL
RETURNING id, title;

-- name: UnlinkContactDeals :exec
-- Deals (live or trashed) of contacts being purged lose their contact.
UPDATE deals SET contact_id = NULL, updated_at = now()
WHERE company_id = @company_id AND contact_id = ANY(@contact_ids::uuid[]);

-- name: DealCompanyCurrency :one
-- The company's base currency, for deals created without one. companies is
-- a platform table; this reads only the caller's own row.
SELECT currency FROM companies WHERE id = $1;
