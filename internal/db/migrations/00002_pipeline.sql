-- +goose Up
-- Pipelines and deals, activities, timelines and CSV imports. See docs/tenancy.md
-- for the shape every tenant table follows.

CREATE TABLE pipelines (
    company_id  uuid NOT NULL REFERENCES companies (id),
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id)
);
CREATE UNIQUE INDEX pipelines_name_key ON pipelines (company_id, lower(name));
CREATE INDEX pipelines_position_idx ON pipelines (company_id, position, id);

CREATE TABLE pipeline_stages (
    company_id   uuid NOT NULL REFERENCES companies (id),
    id           uuid NOT NULL,
    pipeline_id  uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position     integer NOT NULL,
    probability  integer NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    kind         text NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    -- deals reference (pipeline, stage) together, so a deal's stage is always in its pipeline
    UNIQUE (company_id, pipeline_id, id),
    FOREIGN KEY (company_id, pipeline_id) REFERENCES pipelines (company_id, id) ON DELETE CASCADE
);
CREATE INDEX pipeline_stages_order_idx ON pipeline_stages (company_id, pipeline_id, position, id);

CREATE TABLE deals (
    company_id           uuid NOT NULL REFERENCES companies (id),
    id                   uuid NOT NULL,
    pipeline_id          uuid NOT NULL,
    stage_id             uuid NOT NULL,
    title                text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    value                numeric(18, 2) NOT NULL DEFAULT 0 CHECK (value >= 0),
    currency             text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    contact_id           uuid,
    owner_id             uuid,
    position             double precision NOT NULL DEFAULT 0,
    status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    expected_close_date  date,
    closed_at            timestamptz,
    close_reason         text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, pipeline_id) REFERENCES pipelines (company_id, id),
    FOREIGN KEY (company_id, pipeline_id, stage_id) REFERENCES pipeline_stages (company_id, pipeline_id, id),
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE SET NULL (contact_id),
    FOREIGN KEY (company_id, owner_id) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (owner_id)
);
-- The kanban: a pipeline's deals by stage and position, in one index scan.
CREATE INDEX deals_board_idx ON deals (company_id, pipeline_id, stage_id, position, id);
CREATE INDEX deals_stage_idx ON deals (company_id, stage_id);
CREATE INDEX deals_created_idx ON deals (company_id, created_at, id);
CREATE INDEX deals_updated_idx ON deals (company_id, updated_at, id);
CREATE INDEX deals_value_idx ON deals (company_id, value, id);
CREATE INDEX deals_contact_idx ON deals (company_id, contact_id);
CREATE INDEX deals_owner_idx ON deals (company_id, owner_id);
CREATE INDEX deals_closed_idx ON deals (company_id, status, closed_at);

CREATE TABLE deal_stage_changes (
    company_id     uuid NOT NULL REFERENCES companies (id),
    id             uuid NOT NULL,
    deal_id        uuid NOT NULL,
    from_stage_id  uuid,
    to_stage_id    uuid,
    -- names are kept so history reads well after a stage is renamed or removed
    from_stage     text NOT NULL DEFAULT '',
    to_stage       text NOT NULL DEFAULT '',
    changed_by     uuid,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, deal_id) REFERENCES deals (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, from_stage_id) REFERENCES pipeline_stages (company_id, id) ON DELETE SET NULL (from_stage_id),
    FOREIGN KEY (company_id, to_stage_id) REFERENCES pipeline_stages (company_id, id) ON DELETE SET NULL (to_stage_id),
    FOREIGN KEY (company_id, changed_by) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (changed_by)
);
CREATE INDEX deal_stage_changes_deal_idx ON deal_stage_changes (company_id, deal_id, changed_at DESC, id DESC);
CREATE INDEX deal_stage_changes_at_idx ON deal_stage_changes (company_id, changed_at);
CREATE INDEX deal_stage_changes_from_idx ON deal_stage_changes (company_id, from_stage_id);
CREATE INDEX deal_stage_changes_to_idx ON deal_stage_changes (company_id, to_stage_id);
CREATE INDEX deal_stage_changes_by_idx ON deal_stage_changes (company_id, changed_by);

