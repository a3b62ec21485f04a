// order.created and order.status_changed: the stock side of an order's lifecycle (DESIGN §3).
//  - pending: reserve every line at the seller, first-expiry-first-out, never an expired lot; all
//    lines or none (domain::plan_reservation). Confirmed with the reservations, or rejected with a
//    reason per line.
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
#include "ims/domain/reservation_plan.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::OrderKind;
using domain::OrderStatus;
using domain::Quantity;
using domain::ReservationPlan;

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

struct OrderWithLines {
  Order order;
  std::vector<Line> lines;
};

std::int64_t order_id_of(const MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("order_id") || !data["order_id"].is_number_integer())
    throw MalformedMessage("data.order_id is missing");
  return data["order_id"].get<std::int64_t>();
}

// "{1,2,3}": a bigint[] parameter.
std::string id_array(const std::vector<std::int64_t>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "}";
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

// A line's columns from column `at` on: id, line_no, product, sku, quantity, lot_code, expires_on.
Line line_from(const pqxx::row& r, int at) {
  return {r[at].as<std::int64_t>(),
          r[at + 1].as<int>(),
          r[at + 2].as<std::int64_t>(),
          r[at + 3].as<std::string>(),
          *Quantity::parse(r[at + 4].as<std::string>()),
          infra::nullable<std::string>(r[at + 5]),
          infra::nullable<std::string>(r[at + 6])};
}

// A stock row as the stock lock statements return it first: id, lot, expiry, on_hand, reserved.
domain::StockSlot slot_from(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), infra::nullable<std::int64_t>(r[1]), infra::nullable<std::string>(r[2]),
          *Quantity::parse(r[3].as<std::string>()), *Quantity::parse(r[4].as<std::string>())};
}

Order lock_order(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_prepared("order_lock", id);
  if (rows.empty()) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  return order_from(id, rows[0]);
}

// The order, locked, with its lines: one round trip.
OrderWithLines lock_order_with_lines(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_prepared("order_lock_with_lines", id);
  if (rows.empty()) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  OrderWithLines out{order_from(id, rows[0]), {}};
  for (const auto& r : rows) out.lines.push_back(line_from(r, 7));
  return out;
}

std::vector<Line> lines_of(pqxx::work& txn, std::int64_t order_id) {
  std::vector<Line> lines;
  for (const auto& r : txn.exec_prepared("order_lines", order_id)) lines.push_back(line_from(r, 0));
  return lines;
}

std::vector<domain::ReservationLine> reservation_lines(const std::vector<Line>& lines) {
  std::vector<domain::ReservationLine> out;
  out.reserve(lines.size());
  for (const auto& l : lines) out.push_back({l.id, l.line_no, l.product_id, l.sku, l.quantity});
  return out;
}

