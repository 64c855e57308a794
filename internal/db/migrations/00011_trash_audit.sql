-- +goose Up
-- The trash and the company's audit trail (docs/decisions.md).
--
-- Deleting a contact or a deal sets deleted_at (and who did it) instead of
-- removing the row; everything else in the application reads only rows
-- with deleted_at IS NULL. NullTest is not a function call, so under RLS it
-- can prove a partial index's predicate and be an index condition: the list
-- indexes become partial on live rows, and one partial index per table
-- serves the trash (newest first) and the daily purge (oldest first).
-- deleted_by has no foreign key on purpose: a member who trashed something
-- may leave the company, and ON DELETE SET NULL through company_id is what
-- Citus refuses (DESIGN.md §6); names are joined through memberships.

ALTER TABLE contacts
    ADD COLUMN deleted_at  timestamptz,
    ADD COLUMN deleted_by  uuid;

-- A trashed contact does not hold its email: a new contact may take it
-- (restoring the old one then answers 409).
DROP INDEX contacts_email_key;
CREATE UNIQUE INDEX contacts_email_key ON contacts (company_id, email) WHERE email IS NOT NULL AND deleted_at IS NULL;
DROP INDEX contacts_sort_name_idx;
CREATE INDEX contacts_sort_name_idx ON contacts (company_id, sort_name, id) WHERE deleted_at IS NULL;
DROP INDEX contacts_created_idx;
CREATE INDEX contacts_created_idx ON contacts (company_id, created_at, id) WHERE deleted_at IS NULL;
DROP INDEX contacts_updated_idx;
CREATE INDEX contacts_updated_idx ON contacts (company_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_trash_idx ON contacts (company_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;

ALTER TABLE deals
    ADD COLUMN deleted_at  timestamptz,
    ADD COLUMN deleted_by  uuid;

DROP INDEX deals_board_idx;
CREATE INDEX deals_board_idx ON deals (company_id, pipeline_id, stage_id, position, id) WHERE deleted_at IS NULL;
DROP INDEX deals_created_idx;
CREATE INDEX deals_created_idx ON deals (company_id, created_at, id) WHERE deleted_at IS NULL;
DROP INDEX deals_updated_idx;
CREATE INDEX deals_updated_idx ON deals (company_id, updated_at, id) WHERE deleted_at IS NULL;
DROP INDEX deals_value_idx;
CREATE INDEX deals_value_idx ON deals (company_id, value, id) WHERE deleted_at IS NULL;
DROP INDEX deals_closed_idx;
CREATE INDEX deals_closed_idx ON deals (company_id, status, closed_at) WHERE deleted_at IS NULL;
CREATE INDEX deals_trash_idx ON deals (company_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
-- Deleting a pipeline checks for its trashed deals.
CREATE INDEX deals_pipeline_trash_idx ON deals (company_id, pipeline_id) WHERE deleted_at IS NOT NULL;

-- The company's audit trail: who did what to which record, readable by the
-- company's admins (the platform audit_log is not). Append-only for the app
-- role: no UPDATE or DELETE grant. actor_id has no foreign key so the trail
-- outlives memberships; actor_name keeps the name as it was.
CREATE TABLE audit_events (
    company_id   uuid NOT NULL REFERENCES companies (id),
    id           uuid NOT NULL,
    at           timestamptz NOT NULL,
    actor_id     uuid,
    actor_name   text NOT NULL DEFAULT '' CHECK (length(actor_name) <= 200),
    action       text NOT NULL CHECK (action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$' AND length(action) <= 64),
    entity_type  text NOT NULL DEFAULT '' CHECK (entity_type ~ '^[a-z_]*$' AND length(entity_type) <= 32),
    entity_id    uuid,
    detail       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object' AND octet_length(detail::text) <= 4096),
    PRIMARY KEY (company_id, id)
);
CREATE INDEX audit_events_at_idx ON audit_events (company_id, at DESC, id DESC);
CREATE INDEX audit_events_action_idx ON audit_events (company_id, action, at DESC, id DESC);
CREATE INDEX audit_events_type_idx ON audit_events (company_id, entity_type, at DESC, id DESC);
CREATE INDEX audit_events_entity_idx ON audit_events (company_id, entity_type, entity_id, at DESC, id DESC);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events FOR ALL
    USING (company_id = crm_current_company())
    WITH CHECK (company_id = crm_current_company());
GRANT SELECT, INSERT ON audit_events TO crm_app;
GRANT SELECT ON audit_events TO crm_platform;

-- The board's totals and the duplicate finder's phone groups read live rows
-- only, like the lists (migration 00009 made these indexes).
DROP INDEX deals_stage_totals_idx;
CREATE INDEX deals_stage_totals_idx ON deals (company_id, pipeline_id, stage_id, currency) INCLUDE (value, owner_id)
    WHERE deleted_at IS NULL;
DROP INDEX contacts_phone_id_idx;
CREATE INDEX contacts_phone_id_idx ON contacts (company_id, phone, id) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX contacts_phone_id_idx;
CREATE INDEX contacts_phone_id_idx ON contacts (company_id, phone, id);
DROP INDEX deals_stage_totals_idx;
CREATE INDEX deals_stage_totals_idx ON deals (company_id, pipeline_id, stage_id, currency) INCLUDE (value, owner_id);
DROP TABLE audit_events;
DROP INDEX deals_pipeline_trash_idx;
DROP INDEX deals_trash_idx;
DROP INDEX deals_closed_idx;
CREATE INDEX deals_closed_idx ON deals (company_id, status, closed_at);
DROP INDEX deals_value_idx;
CREATE INDEX deals_value_idx ON deals (company_id, value, id);
DROP INDEX deals_updated_idx;
CREATE INDEX deals_updated_idx ON deals (company_id, updated_at, id);
DROP INDEX deals_created_idx;
CREATE INDEX deals_created_idx ON deals (company_id, created_at, id);
DROP INDEX deals_board_idx;
CREATE INDEX deals_board_idx ON deals (company_id, pipeline_id, stage_id, position, id);
ALTER TABLE deals DROP COLUMN deleted_at, DROP COLUMN deleted_by;
DROP INDEX contacts_trash_idx;
DROP INDEX contacts_updated_idx;
CREATE INDEX contacts_updated_idx ON contacts (company_id, updated_at, id);
DROP INDEX contacts_created_idx;
CREATE INDEX contacts_created_idx ON contacts (company_id, created_at, id);
DROP INDEX contacts_sort_name_idx;
CREATE INDEX contacts_sort_name_idx ON contacts (company_id, sort_name, id);
DROP INDEX contacts_email_key;
CREATE UNIQUE INDEX contacts_email_key ON contacts (company_id, email) WHERE email IS NOT NULL;
ALTER TABLE contacts DROP COLUMN deleted_at, DROP COLUMN deleted_by;
