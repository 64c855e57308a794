-- +goose Up
-- The duplicate finder's phone groups, read in id order within a number
-- (DuplicatesByPhone caps each group at its oldest contacts).
CREATE INDEX contacts_phone_id_idx ON contacts (company_id, phone, id);
DROP INDEX contacts_phone_idx;

-- The board's per-stage counts and totals (and the pipelines' stage totals)
-- as an index-only scan: a pipeline of 50,000 deals is aggregated from the
-- index, not the table.
CREATE INDEX deals_stage_totals_idx ON deals (company_id, pipeline_id, stage_id, currency) INCLUDE (value, owner_id);

-- What each company stores in the blob store, one row per blob, written in
-- the transaction of the row that owns the blob (internal/storage). A
-- company's usage is the sum of its rows, checked against its quota.
CREATE TABLE blobs (
    company_id  uuid NOT NULL REFERENCES companies (id),
    id          uuid NOT NULL,
    key         text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('import')),
    bytes       bigint NOT NULL CHECK (bytes >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id)
);
CREATE UNIQUE INDEX blobs_key_key ON blobs (company_id, key);
-- The usage sum and its breakdown read this index only.
CREATE INDEX blobs_usage_idx ON blobs (company_id, kind, bytes);

ALTER TABLE blobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE blobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON blobs FOR ALL
    USING (company_id = crm_current_company()) WITH CHECK (company_id = crm_current_company());
GRANT SELECT, INSERT, UPDATE, DELETE ON blobs TO crm_app;
GRANT SELECT ON blobs TO crm_platform;

-- Imports not started within a day expire with their files; this finds a
-- company's in one index probe.
CREATE INDEX imports_unstarted_idx ON imports (company_id, created_at) WHERE status = 'uploaded';

-- +goose Down
DROP INDEX imports_unstarted_idx;
DROP TABLE blobs;
DROP INDEX deals_stage_totals_idx;
CREATE INDEX contacts_phone_idx ON contacts (company_id, phone);
DROP INDEX contacts_phone_id_idx;
