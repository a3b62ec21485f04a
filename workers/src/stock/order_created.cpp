// order.created, one order: a pending sale or replenishment is reserved at the seller (confirmed)
// or rejected with each short line's reason; an order that moved on before this message arrived is
// settled (order_steps.hpp). Several orders at once: orders_created.cpp.
#include <set>

#include "stock/order_steps.hpp"

namespace ims::workers::stock {
namespace {

using domain::ReservationPlan;
using infra::OrderToSettle;

// The reservations (one per line and lot), the decision, and stock.changed per product.
void confirm(MessageContext& ctx, infra::PgOrderLedger& orders, const OrderToSettle& o,
             const ReservationPlan& plan) {
  std::vector<infra::NewReservation> reservations;
  std::set<std::int64_t> products;
  for (const auto& l : plan.lines) {
    for (const auto& t : l.takes)
      reservations.push_back({l.line_id, t.stock_id, l.product_id, *o.seller_id, t.lot_id, t.quantity});
    products.insert(l.product_id);
  }
  orders.reserve(reservations);
  orders.decide({decision_of(o, "confirmed", std::nullopt, ctx.event.correlation_id)});
  for (auto product : products) {
    announce_stock_change(ctx, product, *o.seller_id, o.created_by,
                          {{"event", "reserved"}, {"order_ids", {o.id}}});
  }
}

// Each short line's reason, then the order's.
void reject(MessageContext& ctx, infra::PgOrderLedger& orders, const OrderToSettle& o,
            const ReservationPlan& plan) {
  std::vector<std::pair<std::int64_t, std::string>> rejected;
  for (const auto& l : plan.lines) {
    if (l.rejection) rejected.emplace_back(l.line_id, *l.rejection);
  }
  orders.reject_lines(rejected);
  orders.decide({decision_of(o, "rejected", plan.rejection, ctx.event.correlation_id)});
}

// Each product's distinct id, in the order the lines name them.
std::vector<std::int64_t> products_of(const std::vector<infra::OrderLineToSettle>& lines) {
  std::set<std::int64_t> seen;
  std::vector<std::int64_t> out;
  for (const auto& l : lines) {
    if (seen.insert(l.product_id).second) out.push_back(l.product_id);
  }
  return out;
}

}  // namespace

void order_created(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgOrderLedger orders(unit);
  const auto id = id_in(ctx, "order_id");
  const auto entry = orders.lock_with_lines(id);
  if (!entry) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  const auto& [o, lines] = *entry;
  if (o.kind == domain::OrderKind::purchase) return;  // nothing to reserve: the goods come from a supplier
  if (o.status != domain::OrderStatus::pending) return settle(ctx, o);  // moved on (canceled) before this
  // The seller's stock of each product, locked once, in product order (so two workers never deadlock).
  const auto stock = orders.lock_seller_stock(*o.seller_id, products_of(lines));
  const auto plan = domain::plan_reservation(reservation_lines(lines), stock, o.today);
  if (plan.confirmed()) {
    confirm(ctx, orders, o, plan);
  } else {
    reject(ctx, orders, o, plan);
  }
  count_decision(ctx, o.kind, plan.confirmed());
  log_decision(ctx.log, o, plan.rejection);
}

}  // namespace ims::workers::stock
