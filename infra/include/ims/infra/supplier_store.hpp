#pragma once
// procurement.suppliers: who raw materials are bought from. The interface the use cases take, and
// its PostgreSQL implementation on a unit of work (prepared statements, typed records).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct SupplierFields {
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> payment_terms;
};

struct SupplierRecord {
  std::int64_t id = 0;
  SupplierFields fields;
  bool is_active = true;
  int version = 1;
};

struct SupplierFilter {
  std::optional<std::string> q;  // name or email contains
  std::optional<bool> is_active;
  std::optional<std::int64_t> after_id;
  int limit = 50;
};

class SupplierStore {
 public:
  virtual ~SupplierStore() = default;
  virtual std::optional<SupplierRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<SupplierRecord> list(const SupplierFilter& filter) = 0;  // up to limit + 1, by id
  virtual std::int64_t insert(const SupplierFields& fields) = 0;
  virtual void update(std::int64_t id, const SupplierFields& fields) = 0;  // bumps the version
  virtual void set_active(std::int64_t id, bool active) = 0;               // bumps the version
  virtual std::int64_t products_supplied(std::int64_t id) = 0;             // products naming the supplier
  virtual void remove(std::int64_t id) = 0;
};

class PgSupplierStore final : public SupplierStore {
 public:
  explicit PgSupplierStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<SupplierRecord> find(std::int64_t id, bool for_update) override;
  std::vector<SupplierRecord> list(const SupplierFilter& filter) override;
  std::int64_t insert(const SupplierFields& fields) override;
  void update(std::int64_t id, const SupplierFields& fields) override;
  void set_active(std::int64_t id, bool active) override;
  std::int64_t products_supplied(std::int64_t id) override;
  void remove(std::int64_t id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