CREATE TABLE activities (
    company_id   uuid NOT NULL REFERENCES companies (id),
    id           uuid NOT NULL,
    type         text NOT NULL CHECK (type IN ('task', 'note', 'call', 'meeting', 'system')),
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body         text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    due_at       timestamptz,
    done_at      timestamptz,
    assignee_id  uuid,
    contact_id   uuid,
    deal_id      uuid,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, assignee_id) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (assignee_id),
    FOREIGN KEY (company_id, created_by) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (created_by),
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, deal_id) REFERENCES deals (company_id, id) ON DELETE CASCADE
);
CREATE INDEX activities_contact_idx ON activities (company_id, contact_id, created_at DESC, id DESC);
CREATE INDEX activities_deal_idx ON activities (company_id, deal_id, created_at DESC, id DESC);
CREATE INDEX activities_assignee_due_idx ON activities (company_id, assignee_id, due_at, id) WHERE done_at IS NULL;
CREATE INDEX activities_due_idx ON activities (company_id, due_at, id);
CREATE INDEX activities_created_idx ON activities (company_id, created_at, id);
CREATE INDEX activities_created_by_idx ON activities (company_id, created_by);

-- CSV imports: the uploaded file lives in the blob store under the company's
-- prefix; the job records progress and the rows that failed.
CREATE TABLE imports (
    company_id      uuid NOT NULL REFERENCES companies (id),
    id              uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('contacts', 'deals')),
    status          text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'queued', 'running', 'done', 'failed')),
    file_name       text NOT NULL DEFAULT '',
    blob_key        text NOT NULL,
    headers         text[] NOT NULL DEFAULT '{}',
    mapping         jsonb NOT NULL DEFAULT '{}',
    on_duplicate    text NOT NULL DEFAULT 'skip' CHECK (on_duplicate IN ('skip', 'update')),
    total_rows      integer NOT NULL DEFAULT 0,
    processed_rows  integer NOT NULL DEFAULT 0,
    created_rows    integer NOT NULL DEFAULT 0,
    updated_rows    integer NOT NULL DEFAULT 0,
    skipped_rows    integer NOT NULL DEFAULT 0,
    failed_rows     integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, created_by) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (created_by)
);
CREATE INDEX imports_created_idx ON imports (company_id, created_at DESC, id DESC);
CREATE INDEX imports_created_by_idx ON imports (company_id, created_by);

CREATE TABLE import_failures (
    company_id  uuid NOT NULL REFERENCES companies (id),
    import_id   uuid NOT NULL,
    row_number  integer NOT NULL,
    error       text NOT NULL,
    raw         text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (company_id, import_id, row_number),
    FOREIGN KEY (company_id, import_id) REFERENCES imports (company_id, id) ON DELETE CASCADE
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['pipelines', 'pipeline_stages', 'deals', 'deal_stage_changes', 'activities', 'imports', 'import_failures'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR ALL USING (company_id = crm_current_company()) WITH CHECK (company_id = crm_current_company())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO crm_app', t);
        EXECUTE format('GRANT SELECT ON %I TO crm_platform', t);
    END LOOP;
END $$;
-- +goose StatementEnd

-- Every existing company gets the default pipeline (new ones get it at sign-up).
-- +goose StatementBegin
DO $$
DECLARE c record; p uuid;
BEGIN
    FOR c IN SELECT id FROM companies LOOP
        PERFORM set_config('app.company_id', c.id::text, true);
        p := gen_random_uuid();
        INSERT INTO pipelines (company_id, id, name) VALUES (c.id, p, 'Sales');
        INSERT INTO pipeline_stages (company_id, id, pipeline_id, name, position, probability, kind) VALUES
            (c.id, gen_random_uuid(), p, 'Lead', 0, 10, 'open'),
            (c.id, gen_random_uuid(), p, 'Qualified', 1, 25, 'open'),
            (c.id, gen_random_uuid(), p, 'Proposal', 2, 50, 'open'),
            (c.id, gen_random_uuid(), p, 'Negotiation', 3, 75, 'open'),
            (c.id, gen_random_uuid(), p, 'Won', 4, 100, 'won'),
            (c.id, gen_random_uuid(), p, 'Lost', 5, 0, 'lost');
    END LOOP;
    PERFORM set_config('app.company_id', '', true);
END $$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE import_failures, imports, activities, deal_stage_changes, deals, pipeline_stages, pipelines;
