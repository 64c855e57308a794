-- +goose Up
-- Each company has a base currency (its dashboard's totals are in it) and
-- each member may have a time zone of their own ("today", "overdue").

ALTER TABLE companies ADD COLUMN currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$');
ALTER TABLE users ADD COLUMN timezone text CHECK (timezone IS NULL OR length(timezone) BETWEEN 1 AND 64);

-- Existing companies start from the currency most of their deals use (what
-- the dashboard showed until now). deals is under RLS, forced for the owner
-- too, so each company is read under its own setting.
-- +goose StatementBegin
DO $$
DECLARE
    c record;
    cur text;
BEGIN
    FOR c IN SELECT id FROM companies LOOP
        PERFORM set_config('app.company_id', c.id::text, true);
        SELECT d.currency INTO cur FROM deals d WHERE d.company_id = c.id
            GROUP BY d.currency ORDER BY count(*) DESC, d.currency LIMIT 1;
        IF cur IS NOT NULL THEN
            UPDATE companies SET currency = cur WHERE id = c.id;
        END IF;
    END LOOP;
    PERFORM set_config('app.company_id', '', true);
END $$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE users DROP COLUMN timezone;
ALTER TABLE companies DROP COLUMN currency;
