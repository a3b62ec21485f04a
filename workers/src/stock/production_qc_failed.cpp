// production.qc_failed (of a completed batch, with write_off): what is left of its lot at the
// batch's location is written off, once.
#include "ims/infra/stock_ledger.hpp"
#include "stock/batch_steps.hpp"

namespace ims::workers::stock {

void production_qc_failed(MessageContext& ctx) {
  if (!ctx.event.data.value("write_off", false)) return;
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto b = lock_batch(ctx, unit);
  if (b.status != "qc_failed" || !b.lot_id) return;
  if (ledger.has_movement(b.number, "write_off", std::nullopt)) return;  // written off already
  std::vector<domain::Take> takes;
  for (const auto& s : ledger.lock_slots(b.product_id, b.location_id, b.lot_id, true)) {
    if (s.available() > domain::Quantity()) takes.push_back({s.stock_id, s.lot_id, -s.available()});
  }
  if (takes.empty()) return;
  book_movements(ctx, takes, b.product_id, b.location_id, "write_off", b.number, b.created_by);
  announce_stock_change(ctx, b.product_id, b.location_id, b.created_by,
                        {{"event", "write_off"}, {"batch", b.number}});
  ctx.log.info("failed lot written off", {{"batch", b.number}});
}

}  // namespace ims::workers::stock
