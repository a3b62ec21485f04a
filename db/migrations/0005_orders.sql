-- Orders (DESIGN §3): sales to end customers, replenishment from the upstream location, purchases
-- from suppliers; their lines; and reservations — the stock a confirmed order holds, lot by lot,
-- until it ships or is canceled. Only the stock worker writes reservations.

CREATE SEQUENCE sales.sale_order_number;
CREATE SEQUENCE sales.replenishment_order_number;
CREATE SEQUENCE sales.purchase_order_number;

-- SO-000123, RO-…, PO-…: one sequence per kind, so numbers read in order within a kind.
CREATE FUNCTION sales.next_order_number(kind text) RETURNS text LANGUAGE sql AS $$
  SELECT CASE kind
    WHEN 'sale' THEN 'SO-' || lpad(nextval('sales.sale_order_number')::text, 6, '0')
    WHEN 'replenishment' THEN 'RO-' || lpad(nextval('sales.replenishment_order_number')::text, 6, '0')
    WHEN 'purchase' THEN 'PO-' || lpad(nextval('sales.purchase_order_number')::text, 6, '0')
  END
$$;

CREATE TABLE sales.orders (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number             text NOT NULL UNIQUE,
  kind               text NOT NULL CHECK (kind IN ('sale', 'replenishment', 'purchase')),
  status             text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'confirmed', 'rejected', 'processing', 'shipped', 'delivered',
                                         'canceled', 'ordered', 'received')),
  seller_location_id bigint REFERENCES inventory.locations (id),
  buyer_location_id  bigint REFERENCES inventory.locations (id),
  supplier_id        bigint REFERENCES procurement.suppliers (id),
  customer           text CHECK (length(customer) <= 200),
  total              numeric(18,2) NOT NULL CHECK (total >= 0),
  rejection_reason   text,
  created_by         bigint NOT NULL REFERENCES auth.users (id),
  request_id         text,
  version            integer NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  confirmed_at       timestamptz,
  shipped_at         timestamptz,
  closed_at          timestamptz,
  -- who sells and who buys, by kind
  CHECK (kind <> 'sale' OR (seller_location_id IS NOT NULL AND buyer_location_id IS NULL AND supplier_id IS NULL)),
  CHECK (kind <> 'replenishment' OR (seller_location_id IS NOT NULL AND buyer_location_id IS NOT NULL
                                     AND supplier_id IS NULL AND seller_location_id <> buyer_location_id)),
  CHECK (kind <> 'purchase' OR (seller_location_id IS NULL AND buyer_location_id IS NOT NULL AND supplier_id IS NOT NULL)),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
  CHECK (kind = 'purchase' OR status NOT IN ('ordered', 'received')),
  CHECK (kind <> 'purchase' OR status IN ('pending', 'ordered', 'received', 'canceled'))
);
CREATE INDEX orders_seller ON sales.orders (seller_location_id, id DESC);
CREATE INDEX orders_buyer ON sales.orders (buyer_location_id, id DESC);
CREATE INDEX orders_created ON sales.orders (created_at);

CREATE TABLE sales.order_lines (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id         bigint NOT NULL REFERENCES sales.orders (id) ON DELETE CASCADE,
  line_no          integer NOT NULL CHECK (line_no BETWEEN 1 AND 200),
  product_id       bigint NOT NULL REFERENCES catalog.products (id),
  quantity         numeric(14,3) NOT NULL CHECK (quantity > 0),
  unit_price       numeric(14,2) NOT NULL CHECK (unit_price >= 0),
  amount           numeric(18,2) GENERATED ALWAYS AS (round(quantity * unit_price, 2)) STORED,
  -- a purchase may name the lot it will arrive in
  lot_code         text CHECK (length(lot_code) BETWEEN 1 AND 64),
  expires_on       date,
  rejection_reason text,
  UNIQUE (order_id, line_no)
);
CREATE INDEX order_lines_product ON sales.order_lines (product_id);

-- Stock held for an order line, one row per lot it was taken from. state follows the order:
-- reserved (confirmed) → shipped (deducted at the seller) → received (booked at a replenishing
-- buyer); reserved → released (canceled).
CREATE TABLE inventory.reservations (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_line_id  bigint NOT NULL REFERENCES sales.order_lines (id),
  stock_id       bigint NOT NULL REFERENCES inventory.stock (id),
  product_id     bigint NOT NULL REFERENCES catalog.products (id),
  location_id    bigint NOT NULL REFERENCES inventory.locations (id),
  lot_id         bigint REFERENCES inventory.lots (id),
  quantity       numeric(14,3) NOT NULL CHECK (quantity > 0),
  state          text NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'shipped', 'released', 'received')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_line ON inventory.reservations (order_line_id);
CREATE INDEX reservations_stock_open ON inventory.reservations (stock_id) WHERE state = 'reserved';

-- Each order's status history: who moved it, when, and from which request.
CREATE TABLE sales.order_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id    bigint NOT NULL REFERENCES sales.orders (id) ON DELETE CASCADE,
  from_status text,
  to_status   text NOT NULL,
  actor_id    bigint REFERENCES auth.users (id),
  note        text,
  request_id  text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON sales.order_events (order_id, id);
CREATE INDEX movements_reference ON inventory.movements (reference) WHERE reference IS NOT NULL;
-- What dashboards look for: a location's orders still waiting for a decision.
CREATE INDEX orders_pending ON sales.orders (seller_location_id, id) WHERE status = 'pending';
