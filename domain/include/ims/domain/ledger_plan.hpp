#pragma once
// What the stock worker takes from stock for a production batch and a transfer, and how it books a
// transfer's discrepancy. Pure: the worker locks the rows, these functions decide, the worker
// writes what they decided (the order reservation plan is in reservation_plan.hpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"

namespace ims::domain {

// Stock rows by product (or material), as locked at one location.
using SlotsByProduct = std::map<std::int64_t, std::vector<StockSlot>>;

// --- production: the materials a batch consumes ---

struct ConsumptionPlan {
  // Per material in need order, what to take (positive quantities), first expiry first out.
  std::vector<std::pair<std::int64_t, std::vector<Take>>> takes;
  // The materials that cannot be covered: needed, and how much usable (unexpired) stock there is.
  std::vector<MaterialNeed> shortages;
  bool complete() const { return shortages.empty(); }
};

// Every need from its material's rows, never from a lot expired before `today`.
ConsumptionPlan plan_consumption(const std::vector<MaterialNeed>& needs, const SlotsByProduct& slots,
                                 const std::string& today);

// --- transfers: what leaves the source at dispatch ---

struct DispatchLine {
  std::int64_t line_id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::optional<std::int64_t> lot_id;  // a named lot is taken as asked, expired or not
  Quantity quantity;
};

struct DispatchPick {
  std::int64_t line_id = 0;
  std::int64_t product_id = 0;
  std::vector<Take> takes;  // positive quantities
};

struct DispatchPlan {
  std::vector<DispatchPick> picks;  // one per line, in line order, when every line is covered
  // "line 2 (SKU-1): only 3 available, 5 needed; line 3 …" when any line is not.
  std::optional<std::string> failure;
  bool dispatched() const { return !failure.has_value(); }
};

// Plans every line in order against the source's rows and what the lines before it took. A line
// naming a lot takes only that lot; otherwise first expiry first out among unexpired lots.
DispatchPlan plan_dispatch(const std::vector<DispatchLine>& lines, SlotsByProduct slots,
                           const std::string& today);

// --- transfers: a difference between what was sent and what arrived ---

// The movement that books `difference` (received − shipped) against the rows that just arrived:
// an excess added to the first arrival, a shortfall written off the arrivals, the last first.
// Signed quantities; empty when there is no difference or nothing arrived.
std::vector<Take> discrepancy_correction(const std::vector<Take>& arrivals, Quantity difference);

// "TR-1: SKU-1 arrived 8 of 10 (short 2)", the alert's message.
std::string describe_discrepancy(const std::string& transfer, const std::string& sku, Quantity received,
                                 Quantity shipped);

}  // namespace ims::domain
