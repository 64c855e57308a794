-- +goose Up
-- SMS and phone calls through each company's own Twilio account.

-- The inbound routing key: a Twilio number belongs to at most one company on
-- the platform. A platform table (tenancy.PlatformTables), read by the
-- webhook router before any company is known; phone_numbers references it so
-- a company's number always has its route.
CREATE TABLE twilio_routes (
    number      text PRIMARY KEY CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
    company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, number)
);

CREATE TABLE twilio_settings (
    company_id          uuid NOT NULL REFERENCES companies (id),
    id                  uuid NOT NULL,
    mode                text NOT NULL DEFAULT 'twilio' CHECK (mode IN ('twilio', 'simulator')),
    account_sid         text NOT NULL DEFAULT '' CHECK (account_sid = '' OR account_sid ~ '^AC[0-9a-fA-F]{32}$'),
    -- sealed by internal/secrets (v1:<key id>:<ciphertext>); never returned by the API
    auth_token          text NOT NULL DEFAULT '',
    help_reply          text NOT NULL DEFAULT '' CHECK (length(help_reply) <= 480),
    quiet_hours_start   time,
    quiet_hours_end     time,
    last_check_at       timestamptz,
    last_check_ok       boolean,
    last_check_message  text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id),
    CHECK ((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL))
);

CREATE TABLE phone_numbers (
    company_id      uuid NOT NULL REFERENCES companies (id),
    id              uuid NOT NULL,
    number          text NOT NULL,
    label           text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    user_id         uuid,
    sms_per_second  numeric(6, 3) NOT NULL DEFAULT 1 CHECK (sms_per_second > 0 AND sms_per_second <= 100),
    -- the per-number send rate: the next free slot (see internal/sms)
    next_send_at    timestamptz NOT NULL DEFAULT '-infinity',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, number),
    FOREIGN KEY (company_id, number) REFERENCES twilio_routes (company_id, number) ON DELETE CASCADE,
    FOREIGN KEY (company_id, user_id) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (user_id)
);
CREATE INDEX phone_numbers_user_idx ON phone_numbers (company_id, user_id);

-- Where a member's calls ring: their own phone.
CREATE TABLE user_phones (
    company_id  uuid NOT NULL REFERENCES companies (id),
    user_id     uuid NOT NULL,
    phone       text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, user_id),
    FOREIGN KEY (company_id, user_id) REFERENCES memberships (company_id, user_id) ON DELETE CASCADE
);

-- One thread per contact across all of the company's numbers; a sender who
-- is not a contact has a thread per phone number.
CREATE TABLE sms_threads (
    company_id       uuid NOT NULL REFERENCES companies (id),
    id               uuid NOT NULL,
    contact_id       uuid,
    phone            text NOT NULL,
    last_message_at  timestamptz NOT NULL DEFAULT now(),
    last_body        text NOT NULL DEFAULT '',
    last_direction   text NOT NULL DEFAULT 'inbound' CHECK (last_direction IN ('inbound', 'outbound')),
    unread_count     integer NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sms_threads_contact_key ON sms_threads (company_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE UNIQUE INDEX sms_threads_phone_key ON sms_threads (company_id, phone) WHERE contact_id IS NULL;
CREATE INDEX sms_threads_recent_idx ON sms_threads (company_id, last_message_at DESC, id DESC);

CREATE TABLE sms_messages (
    company_id       uuid NOT NULL REFERENCES companies (id),
    id               uuid NOT NULL,
    thread_id        uuid NOT NULL,
    contact_id       uuid,
    phone_number_id  uuid,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_number      text NOT NULL,
    to_number        text NOT NULL,
    body             text NOT NULL DEFAULT '' CHECK (length(body) <= 1600),
    media_urls       text[] NOT NULL DEFAULT '{}',
    segments         integer NOT NULL DEFAULT 1,
    status           text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'received')),
    error_code       integer,
    error_message    text NOT NULL DEFAULT '',
    twilio_sid       text,
    automated        boolean NOT NULL DEFAULT false,
    simulated        boolean NOT NULL DEFAULT false,
    -- the slot the per-number rate gave this send
    send_at          timestamptz,
    idempotency_key  text,
    sent_by          uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, thread_id) REFERENCES sms_threads (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, phone_number_id) REFERENCES phone_numbers (company_id, id) ON DELETE SET NULL (phone_number_id),
    FOREIGN KEY (company_id, sent_by) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (sent_by)
);
-- Twilio retries a webhook it thinks failed: a message is stored once.
CREATE UNIQUE INDEX sms_messages_sid_key ON sms_messages (company_id, twilio_sid);
CREATE UNIQUE INDEX sms_messages_idempotency_key ON sms_messages (company_id, idempotency_key);
CREATE INDEX sms_messages_thread_idx ON sms_messages (company_id, thread_id, created_at DESC, id DESC);
CREATE INDEX sms_messages_contact_idx ON sms_messages (company_id, contact_id, created_at DESC, id DESC);
CREATE INDEX sms_messages_number_idx ON sms_messages (company_id, phone_number_id);
CREATE INDEX sms_messages_sent_by_idx ON sms_messages (company_id, sent_by);

