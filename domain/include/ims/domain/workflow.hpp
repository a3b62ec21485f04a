#pragma once
// The workflows between roles (DESIGN §3, issue 5): production batches, approval requests and
// transfers in transit — their state machines, and the arithmetic of production (materials
// needed, shortages, cost per unit) and of receiving a transfer (discrepancies).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ims/domain/result.hpp"
#include "ims/domain/stock.hpp"

namespace ims::domain {

// production batch: planned → in_progress → completed | qc_failed; planned → canceled;
// completed → qc_failed (a booked lot that fails QC is written off).
enum class BatchStatus { planned, in_progress, completed, qc_failed, canceled };
// approval request: pending → approved → executed | failed; pending → denied | canceled | expired.
enum class RequestStatus { pending, approved, executed, failed, denied, canceled, expired };
enum class RequestAction { transfer, adjustment, write_off };
// transfer: pending → in_transit → arrived → completed; pending → canceled.
enum class TransferStatus { pending, in_transit, arrived, completed, canceled };

std::string_view to_string(BatchStatus s);
std::string_view to_string(RequestStatus s);
std::string_view to_string(RequestAction a);
std::string_view to_string(TransferStatus s);
std::optional<BatchStatus> parse_batch_status(std::string_view text);
std::optional<RequestStatus> parse_request_status(std::string_view text);
std::optional<RequestAction> parse_request_action(std::string_view text);
std::optional<TransferStatus> parse_transfer_status(std::string_view text);

// The status after the move, or a conflict naming the illegal move (moving to the current status
// included: deciding an already decided request is a conflict, never a no-op).
Result<BatchStatus> transition(BatchStatus from, BatchStatus to);
Result<RequestStatus> transition(RequestStatus from, RequestStatus to);
Result<TransferStatus> transition(TransferStatus from, TransferStatus to);

// Whether a request in this status still holds stock (its hold has not been released or used).
bool holds_stock(RequestStatus s);

// --- production ---
struct BomLine {
  std::int64_t material_id = 0;
  std::int64_t per_unit_e4 = 0;  // ten-thousandths of the material's unit per unit produced (numeric(14,4))
  std::int64_t cost_cents = 0;   // the material's cost per unit of the material
};
// "0.0005" → 5; nullopt for more than four decimals, a negative amount or junk.
std::optional<std::int64_t> parse_per_unit(const std::string& text);

struct MaterialNeed {
  std::int64_t material_id = 0;
  Quantity needed;
  Quantity available;
  Quantity shortage() const { return needed > available ? needed - available : Quantity(); }
};

// What producing `quantity` consumes of each material (rounded up to the thousandth, so a batch
// never books less than it used), against what is available.
std::vector<MaterialNeed> material_needs(const std::vector<BomLine>& bom, Quantity quantity,
                                         const std::vector<std::pair<std::int64_t, Quantity>>& available);
// The materials that are short, each with how much; empty when the batch can be completed.
std::vector<MaterialNeed> shortages(const std::vector<MaterialNeed>& needs);
// "RM-NEEM-OIL short by 50 (needs 300, has 250)" style summary, for messages.
std::string describe_shortages(const std::vector<MaterialNeed>& short_ones,
                               const std::vector<std::pair<std::int64_t, std::string>>& names);
// Cost per unit of output in cents: Σ material cost × quantity per unit, rounded half up.
std::int64_t cost_per_unit_cents(const std::vector<BomLine>& bom);

// --- transfers ---
struct TransferLineOutcome {
  Quantity shipped;
  Quantity received;
  // positive: more arrived than was sent (excess); negative: shortfall
  Quantity discrepancy() const { return received - shipped; }
};

}  // namespace ims::domain
