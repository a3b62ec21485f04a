-- Catalog and the stock ledger's tables. Only the stock worker writes stock and movements
-- (the demo seed is the one exception, booking opening balances as receipts).
CREATE TABLE procurement.suppliers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email         text,
  phone         text,
  payment_terms text,
  is_active     boolean NOT NULL DEFAULT true,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog.products (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku             text NOT NULL UNIQUE CHECK (sku ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind            text NOT NULL CHECK (kind IN ('finished_good', 'raw_material')),
  category        text,
  unit_of_measure text NOT NULL CHECK (length(unit_of_measure) BETWEEN 1 AND 16),
  price           numeric(14,2) NOT NULL CHECK (price >= 0),
  cost            numeric(14,2) NOT NULL CHECK (cost >= 0),
  gtin            text UNIQUE CHECK (gtin ~ '^[0-9]{8}$|^[0-9]{12,14}$'),
  supplier_id     bigint REFERENCES procurement.suppliers (id),
  is_active       boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inventory.lots (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id      bigint NOT NULL REFERENCES catalog.products (id),
  lot_code        text NOT NULL CHECK (length(lot_code) BETWEEN 1 AND 64),
  manufactured_on date,
  expires_on      date,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, lot_code),
  CHECK (expires_on IS NULL OR manufactured_on IS NULL OR expires_on >= manufactured_on)
);

CREATE TABLE inventory.stock (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id  bigint NOT NULL REFERENCES catalog.products (id),
  location_id bigint NOT NULL REFERENCES inventory.locations (id),
  lot_id      bigint REFERENCES inventory.lots (id),
  on_hand     numeric(14,3) NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved    numeric(14,3) NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- one row per (product, location, lot), the lot-less row included
CREATE UNIQUE INDEX stock_key ON inventory.stock (product_id, location_id, coalesce(lot_id, 0));
CREATE INDEX stock_location ON inventory.stock (location_id);

CREATE TABLE inventory.movements (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id  bigint NOT NULL REFERENCES catalog.products (id),
  location_id bigint NOT NULL REFERENCES inventory.locations (id),
  lot_id      bigint REFERENCES inventory.lots (id),
  quantity    numeric(14,3) NOT NULL CHECK (quantity <> 0),
  reason      text NOT NULL CHECK (reason IN ('receipt', 'sale', 'shipment', 'transfer_out', 'transfer_in',
                                              'adjustment', 'production_consume', 'production_output',
                                              'write_off')),
  reference   text,
  actor_id    bigint REFERENCES auth.users (id),
  message_id  text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX movements_key ON inventory.movements (product_id, location_id, lot_id);
CREATE INDEX movements_at ON inventory.movements (at DESC);

-- The ledger is append-only.
CREATE FUNCTION inventory.forbid_movement_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory.movements is append-only';
END $$;
CREATE TRIGGER movements_append_only BEFORE UPDATE OR DELETE ON inventory.movements
  FOR EACH ROW EXECUTE FUNCTION inventory.forbid_movement_change();

CREATE TABLE inventory.reorder_rules (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id  bigint NOT NULL REFERENCES catalog.products (id),
  location_id bigint NOT NULL REFERENCES inventory.locations (id),
  min_quantity numeric(14,3) NOT NULL CHECK (min_quantity >= 0),
  max_quantity numeric(14,3) NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  UNIQUE (product_id, location_id),
  CHECK (max_quantity > min_quantity)
);
