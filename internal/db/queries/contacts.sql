-- name: CreateContact :one
INSERT INTO contacts (company_id, id, first_name, last_name, email, phone, company_name, title,
                      tags, owner_id, custom_fields)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING *;

-- Every read and write of a contact below sees only live contacts
-- (deleted_at IS NULL); the trash has its own queries at the end.

-- name: GetContact :one
SELECT * FROM contacts WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: UpdateContact :one
UPDATE contacts SET first_name = $3, last_name = $4, email = $5, phone = $6, company_name = $7,
    title = $8, tags = $9, owner_id = $10, custom_fields = $11, updated_at = now()
WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL
RETURNING *;

-- name: DeleteMergedContact :execrows
-- A merge's duplicate, whose deals, activities, texts and calls have moved
-- to the survivor, goes for good (deleting a contact otherwise trashes it).
DELETE FROM contacts WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: RetagContacts :execrows
-- Adds then removes tags on many contacts, keeping each tag once and sorted.
UPDATE contacts SET tags = ARRAY(
        SELECT DISTINCT t FROM unnest(tags || @add_tags::text[]) AS t
        WHERE NOT (t = ANY(@remove_tags::text[])) ORDER BY t),
    updated_at = now()
WHERE company_id = $1 AND id = ANY(@ids::uuid[]) AND deleted_at IS NULL;

-- name: ListContactTags :many
SELECT t::text AS tag, count(*) AS contacts
FROM contacts, unnest(tags) AS t
WHERE company_id = $1 AND deleted_at IS NULL
GROUP BY t ORDER BY t;

-- name: DuplicatesByPhone :many
-- Pairs of contacts with the same phone number. Each number's group is
-- capped at its @group_cap oldest contacts (ids are UUIDv7), so a number
-- shared by thousands of contacts (a switchboard, a placeholder in an
-- import) costs at most group_cap²/2 pairs instead of millions, as the name
-- finder skips common last names. The groups come from one index-only scan
-- of contacts_phone_id_idx.
WITH groups AS (
    SELECT g.phone FROM contacts g
    WHERE g.company_id = @company_id AND g.phone IS NOT NULL AND g.deleted_at IS NULL
    GROUP BY g.phone HAVING count(*) >= 2
), members AS (
    SELECT gr.phone, m.id
    FROM groups gr
    CROSS JOIN LATERAL (
        SELECT c.id FROM contacts c
        WHERE c.company_id = @company_id AND c.phone = gr.phone AND c.deleted_at IS NULL
        ORDER BY c.id
        LIMIT @group_cap::integer
    ) m
)
SELECT a.id AS a_id, b.id AS b_id
FROM members a
JOIN members b ON b.phone = a.phone AND a.id < b.id
WHERE NOT EXISTS (SELECT 1 FROM contact_duplicate_dismissals d WHERE d.company_id = @company_id AND d.a_id = a.id AND d.b_id = b.id)
ORDER BY a.id, b.id
LIMIT @max_pairs::integer;

-- name: DuplicatesByName :many
-- Pairs that share a last-name word and whose full names are very similar
-- (trigram similarity at or above the threshold), best first. Candidates
-- come from contact_search_terms by equality, which indexes under RLS; very
-- common last names (more than 200 contacts) are skipped to keep it bounded.
WITH groups AS (
    SELECT g.term FROM contact_search_terms g
    WHERE g.company_id = @company_id AND g.field = 'last'
    GROUP BY g.term HAVING count(*) BETWEEN 2 AND 200
), pairs AS (
    SELECT DISTINCT a.contact_id AS a_id, b.contact_id AS b_id
    FROM groups g
    JOIN contact_search_terms a ON a.company_id = @company_id AND a.field = 'last' AND a.term = g.term
    JOIN contact_search_terms b ON b.company_id = @company_id AND b.field = 'last' AND b.term = g.term AND a.contact_id < b.contact_id
)
SELECT p.a_id, p.b_id, similarity(ca.sort_name, cb.sort_name)::float8 AS score
FROM pairs p
JOIN contacts ca ON ca.company_id = @company_id AND ca.id = p.a_id AND ca.deleted_at IS NULL
JOIN contacts cb ON cb.company_id = @company_id AND cb.id = p.b_id AND cb.deleted_at IS NULL
WHERE similarity(ca.sort_name, cb.sort_name) >= @threshold::float8
  AND NOT EXISTS (SELECT 1 FROM contact_duplicate_dismissals d WHERE d.company_id = @company_id AND d.a_id = p.a_id AND d.b_id = p.b_id)
ORDER BY score DESC, p.a_id, p.b_id
LIMIT @max_pairs;

-- name: GetContactsByIDs :many
SELECT * FROM contacts WHERE company_id = $1 AND id = ANY(@ids::uuid[]) AND deleted_at IS NULL;

