-- SMS threads, messages and consent records (internal/sms).

-- name: ContactPhone :one
SELECT id, phone, coalesce(nullif(btrim(first_name || ' ' || last_name), ''), email, phone, '')::text AS name
FROM contacts WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: ContactByPhone :one
-- The contact an inbound message is from: the oldest with that number (a
-- contact in the trash is no one's sender).
SELECT id FROM contacts WHERE company_id = $1 AND phone = $2 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1;

-- name: ThreadForContact :one
SELECT id FROM sms_threads WHERE company_id = $1 AND contact_id = $2;

-- name: ThreadForPhone :one
SELECT id FROM sms_threads WHERE company_id = $1 AND phone = $2 AND contact_id IS NULL;

-- name: CreateThread :one
-- ON CONFLICT covers two messages for a new thread at once: both get the one thread.
INSERT INTO sms_threads (company_id, id, contact_id, phone, last_message_at)
VALUES (@company_id, @id, sqlc.narg(contact_id), @phone, now())
ON CONFLICT DO NOTHING
RETURNING id;

-- name: TouchThread :exec
UPDATE sms_threads SET last_message_at = @at, last_body = @body, last_direction = @direction, phone = @phone
WHERE company_id = @company_id AND id = @id AND last_message_at <= @at;

-- name: CountUnread :exec
UPDATE sms_threads SET unread_count = unread_count + 1 WHERE company_id = $1 AND id = $2;

-- name: MarkThreadRead :execrows
UPDATE sms_threads SET unread_count = 0 WHERE company_id = $1 AND id = $2;

-- name: GetThread :one
SELECT t.id, t.contact_id, t.phone, t.last_message_at, t.last_body, t.last_direction, t.unread_count,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, '')::text AS contact_name,
       coalesce((SELECT s.action = 'opt_out' FROM sms_consents s WHERE s.company_id = t.company_id AND s.phone = t.phone
                 ORDER BY s.created_at DESC, s.id DESC LIMIT 1), false)::boolean AS opted_out
FROM sms_threads t
LEFT JOIN contacts c ON c.company_id = t.company_id AND c.id = t.contact_id
-- a trashed contact's thread is in the trash with it
WHERE t.company_id = $1 AND t.id = $2 AND c.deleted_at IS NULL;

-- name: ListThreads :many
SELECT t.id, t.contact_id, t.phone, t.last_message_at, t.last_body, t.last_direction, t.unread_count,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, '')::text AS contact_name,
       coalesce((SELECT s.action = 'opt_out' FROM sms_consents s WHERE s.company_id = t.company_id AND s.phone = t.phone
                 ORDER BY s.created_at DESC, s.id DESC LIMIT 1), false)::boolean AS opted_out
