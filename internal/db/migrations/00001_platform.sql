-- +goose Up
-- The platform tables and the tenancy machinery. See docs/tenancy.md.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- crm_current_company is the only source of the tenant for row-level security.
-- It fails closed: with no app.company_id setting it returns NULL and no row matches.
CREATE FUNCTION crm_current_company() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.company_id', true), '')::uuid $$;

-- companies is the root of every tenant; platform table.
CREATE TABLE companies (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    timezone    text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- users are login identities; one person may belong to several companies.
CREATE TABLE users (
    id                 uuid PRIMARY KEY,
    email              text NOT NULL CHECK (email = lower(email)),
    name               text NOT NULL,
    password_hash      text NOT NULL,
    is_platform_admin  boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- memberships say who belongs to which company with which role. It is read
-- before a company is chosen (login, the company switcher), so it is a
-- platform table; internal/auth is the only package that touches it.
CREATE TABLE memberships (
    company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- sessions are bound to one membership: removing the membership ends them.
CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    token_hash    bytea NOT NULL UNIQUE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company_id    uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    user_agent    text NOT NULL DEFAULT '',
    ip            text NOT NULL DEFAULT '',
    FOREIGN KEY (company_id, user_id) REFERENCES memberships (company_id, user_id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    company_id    uuid NOT NULL,
    user_id       uuid NOT NULL,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_prefix  text NOT NULL,
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    FOREIGN KEY (company_id, user_id) REFERENCES memberships (company_id, user_id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_company_idx ON api_tokens (company_id, created_at DESC, id DESC);

CREATE TABLE invites (
    id           uuid PRIMARY KEY,
    company_id   uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    email        text NOT NULL CHECK (email = lower(email)),
    role         text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    token_hash   bytea NOT NULL UNIQUE,
    invited_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz
);
CREATE UNIQUE INDEX invites_pending_email_key ON invites (company_id, email) WHERE accepted_at IS NULL;
CREATE INDEX invites_company_idx ON invites (company_id, created_at DESC, id DESC);

-- login_failures backs login throttling across every app server.
CREATE TABLE login_failures (
    key        text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at);

-- audit_log records platform-level actions (platform administrators' reads
-- across companies, sign-ups, membership changes).
CREATE TABLE audit_log (
    id             uuid PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_user_id  uuid,
    company_id     uuid,
    action         text NOT NULL,
    detail         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_company_idx ON audit_log (company_id, at DESC);

-- contacts: the first tenant table. Its shape is the template for every other.
CREATE TABLE contacts (
    company_id     uuid NOT NULL REFERENCES companies (id),
    id             uuid NOT NULL,
    first_name     text NOT NULL DEFAULT '',
    last_name      text NOT NULL DEFAULT '',
    email          text CHECK (email = lower(email)),
    phone          text,
    company_name   text NOT NULL DEFAULT '',
    title          text NOT NULL DEFAULT '',
    tags           text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 30),
    owner_id       uuid,
    custom_fields  jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    sort_name      text GENERATED ALWAYS AS (lower(btrim(first_name || ' ' || last_name))) STORED,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, owner_id) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (owner_id)
);
CREATE UNIQUE INDEX contacts_email_key ON contacts (company_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_sort_name_idx ON contacts (company_id, sort_name, id);
CREATE INDEX contacts_created_idx ON contacts (company_id, created_at, id);
CREATE INDEX contacts_updated_idx ON contacts (company_id, updated_at, id);
CREATE INDEX contacts_owner_idx ON contacts (company_id, owner_id);
CREATE INDEX contacts_phone_idx ON contacts (company_id, phone);
CREATE INDEX contacts_tags_idx ON contacts USING gin (company_id, tags);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contacts FOR ALL
    USING (company_id = crm_current_company())
    WITH CHECK (company_id = crm_current_company());

-- The server role: data privileges only (no TRUNCATE, no REFERENCES).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON companies, users, memberships, sessions, api_tokens,
    invites, login_failures, audit_log, contacts TO crm_app;
GRANT EXECUTE ON FUNCTION crm_current_company() TO crm_app;
GRANT SELECT ON goose_db_version TO crm_app;
-- The platform role reads across companies (it has BYPASSRLS) and writes the audit log.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO crm_platform;
GRANT INSERT ON audit_log TO crm_platform;

-- +goose Down
DROP TABLE contacts, audit_log, login_failures, invites, api_tokens, sessions, memberships, users, companies;
DROP FUNCTION crm_current_company();
