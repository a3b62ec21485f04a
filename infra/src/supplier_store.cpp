#include "ims/infra/supplier_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

constexpr const char* columns = "id, name, email, phone, payment_terms, is_active, version";

SupplierRecord read_supplier(const pqxx::row& r) {
  SupplierRecord s;
  s.id = r[0].as<std::int64_t>();
  s.fields = {r[1].as<std::string>(), nullable<std::string>(r[2]), nullable<std::string>(r[3]),
              nullable<std::string>(r[4])};
  s.is_active = r[5].as<bool>();
  s.version = r[6].as<int>();
  return s;
}

}  // namespace

PreparedStatements PgSupplierStore::statements() {
  const std::string select = std::string("SELECT ") + columns + " FROM procurement.suppliers";
  return {
      {"supplier_find", select + " WHERE id = $1"},
      {"supplier_find_locked", select + " WHERE id = $1 FOR UPDATE"},
      {"supplier_list", select + " WHERE ($1::bigint IS NULL OR id > $1)"
                                 " AND ($2::text IS NULL OR name ILIKE $2 OR email ILIKE $2)"
                                 " AND ($3::boolean IS NULL OR is_active = $3) ORDER BY id LIMIT $4"},
      {"supplier_insert",
       "INSERT INTO procurement.suppliers (name, email, phone, payment_terms)"
       " VALUES ($1, $2, $3, $4) RETURNING id"},
      {"supplier_update",
       "UPDATE procurement.suppliers SET name = $2, email = $3, phone = $4, payment_terms = $5,"
       " version = version + 1, updated_at = now() WHERE id = $1"},
      {"supplier_set_active",
       "UPDATE procurement.suppliers SET is_active = $2, version = version + 1,"
       " updated_at = now() WHERE id = $1"},
      {"supplier_products", "SELECT count(*) FROM catalog.products WHERE supplier_id = $1"},
      {"supplier_delete", "DELETE FROM procurement.suppliers WHERE id = $1"},
  };
}

std::optional<SupplierRecord> PgSupplierStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "supplier_find_locked" : "supplier_find", id);
  if (rows.empty()) return std::nullopt;
  return read_supplier(rows[0]);
}

std::vector<SupplierRecord> PgSupplierStore::list(const SupplierFilter& f) {
  std::optional<std::string> pattern;
  if (f.q) pattern = "%" + *f.q + "%";
  std::vector<SupplierRecord> out;
  for (const auto& r :
       unit_.txn().exec_prepared("supplier_list", f.after_id, pattern, f.is_active, f.limit + 1)) {
    out.push_back(read_supplier(r));
  }
  return out;
}

std::int64_t PgSupplierStore::insert(const SupplierFields& f) {
  return unit_.txn()
      .exec_prepared1("supplier_insert", f.name, f.email, f.phone, f.payment_terms)[0]
      .as<std::int64_t>();
}

void PgSupplierStore::update(std::int64_t id, const SupplierFields& f) {
  unit_.txn().exec_prepared("supplier_update", id, f.name, f.email, f.phone, f.payment_terms);
}

void PgSupplierStore::set_active(std::int64_t id, bool active) {
  unit_.txn().exec_prepared("supplier_set_active", id, active);
}

std::int64_t PgSupplierStore::products_supplied(std::int64_t id) {
  return unit_.txn().exec_prepared1("supplier_products", id)[0].as<std::int64_t>();
}

void PgSupplierStore::remove(std::int64_t id) {
  unit_.txn().exec_prepared("supplier_delete", id);
}

}  // namespace ims::infra
