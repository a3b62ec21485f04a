// production.completion_requested: consume the bill of materials at the batch's location (first
// expiry first out, never an expired lot) and book the output as a new lot, in one transaction —
// or, if a material is short by now, leave the batch in progress with the reason.
// production.qc_failed (of a completed batch): write off what is left of its lot.
#include <algorithm>

#include "ims/domain/catalog.hpp"
#include "ims/domain/workflow.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

struct Batch {
  std::int64_t id = 0;
  std::string number;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<Quantity> produced;
  std::string status;
  std::optional<std::string> completion;
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
  std::optional<std::int64_t> lot_id;
  std::optional<std::int64_t> created_by;
};

Batch lock_batch(MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("batch_id") || !data["batch_id"].is_number_integer())
    throw MalformedMessage("data.batch_id is missing");
  const auto id = data["batch_id"].get<std::int64_t>();
  auto rows = ctx.txn.exec_params(
      "SELECT number, product_id, location_id, produced_quantity::text, status, completion, lot_code, "
      "expires_on::text, lot_id,"
      "       created_by FROM production.batches WHERE id = $1 FOR UPDATE",
      id);
  if (rows.empty()) throw MalformedMessage("production batch " + std::to_string(id) + " does not exist");
  const auto& r = rows[0];
  Batch b{id,
          r[0].as<std::string>(),
          r[1].as<std::int64_t>(),
          r[2].as<std::int64_t>(),
          std::nullopt,
          r[4].as<std::string>(),
          infra::nullable<std::string>(r[5]),
          infra::nullable<std::string>(r[6]),
          infra::nullable<std::string>(r[7]),
          infra::nullable<std::int64_t>(r[8]),
          infra::nullable<std::int64_t>(r[9])};
  if (!r[3].is_null()) b.produced = Quantity::parse(r[3].as<std::string>());
  return b;
}

void announce_batch(MessageContext& ctx, const Batch& b, const std::string& type, nlohmann::json extra) {
  extra["batch_id"] = b.id;
  extra["number"] = b.number;
  extra["product_id"] = b.product_id;
  extra["location_id"] = b.location_id;
  infra::append_event(ctx.txn, {type, std::move(extra), ctx.event.correlation_id, b.created_by});
}

}  // namespace

