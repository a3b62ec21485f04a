// transfer.completion_requested: what was sent enters the destination in the same lots
// (transfer_in); a difference from what was received is booked as its own movement
// (domain::discrepancy_correction), recorded as a discrepancy and raised as an alert; the transfer
// is completed.
#include <set>

#include "ims/domain/ledger_plan.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "stock/transfer_steps.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

// The difference of one line, booked, recorded and announced (the alerts worker raises the alert
// and its email from transfer.discrepancy: one writer of alerts).
void book_discrepancy(MessageContext& ctx, infra::PgStockLedger& ledger, const infra::TransferRecord& t,
                      const infra::TransferLineRecord& l, const std::vector<domain::Take>& arrivals,
                      Quantity shipped, Quantity received) {
  const auto difference = received - shipped;
  const auto correction = domain::discrepancy_correction(arrivals, difference);
  if (correction.empty()) return;
  const auto movement =
      book_movements(ctx, correction, l.product_id, t.to_location_id,
                     difference > Quantity() ? "adjustment" : "write_off", t.number, t.created_by);
  ledger.record_discrepancy(l.id, difference, movement);
  const auto message = domain::describe_discrepancy(t.number, l.sku, received, shipped);
  announce(ctx, "transfer.discrepancy",
           {{"transfer_id", t.id},
            {"number", t.number},
            {"product_id", l.product_id},
            {"sku", l.sku},
            {"shipped", shipped.to_double()},
            {"received", received.to_double()},
            {"discrepancy", difference.to_double()},
            {"location_id", t.to_location_id},
            {"from_location_id", t.from_location_id},
            {"message", message}},
           t.created_by);
  ctx.log.warn("transfer discrepancy", {{"transfer", t.number}, {"message", message}});
}

// What was sent on one line enters the destination in the lots it left the source in.
void receive_line(MessageContext& ctx, infra::PgStockLedger& ledger, const infra::TransferRecord& t,
                  const infra::TransferLineRecord& l) {
  Quantity shipped;
  std::vector<domain::Take> arrivals;
  for (const auto& p : l.picks) {
    const auto q = *Quantity::parse(p.quantity);
    arrivals.push_back({ledger.ensure_stock_row(l.product_id, t.to_location_id, p.lot_id), p.lot_id, q});
    shipped = shipped + q;
  }
  if (arrivals.empty()) return;
  book_movements(ctx, arrivals, l.product_id, t.to_location_id, "transfer_in", t.number, t.created_by);
  const auto received = l.received_quantity ? *Quantity::parse(*l.received_quantity) : shipped;
  book_discrepancy(ctx, ledger, t, l, arrivals, shipped, received);
}

}  // namespace

void transfer_completion_requested(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto t = lock_transfer(ctx, unit);
  if (t.status != "arrived" || t.pending_step != "complete") return;
  std::set<std::int64_t> products;
  for (const auto& l : infra::PgTransferStore(unit).lines(t.id)) {
    receive_line(ctx, ledger, t, l);
    products.insert(l.product_id);
  }
  ledger.mark_transfer_completed(t.id);
  for (auto product : products)
    announce_stock_change(ctx, product, t.to_location_id, t.created_by,
                          {{"event", "transfer_in"}, {"transfer", t.number}});
  announce_transfer(ctx, t, "transfer.completed");
  ctx.log.info("transfer completed", {{"transfer", t.number}});
}

}  // namespace ims::workers::stock
