// Giving back the holds of approval requests: when one is closed (request_closed.cpp), and when
// the transfer that carries out approved ones is dispatched (the hold is used) or canceled.
#include "ims/infra/stock_ledger.hpp"
#include "stock/request_steps.hpp"

namespace ims::workers::stock {

bool release_hold(MessageContext& ctx, std::int64_t request_id, const std::string& hold_becomes,
                  std::optional<std::int64_t> actor) {
  infra::UnitOfWork unit(ctx.txn);
  const auto changed = infra::PgStockLedger(unit).release_hold(request_id, hold_becomes);
  for (const auto& [product, location] : changed) {
    announce_stock_change(
        ctx, product, location, actor,
        {{"event", hold_becomes == "used" ? "hold_used" : "hold_released"}, {"request_id", request_id}});
  }
  return !changed.empty();
}

void release_request_holds(MessageContext& ctx, std::int64_t transfer_id, bool used) {
  infra::UnitOfWork unit(ctx.txn);
  for (auto request : infra::PgStockLedger(unit).lock_held_requests_of(transfer_id))
    release_hold(ctx, request, used ? "used" : "released", std::nullopt);
}

}  // namespace ims::workers::stock