-- name: MoveContactDeals :execrows
UPDATE deals SET contact_id = @survivor_id, updated_at = now()
WHERE company_id = @company_id AND contact_id = @duplicate_id;

-- name: MoveContactActivities :execrows
UPDATE activities SET contact_id = @survivor_id, updated_at = now()
WHERE company_id = @company_id AND contact_id = @duplicate_id;

-- name: InsertSystemActivity :exec
INSERT INTO activities (company_id, id, type, subject, body, contact_id, created_by)
VALUES ($1, $2, 'system', $3, $4, $5, $6);

-- A merge moves the duplicate's text messages, calls and consent records to
-- the survivor. Its thread becomes the survivor's, or, when the survivor has
-- one, its messages join that thread and it goes.

-- name: MoveContactMessages :exec
UPDATE sms_messages SET contact_id = @survivor_id WHERE company_id = @company_id AND contact_id = @duplicate_id;

-- name: MoveContactCalls :exec
UPDATE calls SET contact_id = @survivor_id WHERE company_id = @company_id AND contact_id = @duplicate_id;

-- name: MoveContactConsents :exec
UPDATE sms_consents SET contact_id = @survivor_id WHERE company_id = @company_id AND contact_id = @duplicate_id;

-- name: AdoptContactThread :execrows
-- The survivor has no thread: the duplicate's becomes its.
UPDATE sms_threads t SET contact_id = @survivor_id::uuid
WHERE t.company_id = @company_id AND t.contact_id = @duplicate_id::uuid
  AND NOT EXISTS (SELECT 1 FROM sms_threads s WHERE s.company_id = @company_id AND s.contact_id = @survivor_id::uuid);

-- name: JoinContactThreads :exec
-- Both have threads: the duplicate's messages move into the survivor's,
-- which keeps the latest preview and both unread counts.
WITH s AS (SELECT x.id FROM sms_threads x WHERE x.company_id = @company_id AND x.contact_id = @survivor_id::uuid),
     d AS (SELECT y.id, y.unread_count, y.last_message_at, y.last_body, y.last_direction
           FROM sms_threads y WHERE y.company_id = @company_id AND y.contact_id = @duplicate_id::uuid),
     moved AS (UPDATE sms_messages m SET thread_id = (SELECT s.id FROM s)
               WHERE m.company_id = @company_id AND m.thread_id = (SELECT d.id FROM d))
UPDATE sms_threads t SET unread_count = t.unread_count + d.unread_count,
    last_message_at = greatest(t.last_message_at, d.last_message_at),
    last_body = CASE WHEN d.last_message_at > t.last_message_at THEN d.last_body ELSE t.last_body END,
    last_direction = CASE WHEN d.last_message_at > t.last_message_at THEN d.last_direction ELSE t.last_direction END
FROM d
WHERE t.company_id = @company_id AND t.id = (SELECT s.id FROM s);

-- A contact created (or given a phone) after that number texted or called
-- takes over the conversation: the number's thread without a contact, its
-- messages, and its calls without a contact.

-- name: AdoptPhoneThread :exec
UPDATE sms_threads t SET contact_id = @contact_id::uuid
WHERE t.company_id = @company_id AND t.phone = @phone::text AND t.contact_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM sms_threads s WHERE s.company_id = @company_id AND s.contact_id = @contact_id::uuid);

-- name: AdoptPhoneMessages :exec
UPDATE sms_messages m SET contact_id = @contact_id::uuid
WHERE m.company_id = @company_id AND m.contact_id IS NULL
  AND m.thread_id IN (SELECT t.id FROM sms_threads t WHERE t.company_id = @company_id AND t.contact_id = @contact_id::uuid);

-- name: AdoptPhoneCalls :exec
UPDATE calls k SET contact_id = @contact_id::uuid
WHERE k.company_id = @company_id AND k.contact_id IS NULL
  AND ((k.direction = 'inbound' AND k.from_number = @phone::text) OR (k.direction = 'outbound' AND k.to_number = @phone::text));

-- name: UnclaimedPhones :many
-- Which of these numbers have texts or calls that belong to no contact yet.
SELECT t.phone::text AS phone FROM sms_threads t
WHERE t.company_id = @company_id AND t.contact_id IS NULL AND t.phone = ANY(@phones::text[])
UNION
SELECT k.from_number FROM calls k
WHERE k.company_id = @company_id AND k.contact_id IS NULL AND k.direction = 'inbound' AND k.from_number = ANY(@phones::text[])
UNION
SELECT k.to_number FROM calls k
WHERE k.company_id = @company_id AND k.contact_id IS NULL AND k.direction = 'outbound' AND k.to_number = ANY(@phones::text[]);