// order.confirmed / order.rejected, with the parties (for the live feed's scope) and the reason.
infra::PreparedEvent decision_event(const Order& o, const std::string& to,
                                    const std::optional<std::string>& reason,
                                    const std::string& correlation_id) {
  auto opt = [](const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return infra::prepare_event({"order." + to,
                               {{"order_id", o.id},
                                {"number", o.number},
                                {"kind", domain::to_string(o.kind)},
                                {"from", domain::to_string(o.status)},
                                {"to", to},
                                {"seller_location_id", opt(o.seller_id)},
                                {"buyer_location_id", opt(o.buyer_id)},
                                {"reason", reason ? nlohmann::json(*reason) : nlohmann::json(nullptr)}},
                               correlation_id,
                               o.created_by});
}

void log_decision(const infra::Log& log, const Order& o, const std::optional<std::string>& reason) {
  if (reason) {
    log.info("order rejected",
             {{"order_id", std::to_string(o.id)}, {"number", o.number}, {"reason", *reason}});
  } else {
    log.info("order confirmed", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
  }
}

// The decision, its history entry and its event: one round trip.
void record_status(MessageContext& ctx, const OrderDecisions& decisions, const Order& o,
                   const std::string& to, const std::optional<std::string>& reason) {
  const auto event = decision_event(o, to, reason, ctx.event.correlation_id);
  decisions.count(o.kind, to);
  ctx.txn.exec_prepared("order_decide", o.id, to, reason, std::string(domain::to_string(o.status)),
                        ctx.event.correlation_id, event.id, "order." + to, event.envelope.dump());
}

// Every product's stock changed at `location`: stock.changed (and stock.low) once per product.
void announce(MessageContext& ctx, const std::set<std::int64_t>& products, std::int64_t location,
              const Order& o, const std::string& what) {
  for (auto product : products) {
    announce_stock_change(ctx, product, location, o.created_by, {{"event", what}, {"order_ids", {o.id}}});
  }
}

// --- one order (order.created alone) ---

// Each product's stock at the seller, locked once, in product order (so two workers never deadlock).
domain::SellerStock lock_seller_stock(pqxx::work& txn, std::int64_t seller, const std::vector<Line>& lines) {
  std::set<std::int64_t> seen;
  std::string product_ids;  // in the order the lines name them
  for (const auto& l : lines) {
    if (seen.insert(l.product_id).second)
      product_ids += (product_ids.empty() ? "" : ",") + std::to_string(l.product_id);
  }
  domain::SellerStock stock;
  for (const auto& r : txn.exec_prepared("order_stock_lock", seller, "{" + product_ids + "}")) {
    stock[r[5].as<std::int64_t>()].push_back(slot_from(r));
  }
  return stock;
}

// Each short line's reason, then the order's.
void reject(MessageContext& ctx, const OrderDecisions& decisions, const Order& o,
            const ReservationPlan& plan) {
  for (const auto& l : plan.lines) {
    if (l.rejection) ctx.txn.exec_prepared("order_line_reject", l.line_id, *l.rejection);
  }
  record_status(ctx, decisions, o, "rejected", plan.rejection);
  log_decision(ctx.log, o, plan.rejection);
}

// The reservations (one per line and lot), the decision, and stock.changed per product.
void confirm(MessageContext& ctx, const OrderDecisions& decisions, const Order& o,
             const ReservationPlan& plan) {
  const auto seller = *o.seller_id;
  std::set<std::int64_t> products;
  std::string line_ids, stock_ids, product_of, lot_ids, quantities;
  auto add = [](std::string& list, const std::string& v) { list += (list.empty() ? "" : ",") + v; };
  for (const auto& l : plan.lines) {
    for (const auto& t : l.takes) {
      add(line_ids, std::to_string(l.line_id));
      add(stock_ids, std::to_string(t.stock_id));
      add(product_of, std::to_string(l.product_id));
      add(lot_ids, t.lot_id ? std::to_string(*t.lot_id) : "NULL");
      add(quantities, t.quantity.to_string());
    }
    products.insert(l.product_id);
  }
  ctx.txn.exec_prepared("reservations_make", "{" + line_ids + "}", "{" + stock_ids + "}",
                        "{" + product_of + "}", "{" + lot_ids + "}", "{" + quantities + "}", seller);
  record_status(ctx, decisions, o, "confirmed", std::nullopt);
  announce(ctx, products, seller, o, "reserved");
  log_decision(ctx.log, o, std::nullopt);
}

// pending → confirmed with every line reserved, or rejected with each short line's reason.
void reserve(MessageContext& ctx, const OrderDecisions& decisions, const Order& o,
             const std::vector<Line>& lines) {
  const auto stock = lock_seller_stock(ctx.txn, *o.seller_id, lines);
  const auto plan = domain::plan_reservation(reservation_lines(lines), stock, o.today);
  if (plan.confirmed()) {
    confirm(ctx, decisions, o, plan);
  } else {
    reject(ctx, decisions, o, plan);
  }
}

// --- the rest of the lifecycle ---

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
    book_movements(ctx, {{h.stock_id, h.lot_id, -h.quantity}}, h.product_id, *o.seller_id, reason, o.number,
                   o.created_by);
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
    book_movements(ctx, {{stock_id, h.lot_id, h.quantity}}, h.product_id, *o.buyer_id, "receipt", o.number,
                   o.created_by);
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
    if (l.lot_code)
      lot_id =
          ctx.txn.exec_prepared1("lot_upsert", l.product_id, *l.lot_code, l.expires_on)[0].as<std::int64_t>();
    const auto stock_id = ensure_stock_row(ctx.txn, l.product_id, *o.buyer_id, lot_id);
    book_movements(ctx, {{stock_id, lot_id, l.quantity}}, l.product_id, *o.buyer_id, "receipt", o.number,
                   o.created_by);
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
    case OrderStatus::canceled:
      release(ctx, o);
      break;
    case OrderStatus::shipped:
      ship(ctx, o);
      break;
    case OrderStatus::delivered:
      ship(ctx, o);
      if (o.kind == OrderKind::replenishment) receive_shipped(ctx, o);
      break;
    default:
      break;
  }
}

