#pragma once
// The stock worker's store: the ledger (stock rows, movements, levels, the low-stock flag of a
// reorder rule) and the writes by which an adjustment, a production batch, a transfer and an
// approval request's hold change stock. Every stock change is a movement booked here, in the
// transaction of the message that caused it (DESIGN §3). Orders have their own: order_ledger.hpp.
// The rows it reads first are the API's records: PgTransferStore, PgBatchStore, PgRequestStore.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"
#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

// A movement to book: one signed quantity on one stock row, and why.
struct MovementEntry {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::int64_t stock_id = 0;
  std::optional<std::int64_t> lot_id;
  domain::Quantity quantity;  // signed: + into stock, − out of it
  std::string reason;         // adjustment, sale, transfer_out, production_consume, …
  std::string reference;      // the order, transfer or batch number, or ADJ-<id>
  std::optional<std::int64_t> actor_id;
  std::string message_id;  // the message that caused it: one movement per cause, never two
};

// A reorder rule of (product, location), locked, as the low-stock decision needs it.
struct ReorderState {
  std::int64_t rule_id = 0;
  domain::Quantity min;
  domain::Quantity max;
  bool was_low = false;  // low_since is set
};

// A product's stock at a location after a change: on hand, and sellable (less reserved, in lots
// that have not expired).
struct StockLevel {
  domain::Quantity on_hand;
  domain::Quantity available;
  std::optional<ReorderState> rule;
};

struct AdjustmentToApply {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
  domain::Quantity delta;
  std::optional<std::int64_t> requested_by;
  std::string status;  // pending until the stock worker decides
};

// A bill of materials line with the material's SKU (which names it in a shortage).
struct BomEntry {
  domain::BomLine line;
  std::string sku;
};

// (product, location) whose stock a release changed.
using ProductAt = std::pair<std::int64_t, std::int64_t>;

class PgStockLedger {
 public:
  explicit PgStockLedger(UnitOfWork& unit) : unit_(unit) {}

  std::string today();  // the database's date, for expiry
  // The stock row for (product, location, lot), created empty if missing; returns its id.
  std::int64_t ensure_stock_row(std::int64_t product_id, std::int64_t location_id,
                                std::optional<std::int64_t> lot_id);
  // Locks the rows of a product at a location, in id order (only the lot's row if only_lot).
  std::vector<domain::StockSlot> lock_slots(std::int64_t product_id, std::int64_t location_id,
                                            std::optional<std::int64_t> lot_id, bool only_lot);
  // The movement and the change of on_hand it makes; returns the movement's id.
  std::int64_t book(const MovementEntry& movement);
  bool has_movement(const std::string& reference, const std::string& reason,
                    std::optional<std::int64_t> location_id);
  // Appends stock.changed (the envelope gains on_hand and available) and returns the level, with
  // the reorder rule locked.
  StockLevel announce_level(std::int64_t product_id, std::int64_t location_id, const std::string& event_id,
                            const std::string& envelope);
  void mark_low(std::int64_t rule_id, bool low);
  // The lot (product, code), created if missing.
  std::int64_t upsert_lot(std::int64_t product_id, const std::string& lot_code,
                          const std::optional<std::string>& expires_on);

  // --- adjustments ---
  std::optional<AdjustmentToApply> lock_adjustment(std::int64_t id);
  void mark_adjustment_applied(std::int64_t id, std::int64_t first_movement_id);
  void mark_adjustment_rejected(std::int64_t id, const std::string& reason);

  // --- production ---
  std::vector<BomEntry> bill_of_materials(std::int64_t product_id);  // in material order
  // A new lot made today; none if the product has a lot of that code already.
  std::optional<std::int64_t> insert_produced_lot(std::int64_t product_id, const std::string& lot_code,
                                                  const std::optional<std::string>& expires_on);
  void fail_batch_completion(std::int64_t batch_id, const std::string& reason);
  void complete_batch(std::int64_t batch_id, std::int64_t lot_id, const std::string& cost_per_unit);

  // --- transfers ---
  void fail_dispatch(std::int64_t transfer_id, const std::string& reason);
  void add_pick(std::int64_t transfer_line_id, std::optional<std::int64_t> lot_id, domain::Quantity quantity);
  void mark_in_transit(std::int64_t transfer_id);
  void record_discrepancy(std::int64_t transfer_line_id, domain::Quantity quantity, std::int64_t movement_id);
  void mark_transfer_completed(std::int64_t transfer_id);

  // --- holds of approval requests ---
  void hold(std::int64_t request_id, const domain::Take& take, std::int64_t product_id,
            std::int64_t location_id);
  void set_hold(std::int64_t request_id, const std::string& hold);
  void fail_request(std::int64_t request_id, const std::string& reason);
  // Gives back what a request holds and sets its hold to `hold_becomes` (used, released); returns
  // the (product, location) pairs whose stock changed.
  std::vector<ProductAt> release_hold(std::int64_t request_id, const std::string& hold_becomes);
  std::vector<std::int64_t> lock_held_requests_of(std::int64_t transfer_id);  // in id order

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
