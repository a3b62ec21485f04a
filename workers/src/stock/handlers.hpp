#pragma once
// The stock worker's handlers (one per message type, one per file) and the ledger steps they
// share. Each handler decodes its message, locks what it changes through the stores
// (infra/stock_ledger.hpp, infra/order_ledger.hpp, and the API's transfer, batch and request
// stores), lets the domain plan (domain/ledger_plan.hpp, domain/reservation_plan.hpp) and writes
// what the plan decided, in the message's transaction.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "consumer.hpp"
#include "ims/domain/order.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/pg.hpp"

namespace ims::workers::stock {

// Counts an order's decision (ims_orders_total{kind, outcome}: confirmed, rejected) and the time
// since the API accepted the order (ims_order_decision_seconds{kind}), once the message commits.
void count_decision(MessageContext& ctx, domain::OrderKind kind, bool confirmed);

void adjustment_requested(MessageContext& ctx);
// order.created: a pending sale or replenishment reserved (confirmed) or rejected; anything else settled.
void order_created(MessageContext& ctx);
// order.created for several orders at once: one round trip per step instead of per order.
void orders_created(std::vector<MessageContext>& messages);
void order_status_changed(MessageContext& ctx);
void production_completion_requested(MessageContext& ctx);
void production_qc_failed(MessageContext& ctx);
void transfer_dispatch_requested(MessageContext& ctx);
void transfer_completion_requested(MessageContext& ctx);
void transfer_canceled(MessageContext& ctx);
void request_created(MessageContext& ctx);
// request.denied, request.canceled, request.expired: the hold goes back.
void request_closed(MessageContext& ctx);
// inventory.check.requested (from the scheduler's inventory-check job): see check_inventory.hpp.
void inventory_check_requested(MessageContext& ctx, int expiry_warning_days);

// The message types this worker handles, with their handlers.
std::map<std::string, MessageHandler> handlers(const infra::Config& config);

// ims_stock_movements_total{reason}, ims_orders_total{kind, outcome} and
// ims_order_decision_seconds{kind}, from what committed messages counted.
TallySink tally_sink(infra::Metrics& metrics);

// --- ledger steps the handlers share (ledger.cpp) ---

// data.<field> as an id, or MalformedMessage naming it.
std::int64_t id_in(const MessageContext& ctx, const std::string& field);
// One movement per take (signed quantity) with the matching change of on_hand, caused by this
// message. Returns the first movement's id (0 when there are no takes).
std::int64_t book_movements(MessageContext& ctx, const std::vector<domain::Take>& takes,
                            std::int64_t product_id, std::int64_t location_id, const std::string& reason,
                            const std::string& reference, std::optional<std::int64_t> actor_id);
// stock.changed for live feeds and webhooks; stock.low once per fall to or below a reorder min,
// stock.recovered once back above it.
void announce_stock_change(MessageContext& ctx, std::int64_t product_id, std::int64_t location_id,
                           std::optional<std::int64_t> actor_id, nlohmann::json cause);
// An event of this message's correlation, in the outbox.
void announce(MessageContext& ctx, const std::string& type, nlohmann::json data,
              std::optional<std::int64_t> actor_id);
// The holds of the requests a transfer carries out: used by its dispatch, or given back if it is
// canceled (request_holds.cpp).
void release_request_holds(MessageContext& ctx, std::int64_t transfer_id, bool used);

}  // namespace ims::workers::stock