// --- several orders (order.created in a batch) ---

using OrdersById = std::map<std::int64_t, OrderWithLines>;
using LocationProduct = std::pair<std::int64_t, std::int64_t>;

struct PendingOrder {
  MessageContext* message = nullptr;
  const OrderWithLines* entry = nullptr;
};

// Every order with its lines, locked in id order: one round trip.
OrdersById lock_orders(pqxx::work& txn, const std::vector<std::int64_t>& order_ids) {
  OrdersById orders;
  for (const auto& r : txn.exec_prepared("orders_lock_with_lines", id_array(order_ids))) {
    const auto id = r[14].as<std::int64_t>();
    auto [it, fresh] = orders.try_emplace(id);
    if (fresh) it->second.order = order_from(id, r);
    it->second.lines.push_back(line_from(r, 7));
  }
  return orders;
}

// Pending sales and replenishments, in message order, to be reserved together; anything else (a
// purchase, an order canceled before this message) takes the one-at-a-time path right away.
std::vector<PendingOrder> pending_orders(std::vector<MessageContext>& messages,
                                         const std::vector<std::int64_t>& order_ids, const OrdersById& orders,
                                         const OrderDecisions& decisions) {
  std::vector<PendingOrder> pending;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto found = orders.find(order_ids[i]);
    if (found == orders.end())
      throw MalformedMessage("order " + std::to_string(order_ids[i]) + " does not exist");
    const auto& o = found->second.order;
    if (o.kind != OrderKind::purchase && o.status == OrderStatus::pending) {
      pending.push_back({&messages[i], &found->second});
    } else {
      handle_order_created(messages[i], decisions);
    }
  }
  return pending;
}

// The stock of every (seller, product) involved, by seller, locked in (location, product, row) order.
std::map<std::int64_t, domain::SellerStock> lock_batch_stock(pqxx::work& txn,
                                                             const std::vector<PendingOrder>& pending) {
  std::set<LocationProduct> keys;
  for (const auto& p : pending) {
    for (const auto& l : p.entry->lines) keys.emplace(*p.entry->order.seller_id, l.product_id);
  }
  std::vector<std::int64_t> key_locations, key_products;
  for (const auto& [loc, product] : keys) {
    key_locations.push_back(loc);
    key_products.push_back(product);
  }
  std::map<std::int64_t, domain::SellerStock> stock;
  for (const auto& r :
       txn.exec_prepared("orders_stock_lock", id_array(key_locations), id_array(key_products))) {
    stock[r[6].as<std::int64_t>()][r[5].as<std::int64_t>()].push_back(slot_from(r));
  }
  return stock;
}

// What the batch writes, gathered in message order, one unnest() parameter per column.
struct BatchWrites {
  std::vector<std::int64_t> r_lines, r_stock, r_products, r_locations;  // reservations
  std::vector<std::optional<std::string>> r_lots, r_quantities;
  std::vector<std::int64_t> rejected_lines;
  std::vector<std::optional<std::string>> rejected_reasons;
  std::vector<std::int64_t> d_ids;  // decisions
  std::vector<std::optional<std::string>> d_status, d_reason, d_from, d_request, d_event, d_type, d_envelope;
  // stock.changed once per (location, product): the last message that reserved it, and the orders.
  std::map<LocationProduct, std::pair<MessageContext*, std::vector<std::int64_t>>> touched;

  void add_reservations(const PendingOrder& p, const ReservationPlan& plan) {
    const auto seller = *p.entry->order.seller_id;
    const auto order_id = p.entry->order.id;
    for (const auto& l : plan.lines) {
      for (const auto& t : l.takes) {
        r_lines.push_back(l.line_id);
        r_stock.push_back(t.stock_id);
        r_products.push_back(l.product_id);
        r_locations.push_back(seller);
        r_lots.push_back(t.lot_id ? std::optional(std::to_string(*t.lot_id)) : std::nullopt);
        r_quantities.emplace_back(t.quantity.to_string());
      }
      auto& who = touched[{seller, l.product_id}];
      who.first = p.message;
      if (who.second.empty() || who.second.back() != order_id) who.second.push_back(order_id);
    }
  }

