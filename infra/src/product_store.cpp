#include "ims/infra/product_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

constexpr const char* columns =
    "p.id, p.sku, p.name, p.kind, p.category, p.unit_of_measure, (p.price * 100)::bigint, (p.cost * "
    "100)::bigint,"
    " p.gtin, p.supplier_id, p.is_active, p.version,"
    " to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

ProductRecord read_product(const pqxx::row& r) {
  ProductRecord p;
  p.id = r[0].as<std::int64_t>();
  p.fields.sku = r[1].as<std::string>();
  p.fields.name = r[2].as<std::string>();
  p.fields.kind = r[3].as<std::string>();
  p.fields.category = nullable<std::string>(r[4]);
  p.fields.unit_of_measure = r[5].as<std::string>();
  p.fields.price_cents = r[6].as<std::int64_t>();
  p.fields.cost_cents = r[7].as<std::int64_t>();
  p.fields.gtin = nullable<std::string>(r[8]);
  p.fields.supplier_id = nullable<std::int64_t>(r[9]);
  p.fields.is_active = r[10].as<bool>();
  p.version = r[11].as<int>();
  p.created_at = r[12].as<std::string>();
  p.updated_at = r[13].as<std::string>();
  return p;
}

}  // namespace

PreparedStatements PgProductStore::statements() {
  const std::string select = std::string("SELECT ") + columns + " FROM catalog.products p";
  return {
      {"product_find", select + " WHERE p.id = $1"},
      {"product_find_locked", select + " WHERE p.id = $1 FOR UPDATE"},
      {"product_list",
       select + " WHERE ($1::bigint IS NULL OR p.id > $1) AND ($2::text IS NULL OR p.kind = $2)"
                "   AND ($3::text IS NULL OR p.category = $3)"
                "   AND ($4::text IS NULL OR p.name ILIKE $4 OR p.sku ILIKE $4)"
                "   AND (NOT $5 OR EXISTS (SELECT 1 FROM inventory.reorder_rules r WHERE r.product_id = p.id"
                "        AND r.low_since IS NOT NULL AND ($6::bigint IS NULL OR r.location_id = $6)))"
                " ORDER BY p.id LIMIT $7"},
      {"product_sku_taken", "SELECT 1 FROM catalog.products WHERE sku = $1 AND id <> $2"},
      {"product_gtin_taken", "SELECT 1 FROM catalog.products WHERE gtin = $1 AND id <> $2"},
      {"product_supplier_exists", "SELECT 1 FROM procurement.suppliers WHERE id = $1"},
      {"product_insert",
       "INSERT INTO catalog.products (sku, name, kind, category, unit_of_measure, price, cost, gtin, "
       "supplier_id,"
       " is_active) VALUES ($1, $2, $3, $4, $5, $6::numeric / 100, $7::numeric / 100, $8, $9, $10) RETURNING "
       "id"},
      {"product_update",
       "UPDATE catalog.products SET sku = $2, name = $3, kind = $4, category = $5, unit_of_measure = $6,"
       " price = $7::numeric / 100, cost = $8::numeric / 100, gtin = $9, supplier_id = $10, is_active = $11,"
       " version = version + 1, updated_at = now() WHERE id = $1"},
      {"product_delete", "DELETE FROM catalog.products WHERE id = $1"},
  };
}

std::optional<ProductRecord> PgProductStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "product_find_locked" : "product_find", id);
  if (rows.empty()) return std::nullopt;
  return read_product(rows[0]);
}

std::vector<ProductRecord> PgProductStore::list(const ProductFilter& f) {
  std::optional<std::string> pattern;
  if (f.q) pattern = "%" + *f.q + "%";
  std::vector<ProductRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("product_list", f.after_id, f.kind, f.category, pattern,
                                                 f.low_stock, f.low_stock_location, f.limit + 1)) {
    out.push_back(read_product(r));
  }
  return out;
}

// Ids start at 1, so 0 stands for "no product to leave out" (a product being created).
bool PgProductStore::sku_taken(const std::string& sku, std::optional<std::int64_t> other_than) {
  return !unit_.txn().exec_prepared("product_sku_taken", sku, other_than.value_or(0)).empty();
}

bool PgProductStore::gtin_taken(const std::string& gtin, std::optional<std::int64_t> other_than) {
  return !unit_.txn().exec_prepared("product_gtin_taken", gtin, other_than.value_or(0)).empty();
}

bool PgProductStore::supplier_exists(std::int64_t supplier_id) {
  return !unit_.txn().exec_prepared("product_supplier_exists", supplier_id).empty();
}

std::int64_t PgProductStore::insert(const ProductFields& f) {
  return unit_.txn()
      .exec_prepared1("product_insert", f.sku, f.name, f.kind, f.category, f.unit_of_measure, f.price_cents,
                      f.cost_cents, f.gtin, f.supplier_id, f.is_active)[0]
      .as<std::int64_t>();
}

void PgProductStore::update(std::int64_t id, const ProductFields& f) {
  unit_.txn().exec_prepared("product_update", id, f.sku, f.name, f.kind, f.category, f.unit_of_measure,
                            f.price_cents, f.cost_cents, f.gtin, f.supplier_id, f.is_active);
}

void PgProductStore::remove(std::int64_t id) {
  unit_.txn().exec_prepared("product_delete", id);
}

}  // namespace ims::infra
