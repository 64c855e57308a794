-- Phone calls (internal/calls).

-- name: InsertCall :exec
INSERT INTO calls (company_id, id, contact_id, phone_number_id, user_id, direction, from_number, to_number, status,
    twilio_sid, simulated, started_at)
VALUES (@company_id, @id, sqlc.narg(contact_id), sqlc.narg(phone_number_id), sqlc.narg(user_id), @direction, @from_number,
    @to_number, @status, sqlc.narg(twilio_sid), @simulated, sqlc.narg(started_at));

-- name: CallBySid :one
SELECT * FROM calls WHERE company_id = $1 AND twilio_sid = $2 FOR UPDATE;

-- name: LockCall :one
SELECT * FROM calls WHERE company_id = $1 AND id = $2 FOR UPDATE;

-- name: SetCallSid :exec
UPDATE calls SET twilio_sid = @twilio_sid, status = @status, updated_at = now() WHERE company_id = @company_id AND id = @id;

-- name: UpdateCallProgress :exec
UPDATE calls SET status = @status, answered_by = @answered_by, duration_seconds = @duration_seconds,
    started_at = sqlc.narg(started_at), ended_at = sqlc.narg(ended_at), updated_at = now()
WHERE company_id = @company_id AND id = @id;

-- name: SetCallRecording :exec
UPDATE calls SET recording_sid = @recording_sid, recording_url = @recording_url, recording_duration = @recording_duration,
    answered_by = CASE WHEN @voicemail::boolean THEN 'voicemail' ELSE answered_by END, updated_at = now()
WHERE company_id = @company_id AND id = @id;

-- name: SetCallNotes :exec
UPDATE calls SET notes = @notes, activity_id = sqlc.narg(activity_id), updated_at = now() WHERE company_id = @company_id AND id = @id;

-- name: GetCallsByIDs :many
SELECT k.*,
       coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, '')::text AS contact_name,
       coalesce(u.name, '')::text AS user_name
FROM calls k
LEFT JOIN contacts c ON c.company_id = k.company_id AND c.id = k.contact_id
LEFT JOIN memberships m ON m.company_id = k.company_id AND m.user_id = k.user_id
LEFT JOIN users u ON u.id = m.user_id
-- a trashed contact's calls are in the trash with it
WHERE k.company_id = @company_id AND k.id = ANY(@ids::uuid[]) AND c.deleted_at IS NULL;

-- Detaching purged contacts and deals from calls (calls.DetachTx): the calls
-- stay in the call log, without the contact, and without the note activity
-- that goes with the contact or deal.

-- name: DetachContactCalls :exec
UPDATE calls SET contact_id = NULL, updated_at = now() WHERE company_id = @company_id AND contact_id = ANY(@contact_ids::uuid[]);

-- name: DetachCallActivities :exec
UPDATE calls k SET activity_id = NULL, updated_at = now()
WHERE k.company_id = @company_id AND k.activity_id IN (
    SELECT a.id FROM activities a
    WHERE a.company_id = @company_id AND (a.contact_id = ANY(@contact_ids::uuid[]) OR a.deal_id = ANY(@deal_ids::uuid[])));
