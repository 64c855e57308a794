-- Twilio settings, the company's phone numbers and members' own phones
-- (internal/telephony). twilio_routes is a platform table: only the number
-- queries here and the webhook router's RouteNumber touch it.

-- name: GetTwilioSettings :one
SELECT * FROM twilio_settings WHERE company_id = $1;

-- name: UpsertTwilioSettings :one
INSERT INTO twilio_settings (company_id, id, mode, account_sid, auth_token, help_reply, quiet_hours_start, quiet_hours_end,
    record_calls, recording_notice, voicemail_greeting)
VALUES (@company_id, @id, @mode, @account_sid, @auth_token, @help_reply, sqlc.narg(quiet_hours_start), sqlc.narg(quiet_hours_end),
    @record_calls, @recording_notice, @voicemail_greeting)
ON CONFLICT (company_id) DO UPDATE SET mode = EXCLUDED.mode, account_sid = EXCLUDED.account_sid,
    auth_token = EXCLUDED.auth_token, help_reply = EXCLUDED.help_reply,
    quiet_hours_start = EXCLUDED.quiet_hours_start, quiet_hours_end = EXCLUDED.quiet_hours_end,
    record_calls = EXCLUDED.record_calls, recording_notice = EXCLUDED.recording_notice,
    voicemail_greeting = EXCLUDED.voicemail_greeting, updated_at = now()
RETURNING *;

-- name: RecordTwilioCheck :exec
UPDATE twilio_settings SET last_check_at = now(), last_check_ok = @ok, last_check_message = @message
WHERE company_id = @company_id;

-- name: ClaimRoute :execrows
-- A number already routed to any company claims nothing: the caller looks
-- at who holds it (LockRoute) and decides.
INSERT INTO twilio_routes (number, company_id, account_sid) VALUES (@number, @company_id, @account_sid) ON CONFLICT (number) DO NOTHING;

-- name: RouteHolder :one
-- Who holds a number. Not locked: TakeOverRoute deletes only the route
-- read here, so a concurrent change makes it delete nothing.
SELECT company_id, account_sid FROM twilio_routes WHERE number = $1;

-- name: TakeOverRoute :execrows
-- The proven owner takes a number from a company that did not prove it in
-- the same Twilio account. The holder's phone_numbers row goes with its
-- route (ON DELETE CASCADE); its messages and calls stay, without it.
DELETE FROM twilio_routes WHERE number = @number AND company_id = @holder AND account_sid = @holder_sid;

-- name: CompanyRouteAccounts :many
-- The Twilio accounts the company's numbers were verified in.
SELECT DISTINCT account_sid FROM twilio_routes WHERE company_id = $1 AND account_sid <> '' ORDER BY account_sid;

-- name: DeleteRoute :exec
DELETE FROM twilio_routes WHERE number = @number AND company_id = @company_id;

-- name: RouteNumber :one
-- The webhook router: which company a Twilio number belongs to, and the
-- Twilio account it was verified in.
SELECT company_id, account_sid FROM twilio_routes WHERE number = $1;

-- name: CreatePhoneNumber :exec
INSERT INTO phone_numbers (company_id, id, number, label, user_id, sms_per_second)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: ListPhoneNumbers :many
SELECT p.id, p.number, p.label, p.user_id, p.sms_per_second, p.created_at, coalesce(u.name, '')::text AS user_name
FROM phone_numbers p
LEFT JOIN memberships m ON m.company_id = p.company_id AND m.user_id = p.user_id
LEFT JOIN users u ON u.id = m.user_id
WHERE p.company_id = $1
ORDER BY p.created_at, p.id;

-- name: GetPhoneNumber :one
SELECT p.id, p.number, p.label, p.user_id, p.sms_per_second, p.created_at, coalesce(u.name, '')::text AS user_name
FROM phone_numbers p
LEFT JOIN memberships m ON m.company_id = p.company_id AND m.user_id = p.user_id
LEFT JOIN users u ON u.id = m.user_id
WHERE p.company_id = $1 AND p.id = $2;

-- name: GetPhoneNumberByNumber :one
SELECT p.id, p.number, p.label, p.user_id, p.sms_per_second, p.created_at, coalesce(u.name, '')::text AS user_name
FROM phone_numbers p
LEFT JOIN memberships m ON m.company_id = p.company_id AND m.user_id = p.user_id
LEFT JOIN users u ON u.id = m.user_id
WHERE p.company_id = $1 AND p.number = $2;

-- name: UpdatePhoneNumber :execrows
UPDATE phone_numbers SET label = $3, user_id = $4, sms_per_second = $5 WHERE company_id = $1 AND id = $2;

-- name: DeletePhoneNumber :one
DELETE FROM phone_numbers WHERE company_id = $1 AND id = $2 RETURNING number;

-- name: MemberExists :one
SELECT EXISTS (SELECT 1 FROM memberships WHERE company_id = $1 AND user_id = $2);

-- name: GetUserPhone :one
SELECT phone FROM user_phones WHERE company_id = $1 AND user_id = $2;

-- name: SetUserPhone :exec
INSERT INTO user_phones (company_id, user_id, phone) VALUES ($1, $2, $3)
ON CONFLICT (company_id, user_id) DO UPDATE SET phone = EXCLUDED.phone, updated_at = now();

-- name: DeleteUserPhone :exec
DELETE FROM user_phones WHERE company_id = $1 AND user_id = $2;

-- name: ClaimSendSlot :one
-- The per-number send rate: each send takes the next free slot, at least
-- 1/sms_per_second after the previous one. The row lock orders concurrent
-- sends on one number.
UPDATE phone_numbers
SET next_send_at = greatest(next_send_at, @now::timestamptz) + make_interval(secs => 1 / sms_per_second::float8)
WHERE company_id = @company_id AND id = @id
RETURNING (next_send_at - make_interval(secs => 1 / sms_per_second::float8))::timestamptz AS slot;

-- name: CountPhoneNumbers :one
SELECT count(*) FROM phone_numbers WHERE company_id = $1;

-- name: UpdateTwilioAuthToken :exec
-- Key rotation re-seals the token under the current key.
UPDATE twilio_settings SET auth_token = @auth_token WHERE company_id = @company_id;
-- name: SetAllowedCountries :execrows
UPDATE twilio_settings SET allowed_countries = sqlc.narg(countries)::text[], updated_at = @now
WHERE company_id = @company_id;

-- name: CountSMSSend :one
-- One more text today, unless the cap is reached (no row then): the row
-- lock of the upsert makes concurrent sends count exactly.
INSERT INTO telephony_usage AS u (company_id, day, sms_count) VALUES (@company_id, @day, 1)
ON CONFLICT (company_id, day) DO UPDATE SET sms_count = u.sms_count + 1 WHERE u.sms_count < @cap::int
RETURNING sms_count;

-- name: CountCall :one
-- One more outbound call today, unless the cap is reached (no row then).
INSERT INTO telephony_usage AS u (company_id, day, call_count) VALUES (@company_id, @day, 1)
ON CONFLICT (company_id, day) DO UPDATE SET call_count = u.call_count + 1 WHERE u.call_count < @cap::int
RETURNING call_count;

-- name: GetUsage :one
SELECT sms_count, call_count FROM telephony_usage WHERE company_id = $1 AND day = $2;