void production_completion_requested(MessageContext& ctx) {
  const auto b = lock_batch(ctx);
  if (b.status != "in_progress" || b.completion != "requested" || !b.produced || !b.lot_code)
    return;  // done or moved on
  auto bom_rows = ctx.txn.exec_params(
      "SELECT b.material_id, b.quantity_per_unit::text, (m.cost * 100)::bigint, m.sku FROM catalog.bom_lines "
      "b"
      " JOIN catalog.products m ON m.id = b.material_id WHERE b.product_id = $1 ORDER BY b.material_id",
      b.product_id);
  std::vector<domain::BomLine> bom;
  std::vector<std::pair<std::int64_t, std::string>> names;
  for (const auto& r : bom_rows) {
    bom.push_back({r[0].as<std::int64_t>(), domain::parse_per_unit(r[1].as<std::string>()).value_or(0),
                   r[2].as<std::int64_t>()});
    names.emplace_back(r[0].as<std::int64_t>(), r[3].as<std::string>());
  }
  const auto today_is = today(ctx.txn);
  std::vector<std::pair<std::int64_t, std::vector<domain::Take>>> consumption;
  std::vector<domain::MaterialNeed> short_ones;
  for (const auto& need : domain::material_needs(bom, *b.produced, {})) {
    auto slots = lock_slots(ctx.txn, need.material_id, b.location_id, std::nullopt, false);
    Quantity usable;
    for (const auto& s : slots) {
      if (!s.expires_on || *s.expires_on >= today_is) usable = usable + s.available();
    }
    auto takes = domain::allocate_fefo(std::move(slots), need.needed, today_is, true);
    if (!takes) {
      short_ones.push_back({need.material_id, need.needed, usable});
      continue;
    }
    consumption.emplace_back(need.material_id, std::move(*takes));
  }
  auto fail = [&](const std::string& reason) {
    ctx.txn.exec_params(
        "UPDATE production.batches SET completion = 'failed', failure_reason = $2, updated_at = now(), "
        "version = version + 1"
        " WHERE id = $1",
        b.id, reason);
    announce_batch(ctx, b, "production.completion_failed", {{"reason", reason}});
    ctx.log.info("production batch not completed", {{"batch", b.number}, {"reason", reason}});
  };
  if (!short_ones.empty())
    return fail("materials are short: " + domain::describe_shortages(short_ones, names));
  auto lot = ctx.txn.exec_params(
      "INSERT INTO inventory.lots (product_id, lot_code, manufactured_on, expires_on) VALUES ($1, $2, "
      "current_date, $3::date)"
      " ON CONFLICT (product_id, lot_code) DO NOTHING RETURNING id",
      b.product_id, *b.lot_code, b.expires_on);
  if (lot.empty()) return fail("lot code " + *b.lot_code + " is taken by another lot of this product");
  const auto lot_id = lot[0][0].as<std::int64_t>();

  for (auto& [material, takes] : consumption) {
    for (auto& t : takes) t.quantity = -t.quantity;
    book_movements(ctx, takes, material, b.location_id, "production_consume", b.number, b.created_by);
  }
  const auto stock_id = ensure_stock_row(ctx.txn, b.product_id, b.location_id, lot_id);
  book_movements(ctx, {{stock_id, lot_id, *b.produced}}, b.product_id, b.location_id, "production_output",
                 b.number, b.created_by);
  const auto cost = domain::format_money(domain::cost_per_unit_cents(bom));
  ctx.txn.exec_params(
      "UPDATE production.batches SET status = 'completed', completion = NULL, failure_reason = NULL, lot_id "
      "= $2,"
      " cost_per_unit = $3::numeric, completed_at = now(), updated_at = now(), version = version + 1 WHERE "
      "id = $1",
      b.id, lot_id, cost);
  for (const auto& [material, takes] : consumption) {
    announce_stock_change(ctx, material, b.location_id, b.created_by,
                          {{"event", "production_consume"}, {"batch", b.number}});
  }
  announce_stock_change(ctx, b.product_id, b.location_id, b.created_by,
                        {{"event", "production_output"}, {"batch", b.number}});
  announce_batch(ctx, b, "production.completed",
                 {{"lot_id", lot_id},
                  {"lot_code", *b.lot_code},
                  {"quantity", b.produced->to_double()},
                  {"cost_per_unit", cost}});
  ctx.log.info("production batch completed", {{"batch", b.number}, {"lot", *b.lot_code}});
}

void production_qc_failed(MessageContext& ctx) {
  if (!ctx.event.data.value("write_off", false)) return;
  const auto b = lock_batch(ctx);
  if (b.status != "qc_failed" || !b.lot_id) return;
  if (!ctx.txn
           .exec_params(
               "SELECT 1 FROM inventory.movements WHERE reference = $1 AND reason = 'write_off' LIMIT 1",
               b.number)
           .empty()) {
    return;  // written off already
  }
  auto slots = lock_slots(ctx.txn, b.product_id, b.location_id, b.lot_id, true);
  std::vector<domain::Take> takes;
  for (const auto& s : slots) {
    if (s.available() > Quantity()) takes.push_back({s.stock_id, s.lot_id, -s.available()});
  }
  if (takes.empty()) return;
  book_movements(ctx, takes, b.product_id, b.location_id, "write_off", b.number, b.created_by);
  announce_stock_change(ctx, b.product_id, b.location_id, b.created_by,
                        {{"event", "write_off"}, {"batch", b.number}});
  ctx.log.info("failed lot written off", {{"batch", b.number}});
}

}  // namespace ims::workers::stock
