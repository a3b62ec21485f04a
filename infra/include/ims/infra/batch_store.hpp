#pragma once
// production.batches: the store the production use cases take, and its PostgreSQL implementation
// (prepared statements, typed records). The stock worker books a completion; this store only
// records what the API decided.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct BatchRecord {
  std::int64_t id = 0;
  std::string number;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::string planned_quantity;  // decimals as PostgreSQL prints them
  std::optional<std::string> produced_quantity;
  std::string status;
  std::optional<std::string> completion;  // requested | booked | failed: the stock worker's side
  std::optional<std::string> failure_reason;
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
  std::optional<std::int64_t> lot_id;
  std::optional<std::string> cost_per_unit;
  std::optional<std::string> qc_reason;
  int version = 1;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> completed_at;
  std::optional<std::int64_t> created_by;  // who planned it: the actor of the stock worker's events
};

struct NewBatch {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::string planned_quantity;
  std::int64_t actor_id = 0;
  std::string request_id;
};

struct BatchFilter {
  std::optional<std::int64_t> after_id;
  std::optional<std::string> status;
  int limit = 50;
};

struct BatchProductFacts {
  std::string kind;  // finished_good | raw_material
  bool is_active = false;
};

// One line of the product's bill of materials with what is there to use of the material at the
// batch's location (on hand, not reserved, in lots that have not expired).
struct MaterialStock {
  std::int64_t material_id = 0;
  std::string per_unit;  // numeric(14,4) as printed
  std::int64_t cost_cents = 0;
  std::string sku;
  std::string available;
};

struct BatchCompletion {
  std::int64_t id = 0;
  std::string produced_quantity;
  std::string lot_code;
  std::optional<std::string> expires_on;
};

class BatchStore {
 public:
  virtual ~BatchStore() = default;
  virtual std::optional<BatchProductFacts> product(std::int64_t product_id) = 0;
  virtual std::optional<std::string> location_kind(std::int64_t location_id) = 0;
  virtual std::int64_t insert(const NewBatch& batch) = 0;  // planned
  virtual std::optional<BatchRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<BatchRecord> page(const BatchFilter& filter) = 0;  // newest first, limit + 1
  virtual bool lot_code_taken(std::int64_t product_id, const std::string& lot_code) = 0;
  virtual std::vector<MaterialStock> materials(std::int64_t product_id, std::int64_t location_id) = 0;
  virtual void mark_started(std::int64_t id) = 0;
  virtual void mark_canceled(std::int64_t id) = 0;
  virtual void request_completion(const BatchCompletion& completion) = 0;  // for the stock worker
  virtual void mark_qc_failed(std::int64_t id, const std::string& reason) = 0;
};

class PgBatchStore final : public BatchStore {
 public:
  explicit PgBatchStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<BatchProductFacts> product(std::int64_t product_id) override;
  std::optional<std::string> location_kind(std::int64_t location_id) override;
  std::int64_t insert(const NewBatch& batch) override;
  std::optional<BatchRecord> find(std::int64_t id, bool for_update) override;
  std::vector<BatchRecord> page(const BatchFilter& filter) override;
  bool lot_code_taken(std::int64_t product_id, const std::string& lot_code) override;
  std::vector<MaterialStock> materials(std::int64_t product_id, std::int64_t location_id) override;
  void mark_started(std::int64_t id) override;
  void mark_canceled(std::int64_t id) override;
  void request_completion(const BatchCompletion& completion) override;
  void mark_qc_failed(std::int64_t id, const std::string& reason) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
