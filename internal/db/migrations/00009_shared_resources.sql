-- +goose Up
-- The duplicate finder's phone groups, read in id order within a number
-- (DuplicatesByPhone caps each group at its oldest contacts).
CREATE INDEX contacts_phone_id_idx ON contacts (company_id, phone, id);
DROP INDEX contacts_phone_idx;

-- +goose Down
CREATE INDEX contacts_phone_idx ON contacts (company_id, phone);
DROP INDEX contacts_phone_id_idx;
