-- +goose Up
-- Call recording is a company's choice, and is announced to whoever is
-- recorded; the voicemail greeting is the company's own.
ALTER TABLE twilio_settings
    ADD COLUMN record_calls        boolean NOT NULL DEFAULT true,
    ADD COLUMN recording_notice    text NOT NULL DEFAULT '' CHECK (length(recording_notice) <= 480),
    ADD COLUMN voicemail_greeting  text NOT NULL DEFAULT '' CHECK (length(voicemail_greeting) <= 480);

-- +goose Down
ALTER TABLE twilio_settings
    DROP COLUMN record_calls,
    DROP COLUMN recording_notice,
    DROP COLUMN voicemail_greeting;
