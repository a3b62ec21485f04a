-- A version per location, bumped by the stock worker in the same transaction as any change of
-- stock there. Cached stock reads are keyed by it, so a commit invalidates them atomically.
CREATE TABLE inventory.stock_versions (
  location_id bigint PRIMARY KEY REFERENCES inventory.locations (id),
  version     bigint NOT NULL DEFAULT 1
);
