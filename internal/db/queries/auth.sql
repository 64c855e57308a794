-- name: CreateCompany :one
INSERT INTO companies (id, name) VALUES ($1, $2) RETURNING *;

-- name: GetCompany :one
SELECT * FROM companies WHERE id = $1;

-- name: UpdateCompany :one
UPDATE companies SET name = $2, timezone = $3, updated_at = now() WHERE id = $1 RETURNING *;

-- name: CreateUser :one
INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING *;

-- name: GetUserByEmail :one
SELECT * FROM users WHERE email = $1;

-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: SetPlatformAdmin :execrows
UPDATE users SET is_platform_admin = $2, updated_at = now() WHERE email = $1;

-- name: CreateMembership :exec
INSERT INTO memberships (company_id, user_id, role) VALUES ($1, $2, $3);

-- name: GetMembership :one
SELECT * FROM memberships WHERE company_id = $1 AND user_id = $2;

-- name: ListUserCompanies :many
SELECT c.id, c.name, m.role
FROM memberships m JOIN companies c ON c.id = m.company_id
WHERE m.user_id = $1
ORDER BY c.name, c.id;

-- name: ListCompanyMembers :many
SELECT u.id, u.email, u.name, m.role, m.created_at
FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.company_id = $1
ORDER BY lower(u.name), u.id;

-- name: GetCompanyMember :one
SELECT u.id, u.email, u.name, m.role, m.created_at
FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.company_id = $1 AND m.user_id = $2;

-- name: UpdateMembershipRole :execrows
UPDATE memberships SET role = $3 WHERE company_id = $1 AND user_id = $2;

-- name: DeleteMembership :execrows
DELETE FROM memberships WHERE company_id = $1 AND user_id = $2;

-- name: CountOwners :one
SELECT count(*) FROM memberships WHERE company_id = $1 AND role = 'owner';

-- name: CreateSession :exec
INSERT INTO sessions (id, token_hash, user_id, company_id, expires_at, user_agent, ip)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: GetSessionPrincipal :one
-- One round trip authenticates a request: the session, its user and the
-- membership that binds it to a company (gone when the member was removed).
SELECT s.id AS session_id, s.expires_at, s.last_seen_at, u.id AS user_id, u.email, u.name,
       u.is_platform_admin, m.company_id, m.role
FROM sessions s
JOIN users u ON u.id = s.user_id
JOIN memberships m ON m.company_id = s.company_id AND m.user_id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now();

-- name: TouchSession :exec
UPDATE sessions SET last_seen_at = now(), expires_at = $2 WHERE id = $1;

-- name: SwitchSessionCompany :exec
UPDATE sessions SET company_id = $2 WHERE id = $1;

-- name: DeleteSession :exec
DELETE FROM sessions WHERE id = $1;

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expires_at < now();

-- name: CreateAPIToken :one
INSERT INTO api_tokens (id, company_id, user_id, name, token_prefix, token_hash)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING *;

-- name: GetAPITokenPrincipal :one
SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.email, u.name, u.is_platform_admin,
       m.company_id, m.role
FROM api_tokens t
JOIN users u ON u.id = t.user_id
JOIN memberships m ON m.company_id = t.company_id AND m.user_id = t.user_id
WHERE t.token_hash = $1;

-- name: TouchAPIToken :exec
UPDATE api_tokens SET last_used_at = now() WHERE id = $1;

-- name: ListAPITokens :many
SELECT t.id, t.name, t.token_prefix, t.created_at, t.last_used_at, t.user_id, u.name AS user_name
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.company_id = $1
ORDER BY t.created_at DESC, t.id DESC;

-- name: DeleteAPIToken :execrows
DELETE FROM api_tokens WHERE company_id = $1 AND id = $2;

-- name: CreateInvite :one
INSERT INTO invites (id, company_id, email, role, token_hash, invited_by, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *;

-- name: ListPendingInvites :many
SELECT i.*, coalesce(u.name, '')::text AS invited_by_name
FROM invites i LEFT JOIN users u ON u.id = i.invited_by
WHERE i.company_id = $1 AND i.accepted_at IS NULL
ORDER BY i.created_at DESC, i.id DESC;

-- name: GetInviteByToken :one
SELECT i.*, c.name AS company_name
FROM invites i JOIN companies c ON c.id = i.company_id
WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now();

-- name: RotateInviteToken :one
UPDATE invites SET token_hash = $3, expires_at = $4
WHERE company_id = $1 AND id = $2 AND accepted_at IS NULL
RETURNING *;

-- name: AcceptInvite :execrows
UPDATE invites SET accepted_at = now() WHERE id = $1 AND accepted_at IS NULL;

-- name: DeleteInvite :execrows
DELETE FROM invites WHERE company_id = $1 AND id = $2 AND accepted_at IS NULL;

-- name: RecordLoginFailure :exec
INSERT INTO login_failures (key) VALUES ($1);

-- name: CountLoginFailures :one
SELECT count(*)::int AS failures, coalesce(min(failed_at), now())::timestamptz AS oldest
FROM login_failures WHERE key = $1 AND failed_at > $2;

-- name: ClearLoginFailures :exec
DELETE FROM login_failures WHERE key = $1;

-- name: PruneLoginFailures :execrows
DELETE FROM login_failures WHERE failed_at < $1;

-- name: InsertAudit :exec
INSERT INTO audit_log (id, actor_user_id, company_id, action, detail) VALUES ($1, $2, $3, $4, $5);
