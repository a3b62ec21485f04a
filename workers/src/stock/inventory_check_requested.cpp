// inventory.check.requested: decode, run the check in the message's transaction, log what it found.
#include "stock/check_inventory.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

void inventory_check_requested(MessageContext& ctx, int expiry_warning_days) {
  infra::PgStockCheckStore store(ctx.txn);
  infra::PgOutbox outbox(ctx.txn);
  const auto run_id = ctx.event.data.is_object() && ctx.event.data.contains("run_id")
                          ? ctx.event.data["run_id"]
                          : nlohmann::json();
  const auto s = check_inventory(store, outbox, {run_id, expiry_warning_days, ctx.event.correlation_id});
  ctx.log.info("inventory checked", {{"low", std::to_string(s.low)},
                                     {"drafted", std::to_string(s.drafted)},
                                     {"expiring", std::to_string(s.expiring)},
                                     {"expired", std::to_string(s.expired)},
                                     {"drift", std::to_string(s.drift)},
                                     {"overdue", std::to_string(s.overdue)}});
}

}  // namespace ims::workers::stock
