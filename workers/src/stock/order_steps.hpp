#pragma once
// The order steps order.created (one or a batch) and order.status_changed share (DESIGN §3):
//  - pending: reserve every line at the seller, first-expiry-first-out, never an expired lot; all
//    lines or none (domain::plan_reservation). Confirmed with the reservations, or rejected with a
//    reason per line.
//  - shipped (and delivered): reservations become deductions at the seller (sale / shipment).
//  - canceled: reservations are released.
//  - delivered replenishment: what was shipped is received at the buyer, in the same lots.
//  - received purchase: a receipt at the buyer, in the lot the line names.
// Each step brings the stock in line with the order's current status, whatever message woke it, so
// a redelivered or reordered message never does anything twice or out of order.
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/reservation_plan.hpp"
#include "ims/infra/order_ledger.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

std::vector<domain::ReservationLine> reservation_lines(const std::vector<infra::OrderLineToSettle>& lines);
// order.confirmed / order.rejected, with the parties (for the live feed's scope) and the reason,
// ready to be written with the decision.
infra::OrderDecision decision_of(const infra::OrderToSettle& o, const std::string& to,
                                 const std::optional<std::string>& reason, const std::string& correlation_id);
void log_decision(const infra::Log& log, const infra::OrderToSettle& o,
                  const std::optional<std::string>& reason);
// The stock side of the order's current status, once it is past pending; each step does nothing
// once done.
void settle(MessageContext& ctx, const infra::OrderToSettle& o);

}  // namespace ims::workers::stock