-- Every opt-out and opt-in, kept as a record; the latest for a phone is its state.
CREATE TABLE sms_consents (
    company_id       uuid NOT NULL REFERENCES companies (id),
    id               uuid NOT NULL,
    phone            text NOT NULL,
    contact_id       uuid,
    phone_number_id  uuid,
    number           text NOT NULL DEFAULT '',
    action           text NOT NULL CHECK (action IN ('opt_out', 'opt_in')),
    source           text NOT NULL CHECK (source IN ('keyword', 'manual')),
    keyword          text NOT NULL DEFAULT '',
    created_by       uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE SET NULL (contact_id),
    FOREIGN KEY (company_id, phone_number_id) REFERENCES phone_numbers (company_id, id) ON DELETE SET NULL (phone_number_id),
    FOREIGN KEY (company_id, created_by) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (created_by)
);
CREATE INDEX sms_consents_phone_idx ON sms_consents (company_id, phone, created_at DESC, id DESC);
CREATE INDEX sms_consents_contact_idx ON sms_consents (company_id, contact_id);
CREATE INDEX sms_consents_number_idx ON sms_consents (company_id, phone_number_id);
CREATE INDEX sms_consents_created_by_idx ON sms_consents (company_id, created_by);

CREATE TABLE calls (
    company_id          uuid NOT NULL REFERENCES companies (id),
    id                  uuid NOT NULL,
    contact_id          uuid,
    phone_number_id     uuid,
    user_id             uuid,
    direction           text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_number         text NOT NULL,
    to_number           text NOT NULL,
    status              text NOT NULL CHECK (status IN ('queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled')),
    answered_by         text NOT NULL DEFAULT '' CHECK (answered_by IN ('', 'user', 'voicemail')),
    duration_seconds    integer NOT NULL DEFAULT 0,
    twilio_sid          text,
    recording_sid       text NOT NULL DEFAULT '',
    recording_url       text NOT NULL DEFAULT '',
    recording_duration  integer NOT NULL DEFAULT 0,
    notes               text NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    activity_id         uuid,
    simulated           boolean NOT NULL DEFAULT false,
    started_at          timestamptz,
    ended_at            timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, contact_id) REFERENCES contacts (company_id, id) ON DELETE SET NULL (contact_id),
    FOREIGN KEY (company_id, phone_number_id) REFERENCES phone_numbers (company_id, id) ON DELETE SET NULL (phone_number_id),
    FOREIGN KEY (company_id, user_id) REFERENCES memberships (company_id, user_id) ON DELETE SET NULL (user_id),
    FOREIGN KEY (company_id, activity_id) REFERENCES activities (company_id, id) ON DELETE SET NULL (activity_id)
);
CREATE UNIQUE INDEX calls_sid_key ON calls (company_id, twilio_sid);
CREATE INDEX calls_created_idx ON calls (company_id, created_at DESC, id DESC);
CREATE INDEX calls_contact_idx ON calls (company_id, contact_id, created_at DESC, id DESC);
CREATE INDEX calls_user_idx ON calls (company_id, user_id, created_at DESC);
CREATE INDEX calls_number_idx ON calls (company_id, phone_number_id);
CREATE INDEX calls_activity_idx ON calls (company_id, activity_id);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['twilio_settings', 'phone_numbers', 'user_phones', 'sms_threads', 'sms_messages', 'sms_consents', 'calls'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR ALL USING (company_id = crm_current_company()) WITH CHECK (company_id = crm_current_company())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO crm_app', t);
        EXECUTE format('GRANT SELECT ON %I TO crm_platform', t);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT SELECT, INSERT, DELETE ON twilio_routes TO crm_app;
GRANT SELECT ON twilio_routes TO crm_platform;

-- +goose Down
DROP TABLE calls, sms_consents, sms_messages, sms_threads, user_phones, phone_numbers, twilio_settings, twilio_routes;
