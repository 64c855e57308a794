-- +goose Up
-- Contact search that indexes under row-level security.
--
-- Under RLS, PostgreSQL only uses an index for a condition whose operator is
-- LEAKPROOF; LIKE and the trigram operators are not, so `search_text LIKE
-- '%q%'` read every row of the company (docs/performance.md). Equality and
-- starts-with (^@) on text are leakproof, so search now looks up word
-- prefixes in contact_search_terms, kept by a trigger, through a C-collated
-- btree index.

CREATE TABLE contact_search_terms (
    company_id  uuid NOT NULL REFERENCES companies (id),
    contact_id  uuid NOT NULL,
    field       text NOT NULL CHECK (field IN ('first', 'last', 'email', 'phone', 'company')),
    term        text COLLATE "C" NOT NULL,
    PRIMARY KEY (company_id, contact_id, field, term),
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_search_terms_term_idx ON contact_search_terms (company_id, term, contact_id);
CREATE INDEX contact_search_terms_field_idx ON contact_search_terms (company_id, field, term);

ALTER TABLE contact_search_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_search_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contact_search_terms FOR ALL
    USING (company_id = crm_current_company())
    WITH CHECK (company_id = crm_current_company());
GRANT SELECT, INSERT, UPDATE, DELETE ON contact_search_terms TO crm_app;
GRANT SELECT ON contact_search_terms TO crm_platform;

-- crm_search_words splits text into lower-cased words of letters and digits.
-- +goose StatementBegin
CREATE FUNCTION crm_search_words(t text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT w FROM regexp_split_to_table(lower(coalesce(t, '')), '[^[:alnum:]]+') AS w WHERE w <> '' $$;
-- +goose StatementEnd

-- crm_contact_search_terms rewrites a contact's terms. It runs as the caller
-- (not SECURITY DEFINER), inside the caller's tenant transaction, so RLS
-- applies to its writes too.
-- +goose StatementBegin
CREATE FUNCTION crm_contact_search_terms() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE digits text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.first_name, NEW.last_name, NEW.email, NEW.phone, NEW.company_name) IS NOT DISTINCT FROM
           (OLD.first_name, OLD.last_name, OLD.email, OLD.phone, OLD.company_name) THEN
            RETURN NULL;
        END IF;
        DELETE FROM contact_search_terms WHERE company_id = NEW.company_id AND contact_id = NEW.id;
    END IF;
    digits := regexp_replace(coalesce(NEW.phone, ''), '[^0-9]', '', 'g');
    INSERT INTO contact_search_terms (company_id, contact_id, field, term)
    SELECT DISTINCT NEW.company_id, NEW.id, f, left(t, 100) FROM (
        SELECT 'first' AS f, crm_search_words(NEW.first_name) AS t
        UNION ALL SELECT 'last', crm_search_words(NEW.last_name)
        UNION ALL SELECT 'company', crm_search_words(NEW.company_name)
        UNION ALL SELECT 'email', crm_search_words(NEW.email)
        UNION ALL SELECT 'email', NEW.email WHERE NEW.email IS NOT NULL
        -- a phone is found by its digits with or without the country code
        UNION ALL SELECT 'phone', substr(digits, n) FROM generate_series(1, 4) AS n WHERE length(digits) - n >= 5
    ) AS terms WHERE t <> '';
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER contacts_search_terms
    AFTER INSERT OR UPDATE OF first_name, last_name, email, phone, company_name ON contacts
    FOR EACH ROW EXECUTE FUNCTION crm_contact_search_terms();

-- Existing contacts, company by company (FORCE RLS applies to the owner too).
-- +goose StatementBegin
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT id FROM companies LOOP
        PERFORM set_config('app.company_id', c.id::text, true);
        -- an UPDATE that changes nothing is skipped by the trigger, so
        -- touch a column to a different value and back
        UPDATE contacts SET first_name = first_name || ' ' WHERE company_id = c.id;
        UPDATE contacts SET first_name = left(first_name, length(first_name) - 1) WHERE company_id = c.id;
    END LOOP;
    PERFORM set_config('app.company_id', '', true);
END $$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER contacts_search_terms ON contacts;
DROP FUNCTION crm_contact_search_terms();
DROP FUNCTION crm_search_words(text);
DROP TABLE contact_search_terms;
