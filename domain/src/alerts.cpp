#include "ims/domain/alerts.hpp"

#include <algorithm>

#include "ims/domain/catalog.hpp"

namespace ims::domain {

AlertKey stock_low_key(std::int64_t product_id, std::int64_t location_id) {
  return {"stock.low", product_id, location_id, ""};
}

AlertKey lot_expiring_key(std::int64_t product_id, std::int64_t location_id, std::int64_t lot_id) {
  return {"lot.expiring", product_id, location_id, "lot:" + std::to_string(lot_id)};
}

AlertKey drift_key(std::int64_t product_id, std::int64_t location_id, std::optional<std::int64_t> lot_id) {
  return {"inventory.drift", product_id, location_id, lot_id ? "lot:" + std::to_string(*lot_id) : ""};
}

AlertKey request_overdue_key(std::int64_t product_id, std::int64_t location_id, std::int64_t request_id) {
  return {"request.overdue", product_id, location_id, "request:" + std::to_string(request_id)};
}

AlertKey discrepancy_key(std::int64_t product_id, std::int64_t location_id, std::int64_t transfer_id) {
  return {"transfer.discrepancy", product_id, location_id, "transfer:" + std::to_string(transfer_id)};
}

AlertKey account_pending_key(std::int64_t user_id) {
  return {"account.pending", std::nullopt, std::nullopt, "user:" + std::to_string(user_id)};
}

bool closes_by_itself(std::string_view kind) {
  return kind == "stock.low" || kind == "lot.expiring" || kind == "inventory.drift" ||
         kind == "request.overdue" || kind == "account.pending";
}

std::string alert_severity(std::string_view kind, bool worst_case) {
  if (kind == "inventory.drift") return "critical";  // the ledger and the stock disagree
  if (kind == "account.pending") return "info";      // somebody waits to be let in
  if (worst_case) return "critical";                 // nothing left, or the lot has expired
  return "warning";
}

bool tells_manufacturers(std::string_view kind, std::optional<LocationKind> location_kind) {
  return kind == "request.overdue" || location_kind == LocationKind::factory;
}

std::optional<std::int64_t> email_retry_delay_ms(int attempts_made, int max_attempts, std::int64_t base_ms) {
  if (attempts_made >= max_attempts) return std::nullopt;
  constexpr std::int64_t cap = 10 * 60 * 1000;
  std::int64_t delay = std::max<std::int64_t>(base_ms, 1);
  for (int i = 1; i < attempts_made && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Result<RestockPlan> plan_restock(const RestockFacts& f) {
  if (f.available > f.min) return Error::of(ErrorCode::conflict, "not at or below the reorder minimum");
  if (f.on_order) return Error::of(ErrorCode::conflict, "already on order");
  RestockPlan plan;
  plan.quantity = f.max - f.available;
  if (plan.quantity <= Quantity()) return Error::of(ErrorCode::conflict, "nothing to order");
  if (f.location_kind == LocationKind::factory || !f.finished_good) {
    if (!f.supplier_id) return Error::of(ErrorCode::conflict, "the product has no active preferred supplier");
    plan.kind = OrderKind::purchase;
    plan.supplier_id = f.supplier_id;
    plan.unit_price_cents = f.cost_cents;
    if (!line_amount_cents(plan.quantity.milli(), plan.unit_price_cents))
      return Error::of(ErrorCode::conflict, "the amount is too large");
    return plan;
  }
  if (!f.upstream_location_id)
    return Error::of(ErrorCode::conflict, "the location has no active upstream location");
  plan.kind = OrderKind::replenishment;
  plan.seller_location_id = f.upstream_location_id;
  plan.unit_price_cents = f.price_cents;
  if (!line_amount_cents(plan.quantity.milli(), plan.unit_price_cents))
    return Error::of(ErrorCode::conflict, "the amount is too large");
  return plan;
}

}  // namespace ims::domain
