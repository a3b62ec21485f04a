// production.completion_requested: consume the bill of materials at the batch's location (first
// expiry first out, never an expired lot: domain::plan_consumption) and book the output as a new
// lot, in one transaction — or, if a material is short by now, leave the batch in progress with
// the reason.
#include "ims/domain/catalog.hpp"
#include "ims/domain/ledger_plan.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "stock/batch_steps.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

void fail(MessageContext& ctx, infra::PgStockLedger& ledger, const infra::BatchRecord& b,
          const std::string& reason) {
  ledger.fail_batch_completion(b.id, reason);
  announce_batch(ctx, b, "production.completion_failed", {{"reason", reason}});
  ctx.log.info("production batch not completed", {{"batch", b.number}, {"reason", reason}});
}

// The consumption and the output, the batch completed, and what changed announced.
void complete(MessageContext& ctx, infra::PgStockLedger& ledger, const infra::BatchRecord& b,
              const domain::ConsumptionPlan& plan, std::int64_t lot_id,
              const std::vector<domain::BomLine>& bom) {
  const auto produced = *Quantity::parse(*b.produced_quantity);
  for (auto [material, takes] : plan.takes) {
    for (auto& t : takes) t.quantity = -t.quantity;
    book_movements(ctx, takes, material, b.location_id, "production_consume", b.number, b.created_by);
  }
  const auto stock_id = ledger.ensure_stock_row(b.product_id, b.location_id, lot_id);
  book_movements(ctx, {{stock_id, lot_id, produced}}, b.product_id, b.location_id, "production_output",
                 b.number, b.created_by);
  const auto cost = domain::format_money(domain::cost_per_unit_cents(bom));
  ledger.complete_batch(b.id, lot_id, cost);
  for (const auto& [material, takes] : plan.takes) {
    announce_stock_change(ctx, material, b.location_id, b.created_by,
                          {{"event", "production_consume"}, {"batch", b.number}});
  }
  announce_stock_change(ctx, b.product_id, b.location_id, b.created_by,
                        {{"event", "production_output"}, {"batch", b.number}});
  announce_batch(ctx, b, "production.completed",
                 {{"lot_id", lot_id},
                  {"lot_code", *b.lot_code},
                  {"quantity", produced.to_double()},
                  {"cost_per_unit", cost}});
  ctx.log.info("production batch completed", {{"batch", b.number}, {"lot", *b.lot_code}});
}

}  // namespace

void production_completion_requested(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  infra::PgStockLedger ledger(unit);
  const auto b = lock_batch(ctx, unit);
  const auto produced = b.produced_quantity ? Quantity::parse(*b.produced_quantity) : std::nullopt;
  if (b.status != "in_progress" || b.completion != "requested" || !produced || !b.lot_code)
    return;  // done or moved on
  std::vector<domain::BomLine> bom;
  std::vector<std::pair<std::int64_t, std::string>> names;
  for (const auto& e : ledger.bill_of_materials(b.product_id)) {
    bom.push_back(e.line);
    names.emplace_back(e.line.material_id, e.sku);
  }
  const auto needs = domain::material_needs(bom, *produced, {});
  domain::SlotsByProduct slots;  // locked in material order
  for (const auto& need : needs)
    slots[need.material_id] = ledger.lock_slots(need.material_id, b.location_id, std::nullopt, false);
  const auto plan = domain::plan_consumption(needs, slots, ledger.today());
  if (!plan.complete())
    return fail(ctx, ledger, b, "materials are short: " + domain::describe_shortages(plan.shortages, names));
  const auto lot_id = ledger.insert_produced_lot(b.product_id, *b.lot_code, b.expires_on);
  if (!lot_id)
    return fail(ctx, ledger, b, "lot code " + *b.lot_code + " is taken by another lot of this product");
  complete(ctx, ledger, b, plan, *lot_id, bom);
}

}  // namespace ims::workers::stock
