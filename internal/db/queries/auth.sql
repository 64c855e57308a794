-- name: CreateCompany :one
INSERT INTO companies (id, name, timezone, currency) VALUES ($1, $2, $3, $4) RETURNING *;

-- name: GetCompany :one
SELECT * FROM companies WHERE id = $1;

-- name: UpdateCompany :one
UPDATE companies SET name = $2, timezone = $3, require_two_factor = $4, currency = $5, updated_at = now() WHERE id = $1 RETURNING *;

-- name: LockCompany :one
-- Serialises changes to a company's memberships (the last owner rule).
SELECT id FROM companies WHERE id = $1 FOR UPDATE;

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
SELECT u.id, u.email, u.name, m.role, m.created_at, (u.totp_enabled_at IS NOT NULL)::bool AS two_factor
FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.company_id = $1
ORDER BY lower(u.name), u.id;

-- name: GetCompanyMember :one
SELECT u.id, u.email, u.name, m.role, m.created_at, (u.totp_enabled_at IS NOT NULL)::bool AS two_factor
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
SELECT s.id AS session_id, s.created_at, s.expires_at, s.last_seen_at, s.last_ip, u.id AS user_id, u.email, u.name,
       u.is_platform_admin, (u.totp_enabled_at IS NOT NULL)::bool AS two_factor, m.company_id, m.role,
       c.require_two_factor
FROM sessions s
JOIN users u ON u.id = s.user_id
JOIN memberships m ON m.company_id = s.company_id AND m.user_id = s.user_id
JOIN companies c ON c.id = s.company_id
WHERE s.token_hash = $1 AND s.expires_at > $2;

-- name: TouchSession :exec
UPDATE sessions SET last_seen_at = @now, expires_at = @expires_at, last_ip = @ip WHERE id = @id;

-- name: ListUserSessions :many
SELECT s.id, s.company_id, c.name AS company_name, s.created_at, s.last_seen_at, s.expires_at, s.user_agent,
       s.ip, s.last_ip
FROM sessions s JOIN companies c ON c.id = s.company_id
WHERE s.user_id = $1 AND s.expires_at > $2
ORDER BY s.last_seen_at DESC, s.id DESC
LIMIT 200;

-- name: DeleteUserSession :execrows
DELETE FROM sessions WHERE id = $1 AND user_id = $2;

-- name: DeleteOtherSessions :execrows
DELETE FROM sessions WHERE user_id = $1 AND id <> $2;

-- name: DeleteUserAPITokens :execrows
DELETE FROM api_tokens WHERE user_id = $1;

-- name: UpdatePassword :exec
UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1;

-- name: SwitchSessionCompany :exec
UPDATE sessions SET company_id = $2 WHERE id = $1;

-- name: DeleteSession :exec
DELETE FROM sessions WHERE id = $1;

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expires_at < $1;

-- name: CreateAPIToken :one
INSERT INTO api_tokens (id, company_id, user_id, name, token_prefix, token_hash, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *;

-- name: GetAPITokenPrincipal :one
SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.email, u.name, u.is_platform_admin,
       m.company_id, m.role
FROM api_tokens t
JOIN users u ON u.id = t.user_id
JOIN memberships m ON m.company_id = t.company_id AND m.user_id = t.user_id
WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2);

-- name: TouchAPIToken :exec
UPDATE api_tokens SET last_used_at = now() WHERE id = $1;

-- name: ListAPITokens :many
SELECT t.id, t.name, t.token_prefix, t.created_at, t.last_used_at, t.expires_at, t.user_id, u.name AS user_name
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
SELECT i.*, c.name AS company_name, im.role AS inviter_role
FROM invites i
JOIN companies c ON c.id = i.company_id
LEFT JOIN memberships im ON im.company_id = i.company_id AND im.user_id = i.invited_by
WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now();

-- name: GetPendingInvite :one
SELECT * FROM invites WHERE company_id = $1 AND id = $2 AND accepted_at IS NULL;

-- name: DeleteInvitesBy :execrows
DELETE FROM invites WHERE company_id = $1 AND invited_by = $2 AND accepted_at IS NULL;

-- name: RotateInviteToken :one
UPDATE invites SET token_hash = $3, expires_at = $4
WHERE company_id = $1 AND id = $2 AND accepted_at IS NULL
RETURNING *;

-- name: AcceptInvite :execrows
UPDATE invites SET accepted_at = now() WHERE id = $1 AND accepted_at IS NULL;

-- name: DeleteInvite :execrows
DELETE FROM invites WHERE company_id = $1 AND id = $2 AND accepted_at IS NULL;

-- name: HitThrottle :one
-- Records one attempt on key and returns the count in the current window;
-- a window older than window_floor starts again at now.
INSERT INTO auth_throttle AS t (key, window_start, hits) VALUES (@key, @now, 1)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN t.window_start <= @window_floor THEN 1 ELSE t.hits + 1 END,
    window_start = CASE WHEN t.window_start <= @window_floor THEN @now ELSE t.window_start END
RETURNING hits, window_start;

-- name: UndoThrottle :exec
UPDATE auth_throttle SET hits = hits - 1 WHERE key = $1 AND hits > 0;

-- name: ClearThrottle :exec
DELETE FROM auth_throttle WHERE key = $1;

-- name: PruneThrottle :execrows
DELETE FROM auth_throttle WHERE window_start < $1;

-- name: InsertAudit :exec
INSERT INTO audit_log (id, actor_user_id, company_id, action, detail) VALUES ($1, $2, $3, $4, $5);

-- name: SetTOTPPending :exec
UPDATE users SET totp_pending_secret = $2 WHERE id = $1;

-- name: EnableTOTP :execrows
UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = $2
WHERE id = $1 AND totp_pending_secret IS NOT NULL;

-- name: DisableTOTP :exec
UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL WHERE id = $1;

-- name: DeleteRecoveryCodes :exec
DELETE FROM user_recovery_codes WHERE user_id = $1;

-- name: InsertRecoveryCode :exec
INSERT INTO user_recovery_codes (user_id, code_hash) VALUES ($1, $2);

-- name: UseRecoveryCode :execrows
UPDATE user_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL;

-- name: CountRecoveryCodes :one
SELECT count(*)::int FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL;

-- name: ListSealedTOTP :many
-- Keyset pages of users with a sealed secret, for key rotation.
SELECT id, totp_secret, totp_pending_secret FROM users
WHERE id > $1 AND (totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL)
ORDER BY id LIMIT $2;

-- name: UpdateSealedTOTP :exec
UPDATE users SET totp_secret = $2, totp_pending_secret = $3 WHERE id = $1;

-- name: CompanyMembersWithoutTwoFactor :one
SELECT count(*)::int FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.company_id = $1 AND u.totp_enabled_at IS NULL;

-- name: UpdateProfile :one
UPDATE users SET name = $2, timezone = sqlc.narg(timezone), updated_at = $3 WHERE id = $1 RETURNING *;
