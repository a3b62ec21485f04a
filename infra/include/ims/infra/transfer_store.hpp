#pragma once
// inventory.transfers, their lines, picks and discrepancies: the store the transfer use cases take,
// and its PostgreSQL implementation (prepared statements, typed records).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct TransferRecord {
  std::int64_t id = 0;
  std::string number;
  std::int64_t from_location_id = 0;
  std::int64_t to_location_id = 0;
  std::string status;
  std::optional<std::string> pending_step;  // dispatch | complete: the stock worker is carrying it out
  std::optional<std::string> failure_reason;
  int version = 1;
  std::string created_at;
  std::string updated_at;
  std::optional<std::int64_t> created_by;  // the actor of the stock worker's events
};

struct TransferPickRecord {
  std::optional<std::int64_t> lot_id;
  std::optional<std::string> lot_code;
  std::string quantity;  // a decimal as PostgreSQL prints it
};

struct TransferLineRecord {
  std::int64_t id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::optional<std::int64_t> lot_id;
  std::optional<std::string> lot_code;
  std::string quantity;
  std::optional<std::string> received_quantity;
  std::vector<TransferPickRecord> picks;   // the lots the stock worker took at dispatch
  std::optional<std::string> discrepancy;  // shipped − received, once completed
};

struct NewTransferLine {
  int line_no = 0;
  std::int64_t product_id = 0;
  std::optional<std::int64_t> lot_id;
  std::string quantity;
};

struct NewTransfer {
  std::int64_t from_location_id = 0;
  std::int64_t to_location_id = 0;
  std::int64_t actor_id = 0;
  std::string request_id;
  std::vector<NewTransferLine> lines;
};

struct TransferFilter {
  std::optional<std::int64_t> after_id;  // the cursor: transfers older than this one
  std::optional<std::string> status;
  std::optional<std::int64_t> location;  // from or to (the caller's, when location-scoped)
  int limit = 50;
};

class TransferStore {
 public:
  virtual ~TransferStore() = default;
  virtual bool locations_active(std::int64_t from, std::int64_t to) = 0;  // both exist and are active
  virtual bool product_active(std::int64_t product_id) = 0;
  virtual bool lot_of_product(std::int64_t lot_id, std::int64_t product_id) = 0;
  virtual std::int64_t insert(const NewTransfer& transfer) = 0;  // draft, with its lines
  virtual std::optional<TransferRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<TransferRecord> page(const TransferFilter& filter) = 0;  // newest first, limit + 1
  virtual std::vector<TransferLineRecord> lines(std::int64_t transfer_id) = 0;
  // Hands a step (dispatch, complete) to the stock worker: pending_step set, failure cleared.
  virtual void request_step(std::int64_t id, const std::string& step) = 0;
  virtual void mark_arrived(std::int64_t id) = 0;
  virtual void mark_canceled(std::int64_t id) = 0;
  virtual void record_received(std::int64_t line_id, const std::string& quantity) = 0;
};

class PgTransferStore final : public TransferStore {
 public:
  explicit PgTransferStore(UnitOfWork& unit) : unit_(unit) {}
  bool locations_active(std::int64_t from, std::int64_t to) override;
  bool product_active(std::int64_t product_id) override;
  bool lot_of_product(std::int64_t lot_id, std::int64_t product_id) override;
  std::int64_t insert(const NewTransfer& transfer) override;
  std::optional<TransferRecord> find(std::int64_t id, bool for_update) override;
  std::vector<TransferRecord> page(const TransferFilter& filter) override;
  std::vector<TransferLineRecord> lines(std::int64_t transfer_id) override;
  void request_step(std::int64_t id, const std::string& step) override;
  void mark_arrived(std::int64_t id) override;
  void mark_canceled(std::int64_t id) override;
  void record_received(std::int64_t line_id, const std::string& quantity) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
