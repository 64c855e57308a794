-- +goose Up
-- The activity list sorted by due time, soonest first and undated last, is a
-- keyset page over (coalesce(due_at, 'infinity'), id): one index range scan
-- per page. (activities_due_idx serves due_at ranges; it cannot serve this
-- order's cursor without an OR for the undated rows.)
CREATE INDEX activities_due_order_idx ON activities (company_id, (coalesce(due_at, 'infinity'::timestamptz)), id);

-- +goose Down
DROP INDEX activities_due_order_idx;
