#include "ims/domain/ledger_plan.hpp"

#include <algorithm>

namespace ims::domain {

ConsumptionPlan plan_consumption(const std::vector<MaterialNeed>& needs, const SlotsByProduct& slots,
                                 const std::string& today) {
  ConsumptionPlan plan;
  for (const auto& need : needs) {
    const auto found = slots.find(need.material_id);
    const auto rows = found == slots.end() ? std::vector<StockSlot>{} : found->second;
    Quantity usable;
    for (const auto& s : rows) {
      if (!s.expires_on || *s.expires_on >= today) usable = usable + s.available();
    }
    auto takes = allocate_fefo(rows, need.needed, today, true);
    if (!takes) {
      plan.shortages.push_back({need.material_id, need.needed, usable});
      continue;
    }
    plan.takes.emplace_back(need.material_id, std::move(*takes));
  }
  return plan;
}

DispatchPlan plan_dispatch(const std::vector<DispatchLine>& lines, SlotsByProduct slots,
                           const std::string& today) {
  DispatchPlan plan;
  std::string failure;
  for (const auto& l : lines) {
    auto& rows = slots[l.product_id];  // shared by the product's lines: what one takes, the next cannot
    std::vector<StockSlot> candidates;
    for (const auto& s : rows) {
      if (!l.lot_id || s.lot_id == l.lot_id) candidates.push_back(s);
    }
    auto takes = allocate_fefo(candidates, l.quantity, today, !l.lot_id);
    if (!takes) {
      failure += (failure.empty() ? "" : "; ") +
                 ("line " + std::to_string(l.line_no) + " (" + l.sku + "): " + takes.error().message);
      continue;
    }
    for (const auto& take : *takes) {
      for (auto& s : rows) {
        if (s.stock_id == take.stock_id) s.on_hand = s.on_hand - take.quantity;
      }
    }
    plan.picks.push_back({l.line_id, l.product_id, std::move(*takes)});
  }
  if (!failure.empty()) {
    plan.picks.clear();
    plan.failure = std::move(failure);
  }
  return plan;
}

std::vector<Take> discrepancy_correction(const std::vector<Take>& arrivals, Quantity difference) {
  std::vector<Take> correction;
  if (difference == Quantity() || arrivals.empty()) return correction;
  if (difference > Quantity()) {
    correction.push_back({arrivals.front().stock_id, arrivals.front().lot_id, difference});
    return correction;
  }
  auto left = -difference;
  for (auto it = arrivals.rbegin(); it != arrivals.rend() && left > Quantity(); ++it) {
    const auto q = std::min(left, it->quantity);
    correction.push_back({it->stock_id, it->lot_id, -q});
    left = left - q;
  }
  return correction;
}

std::string describe_discrepancy(const std::string& transfer, const std::string& sku, Quantity received,
                                 Quantity shipped) {
  const auto difference = received - shipped;
  return transfer + ": " + sku + " arrived " + received.to_string() + " of " + shipped.to_string() + " (" +
         (difference > Quantity() ? "excess " + difference.to_string()
                                  : "short " + (-difference).to_string()) +
         ")";
}

}  // namespace ims::domain
