-- Issue 11, reports: files the reports worker writes under IMS_REPORTS_DIR (daily sales, stock
-- valuation, movement ledger, low stock, expiry) as CSV, JSON or XLSX. The API writes the pending
-- row and its report.requested event in one transaction; the worker streams the rows into the file
-- and records its name, row count and size, or the reason it could not.
CREATE TABLE reporting.reports (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type         text NOT NULL CHECK (type IN ('daily_sales', 'stock_valuation', 'movements', 'low_stock', 'expiry')),
  format       text NOT NULL CHECK (format IN ('csv', 'json', 'xlsx')),
  params       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
  -- The location the report covers; none: every location (admin, manufacturer).
  location_id  bigint REFERENCES inventory.locations (id),
  requested_by bigint REFERENCES auth.users (id),      -- none: the scheduler's nightly report
  -- The scheduler's report.requested names no report: the worker makes one per location of it,
  -- once, whichever consumer sees the event first.
  source_event text,
  file_name    text CHECK (file_name ~ '^[A-Za-z0-9._-]{1,200}$'),
  row_count    bigint CHECK (row_count >= 0),
  size_bytes   bigint CHECK (size_bytes >= 0),
  reason       text CHECK (length(reason) <= 1000),
  request_id   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CHECK ((status = 'ready') = (file_name IS NOT NULL AND row_count IS NOT NULL AND size_bytes IS NOT NULL)),
  CHECK ((status = 'failed') = (reason IS NOT NULL)),
  CHECK ((status = 'pending') = (finished_at IS NULL))
);
CREATE INDEX reports_location ON reporting.reports (location_id, id DESC);
CREATE UNIQUE INDEX reports_source_event ON reporting.reports (source_event, coalesce(location_id, 0))
  WHERE source_event IS NOT NULL;
