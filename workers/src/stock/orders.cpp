// order.created and order.status_changed: the stock side of an order's lifecycle (DESIGN §3).
//  - pending: reserve every line at the seller, first-expiry-first-out, never an expired lot; all
//    lines or none. Confirmed with the reservations, or rejected with a reason per line.
//  - shipped (and delivered): reservations become deductions at the seller (sale / shipment).
//  - canceled: reservations are released.
//  - delivered replenishment: what was shipped is received at the buyer, in the same lots.
//  - received purchase: a receipt at the buyer, in the lot the line names.
// Each handler brings the stock in line with the order's current status, whatever message woke
// it, so a redelivered or reordered message never does anything twice or out of order.
#include <algorithm>
#include <map>
#include <set>

#include "ims/domain/order.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::OrderKind;
using domain::OrderStatus;
using domain::Quantity;

struct Order {
  std::int64_t id = 0;
  std::string number;
  OrderKind kind = OrderKind::sale;
  OrderStatus status = OrderStatus::pending;
  std::optional<std::int64_t> seller_id;
  std::optional<std::int64_t> buyer_id;
  std::optional<std::int64_t> created_by;
  std::string today;  // the database's date, for expiry
};

struct Line {
  std::int64_t id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  Quantity quantity;
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
};

std::int64_t order_id_of(const MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("order_id") || !data["order_id"].is_number_integer()) throw MalformedMessage("data.order_id is missing");
  return data["order_id"].get<std::int64_t>();
}

Order lock_order(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_prepared("order_lock", id);
  if (rows.empty()) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  const auto& r = rows[0];
  return Order{id,
               r[0].as<std::string>(),
               *domain::parse_order_kind(r[1].as<std::string>()),
               *domain::parse_order_status(r[2].as<std::string>()),
               infra::nullable<std::int64_t>(r[3]),
               infra::nullable<std::int64_t>(r[4]),
               infra::nullable<std::int64_t>(r[5]),
               r[6].as<std::string>()};
}

// The order, locked, with its lines: one round trip.
Order lock_order_with_lines(pqxx::work& txn, std::int64_t id, std::vector<Line>& lines) {
  auto rows = txn.exec_prepared("order_lock_with_lines", id);
  if (rows.empty()) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  for (const auto& r : rows) {
    lines.push_back({r[7].as<std::int64_t>(), r[8].as<int>(), r[9].as<std::int64_t>(), r[10].as<std::string>(),
                     *Quantity::parse(r[11].as<std::string>()), infra::nullable<std::string>(r[12]),
                     infra::nullable<std::string>(r[13])});
  }
  const auto& r = rows[0];
  return Order{id,
               r[0].as<std::string>(),
               *domain::parse_order_kind(r[1].as<std::string>()),
               *domain::parse_order_status(r[2].as<std::string>()),
               infra::nullable<std::int64_t>(r[3]),
               infra::nullable<std::int64_t>(r[4]),
               infra::nullable<std::int64_t>(r[5]),
               r[6].as<std::string>()};
}

std::vector<Line> lines_of(pqxx::work& txn, std::int64_t order_id) {
  std::vector<Line> lines;
  for (const auto& r : txn.exec_prepared("order_lines", order_id)) {
    lines.push_back({r[0].as<std::int64_t>(), r[1].as<int>(), r[2].as<std::int64_t>(), r[3].as<std::string>(),
                     *Quantity::parse(r[4].as<std::string>()), infra::nullable<std::string>(r[5]),
                     infra::nullable<std::string>(r[6])});
  }
  return lines;
}

// The decision, its history entry and its event: one round trip.
void record_status(MessageContext& ctx, const Order& o, const std::string& to, const std::optional<std::string>& reason) {
  const auto event = infra::prepare_event(
      {"order." + to,
       {{"order_id", o.id},
        {"number", o.number},
        {"kind", domain::to_string(o.kind)},
        {"from", domain::to_string(o.status)},
        {"to", to},
        {"seller_location_id", o.seller_id ? nlohmann::json(*o.seller_id) : nlohmann::json(nullptr)},
        {"buyer_location_id", o.buyer_id ? nlohmann::json(*o.buyer_id) : nlohmann::json(nullptr)},
        {"reason", reason ? nlohmann::json(*reason) : nlohmann::json(nullptr)}},
       ctx.event.correlation_id, o.created_by});
  ctx.txn.exec_prepared("order_decide", o.id, to, reason, std::string(domain::to_string(o.status)), ctx.event.correlation_id,
                        event.id, "order." + to, event.envelope.dump());
}

