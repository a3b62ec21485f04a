-- The message backbone (DESIGN §4) and stock adjustments (the first command the stock worker runs).

-- Transactional outbox: written in the same transaction as the state it announces; the relay in
-- ims-api publishes unpublished rows in seq order and marks them.
CREATE TABLE messaging.outbox (
  id             uuid PRIMARY KEY,                 -- event id, published as message_id
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  type           text NOT NULL CHECK (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
  envelope       jsonb NOT NULL,                   -- {id, type, version, occurred_at, correlation_id, actor_id, data}
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz
);
CREATE INDEX outbox_unpublished ON messaging.outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON messaging.outbox (published_at) WHERE published_at IS NOT NULL;

-- Idempotent consumers: one row per (consumer, message) written with the message's effects.
CREATE TABLE messaging.inbox (
  consumer      text NOT NULL,
  message_id    text NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);

-- Idempotency-Key on POST: the first response is kept for 24 h and replayed for the same body.
CREATE TABLE messaging.idempotency_keys (
  actor_id      bigint NOT NULL,
  key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  method        text NOT NULL,
  path          text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,                           -- NULL while the first request is in flight
  content_type  text,
  headers       jsonb,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor_id, key)
);
CREATE INDEX idempotency_keys_created ON messaging.idempotency_keys (created_at);

CREATE TABLE inventory.adjustments (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id       bigint NOT NULL REFERENCES catalog.products (id),
  location_id      bigint NOT NULL REFERENCES inventory.locations (id),
  lot_code         text CHECK (length(lot_code) BETWEEN 1 AND 64),
  expires_on       date,
  quantity_delta   numeric(14,3) NOT NULL CHECK (quantity_delta <> 0),
  reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected')),
  rejection_reason text,
  requested_by     bigint REFERENCES auth.users (id),
  movement_id      bigint REFERENCES inventory.movements (id),
  request_id       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  decided_at       timestamptz,
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK (status <> 'applied' OR movement_id IS NOT NULL),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
CREATE INDEX adjustments_location ON inventory.adjustments (location_id, id DESC);

-- stock.low is announced once per fall to or below min; low_since is cleared when stock recovers.
ALTER TABLE inventory.reorder_rules ADD COLUMN low_since timestamptz;

CREATE TABLE catalog.bom_lines (
  product_id         bigint NOT NULL REFERENCES catalog.products (id) ON DELETE CASCADE,
  material_id        bigint NOT NULL REFERENCES catalog.products (id),
  quantity_per_unit  numeric(14,4) NOT NULL CHECK (quantity_per_unit > 0),
  PRIMARY KEY (product_id, material_id),
  CHECK (product_id <> material_id)
);

CREATE INDEX lots_expiry ON inventory.lots (expires_on) WHERE expires_on IS NOT NULL;
CREATE INDEX movements_location_at ON inventory.movements (location_id, id DESC);
CREATE INDEX movements_product ON inventory.movements (product_id, id DESC);
