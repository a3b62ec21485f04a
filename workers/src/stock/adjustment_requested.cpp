// stock.adjustment.requested → the adjustment is applied as ledger movements, or rejected with a
// reason; the stock rows, the movements, the adjustment's status and the events that announce them
// commit together. Stock never goes negative and never below what is reserved.
#include "stock/handlers.hpp"

#include "ims/domain/stock.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

struct Adjustment {
  std::int64_t id;
  std::int64_t product_id;
  std::int64_t location_id;
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
  Quantity delta;
  std::optional<std::int64_t> requested_by;
};

std::optional<Adjustment> lock_pending(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_prepared("adjustment_lock", id);
  if (rows.empty()) throw MalformedMessage("adjustment " + std::to_string(id) + " does not exist");
  const auto& r = rows[0];
  if (r[6].as<std::string>() != "pending") return std::nullopt;  // decided already
  return Adjustment{id,
                    r[0].as<std::int64_t>(),
                    r[1].as<std::int64_t>(),
                    infra::nullable<std::string>(r[2]),
                    infra::nullable<std::string>(r[3]),
                    *Quantity::parse(r[4].as<std::string>()),
                    infra::nullable<std::int64_t>(r[5])};
}

std::optional<std::int64_t> find_or_create_lot(pqxx::work& txn, const Adjustment& a) {
  if (!a.lot_code) return std::nullopt;
  txn.exec_params(
      "INSERT INTO inventory.lots (product_id, lot_code, expires_on) VALUES ($1, $2, $3::date)"
      " ON CONFLICT (product_id, lot_code) DO NOTHING",
      a.product_id, *a.lot_code, a.expires_on);
  return txn
      .exec_params1("SELECT id FROM inventory.lots WHERE product_id = $1 AND lot_code = $2", a.product_id,
                    *a.lot_code)[0]
      .as<std::int64_t>();
}

void reject(MessageContext& ctx, const Adjustment& a, const std::string& reason) {
  ctx.txn.exec_params(
      "UPDATE inventory.adjustments SET status = 'rejected', rejection_reason = $2, decided_at = now() WHERE "
      "id = $1",
      a.id, reason);
  infra::append_event(ctx.txn, {"stock.adjustment.rejected",
                                {{"adjustment_id", a.id},
                                 {"product_id", a.product_id},
                                 {"location_id", a.location_id},
                                 {"reason", reason}},
                                ctx.event.correlation_id,
                                a.requested_by});
}

}  // namespace

void adjustment_requested(MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("adjustment_id") || !data["adjustment_id"].is_number_integer()) {
    throw MalformedMessage("data.adjustment_id is missing");
  }
  auto adjustment = lock_pending(ctx.txn, data["adjustment_id"].get<std::int64_t>());
  if (!adjustment) return;
  const auto& a = *adjustment;
  const auto lot_id = find_or_create_lot(ctx.txn, a);

  std::vector<domain::Take> takes;
  if (a.delta > Quantity()) {
    takes.push_back({ensure_stock_row(ctx.txn, a.product_id, a.location_id, lot_id), lot_id, a.delta});
  } else {
    // Taking stock away: from the named lot, or across lots first-expiry-first-out.
    auto slots = lock_slots(ctx.txn, a.product_id, a.location_id, lot_id, a.lot_code.has_value());
    auto planned = domain::allocate_fefo(std::move(slots), -a.delta, today(ctx.txn), false);
    if (!planned) {
      reject(ctx, a, planned.error().message);
      return;
    }
    for (auto& t : *planned) t.quantity = -t.quantity;
    takes = std::move(*planned);
  }
  const auto first_movement = book_movements(ctx, takes, a.product_id, a.location_id, "adjustment",
                                             "ADJ-" + std::to_string(a.id), a.requested_by);
  ctx.txn.exec_prepared("adjustment_applied", a.id, first_movement);
  announce_stock_change(ctx, a.product_id, a.location_id, a.requested_by,
                        {{"adjustment_id", a.id}, {"quantity_delta", a.delta.to_double()}});
}

}  // namespace ims::workers::stock
