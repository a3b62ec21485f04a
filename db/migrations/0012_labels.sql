-- Issue 11, labels: what the labels worker renders (libzint, or ZPL II text) for a product, lot,
-- order, location or transfer. The API writes the pending row and its label.requested event in one
-- transaction; the worker fills in the content and the bytes, or the reason it could not.
CREATE TABLE reporting.labels (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_type text NOT NULL CHECK (subject_type IN ('product', 'lot', 'order', 'location', 'transfer')),
  subject_id   bigint NOT NULL CHECK (subject_id > 0),
  symbology    text NOT NULL CHECK (symbology IN ('qr', 'code128', 'ean13', 'gs1_128', 'gs1_datamatrix')),
  format       text NOT NULL CHECK (format IN ('png', 'svg', 'zpl')),
  size         text NOT NULL DEFAULT 'medium' CHECK (size IN ('small', 'medium', 'large')),
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
  content      text CHECK (length(content) <= 4000),   -- what the symbol encodes
  reason       text CHECK (length(reason) <= 1000),    -- why it failed
  content_type text CHECK (content_type IN ('image/png', 'image/svg+xml', 'application/zpl')),
  bytes        bytea,
  requested_by bigint REFERENCES auth.users (id),      -- none: made by the worker (an order's QR label)
  -- The subject's location at request time (an order's seller or buyer, a transfer's source), for
  -- listing by location; visibility itself is decided from the subject, like the subject's own.
  location_id  bigint REFERENCES inventory.locations (id),
  request_id   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  rendered_at  timestamptz,
  CHECK ((status = 'ready') = (bytes IS NOT NULL AND content_type IS NOT NULL AND content IS NOT NULL)),
  CHECK ((status = 'failed') = (reason IS NOT NULL)),
  CHECK ((status = 'pending') = (rendered_at IS NULL))
);
CREATE INDEX labels_subject ON reporting.labels (subject_type, subject_id);
CREATE INDEX labels_location ON reporting.labels (location_id, id DESC);
-- One automatic QR label per order (order.created may be delivered twice to different consumers).
CREATE UNIQUE INDEX labels_order_auto ON reporting.labels (subject_id)
  WHERE subject_type = 'order' AND requested_by IS NULL AND symbology = 'qr';
