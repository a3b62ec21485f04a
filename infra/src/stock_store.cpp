#include "ims/infra/stock_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

std::string adjustment_columns() {
  return "id, product_id, location_id, lot_code, expires_on::text, quantity_delta::text, reason, status,"
         " rejection_reason, movement_id, " +
         utc_text("created_at") + ", " + utc_text("decided_at");
}

AdjustmentRecord read_adjustment(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(),      r[1].as<std::int64_t>(),     r[2].as<std::int64_t>(),
          nullable<std::string>(r[3]),  nullable<std::string>(r[4]), r[5].as<std::string>(),
          r[6].as<std::string>(),       r[7].as<std::string>(),      nullable<std::string>(r[8]),
          nullable<std::int64_t>(r[9]), r[10].as<std::string>(),     nullable<std::string>(r[11])};
}

StockRowRecord read_stock_row(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(),      r[1].as<std::int64_t>(),     r[2].as<std::string>(),
          r[3].as<std::string>(),       r[4].as<std::int64_t>(),     r[5].as<std::string>(),
          nullable<std::int64_t>(r[6]), nullable<std::string>(r[7]), nullable<std::string>(r[8]),
          r[9].as<std::string>(),       r[10].as<std::string>(),     r[11].as<std::string>()};
}

MovementRecord read_movement(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(),      r[1].as<std::int64_t>(),     r[2].as<std::int64_t>(),
          nullable<std::int64_t>(r[3]), nullable<std::string>(r[4]), r[5].as<std::string>(),
          r[6].as<std::string>(),       nullable<std::string>(r[7]), nullable<std::int64_t>(r[8]),
          nullable<std::string>(r[9]),  r[10].as<std::string>()};
}

LotRecord read_lot(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(),     r[2].as<std::string>(),
          r[3].as<std::string>(),  nullable<std::string>(r[4]), nullable<std::string>(r[5]),
          r[6].as<std::string>()};
}

}  // namespace

PreparedStatements PgStockStore::statements() {
  return {
      {"stock_product_active", "SELECT is_active FROM catalog.products WHERE id = $1"},
      {"stock_location_exists", "SELECT 1 FROM inventory.locations WHERE id = $1"},
      {"stock_adjustment_insert",
       "INSERT INTO inventory.adjustments (product_id, location_id, lot_code, expires_on, quantity_delta,"
       " reason, requested_by, request_id) VALUES ($1, $2, $3, $4::date, $5::numeric, $6, $7, $8) "
       "RETURNING " +
           adjustment_columns()},
      {"stock_adjustment_find",
       "SELECT " + adjustment_columns() + " FROM inventory.adjustments WHERE id = $1"},
      {"stock_version_of", "SELECT version FROM inventory.stock_versions WHERE location_id = $1"},
      {"stock_page",
       "SELECT s.id, s.product_id, p.sku, p.name, s.location_id, loc.code, s.lot_id, l.lot_code,"
       "       l.expires_on::text, s.on_hand::text, s.reserved::text, (s.on_hand - s.reserved)::text"
       " FROM inventory.stock s JOIN catalog.products p ON p.id = s.product_id"
       " JOIN inventory.locations loc ON loc.id = s.location_id LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " WHERE ($1::bigint IS NULL OR s.id > $1) AND ($2::bigint IS NULL OR s.product_id = $2)"
       "   AND ($3::bigint IS NULL OR s.location_id = $3) AND ($4::text IS NULL OR p.kind = $4)"
       "   AND (NOT $5 OR EXISTS (SELECT 1 FROM inventory.reorder_rules r WHERE r.product_id = s.product_id"
       "        AND r.location_id = s.location_id AND r.low_since IS NOT NULL))"
       " ORDER BY s.id LIMIT $6"},
      {"stock_movements_page",
       "SELECT m.id, m.product_id, m.location_id, m.lot_id, l.lot_code, m.quantity::text, m.reason,"
       "       m.reference, m.actor_id, m.message_id, " +
           utc_text("m.at") +
           " FROM inventory.movements m LEFT JOIN inventory.lots l ON l.id = m.lot_id"
           " WHERE ($1::bigint IS NULL OR m.id < $1) AND ($2::bigint IS NULL OR m.product_id = $2)"
           "   AND ($3::bigint IS NULL OR m.location_id = $3) AND ($4::text IS NULL OR m.reason = $4)"
           "   AND ($5::text IS NULL OR m.reference = $5)"
           " ORDER BY m.id DESC LIMIT $6"},
      {"stock_lots_page",
       "SELECT l.id, l.product_id, p.sku, l.lot_code, l.manufactured_on::text, l.expires_on::text,"
       "       coalesce(sum(s.on_hand) FILTER (WHERE $4::bigint IS NULL OR s.location_id = $4), 0)::text"
       " FROM inventory.lots l JOIN catalog.products p ON p.id = l.product_id"
       " LEFT JOIN inventory.stock s ON s.lot_id = l.id"
       " WHERE ($1::bigint IS NULL OR l.id > $1) AND ($2::bigint IS NULL OR l.product_id = $2)"
       "   AND ($3::bigint IS NULL OR l.expires_on <= current_date + $3::int)"
       "   AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM inventory.stock x WHERE x.lot_id = l.id"
       "        AND x.location_id = $4 AND x.on_hand > 0))"
       " GROUP BY l.id, p.sku ORDER BY l.id LIMIT $5"},
  };
}

std::optional<bool> PgStockStore::product_active(std::int64_t product_id) {
  auto rows = unit_.txn().exec_prepared("stock_product_active", product_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<bool>();
}

bool PgStockStore::location_exists(std::int64_t location_id) {
  return !unit_.txn().exec_prepared("stock_location_exists", location_id).empty();
}

AdjustmentRecord PgStockStore::insert_adjustment(const NewStockAdjustment& a) {
  return read_adjustment(unit_.txn().exec_prepared1("stock_adjustment_insert", a.product_id, a.location_id,
                                                    a.lot_code, a.expires_on, a.quantity_delta, a.reason,
                                                    a.requested_by, a.request_id));
}

std::optional<AdjustmentRecord> PgStockStore::find_adjustment(std::int64_t id) {
  auto rows = unit_.txn().exec_prepared("stock_adjustment_find", id);
  if (rows.empty()) return std::nullopt;
  return read_adjustment(rows[0]);
}

std::int64_t PgStockStore::stock_version(std::int64_t location_id) {
  auto rows = unit_.txn().exec_prepared("stock_version_of", location_id);
  return rows.empty() ? 0 : rows[0][0].as<std::int64_t>();
}

std::vector<StockRowRecord> PgStockStore::stock(const StockFilter& f) {
  std::vector<StockRowRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("stock_page", f.after_id, f.product_id, f.location_id,
                                                 f.kind, f.below_reorder, f.limit + 1)) {
    out.push_back(read_stock_row(r));
  }
  return out;
}

std::vector<MovementRecord> PgStockStore::movements(const MovementFilter& f) {
  std::vector<MovementRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("stock_movements_page", f.after_id, f.product_id,
                                                 f.location_id, f.reason, f.reference, f.limit + 1)) {
    out.push_back(read_movement(r));
  }
  return out;
}

std::vector<LotRecord> PgStockStore::lots(const LotFilter& f) {
  std::vector<LotRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("stock_lots_page", f.after_id, f.product_id,
                                                 f.expiring_within_days, f.location_id, f.limit + 1)) {
    out.push_back(read_lot(r));
  }
  return out;
}

}  // namespace ims::infra
