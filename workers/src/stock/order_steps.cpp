#include "stock/order_steps.hpp"

#include <set>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/infra/stock_ledger.hpp"

namespace ims::workers::stock {
namespace {

using domain::OrderKind;
using domain::OrderStatus;
using infra::OrderToSettle;

// Every product's stock changed at `location`: stock.changed (and stock.low) once per product.
void announce_products(MessageContext& ctx, const std::set<std::int64_t>& products, std::int64_t location,
                       const OrderToSettle& o, const std::string& what) {
  for (auto product : products) {
    announce_stock_change(ctx, product, location, o.created_by, {{"event", what}, {"order_ids", {o.id}}});
  }
}

void log_step(MessageContext& ctx, const OrderToSettle& o, const std::string& what) {
  ctx.log.info(what, {{"order_id", std::to_string(o.id)}, {"number", o.number}});
}

void release(MessageContext& ctx, infra::PgOrderLedger& orders, const OrderToSettle& o) {
  const auto held = orders.lock_reservations(o.id, "reserved");
  if (held.empty()) return;
  std::set<std::int64_t> products;
  for (const auto& h : held) {
    orders.release(h.id);
    products.insert(h.product_id);
  }
  announce_products(ctx, products, *o.seller_id, o, "released");
  log_step(ctx, o, "order reservations released");
}

void ship(MessageContext& ctx, infra::PgOrderLedger& orders, const OrderToSettle& o) {
  const auto held = orders.lock_reservations(o.id, "reserved");
  if (held.empty()) return;
  const std::string reason = o.kind == OrderKind::sale ? "sale" : "shipment";
  std::set<std::int64_t> products;
  for (const auto& h : held) {
    // The reservation leaves first, so on_hand never drops below what is still reserved.
    orders.ship(h.id);
    book_movements(ctx, {{h.stock_id, h.lot_id, -h.quantity}}, h.product_id, *o.seller_id, reason, o.number,
                   o.created_by);
    products.insert(h.product_id);
  }
  announce_products(ctx, products, *o.seller_id, o, "shipped");
  log_step(ctx, o, "order shipped from stock");
}

void receive_shipped(MessageContext& ctx, infra::PgOrderLedger& orders, infra::PgStockLedger& ledger,
                     const OrderToSettle& o) {
  const auto held = orders.lock_reservations(o.id, "shipped");
  if (held.empty()) return;
  std::set<std::int64_t> products;
  for (const auto& h : held) {
    orders.mark_received(h.id);
    const auto stock_id = ledger.ensure_stock_row(h.product_id, *o.buyer_id, h.lot_id);
    book_movements(ctx, {{stock_id, h.lot_id, h.quantity}}, h.product_id, *o.buyer_id, "receipt", o.number,
                   o.created_by);
    products.insert(h.product_id);
  }
  announce_products(ctx, products, *o.buyer_id, o, "received");
  log_step(ctx, o, "replenishment received");
}

void receive_purchase(MessageContext& ctx, infra::PgOrderLedger& orders, infra::PgStockLedger& ledger,
                      const OrderToSettle& o) {
  if (ledger.has_movement(o.number, "receipt", *o.buyer_id)) return;  // booked already
  std::set<std::int64_t> products;
  for (const auto& l : orders.lines(o.id)) {
    const auto lot_id =
        l.lot_code ? std::optional(ledger.upsert_lot(l.product_id, *l.lot_code, l.expires_on)) : std::nullopt;
    const auto stock_id = ledger.ensure_stock_row(l.product_id, *o.buyer_id, lot_id);
    book_movements(ctx, {{stock_id, lot_id, l.quantity}}, l.product_id, *o.buyer_id, "receipt", o.number,
                   o.created_by);
    products.insert(l.product_id);
  }
  announce_products(ctx, products, *o.buyer_id, o, "received");
  log_step(ctx, o, "purchase received");
}

}  // namespace

void count_decision(MessageContext& ctx, OrderKind kind, bool confirmed) {
  ctx.tally.add("order_decision",
                std::string(domain::to_string(kind)) + (confirmed ? ":confirmed" : ":rejected"),
                infra::epoch_seconds(ctx.event.occurred_at).value_or(0));
}

std::vector<domain::ReservationLine> reservation_lines(const std::vector<infra::OrderLineToSettle>& lines) {
  std::vector<domain::ReservationLine> out;
  out.reserve(lines.size());
  for (const auto& l : lines) out.push_back({l.id, l.line_no, l.product_id, l.sku, l.quantity});
  return out;
}

infra::OrderDecision decision_of(const OrderToSettle& o, const std::string& to,
                                 const std::optional<std::string>& reason,
                                 const std::string& correlation_id) {
  auto opt = [](const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  const auto event =
      infra::prepare_event({"order." + to,
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
  return {o.id,           to,       reason,        std::string(domain::to_string(o.status)),
          correlation_id, event.id, "order." + to, event.envelope.dump()};
}

void log_decision(const infra::Log& log, const OrderToSettle& o, const std::optional<std::string>& reason) {
  if (reason) {
    log.info("order rejected",
             {{"order_id", std::to_string(o.id)}, {"number", o.number}, {"reason", *reason}});
  } else {
    log.info("order confirmed", {{"order_id", std::to_string(o.id)}, {"number", o.number}});
  }
}

void settle(MessageContext& ctx, const OrderToSettle& o) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgOrderLedger orders(unit);
  infra::PgStockLedger ledger(unit);
  if (o.kind == OrderKind::purchase) {
    if (o.status == OrderStatus::received) receive_purchase(ctx, orders, ledger, o);
    return;
  }
  switch (o.status) {
    case OrderStatus::canceled:
      release(ctx, orders, o);
      break;
    case OrderStatus::shipped:
      ship(ctx, orders, o);
      break;
    case OrderStatus::delivered:
      ship(ctx, orders, o);
      if (o.kind == OrderKind::replenishment) receive_shipped(ctx, orders, ledger, o);
      break;
    default:
      break;
  }
}

}  // namespace ims::workers::stock
