#pragma once
// inventory.locations: the chain factory → CFA → stockist → retail. The interface the use cases take,
// and its PostgreSQL implementation on a unit of work (prepared statements, typed records).
// (The small lookups users need, infra::locations::find / find_by_code, stay in user_store.hpp.)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct LocationFields {
  std::string code;
  std::string name;
  std::string kind;  // factory | cfa | stockist | retail
  std::optional<std::int64_t> upstream_location_id;
};

struct LocationRecord {
  std::int64_t id = 0;
  LocationFields fields;
  bool is_active = true;
  int version = 1;
};

struct LocationFilter {
  std::optional<std::string> kind;
  std::optional<std::string> q;  // code or name contains
  std::optional<std::int64_t> after_id;
  int limit = 50;
};

class LocationStore {
 public:
  virtual ~LocationStore() = default;
  virtual std::optional<LocationRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<LocationRecord> list(const LocationFilter& filter) = 0;  // up to limit + 1, by id
  virtual bool exists(std::int64_t id) = 0;
  // Whether `location` is `upstream` or lies up the chain from it (pointing at it would loop).
  virtual bool upstream_reaches(std::int64_t upstream, std::int64_t location) = 0;
  // Whether a location (other than `other_than`, when given) has the code.
  virtual bool code_taken(const std::string& code, std::optional<std::int64_t> other_than) = 0;
  virtual std::int64_t insert(const LocationFields& fields) = 0;
  virtual void update(std::int64_t id, const LocationFields& fields) = 0;  // bumps the version
  // Deletes the location; false (and nothing deleted) while anything still refers to it.
  virtual bool remove(std::int64_t id) = 0;
};

class PgLocationStore final : public LocationStore {
 public:
  explicit PgLocationStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<LocationRecord> find(std::int64_t id, bool for_update) override;
  std::vector<LocationRecord> list(const LocationFilter& filter) override;
  bool exists(std::int64_t id) override;
  bool upstream_reaches(std::int64_t upstream, std::int64_t location) override;
  bool code_taken(const std::string& code, std::optional<std::int64_t> other_than) override;
  std::int64_t insert(const LocationFields& fields) override;
  void update(std::int64_t id, const LocationFields& fields) override;
  bool remove(std::int64_t id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
