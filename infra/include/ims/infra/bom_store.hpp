#pragma once
// catalog.bom_lines: the raw materials one unit of a finished good takes. The interface the use
// cases take, and its PostgreSQL implementation on a unit of work (prepared statements, typed records).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

// A line as written: the material and its quantity per unit as exact decimal text ("0.1250").
struct BomLine {
  std::int64_t material_id = 0;
  std::string quantity_per_unit;
};

// A line as stored, with the material's catalog fields.
struct BomLineRecord {
  std::int64_t material_id = 0;
  std::string sku;
  std::string name;
  std::string unit_of_measure;
  std::string quantity_per_unit;  // numeric as PostgreSQL prints it
};

class BomStore {
 public:
  virtual ~BomStore() = default;
  virtual bool product_exists(std::int64_t product_id) = 0;
  // The product's kind (finished_good | raw_material), or nullopt when there is no such product.
  virtual std::optional<std::string> product_kind(std::int64_t product_id, bool for_update) = 0;
  virtual std::vector<BomLineRecord> lines(std::int64_t product_id) = 0;  // by material id
  virtual void replace(std::int64_t product_id, const std::vector<BomLine>& lines) = 0;
};

class PgBomStore final : public BomStore {
 public:
  explicit PgBomStore(UnitOfWork& unit) : unit_(unit) {}
  bool product_exists(std::int64_t product_id) override;
  std::optional<std::string> product_kind(std::int64_t product_id, bool for_update) override;
  std::vector<BomLineRecord> lines(std::int64_t product_id) override;
  void replace(std::int64_t product_id, const std::vector<BomLine>& lines) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