-- name: DismissDuplicate :exec
-- Contacts of another company fail the foreign keys (the caller's 404).
INSERT INTO contact_duplicate_dismissals (company_id, id, a_id, b_id, dismissed_by)
VALUES (@company_id, @id, @a_id, @b_id, @dismissed_by)
ON CONFLICT (company_id, a_id, b_id) DO NOTHING;

-- name: UndoDismissDuplicate :execrows
DELETE FROM contact_duplicate_dismissals WHERE company_id = @company_id AND a_id = @a_id AND b_id = @b_id;

-- name: JoinPhoneThread :execrows
-- A contact back from the trash whose number texted meanwhile (into a
-- thread of the number's own: a trashed contact is no one's sender) takes
-- that thread's messages into its own thread, with its unread count and,
-- when newer, its preview. Nothing happens unless both threads exist.
WITH c AS (SELECT x.id FROM sms_threads x WHERE x.company_id = @company_id AND x.contact_id = @contact_id::uuid),
     p AS (SELECT y.id, y.unread_count, y.last_message_at, y.last_body, y.last_direction
           FROM sms_threads y WHERE y.company_id = @company_id AND y.phone = @phone::text AND y.contact_id IS NULL),
     moved AS (UPDATE sms_messages m SET thread_id = (SELECT c.id FROM c)
               WHERE m.company_id = @company_id AND m.thread_id = (SELECT p.id FROM p) AND EXISTS (SELECT 1 FROM c))
UPDATE sms_threads t SET unread_count = t.unread_count + p.unread_count,
    last_message_at = greatest(t.last_message_at, p.last_message_at),
    last_body = CASE WHEN p.last_message_at > t.last_message_at THEN p.last_body ELSE t.last_body END,
    last_direction = CASE WHEN p.last_message_at > t.last_message_at THEN p.last_direction ELSE t.last_direction END
FROM p
WHERE t.company_id = @company_id AND t.id = (SELECT c.id FROM c);

-- name: DeletePhoneThread :exec
-- The number's thread emptied by JoinPhoneThread.
DELETE FROM sms_threads t
WHERE t.company_id = @company_id AND t.phone = @phone::text AND t.contact_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM sms_messages m WHERE m.company_id = @company_id AND m.thread_id = t.id);

-- The trash (internal/trash drives it). A trashed contact keeps its rows
-- and links; only the purge removes it, after its texts, calls and deals
-- have been detached explicitly (no ON DELETE SET NULL is relied on).

-- name: TrashContacts :many
UPDATE contacts SET deleted_at = @deleted_at::timestamptz, deleted_by = sqlc.narg(deleted_by)::uuid
WHERE company_id = @company_id AND id = ANY(@ids::uuid[]) AND deleted_at IS NULL
RETURNING *;

-- name: LockTrashedContact :one
SELECT * FROM contacts WHERE company_id = $1 AND id = $2 AND deleted_at IS NOT NULL FOR UPDATE;

-- name: RestoreContact :one
-- Its email may have been taken meanwhile: contacts_email_key refuses it.
UPDATE contacts SET deleted_at = NULL, deleted_by = NULL
WHERE company_id = $1 AND id = $2 AND deleted_at IS NOT NULL
RETURNING *;

-- name: ListTrashedContacts :many
-- Newest first, a keyset page over contacts_trash_idx.
SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.company_name, c.deleted_at::timestamptz AS deleted_at, c.deleted_by,
       coalesce(u.name, '')::text AS deleted_by_name
FROM contacts c
LEFT JOIN memberships m ON m.company_id = c.company_id AND m.user_id = c.deleted_by
LEFT JOIN users u ON u.id = m.user_id
WHERE c.company_id = @company_id AND c.deleted_at IS NOT NULL
  AND (c.deleted_at, c.id) < (coalesce(sqlc.narg(before_at)::timestamptz, 'infinity'::timestamptz),
                              coalesce(sqlc.narg(before_id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
ORDER BY c.deleted_at DESC, c.id DESC
LIMIT @lim;

-- name: ExpiredContacts :many
-- The oldest trashed contacts deleted before the cutoff, a batch at a time.
SELECT id FROM contacts
WHERE company_id = @company_id AND deleted_at IS NOT NULL AND deleted_at < @before::timestamptz
ORDER BY deleted_at, id
LIMIT @lim;

-- name: PurgeContacts :many
-- Removes trashed contacts for good. Their activities, search terms and
-- duplicate dismissals go with them (ON DELETE CASCADE); the caller has
-- detached their texts, calls, consent records and deals first.
DELETE FROM contacts
WHERE company_id = @company_id AND id = ANY(@ids::uuid[]) AND deleted_at IS NOT NULL
RETURNING id, first_name, last_name, email, phone;
