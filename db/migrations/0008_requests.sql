-- Approval requests (DESIGN §3): a CFA or stockist asks, the manufacturer or admin decides.
-- pending → approved → executed | failed; pending → denied | canceled | expired. A transfer request
-- holds the requested stock at the source (a reservation) from creation until its transfer is
-- dispatched, or until it is denied, canceled or expires.
CREATE SEQUENCE inventory.request_number;

CREATE TABLE inventory.requests (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number           text NOT NULL UNIQUE DEFAULT 'RQ-' || lpad(nextval('inventory.request_number')::text, 6, '0'),
  action           text NOT NULL CHECK (action IN ('transfer', 'adjustment', 'write_off')),
  product_id       bigint NOT NULL REFERENCES catalog.products (id),
  -- transfer: the quantity asked for; adjustment: the signed change; write_off: the quantity removed
  quantity         numeric(14,3) NOT NULL CHECK (quantity <> 0),
  from_location_id bigint NOT NULL REFERENCES inventory.locations (id),
  to_location_id   bigint REFERENCES inventory.locations (id),
  reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'executed', 'failed', 'denied', 'canceled', 'expired')),
  -- the stock held for a transfer request: requested (the worker is placing it), held, released
  -- (given back), used (taken by the transfer's dispatch), none (nothing to hold)
  hold             text NOT NULL DEFAULT 'none' CHECK (hold IN ('none', 'requested', 'held', 'released', 'used')),
  failure_reason   text,
  requested_by     bigint NOT NULL REFERENCES auth.users (id),
  decided_by       bigint REFERENCES auth.users (id),
  decision_comment text,
  decided_at       timestamptz,
  expires_at       timestamptz NOT NULL,
  transfer_id      bigint REFERENCES inventory.transfers (id),
  adjustment_id    bigint REFERENCES inventory.adjustments (id),
  request_id       text,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (action <> 'transfer' OR (to_location_id IS NOT NULL AND to_location_id <> from_location_id AND quantity > 0)),
  CHECK (action <> 'write_off' OR quantity > 0),
  CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
);
CREATE INDEX requests_requester ON inventory.requests (requested_by, id DESC);
CREATE INDEX requests_pending ON inventory.requests (expires_at) WHERE status = 'pending';

-- Reservations hold stock for an order line or for a request.
ALTER TABLE inventory.reservations ALTER COLUMN order_line_id DROP NOT NULL;
ALTER TABLE inventory.reservations ADD COLUMN request_id bigint REFERENCES inventory.requests (id);
ALTER TABLE inventory.reservations ADD CONSTRAINT reservations_for_one
  CHECK ((order_line_id IS NULL) <> (request_id IS NULL));
CREATE INDEX reservations_request ON inventory.reservations (request_id) WHERE request_id IS NOT NULL;