// Every product's stock changed at `location`: stock.changed (and stock.low) once per product.
void announce(MessageContext& ctx, const std::set<std::int64_t>& products, std::int64_t location, const Order& o,
              const std::string& what) {
  for (auto product : products) {
    announce_stock_change(ctx, product, location, o.created_by, {{"order_id", o.id}, {"number", o.number}, {"event", what}});
  }
}

// pending → confirmed with every line reserved, or rejected with each short line's reason.
void reserve(MessageContext& ctx, const Order& o, const std::vector<Line>& lines) {
  const auto seller = *o.seller_id;
  const auto& today_is = o.today;
  // Lock each product's stock once, in product order (so two workers never deadlock), and plan
  // every line against what the lines before it have already taken.
  std::map<std::int64_t, std::vector<domain::StockSlot>> slots;
  std::string product_ids;
  for (const auto& l : lines) {
    if (slots.try_emplace(l.product_id).second) product_ids += (product_ids.empty() ? "" : ",") + std::to_string(l.product_id);
  }
  for (const auto& r : ctx.txn.exec_prepared("order_stock_lock", seller, "{" + product_ids + "}")) {
    slots[r[5].as<std::int64_t>()].push_back({r[0].as<std::int64_t>(), infra::nullable<std::int64_t>(r[1]),
                                              infra::nullable<std::string>(r[2]), *Quantity::parse(r[3].as<std::string>()),
                                              *Quantity::parse(r[4].as<std::string>())});
  }

  std::vector<std::pair<const Line*, std::vector<domain::Take>>> plan;
  std::vector<std::string> reasons;
  for (const auto& l : lines) {
    auto& product_slots = slots[l.product_id];
    auto takes = domain::allocate_fefo(product_slots, l.quantity, today_is, true);
    if (!takes) {
      const auto reason = takes.error().message;
      ctx.txn.exec_prepared("order_line_reject", l.id, reason);
      reasons.push_back("line " + std::to_string(l.line_no) + " (" + l.sku + "): " + reason);
      continue;
    }
    for (const auto& t : *takes) {
      for (auto& s : product_slots) {
        if (s.stock_id == t.stock_id) s.reserved = s.reserved + t.quantity;
      }
    }
    plan.emplace_back(&l, std::move(*takes));
  }
  if (!reasons.empty()) {
    std::string reason;
    for (const auto& r : reasons) reason += (reason.empty() ? "" : "; ") + r;
    record_status(ctx, o, "rejected", reason);
    ctx.log.info("order rejected", {{"order_id", std::to_string(o.id)}, {"number", o.number}, {"reason", reason}});
    return;
  }
  std::set<std::int64_t> products;
  std::string line_ids, stock_ids, product_of, lot_ids, quantities;
  auto add = [](std::string& list, const std::string& v) { list += (list.empty() ? "" : ",") + v; };
  for (const auto& [line, takes] : plan) {
    for (const auto& t : takes) {
      add(line_ids, std::to_string(line->id));
      add(stock_ids, std::to_string(t.stock_id));
      add(product_of, std::to_string(line->product_id));
      add(lot_ids, t.lot_id ? std::to_string(*t.lot_id) : "NULL");
      add(quantities, t.quantity.to_string());
    }
    products.insert(line->product_id);
  }
  ctx.txn.exec_prepared("reservations_make", "{" + line_ids + "}", "{" + stock_ids + "}", "{" + product_of + "}",
                        "{" + lot_ids + "}", "{" + quantities + "}", seller);
  record_status(ctx, o, "confirmed", std::nullopt);
  announce(ctx, products, seller, o, "reserved");
  ctx.log.info("order confirmed", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
}

struct Held {
  std::int64_t id;
  std::int64_t stock_id;
  std::int64_t product_id;
  std::optional<std::int64_t> lot_id;
  Quantity quantity;
};

std::vector<Held> reservations(pqxx::work& txn, std::int64_t order_id, const std::string& state) {
  std::vector<Held> held;
  for (const auto& r : txn.exec_prepared("reservations_lock", order_id, state)) {
    held.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                    infra::nullable<std::int64_t>(r[3]), *Quantity::parse(r[4].as<std::string>())});
  }
  return held;
}

