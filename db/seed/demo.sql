-- The demo set (DESIGN §5): a factory → CFA → stockist → retail chain, a supplier, finished goods
-- and raw materials, lots with expiry dates, opening stock booked as receipt movements (so the
-- ledger balances from the start) and reorder rules. Idempotent: running it again adds nothing.
INSERT INTO inventory.locations (code, name, kind)
VALUES ('FACTORY-01', 'Pune Factory', 'factory') ON CONFLICT (code) DO NOTHING;
INSERT INTO inventory.locations (code, name, kind, upstream_location_id)
SELECT 'CFA-WEST', 'West CFA Warehouse', 'cfa', id FROM inventory.locations WHERE code = 'FACTORY-01'
ON CONFLICT (code) DO NOTHING;
INSERT INTO inventory.locations (code, name, kind, upstream_location_id)
SELECT 'STK-MUMBAI', 'Mumbai Stockist', 'stockist', id FROM inventory.locations WHERE code = 'CFA-WEST'
ON CONFLICT (code) DO NOTHING;
INSERT INTO inventory.locations (code, name, kind, upstream_location_id)
SELECT 'RET-ANDHERI', 'Andheri Retail Store', 'retail', id FROM inventory.locations WHERE code = 'STK-MUMBAI'
ON CONFLICT (code) DO NOTHING;

INSERT INTO procurement.suppliers (name, email, phone, payment_terms)
SELECT 'Deccan Chemicals', 'orders@deccan-chemicals.example.com', '+91 20 5555 0101', 'net 30'
WHERE NOT EXISTS (SELECT 1 FROM procurement.suppliers WHERE name = 'Deccan Chemicals');

INSERT INTO catalog.products (sku, name, kind, category, unit_of_measure, price, cost, gtin, supplier_id)
SELECT v.sku, v.name, v.kind, v.category, v.uom, v.price, v.cost, v.gtin,
       CASE WHEN v.kind = 'raw_material' THEN (SELECT id FROM procurement.suppliers WHERE name = 'Deccan Chemicals') END
FROM (VALUES
  ('FG-SOAP-100', 'Neem Soap 100 g', 'finished_good', 'personal care', 'pcs', 45.00, 18.00, '8901000000019'),
  ('FG-SHAMPOO-200', 'Herbal Shampoo 200 ml', 'finished_good', 'personal care', 'pcs', 120.00, 52.00, '8901000000026'),
  ('FG-CREAM-50', 'Aloe Cream 50 g', 'finished_good', 'personal care', 'pcs', 85.00, 31.50, '8901000000033'),
  ('RM-NEEM-OIL', 'Neem Oil', 'raw_material', 'oils', 'kg', 0.00, 240.00, NULL),
  ('RM-GLYCERIN', 'Glycerin', 'raw_material', 'chemicals', 'kg', 0.00, 95.00, NULL),
  ('RM-WRAPPER', 'Printed Soap Wrapper', 'raw_material', 'packaging', 'pcs', 0.00, 0.80, NULL)
) AS v(sku, name, kind, category, uom, price, cost, gtin)
ON CONFLICT (sku) DO NOTHING;

INSERT INTO inventory.lots (product_id, lot_code, manufactured_on, expires_on)
SELECT p.id, v.lot_code, v.made::date, v.expires::date
FROM (VALUES
  ('FG-SOAP-100', 'SOAP-2610A', '2026-10-05', '2028-10-04'),
  ('FG-SOAP-100', 'SOAP-2611A', '2026-11-02', '2028-11-01'),
  ('FG-SHAMPOO-200', 'SHMP-2609A', '2026-09-12', '2027-09-11'),
  ('FG-CREAM-50', 'CRM-2608A', '2026-08-20', '2027-02-19')
) AS v(sku, lot_code, made, expires)
JOIN catalog.products p ON p.sku = v.sku
ON CONFLICT (product_id, lot_code) DO NOTHING;

WITH opening(sku, location_code, lot_code, quantity) AS (VALUES
  ('FG-SOAP-100', 'FACTORY-01', 'SOAP-2611A', 600),
  ('FG-SOAP-100', 'CFA-WEST', 'SOAP-2610A', 240),
  ('FG-SOAP-100', 'STK-MUMBAI', 'SOAP-2610A', 96),
  ('FG-SOAP-100', 'RET-ANDHERI', 'SOAP-2610A', 24),
  ('FG-SHAMPOO-200', 'FACTORY-01', 'SHMP-2609A', 300),
  ('FG-SHAMPOO-200', 'CFA-WEST', 'SHMP-2609A', 120),
  ('FG-SHAMPOO-200', 'RET-ANDHERI', 'SHMP-2609A', 12),
  ('FG-CREAM-50', 'FACTORY-01', 'CRM-2608A', 150),
  ('FG-CREAM-50', 'STK-MUMBAI', 'CRM-2608A', 40),
  ('RM-NEEM-OIL', 'FACTORY-01', NULL, 250),
  ('RM-GLYCERIN', 'FACTORY-01', NULL, 400),
  ('RM-WRAPPER', 'FACTORY-01', NULL, 5000)
), resolved AS (
  SELECT p.id AS product_id, l.id AS location_id, lt.id AS lot_id, o.quantity::numeric AS quantity
  FROM opening o
  JOIN catalog.products p ON p.sku = o.sku
  JOIN inventory.locations l ON l.code = o.location_code
  LEFT JOIN inventory.lots lt ON lt.product_id = p.id AND lt.lot_code = o.lot_code
  WHERE NOT EXISTS (SELECT 1 FROM inventory.stock s
                    WHERE s.product_id = p.id AND s.location_id = l.id AND coalesce(s.lot_id, 0) = coalesce(lt.id, 0))
), booked AS (
  INSERT INTO inventory.movements (product_id, location_id, lot_id, quantity, reason, reference)
  SELECT product_id, location_id, lot_id, quantity, 'receipt', 'demo-opening-balance' FROM resolved
)
INSERT INTO inventory.stock (product_id, location_id, lot_id, on_hand)
SELECT product_id, location_id, lot_id, quantity FROM resolved;

INSERT INTO inventory.reorder_rules (product_id, location_id, min_quantity, max_quantity)
SELECT p.id, l.id, v.min_q, v.max_q
FROM (VALUES
  ('FG-SOAP-100', 'RET-ANDHERI', 10, 60),
  ('FG-SHAMPOO-200', 'RET-ANDHERI', 6, 30),
  ('FG-SOAP-100', 'STK-MUMBAI', 40, 200),
  ('RM-NEEM-OIL', 'FACTORY-01', 100, 600)
) AS v(sku, location_code, min_q, max_q)
JOIN catalog.products p ON p.sku = v.sku
JOIN inventory.locations l ON l.code = v.location_code
ON CONFLICT (product_id, location_id) DO NOTHING;
