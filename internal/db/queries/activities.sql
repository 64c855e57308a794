-- Activities (tasks, notes, logged calls, meetings) and the timelines of
-- contacts and deals. Every statement filters on company_id; the list of
-- activities with its optional filters is built in internal/activities/list.go
-- with the same column list as GetActivity.

-- name: CreateActivity :exec
INSERT INTO activities (company_id, id, type, subject, body, due_at, done_at, assignee_id, contact_id, deal_id, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: GetActivity :one
-- One activity with the names the UI shows beside it. Another company's id
-- finds no row, and so does an activity of a contact or deal in the trash
-- (it is in the trash with it; both joins yield NULL for none). Keep the column list in step with activityColumns in
-- internal/activities/list.go.
SELECT a.company_id, a.id, a.type, a.subject, a.body, a.due_at, a.done_at, a.assignee_id, a.contact_id,
       a.deal_id, a.created_by, a.created_at, a.updated_at,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, c.phone, '')::text AS contact_name,
       coalesce(d.title, '')::text AS deal_title,
       coalesce(u.name, '')::text AS assignee_name
FROM activities a
LEFT JOIN contacts c ON c.company_id = a.company_id AND c.id = a.contact_id
LEFT JOIN deals d ON d.company_id = a.company_id AND d.id = a.deal_id
LEFT JOIN memberships m ON m.company_id = a.company_id AND m.user_id = a.assignee_id
LEFT JOIN users u ON u.id = m.user_id
WHERE a.company_id = $1 AND a.id = $2 AND c.deleted_at IS NULL AND d.deleted_at IS NULL;

-- name: GetActivitiesByIDs :many
-- The activities of a timeline page, with their names.
SELECT a.company_id, a.id, a.type, a.subject, a.body, a.due_at, a.done_at, a.assignee_id, a.contact_id,
       a.deal_id, a.created_by, a.created_at, a.updated_at,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, c.phone, '')::text AS contact_name,
       coalesce(d.title, '')::text AS deal_title,
       coalesce(u.name, '')::text AS assignee_name
FROM activities a
LEFT JOIN contacts c ON c.company_id = a.company_id AND c.id = a.contact_id
LEFT JOIN deals d ON d.company_id = a.company_id AND d.id = a.deal_id
LEFT JOIN memberships m ON m.company_id = a.company_id AND m.user_id = a.assignee_id
LEFT JOIN users u ON u.id = m.user_id
WHERE a.company_id = @company_id AND a.id = ANY(@ids::uuid[]) AND c.deleted_at IS NULL AND d.deleted_at IS NULL;

-- name: LockActivity :one
SELECT * FROM activities WHERE company_id = $1 AND id = $2 FOR UPDATE;

-- name: UpdateActivity :exec
UPDATE activities SET type = $3, subject = $4, body = $5, due_at = $6, done_at = $7, assignee_id = $8,
    contact_id = $9, deal_id = $10, updated_at = now()
WHERE company_id = $1 AND id = $2;

-- name: CompleteActivity :exec
-- Completing twice keeps the first done time.
UPDATE activities SET done_at = now(), updated_at = now()
WHERE company_id = $1 AND id = $2 AND done_at IS NULL;

-- name: ReopenActivity :exec
UPDATE activities SET done_at = NULL, updated_at = now()
WHERE company_id = $1 AND id = $2 AND done_at IS NOT NULL;

-- name: DeleteActivity :execrows
DELETE FROM activities a WHERE a.company_id = $1 AND a.id = $2
  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = $1 AND c.id = a.contact_id AND c.deleted_at IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = $1 AND d.id = a.deal_id AND d.deleted_at IS NOT NULL);

-- name: ActivityTimezone :one
-- The person's time zone (their own, or else the company's), for "today"
-- and "overdue". companies and users are platform tables; this reads only
-- the caller's own rows.
SELECT coalesce(u.timezone, c.timezone)::text FROM companies c, users u WHERE c.id = @company_id AND u.id = @user_id;

