#include "ims/infra/order_ledger.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

using domain::Quantity;

// "{1,2,3}": a bigint[] parameter.
std::string id_array(const std::vector<std::int64_t>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "}";
}

// A text[] (or numeric[]) parameter; NULL for absent values.
std::string text_array(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Quantity quantity(const pqxx::field& f) {
  return *Quantity::parse(f.as<std::string>());
}

// The order's columns as every order statement returns them first: number, kind, status, seller,
// buyer, created_by, current_date.
OrderToSettle read_order(std::int64_t id, const pqxx::row& r) {
  return OrderToSettle{id,
                       r[0].as<std::string>(),
                       *domain::parse_order_kind(r[1].as<std::string>()),
                       *domain::parse_order_status(r[2].as<std::string>()),
                       nullable<std::int64_t>(r[3]),
                       nullable<std::int64_t>(r[4]),
                       nullable<std::int64_t>(r[5]),
                       r[6].as<std::string>()};
}

// A line's columns from column `at` on: id, line_no, product, sku, quantity, lot_code, expires_on.
OrderLineToSettle read_line(const pqxx::row& r, int at) {
  return {r[at].as<std::int64_t>(),        r[at + 1].as<int>(), r[at + 2].as<std::int64_t>(),
          r[at + 3].as<std::string>(),     quantity(r[at + 4]), nullable<std::string>(r[at + 5]),
          nullable<std::string>(r[at + 6])};
}

// A stock row as the stock lock statements return it first: id, lot, expiry, on_hand, reserved.
domain::StockSlot read_slot(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), nullable<std::int64_t>(r[1]), nullable<std::string>(r[2]), quantity(r[3]),
          quantity(r[4])};
}

const std::string order_columns =
    "o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.created_by, current_date::text";
const std::string line_columns =
    "l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text";

// The orders and the stock they reserve from, locked: one order, or a batch.
PreparedStatements lock_statements() {
  return {
      {"ledger_order_lock", "SELECT " + order_columns + " FROM sales.orders o WHERE o.id = $1 FOR UPDATE"},
      {"ledger_order_lock_with_lines",
       "SELECT " + order_columns + ", " + line_columns +
           " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id"
           " JOIN catalog.products p ON p.id = l.product_id WHERE o.id = $1 ORDER BY l.line_no FOR UPDATE OF "
           "o"},
      {"ledger_orders_lock_with_lines",
       "SELECT " + order_columns + ", " + line_columns +
           ", o.id FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id"
           " JOIN catalog.products p ON p.id = l.product_id WHERE o.id = ANY($1::bigint[])"
           " ORDER BY o.id, l.line_no FOR UPDATE OF o"},
      {"ledger_order_lines",
       "SELECT " + line_columns +
           " FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id WHERE l.order_id = $1"
           " ORDER BY l.line_no"},
      // Every stock row of the order's products at the seller, locked in (product, row) order so
      // two workers never deadlock.
      {"ledger_seller_stock_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text, s.product_id"
       " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " WHERE s.location_id = $1 AND s.product_id = ANY($2::bigint[]) ORDER BY s.product_id, s.id"
       " FOR UPDATE OF s"},
      {"ledger_stock_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text, s.product_id,"
       " s.location_id FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " JOIN unnest($1::bigint[], $2::bigint[]) AS k(location_id, product_id)"
       "   ON s.location_id = k.location_id AND s.product_id = k.product_id"
       " ORDER BY s.location_id, s.product_id, s.id FOR UPDATE OF s"},
  };
}