  void add_rejections(const ReservationPlan& plan) {
    for (const auto& l : plan.lines) {
      if (!l.rejection) continue;
      rejected_lines.push_back(l.line_id);
      rejected_reasons.emplace_back(*l.rejection);
    }
  }

  void add_decision(const PendingOrder& p, const std::string& to, const std::optional<std::string>& reason) {
    const auto& o = p.entry->order;
    const auto event = decision_event(o, to, reason, p.message->event.correlation_id);
    d_ids.push_back(o.id);
    d_status.emplace_back(to);
    d_reason.push_back(reason);
    d_from.emplace_back(std::string(domain::to_string(o.status)));
    d_request.emplace_back(p.message->event.correlation_id);
    d_event.emplace_back(event.id);
    d_type.emplace_back("order." + to);
    d_envelope.emplace_back(event.envelope.dump());
  }
};

// Each order in message order, all lines or none, against what the orders before it took.
BatchWrites decide_in_turn(const std::vector<PendingOrder>& pending,
                           std::map<std::int64_t, domain::SellerStock>& stock,
                           const OrderDecisions& decisions) {
  BatchWrites writes;
  for (const auto& p : pending) {
    const auto& o = p.entry->order;
    auto& seller_stock = stock[*o.seller_id];
    const auto plan = domain::plan_reservation(reservation_lines(p.entry->lines), seller_stock, o.today);
    if (plan.confirmed()) {
      domain::hold(seller_stock, plan);
      writes.add_reservations(p, plan);
    } else {
      writes.add_rejections(plan);
    }
    const std::string to = plan.confirmed() ? "confirmed" : "rejected";
    decisions.count(o.kind, to);
    writes.add_decision(p, to, plan.rejection);
    log_decision(p.message->log, o, plan.rejection);
  }
  return writes;
}

// The writes: reservations, rejected lines, decisions with their history and events, then one
// stock.changed per (location, product) the batch reserved from.
void write_batch(pqxx::work& txn, const BatchWrites& w, const OrdersById& orders) {
  if (!w.r_lines.empty()) {
    txn.exec_prepared("reservations_make_many", id_array(w.r_lines), id_array(w.r_stock),
                      id_array(w.r_products), id_array(w.r_locations), text_array(w.r_lots),
                      text_array(w.r_quantities));
  }
  if (!w.rejected_lines.empty()) {
    txn.exec_prepared("order_lines_reject_many", id_array(w.rejected_lines), text_array(w.rejected_reasons));
  }
  txn.exec_prepared("orders_decide_many", id_array(w.d_ids), text_array(w.d_status), text_array(w.d_reason),
                    text_array(w.d_from), text_array(w.d_request), text_array(w.d_event),
                    text_array(w.d_type), text_array(w.d_envelope));
  for (const auto& [key, who] : w.touched) {
    const auto& o = orders.at(who.second.back()).order;
    announce_stock_change(*who.first, key.second, key.first, o.created_by,
                          {{"event", "reserved"}, {"order_ids", who.second}});
  }
}

}  // namespace

OrderDecisions::OrderDecisions(infra::Metrics& metrics)
    : family_(&prometheus::BuildCounter()
                   .Name("ims_orders_total")
                   .Help("Orders by kind and outcome (recorded by the API; confirmed, rejected by the stock "
                         "worker)")
                   .Register(metrics.registry())) {}

void OrderDecisions::count(OrderKind kind, const std::string& outcome) const {
  if (family_)
    family_->Add({{"kind", std::string(domain::to_string(kind))}, {"outcome", outcome}}).Increment();
}

void handle_order_created(MessageContext& ctx, const OrderDecisions& decisions) {
  const auto [o, lines] = lock_order_with_lines(ctx.txn, order_id_of(ctx));
  if (o.kind == OrderKind::purchase) return;  // nothing to reserve: the goods come from a supplier
  if (o.status == OrderStatus::pending) {
    reserve(ctx, decisions, o, lines);
  } else {
    settle(ctx, o);  // moved on (canceled) before this message arrived
  }
}

void order_status_changed(MessageContext& ctx) {
  settle(ctx, lock_order(ctx.txn, order_id_of(ctx)));
}

