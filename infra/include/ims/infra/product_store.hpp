#pragma once
// catalog.products: what is made, bought and sold. The interface the use cases take, and its
// PostgreSQL implementation on a unit of work (prepared statements, typed records).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct ProductFields {
  std::string sku;
  std::string name;
  std::string kind;  // finished_good | raw_material
  std::optional<std::string> category;
  std::string unit_of_measure;
  std::int64_t price_cents = 0;
  std::int64_t cost_cents = 0;
  std::optional<std::string> gtin;
  std::optional<std::int64_t> supplier_id;
  bool is_active = true;
};

struct ProductRecord {
  std::int64_t id = 0;
  ProductFields fields;
  int version = 1;
  std::string created_at;  // ISO 8601 UTC, seconds
  std::string updated_at;
};

struct ProductFilter {
  std::optional<std::int64_t> after_id;
  std::optional<std::string> kind;
  std::optional<std::string> category;
  std::optional<std::string> q;                    // name or SKU contains
  bool low_stock = false;                          // only products with a reorder rule currently low
  std::optional<std::int64_t> low_stock_location;  // …at this location (none: at any)
  int limit = 50;
};

class ProductStore {
 public:
  virtual ~ProductStore() = default;
  virtual std::optional<ProductRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<ProductRecord> list(const ProductFilter& filter) = 0;  // up to limit + 1, by id
  virtual bool sku_taken(const std::string& sku, std::optional<std::int64_t> other_than) = 0;
  virtual bool gtin_taken(const std::string& gtin, std::optional<std::int64_t> other_than) = 0;
  virtual bool supplier_exists(std::int64_t supplier_id) = 0;
  virtual std::int64_t insert(const ProductFields& fields) = 0;
  virtual void update(std::int64_t id, const ProductFields& fields) = 0;  // bumps the version
  // A product that stock, movements, orders or a BOM refer to is kept by the foreign keys: the
  // PostgreSQL implementation lets the violation propagate (the HTTP boundary answers 409).
  virtual void remove(std::int64_t id) = 0;
};

class PgProductStore final : public ProductStore {
 public:
  explicit PgProductStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<ProductRecord> find(std::int64_t id, bool for_update) override;
  std::vector<ProductRecord> list(const ProductFilter& filter) override;
  bool sku_taken(const std::string& sku, std::optional<std::int64_t> other_than) override;
  bool gtin_taken(const std::string& gtin, std::optional<std::int64_t> other_than) override;
  bool supplier_exists(std::int64_t supplier_id) override;
  std::int64_t insert(const ProductFields& fields) override;
  void update(std::int64_t id, const ProductFields& fields) override;
  void remove(std::int64_t id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
