-- name: CreateContact :one
INSERT INTO contacts (company_id, id, first_name, last_name, email, phone, company_name, title,
                      tags, owner_id, custom_fields)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING *;

-- name: GetContact :one
SELECT * FROM contacts WHERE company_id = $1 AND id = $2;

-- name: UpdateContact :one
UPDATE contacts SET first_name = $3, last_name = $4, email = $5, phone = $6, company_name = $7,
    title = $8, tags = $9, owner_id = $10, custom_fields = $11, updated_at = now()
WHERE company_id = $1 AND id = $2
RETURNING *;

-- name: DeleteContact :execrows
DELETE FROM contacts WHERE company_id = $1 AND id = $2;

-- name: DeleteContacts :execrows
DELETE FROM contacts WHERE company_id = $1 AND id = ANY(@ids::uuid[]);

-- name: RetagContacts :execrows
-- Adds then removes tags on many contacts, keeping each tag once and sorted.
UPDATE contacts SET tags = ARRAY(
        SELECT DISTINCT t FROM unnest(tags || @add_tags::text[]) AS t
        WHERE NOT (t = ANY(@remove_tags::text[])) ORDER BY t),
    updated_at = now()
WHERE company_id = $1 AND id = ANY(@ids::uuid[]);

-- name: ListContactTags :many
SELECT t::text AS tag, count(*) AS contacts
FROM contacts, unnest(tags) AS t
WHERE company_id = $1
GROUP BY t ORDER BY t;
