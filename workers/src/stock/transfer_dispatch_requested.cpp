// transfer.dispatch_requested: the goods leave the source (transfer_out, first expiry first out or
// the lot asked for: domain::plan_dispatch) and the transfer goes in transit, in one transaction —
// or it stays pending with the reason.
#include <set>

#include "ims/domain/ledger_plan.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "stock/transfer_steps.hpp"

namespace ims::workers::stock {
namespace {

std::vector<domain::DispatchLine> dispatch_lines(const std::vector<infra::TransferLineRecord>& lines) {
  std::vector<domain::DispatchLine> out;
  out.reserve(lines.size());
  for (const auto& l : lines)
    out.push_back({l.id, l.line_no, l.product_id, l.sku, l.lot_id, *domain::Quantity::parse(l.quantity)});
  return out;
}

void fail(MessageContext& ctx, infra::PgStockLedger& ledger, const infra::TransferRecord& t,
          const std::string& reason) {
  ledger.fail_dispatch(t.id, reason);
  announce_transfer(ctx, t, "transfer.dispatch_failed", {{"reason", reason}});
  ctx.log.info("transfer not dispatched", {{"transfer", t.number}, {"reason", reason}});
}

}  // namespace

void transfer_dispatch_requested(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto t = lock_transfer(ctx, unit);
  if (t.status != "pending" || t.pending_step != "dispatch") return;  // done, or moved on
  // Stock held for the requests this transfer carries out is given back first, in this same
  // transaction, so it is exactly what the dispatch can take (and nobody else meanwhile).
  release_request_holds(ctx, t.id, true);
  const auto lines = dispatch_lines(infra::PgTransferStore(unit).lines(t.id));
  domain::SlotsByProduct slots;  // locked in the order the lines name the products
  for (const auto& l : lines) {
    if (!slots.contains(l.product_id))
      slots[l.product_id] = ledger.lock_slots(l.product_id, t.from_location_id, std::nullopt, false);
  }
  const auto plan = domain::plan_dispatch(lines, std::move(slots), ledger.today());
  if (!plan.dispatched()) return fail(ctx, ledger, t, *plan.failure);
  std::set<std::int64_t> products;
  for (auto pick : plan.picks) {
    for (const auto& take : pick.takes) ledger.add_pick(pick.line_id, take.lot_id, take.quantity);
    for (auto& take : pick.takes) take.quantity = -take.quantity;
    book_movements(ctx, pick.takes, pick.product_id, t.from_location_id, "transfer_out", t.number,
                   t.created_by);
    products.insert(pick.product_id);
  }
  ledger.mark_in_transit(t.id);
  for (auto product : products)
    announce_stock_change(ctx, product, t.from_location_id, t.created_by,
                          {{"event", "transfer_out"}, {"transfer", t.number}});
  announce_transfer(ctx, t, "transfer.dispatched");
  ctx.log.info("transfer dispatched", {{"transfer", t.number}});
}

}  // namespace ims::workers::stock
