#pragma once
// SQL of the inventory check (issue 10 §3), carried out by the stock worker: every query is one
// set-based pass over its table, never a query per row.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "ims/domain/alerts.hpp"

namespace ims::infra {

// A reorder rule at or below its min, with what a restocking draft needs to know.
struct LowStockRecord {
  std::int64_t rule_id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  domain::RestockFacts facts;
};

struct DraftOrderRecord {
  std::int64_t order_id = 0;
  std::string number;
};

struct ExpiringLotRecord {
  std::int64_t lot_id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::string lot_code;
  std::string expires_on;
  std::string on_hand;
  bool expired = false;
};

// A stock row whose on_hand is not the sum of its movements (or movements without a stock row).
struct DriftRecord {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::int64_t> lot_id;
  std::string on_hand;
  std::string ledger_sum;
};

struct OverdueRequestRecord {
  std::int64_t request_id = 0;
  std::string number;
  std::string action;
  std::int64_t product_id = 0;
  std::int64_t from_location_id = 0;
  std::optional<std::int64_t> to_location_id;
  std::int64_t requested_by = 0;
  std::string expires_at;
};

class StockCheckStore {
 public:
  virtual ~StockCheckStore() = default;
  // The transaction's time, ISO 8601 UTC: what the check saw is as of this moment.
  virtual std::string checked_at() = 0;
  // Rules at or below min (sellable stock: on hand less reserved, unexpired lots), marking when
  // they went low; rules above min lose that mark.
  virtual std::vector<LowStockRecord> low_stock() = 0;
  // nullopt when a draft for the rule exists already.
  virtual std::optional<DraftOrderRecord> insert_draft(const LowStockRecord& rule,
                                                       const domain::RestockPlan& plan) = 0;
  virtual std::vector<ExpiringLotRecord> expiring_lots(int within_days) = 0;
  virtual std::vector<DriftRecord> drift() = 0;
  // Pending requests past half their SLA, marked so each is announced once.
  virtual std::vector<OverdueRequestRecord> mark_overdue_requests() = 0;
};

class PgStockCheckStore final : public StockCheckStore {
 public:
  explicit PgStockCheckStore(pqxx::work& txn) : txn_(txn) {}
  std::string checked_at() override;
  std::vector<LowStockRecord> low_stock() override;
  std::optional<DraftOrderRecord> insert_draft(const LowStockRecord& rule,
                                               const domain::RestockPlan& plan) override;
  std::vector<ExpiringLotRecord> expiring_lots(int within_days) override;
  std::vector<DriftRecord> drift() override;
  std::vector<OverdueRequestRecord> mark_overdue_requests() override;

 private:
  pqxx::work& txn_;
};

}  // namespace ims::infra