FROM sms_threads t
LEFT JOIN contacts c ON c.company_id = t.company_id AND c.id = t.contact_id
WHERE t.company_id = @company_id AND c.deleted_at IS NULL
  AND (NOT @unread_only::boolean OR t.unread_count > 0)
  AND (t.last_message_at, t.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                                   coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
ORDER BY t.last_message_at DESC, t.id DESC
LIMIT @lim;

-- name: InsertMessage :one
-- An inbound message Twilio sent twice is stored once: the second insert
-- returns no row.
INSERT INTO sms_messages (company_id, id, thread_id, contact_id, phone_number_id, direction, from_number, to_number,
    body, media_urls, segments, status, twilio_sid, automated, simulated, idempotency_key, sent_by)
VALUES (@company_id, @id, @thread_id, sqlc.narg(contact_id), sqlc.narg(phone_number_id), @direction, @from_number, @to_number,
    @body, @media_urls, @segments, @status, sqlc.narg(twilio_sid), @automated, @simulated, sqlc.narg(idempotency_key), sqlc.narg(sent_by))
ON CONFLICT DO NOTHING
RETURNING id;

-- name: MessageByIdempotencyKey :one
SELECT id FROM sms_messages WHERE company_id = $1 AND idempotency_key = $2;

-- name: GetMessages :many
SELECT m.*, coalesce(u.name, '')::text AS sent_by_name
FROM sms_messages m
LEFT JOIN memberships ms ON ms.company_id = m.company_id AND ms.user_id = m.sent_by
LEFT JOIN users u ON u.id = ms.user_id
WHERE m.company_id = @company_id AND m.id = ANY(@ids::uuid[]);

-- name: ListThreadMessages :many
SELECT m.*, coalesce(u.name, '')::text AS sent_by_name
FROM sms_messages m
LEFT JOIN memberships ms ON ms.company_id = m.company_id AND ms.user_id = m.sent_by
LEFT JOIN users u ON u.id = ms.user_id
WHERE m.company_id = @company_id AND m.thread_id = @thread_id
  AND (m.created_at, m.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                              coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
ORDER BY m.created_at DESC, m.id DESC
LIMIT @lim;

-- name: LockMessage :one
SELECT * FROM sms_messages WHERE company_id = $1 AND id = $2 FOR UPDATE;

-- name: SetMessageSlot :exec
UPDATE sms_messages SET send_at = @send_at, updated_at = now() WHERE company_id = @company_id AND id = @id;

-- name: SetMessageStatus :exec
UPDATE sms_messages SET status = @status, twilio_sid = coalesce(sqlc.narg(twilio_sid), twilio_sid),
    error_code = sqlc.narg(error_code), error_message = @error_message, updated_at = now()
WHERE company_id = @company_id AND id = @id;

-- name: LatestConsent :one
SELECT action FROM sms_consents WHERE company_id = $1 AND phone = $2 ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: InsertConsent :exec
INSERT INTO sms_consents (company_id, id, phone, contact_id, phone_number_id, number, action, source, keyword, created_by,
    evidence_method, evidence_statement, consented_at)
VALUES (@company_id, @id, @phone, sqlc.narg(contact_id), sqlc.narg(phone_number_id), @number, @action, @source, @keyword, sqlc.narg(created_by),
    @evidence_method, @evidence_statement, sqlc.narg(consented_at));

-- name: ListConsents :many
SELECT s.id, s.phone, s.contact_id, s.action, s.source, s.keyword, s.number, s.created_at, coalesce(u.name, '')::text AS created_by_name,
    s.evidence_method, s.evidence_statement, s.consented_at
FROM sms_consents s
LEFT JOIN memberships m ON m.company_id = s.company_id AND m.user_id = s.created_by
LEFT JOIN users u ON u.id = m.user_id
WHERE s.company_id = @company_id
  AND (sqlc.narg(phone)::text IS NULL OR s.phone = sqlc.narg(phone)::text)
  AND (sqlc.narg(contact_id)::uuid IS NULL OR s.contact_id = sqlc.narg(contact_id)::uuid)
  AND (sqlc.narg(id)::uuid IS NULL OR s.id = sqlc.narg(id)::uuid)
ORDER BY s.created_at DESC, s.id DESC
LIMIT 200;

-- Detaching a purged contact's texts (sms.DetachContactsTx): the messages
-- and consent records stay, without the contact; its thread becomes the
-- number's thread, or joins the number's thread when there is one already.

-- name: DetachContactMessages :exec
UPDATE sms_messages SET contact_id = NULL WHERE company_id = @company_id AND contact_id = ANY(@contact_ids::uuid[]);

-- name: DetachContactConsents :exec
UPDATE sms_consents SET contact_id = NULL WHERE company_id = @company_id AND contact_id = ANY(@contact_ids::uuid[]);

-- name: ContactThreads :many
SELECT id, phone FROM sms_threads WHERE company_id = @company_id AND contact_id = ANY(@contact_ids::uuid[]);

-- name: DetachThread :exec
UPDATE sms_threads SET contact_id = NULL WHERE company_id = @company_id AND id = @id;

-- name: MergeThreadInto :exec
-- Moves a thread's messages into another, which takes its unread count and,
-- when newer, its preview; the emptied thread is deleted after.
WITH f AS (SELECT x.id, x.unread_count, x.last_message_at, x.last_body, x.last_direction
           FROM sms_threads x WHERE x.company_id = @company_id AND x.id = @from_id),
     moved AS (UPDATE sms_messages m SET thread_id = @into_id WHERE m.company_id = @company_id AND m.thread_id = @from_id)
UPDATE sms_threads t SET unread_count = t.unread_count + f.unread_count,
    last_message_at = greatest(t.last_message_at, f.last_message_at),
    last_body = CASE WHEN f.last_message_at > t.last_message_at THEN f.last_body ELSE t.last_body END,
    last_direction = CASE WHEN f.last_message_at > t.last_message_at THEN f.last_direction ELSE t.last_direction END
FROM f
WHERE t.company_id = @company_id AND t.id = @into_id;

-- name: DeleteThread :exec
DELETE FROM sms_threads WHERE company_id = @company_id AND id = @id;
