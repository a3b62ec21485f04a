-- Transfers in transit (DESIGN §3): PENDING → IN_TRANSIT → ARRIVED → COMPLETED, CANCELED before
-- dispatch. The stock worker takes the goods out of the source at dispatch (transfer_out) and books
-- what arrived at the destination at completion (transfer_in), with any difference recorded as a
-- discrepancy, its own movement and an alert.
CREATE SEQUENCE inventory.transfer_number;

CREATE TABLE inventory.transfers (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number           text NOT NULL UNIQUE DEFAULT 'TR-' || lpad(nextval('inventory.transfer_number')::text, 6, '0'),
  from_location_id bigint NOT NULL REFERENCES inventory.locations (id),
  to_location_id   bigint NOT NULL REFERENCES inventory.locations (id),
  status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'in_transit', 'arrived', 'completed', 'canceled')),
  -- the stock worker's part of a move: requested by the API, then done or failed (with the reason)
  pending_step     text CHECK (pending_step IN ('dispatch', 'complete')),
  failure_reason   text,
  created_by       bigint NOT NULL REFERENCES auth.users (id),
  request_id       text,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  dispatched_at    timestamptz,
  arrived_at       timestamptz,
  completed_at     timestamptz,
  CHECK (from_location_id <> to_location_id)
);
CREATE INDEX transfers_from ON inventory.transfers (from_location_id, id DESC);
CREATE INDEX transfers_to ON inventory.transfers (to_location_id, id DESC);

CREATE TABLE inventory.transfer_lines (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_id       bigint NOT NULL REFERENCES inventory.transfers (id) ON DELETE CASCADE,
  line_no           integer NOT NULL CHECK (line_no BETWEEN 1 AND 200),
  product_id        bigint NOT NULL REFERENCES catalog.products (id),
  lot_id            bigint REFERENCES inventory.lots (id),       -- a lot asked for, else first expiry first out
  quantity          numeric(14,3) NOT NULL CHECK (quantity > 0),
  received_quantity numeric(14,3) CHECK (received_quantity >= 0),
  UNIQUE (transfer_id, line_no)
);

-- The lots a line was actually taken from at dispatch; received goods go back into them.
CREATE TABLE inventory.transfer_picks (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_line_id bigint NOT NULL REFERENCES inventory.transfer_lines (id) ON DELETE CASCADE,
  lot_id           bigint REFERENCES inventory.lots (id),
  quantity         numeric(14,3) NOT NULL CHECK (quantity > 0)
);
CREATE INDEX transfer_picks_line ON inventory.transfer_picks (transfer_line_id);

-- What arrived less what was sent, per line, when it is not zero.
CREATE TABLE inventory.transfer_discrepancies (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_line_id bigint NOT NULL REFERENCES inventory.transfer_lines (id) ON DELETE CASCADE,
  quantity         numeric(14,3) NOT NULL CHECK (quantity <> 0),
  movement_id      bigint NOT NULL REFERENCES inventory.movements (id),
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Alerts for people (DESIGN §3 reporting.alerts): raised by the workers, acknowledged by users.
CREATE TABLE reporting.alerts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL CHECK (kind ~ '^[a-z_]+(\.[a-z_]+)*$'),
  severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  location_id bigint REFERENCES inventory.locations (id),
  message     text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  acked_at    timestamptz,
  acked_by    bigint REFERENCES auth.users (id)
);
CREATE INDEX alerts_open ON reporting.alerts (location_id, id DESC) WHERE acked_at IS NULL;
