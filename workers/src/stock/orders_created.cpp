// order.created for a batch of messages, in one transaction: every order and the stock of every
// (seller, product) involved locked in one round trip each, the orders planned in message order
// (each against what the orders before it took), then the reservations, rejections and decisions
// written set-based. The same decisions as order_created.cpp, one message at a time, would make.
#include <set>

#include "stock/order_steps.hpp"

namespace ims::workers::stock {
namespace {

using domain::ReservationPlan;
using infra::LocationProduct;
using infra::OrderWithLines;
using OrdersById = std::map<std::int64_t, OrderWithLines>;

struct PendingOrder {
  MessageContext* message = nullptr;
  const OrderWithLines* entry = nullptr;
};

// Pending sales and replenishments, in message order, to be reserved together; anything else (a
// purchase, an order canceled before this message) takes the one-at-a-time path right away.
std::vector<PendingOrder> pending_orders(std::vector<MessageContext>& messages,
                                         const std::vector<std::int64_t>& order_ids,
                                         const OrdersById& orders) {
  std::vector<PendingOrder> pending;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    // The same order announced twice in one run is decided once, by its first message.
    if (!seen.insert(order_ids[i]).second) continue;
    auto found = orders.find(order_ids[i]);
    if (found == orders.end())
      throw MalformedMessage("order " + std::to_string(order_ids[i]) + " does not exist");
    const auto& o = found->second.order;
    if (o.kind != domain::OrderKind::purchase && o.status == domain::OrderStatus::pending) {
      pending.push_back({&messages[i], &found->second});
    } else {
      order_created(messages[i]);
    }
  }
  return pending;
}

// Every (seller, product) the pending orders reserve from, in (location, product) order.
std::vector<LocationProduct> stock_keys(const std::vector<PendingOrder>& pending) {
  std::set<LocationProduct> keys;
  for (const auto& p : pending) {
    for (const auto& l : p.entry->lines) keys.emplace(*p.entry->order.seller_id, l.product_id);
  }
  return {keys.begin(), keys.end()};
}

// What the batch writes, gathered in message order.
struct BatchWrites {
  std::vector<infra::NewReservation> reservations;
  std::vector<std::pair<std::int64_t, std::string>> rejected_lines;
  std::vector<infra::OrderDecision> decisions;
  // stock.changed once per (location, product): the last message that reserved it, and the orders.
  std::map<LocationProduct, std::pair<MessageContext*, std::vector<std::int64_t>>> touched;

  void add(const PendingOrder& p, const ReservationPlan& plan) {
    const auto& o = p.entry->order;
    for (const auto& l : plan.lines) {
      if (l.rejection) rejected_lines.emplace_back(l.line_id, *l.rejection);
      if (!plan.confirmed()) continue;
      for (const auto& t : l.takes)
        reservations.push_back({l.line_id, t.stock_id, l.product_id, *o.seller_id, t.lot_id, t.quantity});
      auto& who = touched[{*o.seller_id, l.product_id}];
      who.first = p.message;
      if (who.second.empty() || who.second.back() != o.id) who.second.push_back(o.id);
    }
    decisions.push_back(decision_of(o, plan.confirmed() ? "confirmed" : "rejected", plan.rejection,
                                    p.message->event.correlation_id));
  }
};

// Each order in message order, all lines or none, against what the orders before it took.
BatchWrites decide_in_turn(const std::vector<PendingOrder>& pending,
                           std::map<std::int64_t, domain::SellerStock>& stock) {
  BatchWrites writes;
  for (const auto& p : pending) {
    const auto& o = p.entry->order;
    auto& seller_stock = stock[*o.seller_id];
    const auto plan = domain::plan_reservation(reservation_lines(p.entry->lines), seller_stock, o.today);
    if (plan.confirmed()) domain::hold(seller_stock, plan);
    writes.add(p, plan);
    count_decision(*p.message, o.kind, plan.confirmed());
    log_decision(p.message->log, o, plan.rejection);
  }
  return writes;
}

}  // namespace

void orders_created(std::vector<MessageContext>& messages) {
  if (messages.empty()) return;
  infra::UnitOfWork unit(messages.front().txn);
  infra::PgOrderLedger ledger(unit);
  std::vector<std::int64_t> order_ids;
  order_ids.reserve(messages.size());
  for (const auto& m : messages) order_ids.push_back(id_in(m, "order_id"));
  const auto orders = ledger.lock_with_lines(order_ids);
  const auto pending = pending_orders(messages, order_ids, orders);
  if (pending.empty()) return;
  auto stock = ledger.lock_stock(stock_keys(pending));
  const auto writes = decide_in_turn(pending, stock);
  // Reservations, rejected lines, decisions with their history and events, then one stock.changed
  // per (location, product) the batch reserved from.
  ledger.reserve(writes.reservations);
  ledger.reject_lines(writes.rejected_lines);
  ledger.decide(writes.decisions);
  for (const auto& [key, who] : writes.touched) {
    const auto& o = orders.at(who.second.back()).order;
    announce_stock_change(*who.first, key.second, key.first, o.created_by,
                          {{"event", "reserved"}, {"order_ids", who.second}});
  }
}

}  // namespace ims::workers::stock