// The decisions on pending orders.
PreparedStatements decision_statements() {
  return {
      {"ledger_reservations_make",
       "WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],"
       "   $6::numeric[]) AS t(line_id, stock_id, product_id, location_id, lot_id, quantity)),"
       " r AS (INSERT INTO inventory.reservations (order_line_id, stock_id, product_id, location_id, lot_id,"
       "   quantity) SELECT line_id, stock_id, product_id, location_id, lot_id, quantity FROM t RETURNING 1),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved + x.quantity, updated_at = now()"
       "   FROM (SELECT stock_id, sum(quantity) AS quantity FROM t GROUP BY stock_id) x WHERE s.id = "
       "x.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT DISTINCT location_id FROM t"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"ledger_order_lines_reject",
       "UPDATE sales.order_lines l SET rejection_reason = x.reason FROM unnest($1::bigint[], $2::text[])"
       " AS x(id, reason) WHERE l.id = x.id"},
      // Decisions in the given order, so their events keep that order in the outbox.
      {"ledger_orders_decide",
       "WITH d AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],"
       "   $6::uuid[], $7::text[], $8::text[]) WITH ORDINALITY"
       "   AS d(id, status, reason, from_status, request_id, event_id, type, envelope, n)),"
       " o AS (UPDATE sales.orders o SET status = d.status, rejection_reason = d.reason, version = o.version "
       "+ 1,"
       "   updated_at = now(),"
       "   confirmed_at = CASE WHEN d.status = 'confirmed' THEN clock_timestamp() ELSE o.confirmed_at END,"
       "   closed_at = CASE WHEN d.status = 'rejected' THEN clock_timestamp() ELSE o.closed_at END"
       "   FROM d WHERE o.id = d.id RETURNING o.id),"
       " h AS (INSERT INTO sales.order_events (order_id, from_status, to_status, note, request_id)"
       "   SELECT id, from_status, status, reason, request_id FROM d ORDER BY n),"
       " e AS (INSERT INTO messaging.outbox (id, type, envelope) SELECT event_id, type, envelope::jsonb FROM "
       "d"
       "   ORDER BY n RETURNING 1)"
       " SELECT (SELECT count(*) FROM o), (SELECT count(*) FROM e), pg_notify('ims_outbox', '')"},
  };
}

// Shipping, releasing and receiving what an order reserved.
PreparedStatements lifecycle_statements() {
  return {
      {"ledger_reservations_lock",
       "SELECT r.id, r.stock_id, r.product_id, r.lot_id, r.quantity::text FROM inventory.reservations r"
       " JOIN sales.order_lines l ON l.id = r.order_line_id WHERE l.order_id = $1 AND r.state = $2"
       " ORDER BY r.stock_id FOR UPDATE OF r"},
      {"ledger_reservation_release",
       "WITH r AS (UPDATE inventory.reservations SET state = 'released', updated_at = now()"
       "   WHERE id = $1 AND state = 'reserved'"
       "   RETURNING stock_id, location_id, quantity),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved - r.quantity, updated_at = now() FROM r"
       "   WHERE s.id = r.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT location_id FROM r"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"ledger_reservation_ship",
       "WITH r AS (UPDATE inventory.reservations SET state = 'shipped', updated_at = now()"
       "   WHERE id = $1 AND state = 'reserved'"
       "   RETURNING stock_id, quantity)"
       " UPDATE inventory.stock s SET reserved = s.reserved - r.quantity FROM r WHERE s.id = r.stock_id"},
      {"ledger_reservation_receive",
       "UPDATE inventory.reservations SET state = 'received', updated_at = now() WHERE id = $1 AND state = "
       "'shipped'"},
  };
}

}  // namespace

