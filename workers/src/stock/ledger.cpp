// The handler table and the ledger steps every stock handler shares.
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "ims/infra/outbox.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

std::map<std::string, MessageHandler> handlers(const infra::Config& config) {
  const int expiry_warning_days = config.expiry_warning_days;
  return {
      {"inventory.check.requested",
       [expiry_warning_days](MessageContext& ctx) { inventory_check_requested(ctx, expiry_warning_days); }},
      {"stock.adjustment.requested", adjustment_requested},
      {"order.created", order_created},
      {"order.status_changed", order_status_changed},
      {"production.completion_requested", production_completion_requested},
      {"production.qc_failed", production_qc_failed},
      {"transfer.dispatch_requested", transfer_dispatch_requested},
      {"transfer.completion_requested", transfer_completion_requested},
      {"transfer.canceled", transfer_canceled},
      {"request.created", request_created},
      {"request.denied", request_closed},
      {"request.canceled", request_closed},
      {"request.expired", request_closed}};
}

TallySink tally_sink(infra::Metrics& metrics) {
  auto& movements = prometheus::BuildCounter()
                        .Name("ims_stock_movements_total")
                        .Help("Ledger movements the stock worker booked and committed, by reason")
                        .Register(metrics.registry());
  auto& orders = prometheus::BuildCounter()
                     .Name("ims_orders_total")
                     .Help(
                         "Orders by kind and outcome (recorded by the API; confirmed, rejected by the stock "
                         "worker once its decision commits)")
                     .Register(metrics.registry());
  auto& decided = prometheus::BuildHistogram()
                      .Name("ims_order_decision_seconds")
                      .Help(
                          "From the API accepting an order (its order.created event) to the stock worker's "
                          "committed decision, by kind")
                      .Register(metrics.registry());
  using prometheus::Counter;
  using prometheus::Histogram;
  auto by_reason =
      std::make_shared<SeriesByLabel<Counter>>([&movements](const std::string& reason) -> Counter& {
        return movements.Add({{"reason", reason}});
      });
  auto by_decision =
      std::make_shared<SeriesByLabel<Counter>>([&orders](const std::string& label) -> Counter& {
        const auto colon = label.find(':');  // kind:outcome
        return orders.Add({{"kind", label.substr(0, colon)}, {"outcome", label.substr(colon + 1)}});
      });
  auto latency_by_kind =
      std::make_shared<SeriesByLabel<Histogram>>([&decided](const std::string& label) -> Histogram& {
        return decided.Add(
            {{"kind", label.substr(0, label.find(':'))}},
            Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
      });
  return [by_reason, by_decision, latency_by_kind](const Tally::Entry& e) {
    if (e.what == "movement") (*by_reason)[e.label].Increment(e.value);
    if (e.what != "order_decision") return;
    (*by_decision)[e.label].Increment();
    if (e.value <= 0) return;  // the event's time could not be read
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    (*latency_by_kind)[e.label].Observe(std::max(0.0, now - e.value));
  };
}

std::int64_t id_in(const MessageContext& ctx, const std::string& field) {
  const auto& data = ctx.event.data;
  if (!data.is_object() || !data.contains(field) || !data[field].is_number_integer())
    throw MalformedMessage("data." + field + " is missing");
  return data[field].get<std::int64_t>();
}

std::int64_t book_movements(MessageContext& ctx, const std::vector<domain::Take>& takes,
                            std::int64_t product_id, std::int64_t location_id, const std::string& reason,
                            const std::string& reference, std::optional<std::int64_t> actor_id) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  std::optional<std::int64_t> first;
  for (const auto& t : takes) {
    const auto id = ledger.book({product_id, location_id, t.stock_id, t.lot_id, t.quantity, reason, reference,
                                 actor_id, ctx.message_id});
    if (!first) first = id;
    ctx.tally.add("movement", reason);
  }
  return first.value_or(0);
}

void announce(MessageContext& ctx, const std::string& type, nlohmann::json data,
              std::optional<std::int64_t> actor_id) {
  infra::PgOutbox(ctx.txn).append({type, std::move(data), ctx.event.correlation_id, actor_id});
}

void announce_stock_change(MessageContext& ctx, std::int64_t product_id, std::int64_t location_id,
                           std::optional<std::int64_t> actor_id, nlohmann::json cause) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto event = infra::prepare_event(
      {"stock.changed",
       {{"product_id", product_id}, {"location_id", location_id}, {"cause", std::move(cause)}},
       ctx.event.correlation_id,
       actor_id});
  const auto level = ledger.announce_level(product_id, location_id, event.id, event.envelope.dump());
  if (!level.rule) return;  // no reorder rule here
  const auto& rule = *level.rule;
  const bool is_low = level.available <= rule.min;
  if (is_low == rule.was_low) return;
  ledger.mark_low(rule.rule_id, is_low);
  nlohmann::json data{{"product_id", product_id},
                      {"location_id", location_id},
                      {"available", level.available.to_double()},
                      {"min", rule.min.to_double()},
                      {"max", rule.max.to_double()}};
  if (is_low) {
    data["suggested_quantity"] = (rule.max - level.available).to_double();
    announce(ctx, "stock.low", std::move(data), actor_id);
  } else {
    // Back above min: the low-stock alert closes at once rather than at the next check.
    announce(ctx, "stock.recovered", std::move(data), actor_id);
  }
}

}  // namespace ims::workers::stock
