#pragma once
// The reservation of a pending sale or replenishment (DESIGN §3): every line from the seller's
// stock, first-expiry-first-out, never an expired lot; all lines or none. Pure: the stock worker
// reads the rows, the plan decides, the worker writes what the plan decided.
//
// Lines name no lot: the API refuses lot_code on sale and replenishment lines (the stock worker
// picks lots), so the plan always chooses.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/stock.hpp"

namespace ims::domain {

// One line of the order, as the plan needs it (line_no and sku only name it in the reason).
struct ReservationLine {
  std::int64_t line_id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  Quantity quantity;
};

// The seller's stock rows, by product, in any order (allocation sorts them first-expiry-first-out,
// lot-less stock last, then by stock id). `reserved` counts what earlier orders hold, including the
// orders planned before in the same transaction (see hold). A product with no rows may be absent.
using SellerStock = std::map<std::int64_t, std::vector<StockSlot>>;

struct LinePlan {
  std::int64_t line_id = 0;
  std::int64_t product_id = 0;
  std::vector<Take> takes;               // none when rejected, or for a zero quantity
  std::optional<std::string> rejection;  // the line's reason: "only 3 available, 5 needed"
};

struct ReservationPlan {
  std::vector<LinePlan> lines;  // one per line, in the order's line order
  // The order's reason, each short line in line order: "line 2 (SKU-1): only 3 available, 5
  // needed; line 4 (SKU-9): …". None when every line is covered: the order is confirmed.
  std::optional<std::string> rejection;
  bool confirmed() const { return !rejection.has_value(); }
};

// Plans every line in order against `stock` and against what the lines before it took (a line
// that cannot be covered takes nothing). Lots expiring before `today` (ISO date) are never used.
ReservationPlan plan_reservation(const std::vector<ReservationLine>& lines, const SellerStock& stock,
                                 const std::string& today);

// Adds a confirmed plan's takes to the rows' `reserved`, so the next order planned against `stock`
// sees them. A rejected plan holds nothing.
void hold(SellerStock& stock, const ReservationPlan& plan);

}  // namespace ims::domain
