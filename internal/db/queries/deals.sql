-- name: CreateDeal :one
INSERT INTO deals (company_id, id, pipeline_id, stage_id, title, value, currency, contact_id, owner_id,
                   position, status, expected_close_date, closed_at, close_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
        coalesce((SELECT max(position) FROM deals WHERE company_id = $1 AND pipeline_id = $3 AND stage_id = $4), 0) + 1024,
        $10, $11, $12, $13)
RETURNING *;

-- name: GetDeal :one
SELECT * FROM deals WHERE company_id = $1 AND id = $2;

-- name: GetDealForUpdate :one
SELECT * FROM deals WHERE company_id = $1 AND id = $2 FOR UPDATE;

-- name: UpdateDeal :one
UPDATE deals SET title = $3, value = $4, currency = $5, contact_id = $6, owner_id = $7,
    expected_close_date = $8, close_reason = $9, updated_at = now()
WHERE company_id = $1 AND id = $2
RETURNING *;

-- name: MoveDeal :one
UPDATE deals SET pipeline_id = $3, stage_id = $4, position = $5, status = $6, closed_at = $7,
    close_reason = $8, updated_at = now()
WHERE company_id = $1 AND id = $2
RETURNING *;

-- name: DeleteDeal :execrows
DELETE FROM deals WHERE company_id = $1 AND id = $2;

-- name: DealPositionBefore :one
-- The position of the deal just before (in board order) the given position
-- in a stage, or 0 when it is the first.
SELECT coalesce(max(position), 0)::float8 FROM deals
WHERE company_id = $1 AND pipeline_id = $2 AND stage_id = $3 AND position < $4;

-- name: DealPositionAfter :one
-- The position of the deal just after (in board order) the given position
-- in a stage, other than the deal being moved; Infinity when there is none.
SELECT coalesce(min(position), 'Infinity')::float8 FROM deals
WHERE company_id = $1 AND pipeline_id = $2 AND stage_id = $3 AND position > $4 AND id <> $5;

-- name: LastDealPosition :one
SELECT coalesce(max(position), 0)::float8 FROM deals
WHERE company_id = $1 AND pipeline_id = $2 AND stage_id = $3 AND id <> $4;

-- name: RenumberStage :exec
-- Spreads a stage's positions out again when repeated inserts between the
-- same two deals have used up the gap.
UPDATE deals d SET position = r.rn * 1024
FROM (SELECT x.id, row_number() OVER (ORDER BY x.position, x.id) AS rn
      FROM deals x WHERE x.company_id = @company_id AND x.pipeline_id = @pipeline_id AND x.stage_id = @stage_id) r
WHERE d.company_id = @company_id AND d.id = r.id;

-- name: MoveStageDeals :many
-- Moves every deal of one stage to another (when a stage is removed).
UPDATE deals d SET stage_id = @to_stage_id, status = @status::text, updated_at = now(),
    position = d.position + coalesce((SELECT max(x.position) FROM deals x WHERE x.company_id = @company_id AND x.stage_id = @to_stage_id), 0),
    closed_at = CASE WHEN @status::text = 'open' THEN NULL ELSE coalesce(d.closed_at, now()) END
WHERE d.company_id = @company_id AND d.stage_id = @from_stage_id
RETURNING d.id;

-- name: InsertStageChange :exec
INSERT INTO deal_stage_changes (company_id, id, deal_id, from_stage_id, to_stage_id, from_stage, to_stage, changed_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: ContactNames :many
SELECT id, coalesce(nullif(btrim(first_name || ' ' || last_name), ''), email, phone, '')::text AS name
FROM contacts WHERE company_id = $1 AND id = ANY(@ids::uuid[]);