void release(MessageContext& ctx, const Order& o) {
  const auto held = reservations(ctx.txn, o.id, "reserved");
  if (held.empty()) return;
  std::set<std::int64_t> products;
  for (const auto& h : held) {
    ctx.txn.exec_prepared("reservation_release", h.id);
    products.insert(h.product_id);
  }
  announce(ctx, products, *o.seller_id, o, "released");
  ctx.log.info("order reservations released", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
}

void ship(MessageContext& ctx, const Order& o) {
  const auto held = reservations(ctx.txn, o.id, "reserved");
  if (held.empty()) return;
  const std::string reason = o.kind == OrderKind::sale ? "sale" : "shipment";
  std::set<std::int64_t> products;
  for (const auto& h : held) {
    // The reservation leaves first, so on_hand never drops below what is still reserved.
    ctx.txn.exec_prepared("reservation_ship", h.id);
    book_movements(ctx, {{h.stock_id, h.lot_id, -h.quantity}}, h.product_id, *o.seller_id, reason, o.number, o.created_by);
    products.insert(h.product_id);
  }
  announce(ctx, products, *o.seller_id, o, "shipped");
  ctx.log.info("order shipped from stock", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
}

void receive_shipped(MessageContext& ctx, const Order& o) {
  const auto held = reservations(ctx.txn, o.id, "shipped");
  if (held.empty()) return;
  std::set<std::int64_t> products;
  for (const auto& h : held) {
    ctx.txn.exec_prepared("reservation_receive", h.id);
    const auto stock_id = ensure_stock_row(ctx.txn, h.product_id, *o.buyer_id, h.lot_id);
    book_movements(ctx, {{stock_id, h.lot_id, h.quantity}}, h.product_id, *o.buyer_id, "receipt", o.number, o.created_by);
    products.insert(h.product_id);
  }
  announce(ctx, products, *o.buyer_id, o, "received");
  ctx.log.info("replenishment received", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
}

void receive_purchase(MessageContext& ctx, const Order& o) {
  if (!ctx.txn.exec_prepared("order_receipts", o.number, *o.buyer_id).empty()) return;  // booked already
  std::set<std::int64_t> products;
  for (const auto& l : lines_of(ctx.txn, o.id)) {
    std::optional<std::int64_t> lot_id;
    if (l.lot_code) lot_id = ctx.txn.exec_prepared1("lot_upsert", l.product_id, *l.lot_code, l.expires_on)[0].as<std::int64_t>();
    const auto stock_id = ensure_stock_row(ctx.txn, l.product_id, *o.buyer_id, lot_id);
    book_movements(ctx, {{stock_id, lot_id, l.quantity}}, l.product_id, *o.buyer_id, "receipt", o.number, o.created_by);
    products.insert(l.product_id);
  }
  announce(ctx, products, *o.buyer_id, o, "received");
  ctx.log.info("purchase received", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
}

// The stock side of the order's current status; each step does nothing once done.
void settle(MessageContext& ctx, const Order& o) {
  if (o.kind == OrderKind::purchase) {
    if (o.status == OrderStatus::received) receive_purchase(ctx, o);
    return;
  }
  switch (o.status) {
    case OrderStatus::canceled: release(ctx, o); break;
    case OrderStatus::shipped: ship(ctx, o); break;
    case OrderStatus::delivered:
      ship(ctx, o);
      if (o.kind == OrderKind::replenishment) receive_shipped(ctx, o);
      break;
    default: break;
  }
}

}  // namespace

void order_created(MessageContext& ctx) {
  std::vector<Line> lines;
  const auto o = lock_order_with_lines(ctx.txn, order_id_of(ctx), lines);
  if (o.kind == OrderKind::purchase) return;  // nothing to reserve: the goods come from a supplier
  if (o.status == OrderStatus::pending) {
    reserve(ctx, o, lines);
  } else {
    settle(ctx, o);  // moved on (canceled) before this message arrived
  }
}

void order_status_changed(MessageContext& ctx) { settle(ctx, lock_order(ctx.txn, order_id_of(ctx))); }

infra::PreparedStatements order_statements() {
  return {
      {"order_lock",
       "SELECT number, kind, status, seller_location_id, buyer_location_id, created_by, current_date::text"
       " FROM sales.orders WHERE id = $1 FOR UPDATE"},
      // Every stock row of the order's products at the seller, locked in (product, row) order so
      // two workers never deadlock.
      {"order_stock_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text, s.product_id"
       " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " WHERE s.location_id = $1 AND s.product_id = ANY($2::bigint[]) ORDER BY s.product_id, s.id FOR UPDATE OF s"},
      {"order_lock_with_lines",
       "SELECT o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.created_by, current_date::text,"
       "       l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text"
       " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = l.product_id"
       " WHERE o.id = $1 ORDER BY l.line_no FOR UPDATE OF o"},
      {"order_lines",
       "SELECT l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text"
       " FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id WHERE l.order_id = $1 ORDER BY l.line_no"},
      {"order_decide",
       "WITH o AS (UPDATE sales.orders SET status = $2, rejection_reason = $3, version = version + 1, updated_at = now(),"
       "     confirmed_at = CASE WHEN $2 = 'confirmed' THEN clock_timestamp() ELSE confirmed_at END,"
       "     closed_at = CASE WHEN $2 = 'rejected' THEN clock_timestamp() ELSE closed_at END WHERE id = $1 RETURNING id),"
       " h AS (INSERT INTO sales.order_events (order_id, from_status, to_status, note, request_id)"
       "     SELECT id, $4, $2, $3, $5 FROM o),"
       " e AS (INSERT INTO messaging.outbox (id, type, envelope) VALUES ($6::uuid, $7, $8::jsonb) RETURNING 1)"
       " SELECT pg_notify('ims_outbox', '') FROM e"},
      {"order_line_reject", "UPDATE sales.order_lines SET rejection_reason = $2 WHERE id = $1"},
      // The reservations of an order (one per line and lot), the stock they hold, and the
      // location's stock version (available changed, so cached reads must go): one round trip.
      {"reservations_make",
       "WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::numeric[])"
       "     AS t(line_id, stock_id, product_id, lot_id, quantity)),"
       " r AS (INSERT INTO inventory.reservations (order_line_id, stock_id, product_id, location_id, lot_id, quantity)"
       "     SELECT line_id, stock_id, product_id, $6, lot_id, quantity FROM t RETURNING 1),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved + x.quantity, updated_at = now()"
       "     FROM (SELECT stock_id, sum(quantity) AS quantity FROM t GROUP BY stock_id) x WHERE s.id = x.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) VALUES ($6)"
       "     ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"reservations_lock",
       "SELECT r.id, r.stock_id, r.product_id, r.lot_id, r.quantity::text FROM inventory.reservations r"
       " JOIN sales.order_lines l ON l.id = r.order_line_id WHERE l.order_id = $1 AND r.state = $2 ORDER BY r.stock_id"
       " FOR UPDATE OF r"},
      {"reservation_release",
       "WITH r AS (UPDATE inventory.reservations SET state = 'released', updated_at = now() WHERE id = $1"
       "   RETURNING stock_id, location_id, quantity),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved - r.quantity, updated_at = now() FROM r WHERE s.id = r.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT location_id FROM r"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"reservation_ship",
       "WITH r AS (UPDATE inventory.reservations SET state = 'shipped', updated_at = now() WHERE id = $1"
       "   RETURNING stock_id, quantity)"
       " UPDATE inventory.stock s SET reserved = s.reserved - r.quantity FROM r WHERE s.id = r.stock_id"},
      {"reservation_receive", "UPDATE inventory.reservations SET state = 'received', updated_at = now() WHERE id = $1"},
      {"order_receipts",
       "SELECT 1 FROM inventory.movements WHERE reference = $1 AND location_id = $2 AND reason = 'receipt' LIMIT 1"},
      {"lot_upsert",
       "WITH ins AS (INSERT INTO inventory.lots (product_id, lot_code, expires_on) VALUES ($1, $2, $3::date)"
       "   ON CONFLICT (product_id, lot_code) DO NOTHING RETURNING id)"
       " SELECT id FROM ins UNION ALL SELECT id FROM inventory.lots WHERE product_id = $1 AND lot_code = $2 LIMIT 1"},
  };
}

}  // namespace ims::workers::stock
