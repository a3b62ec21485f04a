#include "ims/infra/order_store.hpp"

#include "ims/infra/order_statements.hpp"
#include "ims/infra/pg.hpp"

namespace ims::infra {

// Everything an order names, in one round trip: its products, locations and supplier.
const char* const order_lookup_sql =
    "SELECT 'p', id, is_active, (price * 100)::bigint, (cost * 100)::bigint, kind, NULL::bigint, sku"
    " FROM catalog.products WHERE id = ANY($1::bigint[])"
    " UNION ALL SELECT 'l', id, is_active, NULL, NULL, kind, upstream_location_id, NULL"
    " FROM inventory.locations WHERE id = ANY($2::bigint[])"
    " UNION ALL SELECT 's', id, is_active, NULL, NULL, NULL, NULL, NULL FROM procurement.suppliers WHERE id "
    "= $3";

// The order row, its lines, its first history entry and its order.created event: one statement.
const char* const order_insert_sql =
    "WITH l AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(line_no int, product_id bigint, quantity "
    "numeric,"
    "           unit_price numeric, lot_code text, expires_on date)),"
    " o AS (INSERT INTO sales.orders (number, kind, seller_location_id, buyer_location_id, supplier_id, "
    "customer, total,"
    "           created_by, request_id, customer_id)"
    "       SELECT sales.next_order_number($2), $2, $3, $4, $5, $6,"
    "              (SELECT sum(round(quantity * unit_price, 2)) FROM l), $7, $8, $11"
    "       RETURNING id, number, total, created_at),"
    " ins AS (INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, lot_code, "
    "expires_on)"
    "       SELECT o.id, l.line_no, l.product_id, l.quantity, l.unit_price, l.lot_code, l.expires_on FROM o, "
    "l"
    "       RETURNING id, line_no, product_id, quantity, unit_price, amount, lot_code, expires_on),"
    " hist AS (INSERT INTO sales.order_events (order_id, to_status, actor_id, request_id) SELECT id, "
    "'pending', $7, $8 FROM o),"
    " ev AS (INSERT INTO messaging.outbox (id, type, envelope)"
    "       SELECT $9::uuid, 'order.created', jsonb_set(jsonb_set($10::jsonb, '{data,order_id}', "
    "to_jsonb(o.id)),"
    "                                                   '{data,number}', to_jsonb(o.number)) FROM o "
    "RETURNING 1)"
    " SELECT o.id, o.number, o.total::text,"
    "        to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    "        (SELECT json_agg(json_build_object('id', id, 'line_no', line_no, 'product_id', product_id,"
    "                'quantity', quantity, 'unit_price', unit_price::text, 'amount', amount::text, "
    "'lot_code', lot_code,"
    "                'expires_on', expires_on, 'rejection_reason', NULL, 'allocations', '[]'::json) ORDER BY "
    "line_no)"
    "         FROM ins)::text,"
    "        (SELECT pg_notify('ims_outbox', '') FROM ev)"
    " FROM o";

namespace {

std::string order_columns() {
  return "o.id, o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.supplier_id,"
         " coalesce(o.customer, (SELECT c.name FROM sales.customers c WHERE c.id = o.customer_id)),"
         " o.total::text, o.rejection_reason, o.created_by, o.version, " +
         utc_text("o.created_at") + ", " + utc_text("o.updated_at") +
         ", (SELECT count(*) FROM sales.order_lines x WHERE x.order_id = o.id), o.customer_id";
}

OrderRecord read_order(const pqxx::row& r) {
  OrderRecord o;
  o.id = r[0].as<std::int64_t>();
  o.number = r[1].as<std::string>();
  o.kind = r[2].as<std::string>();
  o.status = r[3].as<std::string>();
  o.seller_location_id = nullable<std::int64_t>(r[4]);
  o.buyer_location_id = nullable<std::int64_t>(r[5]);
  o.supplier_id = nullable<std::int64_t>(r[6]);
  o.customer = nullable<std::string>(r[7]);
  o.total = r[8].as<std::string>();
  o.rejection_reason = nullable<std::string>(r[9]);
  o.created_by = nullable<std::int64_t>(r[10]);
  o.version = r[11].as<int>();
  o.created_at = r[12].as<std::string>();
  o.updated_at = r[13].as<std::string>();
  o.line_count = r[14].as<std::int64_t>();
  o.customer_id = nullable<std::int64_t>(r[15]);
  return o;
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

const char* const period_bounds =
    "WITH bounds AS (SELECT coalesce(nullif($1, '')::date, current_date - 29) AS f,"
    "                       coalesce(nullif($2, '')::date, current_date) AS t)";

}  // namespace

PreparedStatements PgOrderStore::statements() {
  const auto select = "SELECT " + order_columns() + " FROM sales.orders o";
  return {
      {"order_lookup", order_lookup_sql},
      {"order_insert", order_insert_sql},
      {"order_location", "SELECT kind, is_active FROM inventory.locations WHERE id = $1"},
      {"order_find", select + " WHERE o.id = $1"},
      {"order_find_locked", select + " WHERE o.id = $1 FOR UPDATE"},
      {"order_page",
       select + " WHERE ($1::bigint IS NULL OR o.id < $1) AND ($2::text IS NULL OR o.kind = $2)"
                " AND ($3::text IS NULL OR o.status = $3)"
                "   AND ($4::bigint IS NULL OR o.seller_location_id = $4 OR o.buyer_location_id = $4)"
                "   AND ($5::bigint IS NULL OR o.seller_location_id = $5 OR o.buyer_location_id = $5)"
                "   AND ($7::text IS NULL OR o.number = upper($7))"
                "   AND ($8::bigint IS NULL OR o.customer_id = $8)"
                " ORDER BY o.id DESC LIMIT $6"},
      {"order_lines_shown",
       "SELECT l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.unit_price::text, l.amount::text, "
       "l.lot_code,"
       "       l.expires_on::text, l.rejection_reason,"
       "       coalesce((SELECT json_agg(json_build_object('lot_id', r.lot_id, 'lot_code', lt.lot_code,"
       "                  'expires_on', lt.expires_on, 'quantity', r.quantity, 'state', r.state) ORDER BY "
       "r.id)"
       "                 FROM inventory.reservations r LEFT JOIN inventory.lots lt ON lt.id = r.lot_id"
       "                 WHERE r.order_line_id = l.id), '[]')::text"
       " FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id WHERE l.order_id = $1"
       " ORDER BY l.line_no"},
      {"order_history", "SELECT from_status, to_status, actor_id, note, request_id, " + utc_text("at") +
                            " FROM sales.order_events WHERE order_id = $1 ORDER BY id"},
      {"order_move",
       "WITH o AS (UPDATE sales.orders SET status = $2, version = version + 1, updated_at = now(),"
       " shipped_at = CASE WHEN $2 = 'shipped' THEN now() ELSE shipped_at END,"
       " closed_at = CASE WHEN $2 IN ('delivered', 'received', 'canceled') THEN now() ELSE closed_at END"
       " WHERE id = $1 RETURNING id)"
       " INSERT INTO sales.order_events (order_id, from_status, to_status, actor_id, note, request_id)"
       " SELECT id, $3, $2, $4, $5, $6 FROM o"},
      {"order_stats",
       std::string(period_bounds) +
           " SELECT date_trunc($3, (o.created_at AT TIME ZONE 'UTC'))::date::text, o.kind, o.status, "
           "count(*),"
           "        sum(o.total)::text"
           " FROM sales.orders o, bounds b"
           " WHERE (o.created_at AT TIME ZONE 'UTC')::date BETWEEN b.f AND b.t"
           "   AND ($4::bigint IS NULL OR o.seller_location_id = $4 OR o.buyer_location_id = $4)"
           " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"},
      {"order_daily_sales",
       std::string(period_bounds) +
           " SELECT (o.created_at AT TIME ZONE 'UTC')::date::text, o.seller_location_id, count(DISTINCT "
           "o.id),"
           "        sum(l.quantity)::text, sum(l.amount)::text"
           " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id, bounds b"
           " WHERE o.kind = 'sale' AND o.status IN ('confirmed', 'processing', 'shipped', 'delivered')"
           "   AND (o.created_at AT TIME ZONE 'UTC')::date BETWEEN b.f AND b.t"
           "   AND ($3::bigint IS NULL OR o.seller_location_id = $3)"
           " GROUP BY 1, 2 ORDER BY 1, 2"},
  };
}

OrderNames PgOrderStore::look_up(const std::vector<std::int64_t>& product_ids,
                                 const std::vector<std::int64_t>& location_ids,
                                 std::optional<std::int64_t> supplier_id) {
  OrderNames names;
  for (const auto& r : unit_.txn().exec_prepared("order_lookup", id_array(product_ids),
                                                 id_array(location_ids), supplier_id)) {
    const auto what = r[0].as<std::string>();
    const auto id = r[1].as<std::int64_t>();
    if (what == "p") {
      names.products[id] = {r[2].as<bool>(), r[5].as<std::string>() == "finished_good",
                            r[7].as<std::string>(), r[3].as<std::int64_t>(), r[4].as<std::int64_t>()};
    } else if (what == "l") {
      names.locations[id] = domain::OrderLocation{id, *domain::parse_location_kind(r[5].as<std::string>()),
                                                  nullable<std::int64_t>(r[6]), r[2].as<bool>()};
    } else {
      names.supplier_active = r[2].as<bool>();
    }
  }
  return names;
}

std::optional<domain::OrderLocation> PgOrderStore::location(std::int64_t id) {
  auto rows = unit_.txn().exec_prepared("order_location", id);
  if (rows.empty()) return std::nullopt;
  return domain::OrderLocation{id, *domain::parse_location_kind(rows[0][0].as<std::string>()), std::nullopt,
                               rows[0][1].as<bool>()};
}

PlacedOrder PgOrderStore::insert(const NewOrder& o) {
  auto row = unit_.txn().exec_prepared1("order_insert", o.lines_json, o.kind, o.seller_id, o.buyer_id,
                                        o.supplier_id, o.customer, o.actor_id, o.request_id, o.event_id,
                                        o.event_envelope, o.customer_id);
  return {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
          row[3].as<std::string>(), row[4].as<std::string>()};
}

std::optional<OrderRecord> PgOrderStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "order_find_locked" : "order_find", id);
  if (rows.empty()) return std::nullopt;
  return read_order(rows[0]);
}

std::vector<OrderRecord> PgOrderStore::page(const OrderFilter& f) {
  std::vector<OrderRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("order_page", f.after_id, f.kind, f.status, f.scope,
                                                 f.location, f.limit + 1, f.number, f.customer_id)) {
    out.push_back(read_order(r));
  }
  return out;
}

std::vector<OrderLineRecord> PgOrderStore::lines(std::int64_t order_id) {
  std::vector<OrderLineRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("order_lines_shown", order_id)) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<int>(), r[2].as<std::int64_t>(), r[3].as<std::string>(),
                   r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::string>(),
                   nullable<std::string>(r[7]), nullable<std::string>(r[8]), nullable<std::string>(r[9]),
                   r[10].as<std::string>()});
  }
  return out;
}

