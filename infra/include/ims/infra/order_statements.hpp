#pragma once
// The SQL of the order intake path, shared with the benchmark so pgbench runs exactly what the
// API runs (bench/orders_bench.cpp); the order store prepares them.
namespace ims::infra {

// $1 product ids (bigint[] literal), $2 location ids (bigint[] literal), $3 supplier id or NULL.
extern const char* const order_lookup_sql;
// $1 lines (jsonb: [{line_no, product_id, quantity, unit_price, lot_code, expires_on}]), $2 kind,
// $3 seller, $4 buyer, $5 supplier, $6 customer, $7 actor, $8 request id, $9 event id,
// $10 event envelope (jsonb; data.order_id and data.number are filled in), $11 customer id or NULL.
extern const char* const order_insert_sql;

}  // namespace ims::infra