-- name: MyOpenTasks :many
-- The caller's open tasks in four buckets of at most 100 each: overdue (due
-- before the start of today), today, upcoming (from tomorrow on) and those
-- with no due time; tasks of a contact or deal in the trash are left out.
-- The day boundaries are computed in the company's time zone by the caller. Each arm is an index range on
-- activities_assignee_due_idx.
WITH t AS (
    (SELECT 'overdue'::text AS bucket, x.id FROM activities x
     WHERE x.company_id = @company_id AND x.assignee_id = @user_id::uuid AND x.type = 'task' AND x.done_at IS NULL
       AND x.due_at < @today_start::timestamptz
       AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = x.contact_id AND c.deleted_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = @company_id AND d.id = x.deal_id AND d.deleted_at IS NOT NULL)
     ORDER BY x.due_at, x.id LIMIT 100)
    UNION ALL
    (SELECT 'today'::text, x.id FROM activities x
     WHERE x.company_id = @company_id AND x.assignee_id = @user_id::uuid AND x.type = 'task' AND x.done_at IS NULL
       AND x.due_at >= @today_start::timestamptz AND x.due_at < @tomorrow_start::timestamptz
       AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = x.contact_id AND c.deleted_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = @company_id AND d.id = x.deal_id AND d.deleted_at IS NOT NULL)
     ORDER BY x.due_at, x.id LIMIT 100)
    UNION ALL
    (SELECT 'upcoming'::text, x.id FROM activities x
     WHERE x.company_id = @company_id AND x.assignee_id = @user_id::uuid AND x.type = 'task' AND x.done_at IS NULL
       AND x.due_at >= @tomorrow_start::timestamptz
       AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = x.contact_id AND c.deleted_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = @company_id AND d.id = x.deal_id AND d.deleted_at IS NOT NULL)
     ORDER BY x.due_at, x.id LIMIT 100)
    UNION ALL
    (SELECT 'no_due_date'::text, x.id FROM activities x
     WHERE x.company_id = @company_id AND x.assignee_id = @user_id::uuid AND x.type = 'task' AND x.done_at IS NULL
       AND x.due_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = x.contact_id AND c.deleted_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = @company_id AND d.id = x.deal_id AND d.deleted_at IS NOT NULL)
     ORDER BY x.created_at, x.id LIMIT 100)
)
SELECT t.bucket, a.company_id, a.id, a.type, a.subject, a.body, a.due_at, a.done_at, a.assignee_id, a.contact_id,
       a.deal_id, a.created_by, a.created_at, a.updated_at,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, c.phone, '')::text AS contact_name,
       coalesce(d.title, '')::text AS deal_title,
       coalesce(u.name, '')::text AS assignee_name
FROM t
JOIN activities a ON a.company_id = @company_id AND a.id = t.id
LEFT JOIN contacts c ON c.company_id = a.company_id AND c.id = a.contact_id
LEFT JOIN deals d ON d.company_id = a.company_id AND d.id = a.deal_id
LEFT JOIN memberships m ON m.company_id = a.company_id AND m.user_id = a.assignee_id
LEFT JOIN users u ON u.id = m.user_id
ORDER BY t.bucket, a.due_at, a.created_at, a.id;

-- name: TimelineContactExists :one
-- Also what an activity may be linked to: a live contact of the company.
SELECT EXISTS (SELECT 1 FROM contacts WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL);

-- name: TimelineDealExists :one
SELECT EXISTS (SELECT 1 FROM deals WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL);

-- Timelines are keyset pages over (at, id), newest first. Each kind of entry
-- is one UNION ALL arm that yields (kind, at, id) in that order from its own
-- index, limited to the page size; the outer query merges them. The details
-- of each kind are loaded by id afterwards (GetActivitiesByIDs,
-- GetStageChangesByIDs), so a new kind (sms, email, call) is one more arm
-- here and one more loader. Without a cursor the page starts at the end of
-- time; coalesce keeps the bound a plain index condition in a generic plan.

