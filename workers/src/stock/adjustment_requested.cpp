// stock.adjustment.requested → the adjustment is applied as ledger movements, or rejected with a
// reason; the stock rows, the movements, the adjustment's status and the events that announce them
// commit together. Stock never goes negative and never below what is reserved.
#include "ims/infra/stock_ledger.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

void reject(MessageContext& ctx, infra::PgStockLedger& ledger, const infra::AdjustmentToApply& a,
            const std::string& reason) {
  ledger.mark_adjustment_rejected(a.id, reason);
  announce(ctx, "stock.adjustment.rejected",
           {{"adjustment_id", a.id},
            {"product_id", a.product_id},
            {"location_id", a.location_id},
            {"reason", reason}},
           a.requested_by);
}

}  // namespace

void adjustment_requested(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto id = id_in(ctx, "adjustment_id");
  const auto adjustment = ledger.lock_adjustment(id);
  if (!adjustment) throw MalformedMessage("adjustment " + std::to_string(id) + " does not exist");
  const auto& a = *adjustment;
  if (a.status != "pending") return;  // decided already
  const auto lot_id =
      a.lot_code ? std::optional(ledger.upsert_lot(a.product_id, *a.lot_code, a.expires_on)) : std::nullopt;

  std::vector<domain::Take> takes;
  if (a.delta > Quantity()) {
    takes.push_back({ledger.ensure_stock_row(a.product_id, a.location_id, lot_id), lot_id, a.delta});
  } else {
    // Taking stock away: from the named lot, or across lots first-expiry-first-out.
    auto slots = ledger.lock_slots(a.product_id, a.location_id, lot_id, a.lot_code.has_value());
    auto planned = domain::allocate_fefo(std::move(slots), -a.delta, ledger.today(), false);
    if (!planned) return reject(ctx, ledger, a, planned.error().message);
    for (auto& t : *planned) t.quantity = -t.quantity;
    takes = std::move(*planned);
  }
  const auto first_movement = book_movements(ctx, takes, a.product_id, a.location_id, "adjustment",
                                             "ADJ-" + std::to_string(a.id), a.requested_by);
  ledger.mark_adjustment_applied(a.id, first_movement);
  announce_stock_change(ctx, a.product_id, a.location_id, a.requested_by,
                        {{"adjustment_id", a.id}, {"quantity_delta", a.delta.to_double()}});
}

}  // namespace ims::workers::stock
