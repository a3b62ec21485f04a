#include "ims/infra/batch_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

std::string batch_columns() {
  return "b.id, b.number, b.product_id, b.location_id, b.planned_quantity::text, b.produced_quantity::text,"
         " b.status, b.completion, b.failure_reason, b.lot_code, b.expires_on::text, b.lot_id,"
         " b.cost_per_unit::text, b.qc_reason, b.version, " +
         utc_text("b.created_at") + ", " + utc_text("b.updated_at") + ", " + utc_text("b.completed_at") +
         ", b.created_by";
}

BatchRecord read_batch(const pqxx::row& r) {
  BatchRecord b;
  b.id = r[0].as<std::int64_t>();
  b.number = r[1].as<std::string>();
  b.product_id = r[2].as<std::int64_t>();
  b.location_id = r[3].as<std::int64_t>();
  b.planned_quantity = r[4].as<std::string>();
  b.produced_quantity = nullable<std::string>(r[5]);
  b.status = r[6].as<std::string>();
  b.completion = nullable<std::string>(r[7]);
  b.failure_reason = nullable<std::string>(r[8]);
  b.lot_code = nullable<std::string>(r[9]);
  b.expires_on = nullable<std::string>(r[10]);
  b.lot_id = nullable<std::int64_t>(r[11]);
  b.cost_per_unit = nullable<std::string>(r[12]);
  b.qc_reason = nullable<std::string>(r[13]);
  b.version = r[14].as<int>();
  b.created_at = r[15].as<std::string>();
  b.updated_at = r[16].as<std::string>();
  b.completed_at = nullable<std::string>(r[17]);
  b.created_by = nullable<std::int64_t>(r[18]);
  return b;
}

}  // namespace

PreparedStatements PgBatchStore::statements() {
  const auto select = "SELECT " + batch_columns() + " FROM production.batches b";
  const std::string bump = ", updated_at = now(), version = version + 1 WHERE id = $1";
  return {
      {"batch_product", "SELECT kind, is_active FROM catalog.products WHERE id = $1"},
      {"batch_location_kind", "SELECT kind FROM inventory.locations WHERE id = $1"},
      {"batch_insert",
       "INSERT INTO production.batches (product_id, location_id, planned_quantity, created_by, request_id)"
       " VALUES ($1, $2, $3::numeric, $4, $5) RETURNING id"},
      {"batch_find", select + " WHERE b.id = $1"},
      {"batch_find_locked", select + " WHERE b.id = $1 FOR UPDATE"},
      {"batch_page", select +
                         " WHERE ($1::bigint IS NULL OR b.id < $1) AND ($2::text IS NULL OR b.status = $2)"
                         " ORDER BY b.id DESC LIMIT $3"},
      {"batch_lot_code_taken", "SELECT 1 FROM inventory.lots WHERE product_id = $1 AND lot_code = $2"},
      {"batch_materials",
       "SELECT b.material_id, b.quantity_per_unit::text, (m.cost * 100)::bigint, m.sku,"
       "       coalesce((SELECT sum(s.on_hand - s.reserved) FROM inventory.stock s"
       "                 LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       "                 WHERE s.product_id = b.material_id AND s.location_id = $2"
       "                   AND (l.expires_on IS NULL OR l.expires_on >= current_date)), 0)::text"
       " FROM catalog.bom_lines b JOIN catalog.products m ON m.id = b.material_id"
       " WHERE b.product_id = $1 ORDER BY b.material_id"},
      {"batch_started", "UPDATE production.batches SET status = 'in_progress', started_at = now()" + bump},
      {"batch_canceled", "UPDATE production.batches SET status = 'canceled'" + bump},
      {"batch_completion_requested",
       "UPDATE production.batches SET completion = 'requested', failure_reason = NULL,"
       " produced_quantity = $2::numeric, lot_code = $3, expires_on = $4::date" +
           bump},
      {"batch_qc_failed",
       "UPDATE production.batches SET status = 'qc_failed', qc_reason = $2, completion = NULL" + bump},
  };
}

std::optional<BatchProductFacts> PgBatchStore::product(std::int64_t product_id) {
  auto rows = unit_.txn().exec_prepared("batch_product", product_id);
  if (rows.empty()) return std::nullopt;
  return BatchProductFacts{rows[0][0].as<std::string>(), rows[0][1].as<bool>()};
}

std::optional<std::string> PgBatchStore::location_kind(std::int64_t location_id) {
  auto rows = unit_.txn().exec_prepared("batch_location_kind", location_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::int64_t PgBatchStore::insert(const NewBatch& b) {
  return unit_.txn()
      .exec_prepared1("batch_insert", b.product_id, b.location_id, b.planned_quantity, b.actor_id,
                      b.request_id)[0]
      .as<std::int64_t>();
}

std::optional<BatchRecord> PgBatchStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "batch_find_locked" : "batch_find", id);
  if (rows.empty()) return std::nullopt;
  return read_batch(rows[0]);
}

std::vector<BatchRecord> PgBatchStore::page(const BatchFilter& f) {
  std::vector<BatchRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("batch_page", f.after_id, f.status, f.limit + 1)) {
    out.push_back(read_batch(r));
  }
  return out;
}

bool PgBatchStore::lot_code_taken(std::int64_t product_id, const std::string& lot_code) {
  return !unit_.txn().exec_prepared("batch_lot_code_taken", product_id, lot_code).empty();
}

std::vector<MaterialStock> PgBatchStore::materials(std::int64_t product_id, std::int64_t location_id) {
  std::vector<MaterialStock> out;
  for (const auto& r : unit_.txn().exec_prepared("batch_materials", product_id, location_id)) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::int64_t>(),
                   r[3].as<std::string>(), r[4].as<std::string>()});
  }
  return out;
}

void PgBatchStore::mark_started(std::int64_t id) {
  unit_.txn().exec_prepared("batch_started", id);
}

void PgBatchStore::mark_canceled(std::int64_t id) {
  unit_.txn().exec_prepared("batch_canceled", id);
}

void PgBatchStore::request_completion(const BatchCompletion& c) {
  unit_.txn().exec_prepared("batch_completion_requested", c.id, c.produced_quantity, c.lot_code,
                            c.expires_on);
}

void PgBatchStore::mark_qc_failed(std::int64_t id, const std::string& reason) {
  unit_.txn().exec_prepared("batch_qc_failed", id, reason);
}

}  // namespace ims::infra
