-- +goose Up
-- A number belongs to the company that proves it owns it; consent comes back
-- only from the person (START) or with recorded evidence; what costs money
-- has per-company daily caps and a destination-country allowlist.

-- The Twilio account a routed number was verified in ('' for a simulated
-- number, which no real webhook may reach). The webhook router refuses a
-- request whose AccountSid differs.
ALTER TABLE twilio_routes
    ADD COLUMN account_sid text NOT NULL DEFAULT '' CHECK (account_sid = '' OR account_sid ~ '^AC[0-9a-fA-F]{32}$');

-- Existing routes take the Account SID their company has saved (kept in
-- plain text; only the auth token is sealed), company by company because
-- FORCE RLS applies to the owner too. Routes of companies on the simulator
-- keep '' and stop receiving real webhooks.
-- +goose StatementBegin
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT id FROM companies LOOP
        PERFORM set_config('app.company_id', c.id::text, true);
        UPDATE twilio_routes r SET account_sid = s.account_sid
        FROM twilio_settings s
        WHERE s.company_id = c.id AND r.company_id = c.id AND s.mode = 'twilio' AND s.account_sid <> '';
    END LOOP;
    PERFORM set_config('app.company_id', '', true);
END $$;
-- +goose StatementEnd

-- Destination countries (ISO 3166 alpha-2) texts and calls may go to; NULL
-- means the countries of the company's own numbers.
ALTER TABLE twilio_settings
    ADD COLUMN allowed_countries text[] CHECK (cardinality(allowed_countries) <= 250);

-- The evidence of a manual opt-in: how the person agreed, when, and what
-- they said. created_by is who recorded it.
ALTER TABLE sms_consents
    ADD COLUMN evidence_method text NOT NULL DEFAULT ''
        CHECK (evidence_method IN ('', 'paper_form', 'verbal_on_call', 'web_form', 'email', 'in_person')),
    ADD COLUMN evidence_statement text NOT NULL DEFAULT '' CHECK (length(evidence_statement) <= 2000),
    ADD COLUMN consented_at timestamptz;
-- Older manual opt-ins had no evidence; new ones must (NOT VALID: checked
-- for new rows only).
ALTER TABLE sms_consents ADD CONSTRAINT sms_consents_opt_in_evidence
    CHECK (source <> 'manual' OR action <> 'opt_in' OR (evidence_method <> '' AND evidence_statement <> '' AND consented_at IS NOT NULL)) NOT VALID;

-- Texts sent and calls placed per company and day (the company's time zone
-- day), counted atomically against the daily caps.
CREATE TABLE telephony_usage (
    company_id  uuid NOT NULL REFERENCES companies (id),
    day         date NOT NULL,
    sms_count   integer NOT NULL DEFAULT 0 CHECK (sms_count >= 0),
    call_count  integer NOT NULL DEFAULT 0 CHECK (call_count >= 0),
    PRIMARY KEY (company_id, day)
);
ALTER TABLE telephony_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE telephony_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON telephony_usage FOR ALL
    USING (company_id = crm_current_company()) WITH CHECK (company_id = crm_current_company());
GRANT SELECT, INSERT, UPDATE, DELETE ON telephony_usage TO crm_app;
GRANT SELECT ON telephony_usage TO crm_platform;

-- +goose Down
DROP TABLE telephony_usage;
ALTER TABLE sms_consents DROP CONSTRAINT sms_consents_opt_in_evidence;
ALTER TABLE sms_consents DROP COLUMN evidence_method, DROP COLUMN evidence_statement, DROP COLUMN consented_at;
ALTER TABLE twilio_settings DROP COLUMN allowed_countries;
ALTER TABLE twilio_routes DROP COLUMN account_sid;
