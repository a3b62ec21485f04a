#pragma once
// The stock worker's handlers (one per message type) and the ledger operations they share.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "consumer.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/pg.hpp"
#include "ims/domain/order.hpp"
#include "ims/domain/stock.hpp"

namespace prometheus {
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace ims::workers::stock {

// ims_orders_total{kind, outcome} for the worker's decisions (confirmed, rejected). The worker owns
// one and hands it to the order handlers; a default-constructed one counts nothing.
class OrderDecisions {
 public:
  OrderDecisions() = default;
  explicit OrderDecisions(infra::Metrics& metrics);
  // Counted when decided; a transaction that is then retried counts its orders again (rare).
  void count(domain::OrderKind kind, const std::string& outcome) const;

 private:
  prometheus::Family<prometheus::Counter>* family_ = nullptr;
};

void adjustment_requested(MessageContext& ctx);
// order.created: a pending sale or replenishment reserved (confirmed) or rejected; anything else settled.
void handle_order_created(MessageContext& ctx, const OrderDecisions& decisions);
void production_completion_requested(MessageContext& ctx);
void production_qc_failed(MessageContext& ctx);
void transfer_dispatch_requested(MessageContext& ctx);
void transfer_completion_requested(MessageContext& ctx);
void transfer_canceled(MessageContext& ctx);
void request_created(MessageContext& ctx);
// request.denied, request.canceled, request.expired: the hold goes back.
void request_closed(MessageContext& ctx);
// The holds of the requests a transfer carries out: used by its dispatch, or released if canceled.
void release_request_holds(MessageContext& ctx, std::int64_t transfer_id, bool used);
void order_status_changed(MessageContext& ctx);
// inventory.check.requested (from the scheduler's inventory-check job): see check_inventory.hpp.
void inventory_check_requested(MessageContext& ctx, int expiry_warning_days);
infra::PreparedStatements order_statements();
// order.created for several orders at once: one round trip per step instead of per order.
void handle_orders_created(pqxx::work& txn, std::vector<MessageContext>& messages,
                           const OrderDecisions& decisions);

// A PostgreSQL array literal of texts (NULL for absent ones), for unnest() parameters.
std::string text_array(const std::vector<std::optional<std::string>>& values);

// The message types this worker handles, with their handlers.
// The order handlers count their decisions through `decisions`, which must outlive them.
std::map<std::string, MessageHandler> handlers(const infra::Config& config, const OrderDecisions& decisions);
// The named statements those handlers use, prepared on every connection of the worker.
infra::PreparedStatements prepared_statements();

// --- ledger operations (ledger.cpp) ---
std::string today(pqxx::work& txn);
// The stock row for (product, location, lot), created empty if missing; returns its id.
std::int64_t ensure_stock_row(pqxx::work& txn, std::int64_t product_id, std::int64_t location_id,
                              std::optional<std::int64_t> lot_id);
// Locks and returns the stock rows of a product at a location (only the lot's row if only_lot).
std::vector<domain::StockSlot> lock_slots(pqxx::work& txn, std::int64_t product_id, std::int64_t location_id,
                                          std::optional<std::int64_t> lot_id, bool only_lot);
// One movement per take (signed quantity) and the matching change of on_hand. Returns the first
// movement's id.
std::int64_t book_movements(MessageContext& ctx, const std::vector<domain::Take>& takes,
                            std::int64_t product_id, std::int64_t location_id, const std::string& reason,
                            const std::string& reference, std::optional<std::int64_t> actor_id);
// stock.changed for live feeds and webhooks; stock.low once per fall to or below a reorder min.
void announce_stock_change(MessageContext& ctx, std::int64_t product_id, std::int64_t location_id,
                           std::optional<std::int64_t> actor_id, nlohmann::json cause);

}  // namespace ims::workers::stock