void handle_orders_created(pqxx::work& txn, std::vector<MessageContext>& messages,
                           const OrderDecisions& decisions) {
  std::vector<std::int64_t> order_ids;
  order_ids.reserve(messages.size());
  for (const auto& m : messages) order_ids.push_back(order_id_of(m));
  const auto orders = lock_orders(txn, order_ids);
  const auto pending = pending_orders(messages, order_ids, orders, decisions);
  if (pending.empty()) return;
  auto stock = lock_batch_stock(txn, pending);
  const auto writes = decide_in_turn(pending, stock, decisions);
  write_batch(txn, writes, orders);
}

namespace {

// The orders and the stock they reserve from, locked: one order, or a batch.
infra::PreparedStatements order_lock_statements() {
  return {
      {"order_lock",
       "SELECT number, kind, status, seller_location_id, buyer_location_id, created_by, current_date::text"
       " FROM sales.orders WHERE id = $1 FOR UPDATE"},
      // Every stock row of the order's products at the seller, locked in (product, row) order so
      // two workers never deadlock.
      {"order_stock_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text, s.product_id"
       " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " WHERE s.location_id = $1 AND s.product_id = ANY($2::bigint[]) ORDER BY s.product_id, s.id FOR "
       "UPDATE OF s"},
      {"order_lock_with_lines",
       "SELECT o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.created_by, "
       "current_date::text,"
       "       l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text"
       " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = "
       "l.product_id"
       " WHERE o.id = $1 ORDER BY l.line_no FOR UPDATE OF o"},
      {"orders_lock_with_lines",
       "SELECT o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.created_by, "
       "current_date::text,"
       "       l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text, o.id"
       " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = "
       "l.product_id"
       " WHERE o.id = ANY($1::bigint[]) ORDER BY o.id, l.line_no FOR UPDATE OF o"},
      {"orders_stock_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text, s.product_id, "
       "s.location_id"
       " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " JOIN unnest($1::bigint[], $2::bigint[]) AS k(location_id, product_id)"
       "   ON s.location_id = k.location_id AND s.product_id = k.product_id"
       " ORDER BY s.location_id, s.product_id, s.id FOR UPDATE OF s"},
  };
}

// The writes of a batch of order.created.
infra::PreparedStatements batch_decision_statements() {
  return {
      {"reservations_make_many",
       "WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], "
       "$5::bigint[], $6::numeric[])"
       "     AS t(line_id, stock_id, product_id, location_id, lot_id, quantity)),"
       " r AS (INSERT INTO inventory.reservations (order_line_id, stock_id, product_id, location_id, lot_id, "
       "quantity)"
       "     SELECT line_id, stock_id, product_id, location_id, lot_id, quantity FROM t RETURNING 1),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved + x.quantity, updated_at = now()"
       "     FROM (SELECT stock_id, sum(quantity) AS quantity FROM t GROUP BY stock_id) x WHERE s.id = "
       "x.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT DISTINCT location_id FROM t"
       "     ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"order_lines_reject_many",
       "UPDATE sales.order_lines l SET rejection_reason = x.reason FROM unnest($1::bigint[], $2::text[]) AS "
       "x(id, reason)"
       " WHERE l.id = x.id"},
      // Decisions in message order, so their events keep that order in the outbox.
      {"orders_decide_many",
       "WITH d AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], "
       "$6::uuid[], $7::text[],"
       "                               $8::text[]) WITH ORDINALITY"
       "     AS d(id, status, reason, from_status, request_id, event_id, type, envelope, n)),"
       " o AS (UPDATE sales.orders o SET status = d.status, rejection_reason = d.reason, version = o.version "
       "+ 1,"
       "     updated_at = now(),"
       "     confirmed_at = CASE WHEN d.status = 'confirmed' THEN clock_timestamp() ELSE o.confirmed_at END,"
       "     closed_at = CASE WHEN d.status = 'rejected' THEN clock_timestamp() ELSE o.closed_at END"
       "     FROM d WHERE o.id = d.id RETURNING o.id),"
       " h AS (INSERT INTO sales.order_events (order_id, from_status, to_status, note, request_id)"
       "     SELECT id, from_status, status, reason, request_id FROM d ORDER BY n),"
       " e AS (INSERT INTO messaging.outbox (id, type, envelope) SELECT event_id, type, envelope::jsonb FROM "
       "d ORDER BY n"
       "     RETURNING 1)"
       " SELECT (SELECT count(*) FROM o), (SELECT count(*) FROM e), pg_notify('ims_outbox', '')"},
  };
}

// The writes of one order.created.
infra::PreparedStatements single_decision_statements() {
  return {
      {"order_lines",
       "SELECT l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.lot_code, l.expires_on::text"
       " FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id WHERE l.order_id = $1 ORDER "
       "BY l.line_no"},
      {"order_decide",
       "WITH o AS (UPDATE sales.orders SET status = $2, rejection_reason = $3, version = version + 1, "
       "updated_at = now(),"
       "     confirmed_at = CASE WHEN $2 = 'confirmed' THEN clock_timestamp() ELSE confirmed_at END,"
       "     closed_at = CASE WHEN $2 = 'rejected' THEN clock_timestamp() ELSE closed_at END WHERE id = $1 "
       "RETURNING id),"
       " h AS (INSERT INTO sales.order_events (order_id, from_status, to_status, note, request_id)"
       "     SELECT id, $4, $2, $3, $5 FROM o),"
       " e AS (INSERT INTO messaging.outbox (id, type, envelope) VALUES ($6::uuid, $7, $8::jsonb) RETURNING "
       "1)"
       " SELECT pg_notify('ims_outbox', '') FROM e"},
      {"order_line_reject", "UPDATE sales.order_lines SET rejection_reason = $2 WHERE id = $1"},
      // The reservations of an order (one per line and lot), the stock they hold, and the
      // location's stock version (available changed, so cached reads must go): one round trip.
      {"reservations_make",
       "WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], "
       "$5::numeric[])"
       "     AS t(line_id, stock_id, product_id, lot_id, quantity)),"
       " r AS (INSERT INTO inventory.reservations (order_line_id, stock_id, product_id, location_id, lot_id, "
       "quantity)"
       "     SELECT line_id, stock_id, product_id, $6, lot_id, quantity FROM t RETURNING 1),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved + x.quantity, updated_at = now()"
       "     FROM (SELECT stock_id, sum(quantity) AS quantity FROM t GROUP BY stock_id) x WHERE s.id = "
       "x.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) VALUES ($6)"
       "     ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
  };
}

// Shipping, releasing and receiving what an order reserved.
infra::PreparedStatements lifecycle_statements() {
  return {
      {"reservations_lock",
       "SELECT r.id, r.stock_id, r.product_id, r.lot_id, r.quantity::text FROM inventory.reservations r"
       " JOIN sales.order_lines l ON l.id = r.order_line_id WHERE l.order_id = $1 AND r.state = $2 ORDER BY "
       "r.stock_id"
       " FOR UPDATE OF r"},
      {"reservation_release",
       "WITH r AS (UPDATE inventory.reservations SET state = 'released', updated_at = now() WHERE id = $1"
       "   RETURNING stock_id, location_id, quantity),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved - r.quantity, updated_at = now() FROM r "
       "WHERE s.id = r.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT location_id FROM r"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM r"},
      {"reservation_ship",
       "WITH r AS (UPDATE inventory.reservations SET state = 'shipped', updated_at = now() WHERE id = $1"
       "   RETURNING stock_id, quantity)"
       " UPDATE inventory.stock s SET reserved = s.reserved - r.quantity FROM r WHERE s.id = r.stock_id"},
      {"reservation_receive",
       "UPDATE inventory.reservations SET state = 'received', updated_at = now() WHERE id = $1"},
      {"order_receipts",
       "SELECT 1 FROM inventory.movements WHERE reference = $1 AND location_id = $2 AND reason = 'receipt' "
       "LIMIT 1"},
      {"lot_upsert",
       "WITH ins AS (INSERT INTO inventory.lots (product_id, lot_code, expires_on) VALUES ($1, $2, $3::date)"
       "   ON CONFLICT (product_id, lot_code) DO NOTHING RETURNING id)"
       " SELECT id FROM ins UNION ALL SELECT id FROM inventory.lots WHERE product_id = $1 AND lot_code = $2 "
       "LIMIT 1"},
  };
}

}  // namespace

infra::PreparedStatements order_statements() {
  infra::PreparedStatements statements;
  for (auto group : {order_lock_statements(), batch_decision_statements(), single_decision_statements(),
                     lifecycle_statements()}) {
    statements.insert(statements.end(), std::make_move_iterator(group.begin()),
                      std::make_move_iterator(group.end()));
  }
  return statements;
}

}  // namespace ims::workers::stock
