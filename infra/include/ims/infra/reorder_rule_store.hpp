#pragma once
// inventory.reorder_rules: per product × location, low stock is available ≤ min; replenish up to max.
// The interface the use cases take, and its PostgreSQL implementation on a unit of work (prepared
// statements, typed records).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/stock.hpp"
#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct ReorderRuleRecord {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  domain::Quantity min;
  domain::Quantity max;
  int version = 1;
  std::optional<std::string> low_since;  // ISO 8601 UTC, seconds; set while the stock is low
};

struct ReorderRuleFilter {
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> location_id;
  std::optional<std::int64_t> after_id;
  int limit = 50;
};

class ReorderRuleStore {
 public:
  virtual ~ReorderRuleStore() = default;
  virtual std::optional<ReorderRuleRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<ReorderRuleRecord> list(const ReorderRuleFilter& filter) = 0;  // up to limit + 1, by id
  virtual bool product_exists(std::int64_t product_id) = 0;
  virtual bool location_exists(std::int64_t location_id) = 0;
  // Whether the product already has a rule at the location.
  virtual bool rule_exists(std::int64_t product_id, std::int64_t location_id) = 0;
  virtual std::int64_t insert(std::int64_t product_id, std::int64_t location_id, domain::Quantity min,
                              domain::Quantity max) = 0;
  virtual void update(std::int64_t id, domain::Quantity min, domain::Quantity max) = 0;  // bumps the version
  virtual void remove(std::int64_t id) = 0;
};

class PgReorderRuleStore final : public ReorderRuleStore {
 public:
  explicit PgReorderRuleStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<ReorderRuleRecord> find(std::int64_t id, bool for_update) override;
  std::vector<ReorderRuleRecord> list(const ReorderRuleFilter& filter) override;
  bool product_exists(std::int64_t product_id) override;
  bool location_exists(std::int64_t location_id) override;
  bool rule_exists(std::int64_t product_id, std::int64_t location_id) override;
  std::int64_t insert(std::int64_t product_id, std::int64_t location_id, domain::Quantity min,
                      domain::Quantity max) override;
  void update(std::int64_t id, domain::Quantity min, domain::Quantity max) override;
  void remove(std::int64_t id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
