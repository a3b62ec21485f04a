-- Production batches (DESIGN §3): the factory turns materials into a finished lot. The API moves
-- a batch through planned → in_progress → completed | qc_failed (planned → canceled); completing
-- is carried out by the stock worker, which consumes the bill of materials and books the output
-- lot in one transaction, or records why it could not.
CREATE SEQUENCE production.batch_number;

CREATE TABLE production.batches (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number            text NOT NULL UNIQUE DEFAULT 'PB-' || lpad(nextval('production.batch_number')::text, 6, '0'),
  product_id        bigint NOT NULL REFERENCES catalog.products (id),
  location_id       bigint NOT NULL REFERENCES inventory.locations (id),
  planned_quantity  numeric(14,3) NOT NULL CHECK (planned_quantity > 0),
  produced_quantity numeric(14,3) CHECK (produced_quantity > 0),
  status            text NOT NULL DEFAULT 'planned'
                      CHECK (status IN ('planned', 'in_progress', 'completed', 'qc_failed', 'canceled')),
  -- the worker's part of completing: requested by the API, then done (status completed) or failed
  completion        text CHECK (completion IN ('requested', 'failed')),
  failure_reason    text,
  lot_code          text CHECK (length(lot_code) BETWEEN 1 AND 64),
  expires_on        date,
  lot_id            bigint REFERENCES inventory.lots (id),
  cost_per_unit     numeric(14,2) CHECK (cost_per_unit >= 0),
  qc_reason         text,
  created_by        bigint NOT NULL REFERENCES auth.users (id),
  request_id        text,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  completed_at      timestamptz,
  CHECK (status <> 'completed' OR (produced_quantity IS NOT NULL AND lot_id IS NOT NULL AND cost_per_unit IS NOT NULL)),
  CHECK (status <> 'qc_failed' OR qc_reason IS NOT NULL),
  CHECK (completion IS NULL OR lot_code IS NOT NULL)
);
CREATE INDEX batches_location ON production.batches (location_id, id DESC);
CREATE INDEX batches_status ON production.batches (status) WHERE status IN ('planned', 'in_progress');
