// The handler table and the ledger steps every stock handler shares.
#include "ims/infra/outbox.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

std::map<std::string, MessageHandler> handlers(const infra::Config& config, const OrderDecisions& decisions) {
  const int expiry_warning_days = config.expiry_warning_days;
  return {
      {"inventory.check.requested",
       [expiry_warning_days](MessageContext& ctx) { inventory_check_requested(ctx, expiry_warning_days); }},
      {"stock.adjustment.requested", adjustment_requested},
      {"order.created", [&decisions](MessageContext& ctx) { order_created(ctx, decisions); }},
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