-- name: ContactTimeline :many
-- A contact's activities, the activities of its deals, its deals' stage changes, its text messages and its calls.
-- What is in the trash (a deal, and an activity of a trashed deal) is left out.
SELECT t.kind::text AS kind, t.at::timestamptz AS at, t.id::uuid AS id FROM (
    (SELECT 'activity'::text AS kind, a.created_at AS at, a.id
     FROM activities a
     WHERE a.company_id = @company_id AND a.contact_id = @contact_id::uuid
       AND NOT EXISTS (SELECT 1 FROM deals x WHERE x.company_id = @company_id AND x.id = a.deal_id AND x.deleted_at IS NOT NULL)
       AND (a.created_at, a.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY a.created_at DESC, a.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'activity'::text, a.created_at, a.id
     FROM deals d
     JOIN activities a ON a.company_id = d.company_id AND a.deal_id = d.id
     WHERE d.company_id = @company_id AND d.contact_id = @contact_id::uuid AND d.deleted_at IS NULL
       AND a.company_id = @company_id AND a.contact_id IS DISTINCT FROM @contact_id::uuid
       AND (a.created_at, a.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY a.created_at DESC, a.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'stage_change'::text, s.changed_at, s.id
     FROM deals d
     JOIN deal_stage_changes s ON s.company_id = d.company_id AND s.deal_id = d.id
     WHERE d.company_id = @company_id AND d.contact_id = @contact_id::uuid AND d.deleted_at IS NULL AND s.company_id = @company_id
       AND (s.changed_at, s.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY s.changed_at DESC, s.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'sms'::text, m.created_at, m.id
     FROM sms_messages m
     WHERE m.company_id = @company_id AND m.contact_id = @contact_id::uuid
       AND (m.created_at, m.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY m.created_at DESC, m.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'call'::text, k.created_at, k.id
     FROM calls k
     WHERE k.company_id = @company_id AND k.contact_id = @contact_id::uuid
       AND (k.created_at, k.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY k.created_at DESC, k.id DESC LIMIT @lim)
) t
ORDER BY t.at DESC, t.id DESC
LIMIT @lim;

-- name: DealTimeline :many
-- A deal's activities, its stage changes, and the text messages and calls of its contact.
-- While its contact is in the trash, the contact's texts and calls and its activities are left out.
SELECT t.kind::text AS kind, t.at::timestamptz AS at, t.id::uuid AS id FROM (
    (SELECT 'activity'::text AS kind, a.created_at AS at, a.id
     FROM activities a
     WHERE a.company_id = @company_id AND a.deal_id = @deal_id::uuid
       AND NOT EXISTS (SELECT 1 FROM contacts x WHERE x.company_id = @company_id AND x.id = a.contact_id AND x.deleted_at IS NOT NULL)
       AND (a.created_at, a.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY a.created_at DESC, a.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'stage_change'::text, s.changed_at, s.id
     FROM deal_stage_changes s
     WHERE s.company_id = @company_id AND s.deal_id = @deal_id::uuid
       AND (s.changed_at, s.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY s.changed_at DESC, s.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'sms'::text, m.created_at, m.id
     FROM deals d
     JOIN sms_messages m ON m.company_id = d.company_id AND m.contact_id = d.contact_id
     WHERE d.company_id = @company_id AND d.id = @deal_id::uuid AND m.company_id = @company_id
       AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = d.contact_id AND c.deleted_at IS NOT NULL)
       AND (m.created_at, m.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY m.created_at DESC, m.id DESC LIMIT @lim)
    UNION ALL
    (SELECT 'call'::text, k.created_at, k.id
     FROM deals d
     JOIN calls k ON k.company_id = d.company_id AND k.contact_id = d.contact_id
     WHERE d.company_id = @company_id AND d.id = @deal_id::uuid AND k.company_id = @company_id
       AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = @company_id AND c.id = d.contact_id AND c.deleted_at IS NOT NULL)
       AND (k.created_at, k.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY k.created_at DESC, k.id DESC LIMIT @lim)
) t
ORDER BY t.at DESC, t.id DESC
LIMIT @lim;

-- name: GetStageChangesByIDs :many
-- The stage changes of a timeline page, with the deal's title and the name
-- of the member who moved it.
SELECT s.id, s.deal_id, d.title AS deal_title, s.from_stage_id, s.to_stage_id, s.from_stage, s.to_stage,
       s.changed_by, coalesce(u.name, '')::text AS changed_by_name, s.changed_at
FROM deal_stage_changes s
JOIN deals d ON d.company_id = s.company_id AND d.id = s.deal_id
LEFT JOIN memberships m ON m.company_id = s.company_id AND m.user_id = s.changed_by
LEFT JOIN users u ON u.id = m.user_id
WHERE s.company_id = @company_id AND s.id = ANY(@ids::uuid[]);
