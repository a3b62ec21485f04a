#pragma once
// What the API reads and records about stock: the stock rows, the ledger's movements, lots, and the
// adjustments it records for the stock worker to carry out (only the stock worker writes stock).
// The interface the stock use cases take, and its PostgreSQL implementation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct AdjustmentRecord {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::string> lot_code, expires_on;
  std::string quantity_delta;  // a decimal as PostgreSQL prints it
  std::string reason;
  std::string status;  // pending | applied | rejected
  std::optional<std::string> rejection_reason;
  std::optional<std::int64_t> movement_id;
  std::string created_at;
  std::optional<std::string> decided_at;
};

struct NewStockAdjustment {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::string> lot_code, expires_on;
  std::string quantity_delta;
  std::string reason;
  std::int64_t requested_by = 0;
  std::string request_id;
};

struct StockRowRecord {
  std::int64_t id = 0;  // the stock row: the list's cursor
  std::int64_t product_id = 0;
  std::string sku, product_name;
  std::int64_t location_id = 0;
  std::string location_code;
  std::optional<std::int64_t> lot_id;
  std::optional<std::string> lot_code, expires_on;
  std::string on_hand, reserved, available;
};

struct StockFilter {
  std::optional<std::int64_t> after_id, product_id, location_id;
  std::optional<std::string> kind;  // finished_good | raw_material
  bool below_reorder = false;       // only rows whose reorder rule is low
  int limit = 50;
};

struct MovementRecord {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::int64_t> lot_id;
  std::optional<std::string> lot_code;
  std::string quantity;
  std::string reason;
  std::optional<std::string> reference;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> message_id;
  std::string at;
};

struct MovementFilter {
  std::optional<std::int64_t> after_id, product_id, location_id;  // after_id: older than this one
  std::optional<std::string> reason, reference;
  int limit = 50;
};

struct LotRecord {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string sku, lot_code;
  std::optional<std::string> manufactured_on, expires_on;
  std::string on_hand;  // at the filter's location, or everywhere
};

struct LotFilter {
  std::optional<std::int64_t> after_id, product_id;
  std::optional<std::int64_t> expiring_within_days;
  std::optional<std::int64_t> location_id;  // only lots with stock there
  int limit = 50;
};

class StockStore {
 public:
  virtual ~StockStore() = default;
  virtual std::optional<bool> product_active(std::int64_t product_id) = 0;  // none: no such product
  virtual bool location_exists(std::int64_t location_id) = 0;
  virtual AdjustmentRecord insert_adjustment(const NewStockAdjustment& adjustment) = 0;
  virtual std::optional<AdjustmentRecord> find_adjustment(std::int64_t id) = 0;
  // Bumped by the stock worker with every change at the location (the stock cache's key).
  virtual std::int64_t stock_version(std::int64_t location_id) = 0;
  virtual std::vector<StockRowRecord> stock(const StockFilter& filter) = 0;         // by id, limit + 1
  virtual std::vector<MovementRecord> movements(const MovementFilter& filter) = 0;  // newest first, limit + 1
  virtual std::vector<LotRecord> lots(const LotFilter& filter) = 0;                 // by id, limit + 1
};

class PgStockStore final : public StockStore {
 public:
  explicit PgStockStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<bool> product_active(std::int64_t product_id) override;
  bool location_exists(std::int64_t location_id) override;
  AdjustmentRecord insert_adjustment(const NewStockAdjustment& adjustment) override;
  std::optional<AdjustmentRecord> find_adjustment(std::int64_t id) override;
  std::int64_t stock_version(std::int64_t location_id) override;
  std::vector<StockRowRecord> stock(const StockFilter& filter) override;
  std::vector<MovementRecord> movements(const MovementFilter& filter) override;
  std::vector<LotRecord> lots(const LotFilter& filter) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