PreparedStatements PgOrderLedger::statements() {
  PreparedStatements out;
  for (auto group : {lock_statements(), decision_statements(), lifecycle_statements()}) {
    out.insert(out.end(), std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
  }
  return out;
}

std::optional<OrderToSettle> PgOrderLedger::lock(std::int64_t order_id) {
  auto rows = unit_.txn().exec_prepared("ledger_order_lock", order_id);
  if (rows.empty()) return std::nullopt;
  return read_order(order_id, rows[0]);
}

std::optional<OrderWithLines> PgOrderLedger::lock_with_lines(std::int64_t order_id) {
  auto rows = unit_.txn().exec_prepared("ledger_order_lock_with_lines", order_id);
  if (rows.empty()) return std::nullopt;
  OrderWithLines out{read_order(order_id, rows[0]), {}};
  for (const auto& r : rows) out.lines.push_back(read_line(r, 7));
  return out;
}

std::map<std::int64_t, OrderWithLines> PgOrderLedger::lock_with_lines(
    const std::vector<std::int64_t>& order_ids) {
  std::map<std::int64_t, OrderWithLines> orders;
  for (const auto& r : unit_.txn().exec_prepared("ledger_orders_lock_with_lines", id_array(order_ids))) {
    const auto id = r[14].as<std::int64_t>();
    auto [it, fresh] = orders.try_emplace(id);
    if (fresh) it->second.order = read_order(id, r);
    it->second.lines.push_back(read_line(r, 7));
  }
  return orders;
}

std::vector<OrderLineToSettle> PgOrderLedger::lines(std::int64_t order_id) {
  std::vector<OrderLineToSettle> out;
  for (const auto& r : unit_.txn().exec_prepared("ledger_order_lines", order_id))
    out.push_back(read_line(r, 0));
  return out;
}

domain::SellerStock PgOrderLedger::lock_seller_stock(std::int64_t seller_id,
                                                     const std::vector<std::int64_t>& product_ids) {
  domain::SellerStock stock;
  for (const auto& r :
       unit_.txn().exec_prepared("ledger_seller_stock_lock", seller_id, id_array(product_ids)))
    stock[r[5].as<std::int64_t>()].push_back(read_slot(r));
  return stock;
}

std::map<std::int64_t, domain::SellerStock> PgOrderLedger::lock_stock(
    const std::vector<LocationProduct>& keys) {
  std::vector<std::int64_t> locations, products;
  for (const auto& [location, product] : keys) {
    locations.push_back(location);
    products.push_back(product);
  }
  std::map<std::int64_t, domain::SellerStock> stock;
  for (const auto& r :
       unit_.txn().exec_prepared("ledger_stock_lock", id_array(locations), id_array(products)))
    stock[r[6].as<std::int64_t>()][r[5].as<std::int64_t>()].push_back(read_slot(r));
  return stock;
}

void PgOrderLedger::reserve(const std::vector<NewReservation>& reservations) {
  if (reservations.empty()) return;
  std::vector<std::int64_t> lines, stock, products, locations;
  std::vector<std::optional<std::string>> lots, quantities;
  for (const auto& r : reservations) {
    lines.push_back(r.line_id);
    stock.push_back(r.stock_id);
    products.push_back(r.product_id);
    locations.push_back(r.location_id);
    lots.push_back(r.lot_id ? std::optional(std::to_string(*r.lot_id)) : std::nullopt);
    quantities.emplace_back(r.quantity.to_string());
  }
  unit_.txn().exec_prepared("ledger_reservations_make", id_array(lines), id_array(stock), id_array(products),
                            id_array(locations), text_array(lots), text_array(quantities));
}

void PgOrderLedger::reject_lines(const std::vector<std::pair<std::int64_t, std::string>>& line_reasons) {
  if (line_reasons.empty()) return;
  std::vector<std::int64_t> ids;
  std::vector<std::optional<std::string>> reasons;
  for (const auto& [id, reason] : line_reasons) {
    ids.push_back(id);
    reasons.emplace_back(reason);
  }
  unit_.txn().exec_prepared("ledger_order_lines_reject", id_array(ids), text_array(reasons));
}

void PgOrderLedger::decide(const std::vector<OrderDecision>& decisions) {
  if (decisions.empty()) return;
  std::vector<std::int64_t> ids;
  std::vector<std::optional<std::string>> status, reason, from, request, event, type, envelope;
  for (const auto& d : decisions) {
    ids.push_back(d.order_id);
    status.emplace_back(d.status);
    reason.push_back(d.reason);
    from.emplace_back(d.from_status);
    request.emplace_back(d.request_id);
    event.emplace_back(d.event_id);
    type.emplace_back(d.event_type);
    envelope.emplace_back(d.envelope);
  }
  unit_.txn().exec_prepared("ledger_orders_decide", id_array(ids), text_array(status), text_array(reason),
                            text_array(from), text_array(request), text_array(event), text_array(type),
                            text_array(envelope));
}

std::vector<HeldReservation> PgOrderLedger::lock_reservations(std::int64_t order_id,
                                                              const std::string& state) {
  std::vector<HeldReservation> held;
  for (const auto& r : unit_.txn().exec_prepared("ledger_reservations_lock", order_id, state)) {
    held.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                    nullable<std::int64_t>(r[3]), quantity(r[4])});
  }
  return held;
}

void PgOrderLedger::release(std::int64_t reservation_id) {
  unit_.txn().exec_prepared("ledger_reservation_release", reservation_id);
}

void PgOrderLedger::ship(std::int64_t reservation_id) {
  unit_.txn().exec_prepared("ledger_reservation_ship", reservation_id);
}

void PgOrderLedger::mark_received(std::int64_t reservation_id) {
  unit_.txn().exec_prepared("ledger_reservation_receive", reservation_id);
}

}  // namespace ims::infra
