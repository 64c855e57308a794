-- +goose Up
-- Accounts that hold under attack (docs/decisions.md, "Accounts").

-- One counter per throttle key replaces the list of failures: an attempt is
-- recorded and counted in one INSERT … ON CONFLICT DO UPDATE, whose row lock
-- serialises concurrent attempts on the same key, so N parallel guesses can
-- never all see "under the limit". Times are passed in (no now() in the
-- conflict branch, for Citus). Platform table: read before any company is known.
DROP TABLE login_failures;
CREATE TABLE auth_throttle (
    key           text PRIMARY KEY,
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL
);
CREATE INDEX auth_throttle_window_idx ON auth_throttle (window_start);

-- Two-step sign-in: the TOTP secret is sealed with CRM_SECRET_KEY (the user id
-- is the associated data); a pending secret waits for its first code.
ALTER TABLE users
    ADD COLUMN totp_secret          text,
    ADD COLUMN totp_pending_secret  text,
    ADD COLUMN totp_enabled_at      timestamptz,
    ADD COLUMN password_changed_at  timestamptz;

-- Single-use recovery codes, stored as SHA-256 (they are random, 50+ bits).
CREATE TABLE user_recovery_codes (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Owners can require two-step sign-in for everyone in their company.
ALTER TABLE companies ADD COLUMN require_two_factor boolean NOT NULL DEFAULT false;

-- API tokens may expire.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;

-- A session's list entry shows where it was last used.
ALTER TABLE sessions ADD COLUMN last_ip text NOT NULL DEFAULT '';
UPDATE sessions SET last_ip = ip;

-- Invites made by a member are revoked when the member leaves.
CREATE INDEX invites_invited_by_idx ON invites (company_id, invited_by) WHERE accepted_at IS NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON auth_throttle, user_recovery_codes TO crm_app;
GRANT SELECT ON auth_throttle, user_recovery_codes TO crm_platform;

-- +goose Down
DROP INDEX invites_invited_by_idx;
ALTER TABLE sessions DROP COLUMN last_ip;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE companies DROP COLUMN require_two_factor;
DROP TABLE user_recovery_codes;
ALTER TABLE users DROP COLUMN totp_secret, DROP COLUMN totp_pending_secret, DROP COLUMN totp_enabled_at,
    DROP COLUMN password_changed_at;
DROP TABLE auth_throttle;
CREATE TABLE login_failures (
    key        text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO crm_app;
