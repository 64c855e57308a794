-- The company's audit trail (internal/audit owns audit_events). The list
-- with its optional filters is built in internal/audit/audit.go.

-- name: InsertAuditEvents :exec
-- Many events of one actor at one time in a single statement (a bulk
-- delete or a purge batch writes one event per record). The arrays are
-- parallel; set-returning functions in one select list advance together.
INSERT INTO audit_events (company_id, id, at, actor_id, actor_name, action, entity_type, entity_id, detail)
SELECT @company_id::uuid, e.id, @at::timestamptz, sqlc.narg(actor_id)::uuid, @actor_name::text, e.action, e.entity_type,
       nullif(e.entity_id, '00000000-0000-0000-0000-000000000000'::uuid), e.detail::jsonb
FROM (SELECT unnest(@ids::uuid[]) AS id, unnest(@actions::text[]) AS action, unnest(@entity_types::text[]) AS entity_type,
             unnest(@entity_ids::uuid[]) AS entity_id, unnest(@details::text[]) AS detail) AS e;