std::vector<OrderEventRecord> PgOrderStore::history(std::int64_t order_id) {
  std::vector<OrderEventRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("order_history", order_id)) {
    out.push_back({nullable<std::string>(r[0]), r[1].as<std::string>(), nullable<std::int64_t>(r[2]),
                   nullable<std::string>(r[3]), nullable<std::string>(r[4]), r[5].as<std::string>()});
  }
  return out;
}

void PgOrderStore::move(const OrderMove& m) {
  unit_.txn().exec_prepared("order_move", m.id, m.to, m.from, m.actor_id, m.note, m.request_id);
}

std::vector<OrderStatsRow> PgOrderStore::stats(const OrderPeriod& period, const std::string& unit,
                                               std::optional<std::int64_t> scope) {
  std::vector<OrderStatsRow> out;
  for (const auto& r : unit_.txn().exec_prepared("order_stats", period.from, period.to, unit, scope)) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::int64_t>(), r[4].as<std::string>()});
  }
  return out;
}

std::vector<DailySalesRow> PgOrderStore::daily_sales(const OrderPeriod& period,
                                                     std::optional<std::int64_t> location) {
  std::vector<DailySalesRow> out;
  for (const auto& r : unit_.txn().exec_prepared("order_daily_sales", period.from, period.to, location)) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                   r[3].as<std::string>(), r[4].as<std::string>()});
  }
  return out;
}

}  // namespace ims::infra
