// request.created: the hold of a transfer request is placed at the source (first expiry first
// out, unexpired lots), or the request fails with the reason. The hold of an approved request stays
// until its transfer is dispatched or canceled (request_holds.cpp).
#include "ims/infra/stock_ledger.hpp"
#include "stock/request_steps.hpp"

namespace ims::workers::stock {

void request_created(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto r = lock_request(ctx, unit);
  if (r.hold != "requested") return;  // nothing to hold, or held already
  if (r.status != "pending") {        // decided before the hold was placed: there is nothing to give back
    ledger.set_hold(r.id, "released");
    return;
  }
  const auto quantity = *domain::Quantity::parse(r.quantity);
  auto slots = ledger.lock_slots(r.product_id, r.from_location_id, std::nullopt, false);
  auto takes = domain::allocate_fefo(std::move(slots), quantity, ledger.today(), true);
  if (!takes) {
    // No figures: the requester may not be allowed to read the source's stock.
    const std::string reason = "not enough usable stock at the source to hold";
    ledger.fail_request(r.id, reason);
    announce_request(ctx, r, "request.failed", {{"reason", reason}});
    ctx.log.info("request failed", {{"request", r.number}, {"reason", reason}});
    return;
  }
  for (const auto& t : *takes) ledger.hold(r.id, t, r.product_id, r.from_location_id);
  ledger.set_hold(r.id, "held");
  announce_stock_change(ctx, r.product_id, r.from_location_id, r.requested_by,
                        {{"event", "hold_placed"}, {"request_id", r.id}});
  announce_request(ctx, r, "request.held", {{"quantity", quantity.to_double()}});
  ctx.log.info("request hold placed", {{"request", r.number}});
}

}  // namespace ims::workers::stock
