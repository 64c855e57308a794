-- name: CreatePipeline :one
INSERT INTO pipelines (company_id, id, name, position)
VALUES ($1, $2, $3, coalesce((SELECT max(position) + 1 FROM pipelines WHERE company_id = $1), 0))
RETURNING *;

-- name: ListPipelines :many
SELECT * FROM pipelines WHERE company_id = $1 ORDER BY position, id;

-- name: GetPipeline :one
SELECT * FROM pipelines WHERE company_id = $1 AND id = $2;

-- name: UpdatePipeline :one
UPDATE pipelines SET name = $3, updated_at = now() WHERE company_id = $1 AND id = $2 RETURNING *;

-- name: DeletePipeline :execrows
DELETE FROM pipelines WHERE company_id = $1 AND id = $2;

-- name: CountPipelines :one
SELECT count(*) FROM pipelines WHERE company_id = $1;

-- name: CreateStage :one
INSERT INTO pipeline_stages (company_id, id, pipeline_id, name, position, probability, kind)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *;

-- name: ListStages :many
SELECT * FROM pipeline_stages WHERE company_id = $1 AND pipeline_id = $2 ORDER BY position, id;

-- name: ListAllStages :many
SELECT * FROM pipeline_stages WHERE company_id = $1 ORDER BY pipeline_id, position, id;

-- name: GetStage :one
SELECT * FROM pipeline_stages WHERE company_id = $1 AND id = $2;

-- name: UpdateStage :one
UPDATE pipeline_stages SET name = $3, probability = $4, kind = $5
WHERE company_id = $1 AND id = $2 RETURNING *;

-- name: SetStagePosition :exec
UPDATE pipeline_stages SET position = $3 WHERE company_id = $1 AND id = $2;

-- name: DeleteStage :execrows
DELETE FROM pipeline_stages WHERE company_id = $1 AND id = $2;

-- name: StageStats :many
-- Deal count and total value per stage and currency (currencies are never
-- added together).
SELECT stage_id, currency, count(*)::bigint AS deals, coalesce(sum(value), 0)::numeric AS total_value
FROM deals WHERE company_id = $1 AND pipeline_id = $2 AND deleted_at IS NULL
GROUP BY stage_id, currency
ORDER BY stage_id, currency;

-- name: CountDealsInPipeline :one
SELECT count(*) FROM deals WHERE company_id = $1 AND pipeline_id = $2 AND deleted_at IS NULL;

-- name: TrashedDealsInPipeline :many
SELECT id FROM deals WHERE company_id = $1 AND pipeline_id = $2 AND deleted_at IS NOT NULL;

-- name: CompanyStageStats :many
-- StageStats for every pipeline of the company at once.
SELECT stage_id, currency, count(*)::bigint AS deals, coalesce(sum(value), 0)::numeric AS total_value
FROM deals WHERE company_id = $1 AND deleted_at IS NULL
GROUP BY stage_id, currency
ORDER BY stage_id, currency;
