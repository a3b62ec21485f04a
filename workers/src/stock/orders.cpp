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

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/domain/order.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::OrderKind;
using domain::OrderStatus;
using domain::Quantity;

prometheus::Family<prometheus::Counter>* decisions = nullptr;  // set by register_order_metrics

// Counted when decided; a transaction that is then retried counts its orders again (rare).
void count_decision(OrderKind kind, const std::string& outcome) {
  if (decisions) decisions->Add({{"kind", std::string(domain::to_string(kind))}, {"outcome", outcome}}).Increment();
}

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

// The order's columns as every order statement returns them first: number, kind, status, seller,
// buyer, created_by, current_date.
Order order_from(std::int64_t id, const pqxx::row& r) {
  return Order{id,
               r[0].as<std::string>(),
               *domain::parse_order_kind(r[1].as<std::string>()),
               *domain::parse_order_status(r[2].as<std::string>()),
               infra::nullable<std::int64_t>(r[3]),
               infra::nullable<std::int64_t>(r[4]),
               infra::nullable<std::int64_t>(r[5]),
               r[6].as<std::string>()};
}

Order lock_order(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_prepared("order_lock", id);
  if (rows.empty()) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  const auto& r = rows[0];
  return order_from(id, r);
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
  return order_from(id, r);
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

// order.confirmed / order.rejected, with the parties (for the live feed's scope) and the reason.
infra::PreparedEvent decision_event(const Order& o, const std::string& to, const std::optional<std::string>& reason,
                                    const std::string& correlation_id) {
  auto opt = [](const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return infra::prepare_event({"order." + to,
                               {{"order_id", o.id},
                                {"number", o.number},
                                {"kind", domain::to_string(o.kind)},
                                {"from", domain::to_string(o.status)},
                                {"to", to},
                                {"seller_location_id", opt(o.seller_id)},
                                {"buyer_location_id", opt(o.buyer_id)},
                                {"reason", reason ? nlohmann::json(*reason) : nlohmann::json(nullptr)}},
                               correlation_id, o.created_by});
}

// The decision, its history entry and its event: one round trip.
void record_status(MessageContext& ctx, const Order& o, const std::string& to, const std::optional<std::string>& reason) {
  const auto event = decision_event(o, to, reason, ctx.event.correlation_id);
  count_decision(o.kind, to);
  ctx.txn.exec_prepared("order_decide", o.id, to, reason, std::string(domain::to_string(o.status)), ctx.event.correlation_id,
                        event.id, "order." + to, event.envelope.dump());
}

// Every product's stock changed at `location`: stock.changed (and stock.low) once per product.
void announce(MessageContext& ctx, const std::set<std::int64_t>& products, std::int64_t location, const Order& o,
              const std::string& what) {
  for (auto product : products) {
    announce_stock_change(ctx, product, location, o.created_by, {{"event", what}, {"order_ids", {o.id}}});
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

void orders_created(pqxx::work& txn, std::vector<MessageContext>& messages) {
  using Key = std::pair<std::int64_t, std::int64_t>;  // (location, product)
  auto ids = [](const std::vector<std::int64_t>& v) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
    return out + "}";
  };
  // 1. Every order with its lines, locked in id order.
  std::vector<std::int64_t> order_ids;
  for (auto& m : messages) order_ids.push_back(order_id_of(m));
  std::map<std::int64_t, std::pair<Order, std::vector<Line>>> orders;
  for (const auto& r : txn.exec_prepared("orders_lock_with_lines", ids(order_ids))) {
    const auto id = r[14].as<std::int64_t>();
    auto [it, fresh] = orders.try_emplace(id);
    if (fresh) {
      it->second.first = order_from(id, r);
    }
    it->second.second.push_back({r[7].as<std::int64_t>(), r[8].as<int>(), r[9].as<std::int64_t>(), r[10].as<std::string>(),
                                 *Quantity::parse(r[11].as<std::string>()), infra::nullable<std::string>(r[12]),
                                 infra::nullable<std::string>(r[13])});
  }
  // Pending sales and replenishments are reserved together; anything else (a purchase, an order
  // canceled before this message) takes the one-at-a-time path.
  std::vector<std::pair<MessageContext*, std::pair<Order, std::vector<Line>>*>> pending;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto found = orders.find(order_ids[i]);
    if (found == orders.end()) throw MalformedMessage("order " + std::to_string(order_ids[i]) + " does not exist");
    const auto& o = found->second.first;
    if (o.kind != OrderKind::purchase && o.status == OrderStatus::pending) {
      pending.emplace_back(&messages[i], &found->second);
    } else {
      order_created(messages[i]);
    }
  }
  if (pending.empty()) return;

  // 2. The stock of every (seller, product) involved, locked in (location, product, row) order.
  std::set<Key> keys;
  for (auto& [m, entry] : pending) {
    for (const auto& l : entry->second) keys.emplace(*entry->first.seller_id, l.product_id);
  }
  std::vector<std::int64_t> key_locations, key_products;
  for (const auto& [loc, product] : keys) {
    key_locations.push_back(loc);
    key_products.push_back(product);
  }
  std::map<Key, std::vector<domain::StockSlot>> slots;
  for (const auto& r : txn.exec_prepared("orders_stock_lock", ids(key_locations), ids(key_products))) {
    slots[{r[6].as<std::int64_t>(), r[5].as<std::int64_t>()}].push_back(
        {r[0].as<std::int64_t>(), infra::nullable<std::int64_t>(r[1]), infra::nullable<std::string>(r[2]),
         *Quantity::parse(r[3].as<std::string>()), *Quantity::parse(r[4].as<std::string>())});
  }

  // 3. Each order in message order, all lines or none, against what the orders before it took.
  std::vector<std::int64_t> r_lines, r_stock, r_products, r_locations;
  std::vector<std::optional<std::string>> r_lots, r_quantities;
  std::vector<std::int64_t> rejected_lines;
  std::vector<std::optional<std::string>> rejected_reasons;
  std::vector<std::int64_t> d_ids;
  std::vector<std::optional<std::string>> d_status, d_reason, d_from, d_request, d_event, d_type, d_envelope;
  std::map<Key, std::pair<MessageContext*, std::vector<std::int64_t>>> touched;  // announced once per batch
  for (auto& [m, entry] : pending) {
    const auto& o = entry->first;
    const auto& lines = entry->second;
    std::map<Key, std::vector<domain::StockSlot>> trial;
    std::vector<std::pair<const Line*, std::vector<domain::Take>>> plan;
    std::vector<std::string> reasons;
    for (const auto& l : lines) {
      const Key key{*o.seller_id, l.product_id};
      auto& s = trial.try_emplace(key, slots[key]).first->second;
      auto takes = domain::allocate_fefo(s, l.quantity, o.today, true);
      if (!takes) {
        rejected_lines.push_back(l.id);
        rejected_reasons.emplace_back(takes.error().message);
        reasons.push_back("line " + std::to_string(l.line_no) + " (" + l.sku + "): " + takes.error().message);
        continue;
      }
      for (const auto& t : *takes) {
        for (auto& slot : s) {
          if (slot.stock_id == t.stock_id) slot.reserved = slot.reserved + t.quantity;
        }
      }
      plan.emplace_back(&l, std::move(*takes));
    }
    std::optional<std::string> reason;
    if (reasons.empty()) {
      for (auto& [key, s] : trial) slots[key] = std::move(s);
      for (const auto& [line, takes] : plan) {
        for (const auto& t : takes) {
          r_lines.push_back(line->id);
          r_stock.push_back(t.stock_id);
          r_products.push_back(line->product_id);
          r_locations.push_back(*o.seller_id);
          r_lots.push_back(t.lot_id ? std::optional(std::to_string(*t.lot_id)) : std::nullopt);
          r_quantities.emplace_back(t.quantity.to_string());
        }
        auto& t = touched[{*o.seller_id, line->product_id}];
        t.first = m;
        if (t.second.empty() || t.second.back() != o.id) t.second.push_back(o.id);
      }
    } else {
      std::string joined;
      for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
      reason = joined;
    }
    const std::string to = reason ? "rejected" : "confirmed";
    count_decision(o.kind, to);
    const auto event = decision_event(o, to, reason, m->event.correlation_id);
    d_ids.push_back(o.id);
    d_status.emplace_back(to);
    d_reason.push_back(reason);
    d_from.emplace_back(std::string(domain::to_string(o.status)));
    d_request.emplace_back(m->event.correlation_id);
    d_event.emplace_back(event.id);
    d_type.emplace_back("order." + to);
    d_envelope.emplace_back(event.envelope.dump());
    if (reason) {
      m->log.info("order rejected", {{"order_id", std::to_string(o.id)}, {"number", o.number}, {"reason", *reason}});
    } else {
      m->log.info("order confirmed", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
    }
  }

  // 4. The writes: reservations, rejected lines, decisions with their history and events, then
  //    one stock.changed per (location, product) the batch reserved from.
  if (!r_lines.empty()) {
    txn.exec_prepared("reservations_make_many", ids(r_lines), ids(r_stock), ids(r_products), ids(r_locations), text_array(r_lots),
                      text_array(r_quantities));
  }
  if (!rejected_lines.empty()) txn.exec_prepared("order_lines_reject_many", ids(rejected_lines), text_array(rejected_reasons));
  txn.exec_prepared("orders_decide_many", ids(d_ids), text_array(d_status), text_array(d_reason), text_array(d_from),
                    text_array(d_request), text_array(d_event), text_array(d_type), text_array(d_envelope));
  for (const auto& [key, who] : touched) {
    const auto& o = orders.at(who.second.back()).first;
    announce_stock_change(*who.first, key.second, key.first, o.created_by, {{"event", "reserved"}, {"order_ids", who.second}});
  }
}

void register_order_metrics(infra::Metrics& metrics) {
  decisions = &prometheus::BuildCounter()
                   .Name("ims_orders_total")
                   .Help("Orders by kind and outcome (recorded by the API; confirmed, rejected by the stock worker)")
                   .Register(metrics.registry());
}

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
      {"orders_lock_with_lines",
       "SELECT o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.created_by, current_date::text,"
       "       l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text, o.id"
       " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = l.product_id"
       " WHERE o.id = ANY($1::bigint[]) ORDER BY o.id, l.line_no FOR UPDATE OF o"},
      {"orders_stock_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text, s.product_id, s.location_id"
       " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " JOIN unnest($1::bigint[], $2::bigint[]) AS k(location_id, product_id)"
       "   ON s.location_id = k.location_id AND s.product_id = k.product_id"
       " ORDER BY s.location_id, s.product_id, s.id FOR UPDATE OF s"},
      {"reservations_make_many",
       "WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::numeric[])"
       "     AS t(line_id, stock_id, product_id, location_id, lot_id, quantity)),"
       " r AS (INSERT INTO inventory.reservations (order_line_id, stock_id, product_id, location_id, lot_id, quantity)"
       "     SELECT line_id, stock_id, product_id, location_id, lot_id, quantity FROM t RETURNING 1),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved + x.quantity, updated_at = now()"
       "     FROM (SELECT stock_id, sum(quantity) AS quantity FROM t GROUP BY stock_id) x WHERE s.id = x.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT DISTINCT location_id FROM t"
       "     ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"order_lines_reject_many",
       "UPDATE sales.order_lines l SET rejection_reason = x.reason FROM unnest($1::bigint[], $2::text[]) AS x(id, reason)"
       " WHERE l.id = x.id"},
      // Decisions in message order, so their events keep that order in the outbox.
      {"orders_decide_many",
       "WITH d AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[],"
       "                               $8::text[]) WITH ORDINALITY"
       "     AS d(id, status, reason, from_status, request_id, event_id, type, envelope, n)),"
       " o AS (UPDATE sales.orders o SET status = d.status, rejection_reason = d.reason, version = o.version + 1,"
       "     updated_at = now(),"
       "     confirmed_at = CASE WHEN d.status = 'confirmed' THEN clock_timestamp() ELSE o.confirmed_at END,"
       "     closed_at = CASE WHEN d.status = 'rejected' THEN clock_timestamp() ELSE o.closed_at END"
       "     FROM d WHERE o.id = d.id RETURNING o.id),"
       " h AS (INSERT INTO sales.order_events (order_id, from_status, to_status, note, request_id)"
       "     SELECT id, from_status, status, reason, request_id FROM d ORDER BY n),"
       " e AS (INSERT INTO messaging.outbox (id, type, envelope) SELECT event_id, type, envelope::jsonb FROM d ORDER BY n"
       "     RETURNING 1)"
       " SELECT (SELECT count(*) FROM o), (SELECT count(*) FROM e), pg_notify('ims_outbox', '')"},
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
