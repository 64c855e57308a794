-- name: OpenValueByStage :many
-- One row per open stage and currency of its deals; a stage without deals
-- has one row with currency ''. Currencies are never added together.
SELECT s.id, s.name, s.probability, coalesce(d.currency, '')::text AS currency, count(d.id)::bigint AS deals,
       coalesce(sum(d.value), 0)::numeric AS value,
       coalesce(sum(d.value * s.probability / 100.0), 0)::numeric AS weighted_value
FROM pipeline_stages s
LEFT JOIN deals d ON d.company_id = s.company_id AND d.pipeline_id = s.pipeline_id AND d.stage_id = s.id AND d.deleted_at IS NULL
WHERE s.company_id = $1 AND s.pipeline_id = $2 AND s.kind = 'open'
GROUP BY s.id, s.name, s.probability, s.position, d.currency
ORDER BY s.position, d.currency;

-- name: ClosedBetween :many
SELECT status, currency, count(*)::bigint AS deals, coalesce(sum(value), 0)::numeric AS value
FROM deals
WHERE company_id = $1 AND status IN ('won', 'lost') AND closed_at >= @since AND closed_at < @until AND deleted_at IS NULL
GROUP BY status, currency
ORDER BY status, currency;

-- name: ClosedByMonth :many
SELECT to_char(closed_at AT TIME ZONE @tz::text, 'YYYY-MM')::text AS month, status, currency,
       count(*)::bigint AS deals, coalesce(sum(value), 0)::numeric AS value
FROM deals
WHERE company_id = @company_id AND status IN ('won', 'lost') AND closed_at >= @since AND deleted_at IS NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

-- name: TaskCounts :one
-- Tasks of a contact or deal in the trash are in the trash with it.
SELECT count(*) FILTER (WHERE a.due_at < @day_start)::bigint AS overdue,
       count(*) FILTER (WHERE a.due_at >= @day_start AND a.due_at < @day_end)::bigint AS due_today
FROM activities a
WHERE a.company_id = @company_id AND a.assignee_id = @assignee_id AND a.type = 'task' AND a.done_at IS NULL AND a.due_at < @day_end
  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = a.contact_id AND c.deleted_at IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = @company_id AND d.id = a.deal_id AND d.deleted_at IS NOT NULL);

-- name: CompanyCurrency :one
-- The company's base currency: the dashboard's totals are in it.
SELECT currency FROM companies WHERE id = $1;

-- name: CompanyTimezone :one
SELECT timezone FROM companies WHERE id = $1;
