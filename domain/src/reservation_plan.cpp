#include "ims/domain/reservation_plan.hpp"

#include <utility>

namespace ims::domain {
namespace {

void add_to_reserved(std::vector<StockSlot>& slots, const std::vector<Take>& takes) {
  for (const auto& t : takes) {
    for (auto& s : slots) {
      if (s.stock_id == t.stock_id) s.reserved = s.reserved + t.quantity;
    }
  }
}

std::string line_reason(const ReservationLine& line, const std::string& why) {
  return "line " + std::to_string(line.line_no) + " (" + line.sku + "): " + why;
}

}  // namespace

ReservationPlan plan_reservation(const std::vector<ReservationLine>& lines, const SellerStock& stock,
                                 const std::string& today) {
  SellerStock trial;  // the rows of the products this order touches, with what its lines took
  ReservationPlan plan;
  plan.lines.reserve(lines.size());
  for (const auto& line : lines) {
    auto found = trial.find(line.product_id);
    if (found == trial.end()) {
      const auto rows = stock.find(line.product_id);
      found =
          trial.emplace(line.product_id, rows == stock.end() ? std::vector<StockSlot>{} : rows->second).first;
    }
    auto takes = allocate_fefo(found->second, line.quantity, today, true);
    if (!takes) {
      const auto& why = takes.error().message;
      plan.lines.push_back({line.line_id, line.product_id, {}, why});
      plan.rejection = (plan.rejection ? *plan.rejection + "; " : "") + line_reason(line, why);
      continue;
    }
    add_to_reserved(found->second, *takes);
    plan.lines.push_back({line.line_id, line.product_id, std::move(*takes), std::nullopt});
  }
  return plan;
}

void hold(SellerStock& stock, const ReservationPlan& plan) {
  if (!plan.confirmed()) return;
  for (const auto& line : plan.lines) {
    if (!line.takes.empty()) add_to_reserved(stock[line.product_id], line.takes);
  }
}

}  // namespace ims::domain
