-- +goose Up
-- Pairs of contacts a member said are not the same person: the duplicate
-- finder stops offering them. a_id < b_id, as the finder orders its pairs.
CREATE TABLE contact_duplicate_dismissals (
    company_id    uuid NOT NULL REFERENCES companies (id),
    id            uuid NOT NULL,
    a_id          uuid NOT NULL,
    b_id          uuid NOT NULL CHECK (a_id < b_id),
    dismissed_by  uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, a_id, b_id),
    FOREIGN KEY (company_id, a_id) REFERENCES contacts (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, b_id) REFERENCES contacts (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, dismissed_by) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (dismissed_by)
);
CREATE INDEX contact_duplicate_dismissals_b_idx ON contact_duplicate_dismissals (company_id, b_id);
CREATE INDEX contact_duplicate_dismissals_by_idx ON contact_duplicate_dismissals (company_id, dismissed_by);

ALTER TABLE contact_duplicate_dismissals ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_duplicate_dismissals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contact_duplicate_dismissals FOR ALL
    USING (company_id = crm_current_company()) WITH CHECK (company_id = crm_current_company());
GRANT SELECT, INSERT, UPDATE, DELETE ON contact_duplicate_dismissals TO crm_app;
GRANT SELECT ON contact_duplicate_dismissals TO crm_platform;

-- +goose Down
DROP TABLE contact_duplicate_dismissals;
