#include "ims/infra/bom_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {

PreparedStatements PgBomStore::statements() {
  return {
      {"bom_product_exists", "SELECT 1 FROM catalog.products WHERE id = $1"},
      {"bom_product_kind", "SELECT kind FROM catalog.products WHERE id = $1"},
      {"bom_product_kind_locked", "SELECT kind FROM catalog.products WHERE id = $1 FOR UPDATE"},
      {"bom_lines",
       "SELECT b.material_id, p.sku, p.name, p.unit_of_measure, b.quantity_per_unit::text FROM "
       "catalog.bom_lines b"
       " JOIN catalog.products p ON p.id = b.material_id WHERE b.product_id = $1 ORDER BY b.material_id"},
      {"bom_delete", "DELETE FROM catalog.bom_lines WHERE product_id = $1"},
      {"bom_insert",
       "INSERT INTO catalog.bom_lines (product_id, material_id, quantity_per_unit) VALUES ($1, $2, "
       "$3::numeric)"},
  };
}

bool PgBomStore::product_exists(std::int64_t product_id) {
  return !unit_.txn().exec_prepared("bom_product_exists", product_id).empty();
}

std::optional<std::string> PgBomStore::product_kind(std::int64_t product_id, bool for_update) {
  auto rows =
      unit_.txn().exec_prepared(for_update ? "bom_product_kind_locked" : "bom_product_kind", product_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::vector<BomLineRecord> PgBomStore::lines(std::int64_t product_id) {
  std::vector<BomLineRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("bom_lines", product_id)) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>()});
  }
  return out;
}

void PgBomStore::replace(std::int64_t product_id, const std::vector<BomLine>& lines) {
  unit_.txn().exec_prepared("bom_delete", product_id);
  for (const auto& line : lines) {
    unit_.txn().exec_prepared("bom_insert", product_id, line.material_id, line.quantity_per_unit);
  }
}

}  // namespace ims::infra
