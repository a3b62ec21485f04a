#include "ims/infra/location_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

constexpr const char* columns = "id, code, name, kind, upstream_location_id, is_active, version";

LocationRecord read_location(const pqxx::row& r) {
  LocationRecord l;
  l.id = r[0].as<std::int64_t>();
  l.fields = {r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
              nullable<std::int64_t>(r[4])};
  l.is_active = r[5].as<bool>();
  l.version = r[6].as<int>();
  return l;
}

}  // namespace

PreparedStatements PgLocationStore::statements() {
  const std::string select = std::string("SELECT ") + columns + " FROM inventory.locations";
  return {
      {"location_find", select + " WHERE id = $1"},
      {"location_find_locked", select + " WHERE id = $1 FOR UPDATE"},
      {"location_list", select +
                            " WHERE ($1::bigint IS NULL OR id > $1) AND ($2::text IS NULL OR kind = $2)"
                            " AND ($3::text IS NULL OR code ILIKE $3 OR name ILIKE $3) ORDER BY id LIMIT $4"},
      {"location_exists", "SELECT 1 FROM inventory.locations WHERE id = $1"},
      {"location_upstream_reaches",
       "WITH RECURSIVE up AS (SELECT id, upstream_location_id FROM inventory.locations WHERE id = $1"
       " UNION SELECT l.id, l.upstream_location_id FROM inventory.locations l JOIN up ON l.id = "
       "up.upstream_location_id)"
       " SELECT count(*) FROM up WHERE id = $2"},
      {"location_code_taken", "SELECT 1 FROM inventory.locations WHERE code = $1"},
      {"location_code_taken_by_other", "SELECT 1 FROM inventory.locations WHERE code = $1 AND id <> $2"},
      {"location_insert",
       "INSERT INTO inventory.locations (code, name, kind, upstream_location_id)"
       " VALUES ($1, $2, $3, $4) RETURNING id"},
      {"location_update",
       "UPDATE inventory.locations SET code = $2, name = $3, kind = $4, upstream_location_id = $5,"
       " version = version + 1, updated_at = now() WHERE id = $1"},
      {"location_delete", "DELETE FROM inventory.locations WHERE id = $1"},
  };
}

std::optional<LocationRecord> PgLocationStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "location_find_locked" : "location_find", id);
  if (rows.empty()) return std::nullopt;
  return read_location(rows[0]);
}

std::vector<LocationRecord> PgLocationStore::list(const LocationFilter& f) {
  std::optional<std::string> pattern;
  if (f.q) pattern = "%" + *f.q + "%";
  std::vector<LocationRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("location_list", f.after_id, f.kind, pattern, f.limit + 1)) {
    out.push_back(read_location(r));
  }
  return out;
}

bool PgLocationStore::exists(std::int64_t id) {
  return !unit_.txn().exec_prepared("location_exists", id).empty();
}

bool PgLocationStore::upstream_reaches(std::int64_t upstream, std::int64_t location) {
  return unit_.txn().exec_prepared1("location_upstream_reaches", upstream, location)[0].as<long>() > 0;
}

bool PgLocationStore::code_taken(const std::string& code, std::optional<std::int64_t> other_than) {
  auto rows = other_than ? unit_.txn().exec_prepared("location_code_taken_by_other", code, *other_than)
                         : unit_.txn().exec_prepared("location_code_taken", code);
  return !rows.empty();
}

std::int64_t PgLocationStore::insert(const LocationFields& f) {
  return unit_.txn()
      .exec_prepared1("location_insert", f.code, f.name, f.kind, f.upstream_location_id)[0]
      .as<std::int64_t>();
}

void PgLocationStore::update(std::int64_t id, const LocationFields& f) {
  unit_.txn().exec_prepared("location_update", id, f.code, f.name, f.kind, f.upstream_location_id);
}

bool PgLocationStore::remove(std::int64_t id) {
  // Users, stock, movements, orders and downstream locations refer to a location through foreign
  // keys; the DELETE runs under a savepoint so a refusal leaves the unit of work usable.
  try {
    pqxx::subtransaction savepoint(unit_.txn(), "location_delete");
    savepoint.exec_prepared("location_delete", id);
    savepoint.commit();
    return true;
  } catch (const pqxx::foreign_key_violation&) {
    return false;
  }
}

}  // namespace ims::infra
