#include "ims/infra/stock_ledger.hpp"

#include "ims/infra/ledger_lock.hpp"
#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

using domain::Quantity;

Quantity quantity(const pqxx::field& f) {
  return *Quantity::parse(f.as<std::string>());
}

// The stock locks, the ledger's movements and levels.
PreparedStatements ledger_statements() {
  return {
      {"ledger_today", "SELECT current_date::text"},
      {"stock_row_insert",
       "INSERT INTO inventory.stock (product_id, location_id, lot_id) VALUES ($1, $2, $3)"
       " ON CONFLICT (product_id, location_id, (coalesce(lot_id, 0))) DO NOTHING RETURNING id"},
      {"stock_row_lock",
       "SELECT id FROM inventory.stock WHERE product_id = $1 AND location_id = $2 AND coalesce(lot_id, 0) ="
       " coalesce($3::bigint, 0) FOR UPDATE"},
      {"stock_slots_lock",
       "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text"
       " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       " WHERE s.product_id = $1 AND s.location_id = $2 AND (NOT $4 OR coalesce(s.lot_id, 0) = "
       "coalesce($3::bigint, 0))"
       " ORDER BY s.id FOR UPDATE OF s"},
      // The movement, the stock it changes and the location's stock version (which invalidates
      // cached reads) in one statement.
      {"movement_book",
       "WITH moved AS (INSERT INTO inventory.movements (product_id, location_id, lot_id, quantity, reason,"
       "   reference, actor_id, message_id) VALUES ($1, $2, $3, $4::numeric, $5, $6, $7, $8) RETURNING id),"
       " stocked AS (UPDATE inventory.stock SET on_hand = on_hand + $4::numeric, updated_at = now() WHERE id "
       "= "
       "$9),"
       " versioned AS (INSERT INTO inventory.stock_versions (location_id) VALUES ($2)"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT id FROM moved"},
      {"movement_exists",
       "SELECT 1 FROM inventory.movements WHERE reference = $1 AND reason = $2"
       " AND ($3::bigint IS NULL OR location_id = $3) LIMIT 1"},
      // Sellable stock (on hand, less reserved, in lots that have not expired), announced as
      // stock.changed with it, and the reorder rule locked for the low-stock decision: one round trip.
      {"stock_announce",
       "WITH lvl AS (SELECT coalesce(sum(s.on_hand), 0) AS on_hand,"
       "       coalesce(sum(s.on_hand - s.reserved) FILTER (WHERE l.expires_on IS NULL OR l.expires_on >="
       " current_date), 0) AS available"
       "     FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
       "     WHERE s.product_id = $1 AND s.location_id = $2),"
       " ev AS (INSERT INTO messaging.outbox (id, type, envelope)"
       "     SELECT $3::uuid, 'stock.changed', jsonb_set(jsonb_set($4::jsonb, '{data,on_hand}',"
       " to_jsonb(lvl.on_hand::float8)), '{data,available}', to_jsonb(lvl.available::float8)) FROM lvl"
       "     RETURNING 1),"
       " rule AS (SELECT id, min_quantity, max_quantity, low_since IS NOT NULL AS was_low FROM"
       " inventory.reorder_rules WHERE product_id = $1 AND location_id = $2 FOR UPDATE)"
       " SELECT lvl.on_hand::text, lvl.available::text, rule.id, rule.min_quantity::text,"
       " rule.max_quantity::text, rule.was_low, (SELECT pg_notify('ims_outbox', '') FROM ev)"
       " FROM lvl LEFT JOIN rule ON true"},
      {"reorder_rule_mark_low",
       "UPDATE inventory.reorder_rules SET low_since = CASE WHEN $2 THEN now() END WHERE id = $1"},
      {"lot_upsert",
       "WITH ins AS (INSERT INTO inventory.lots (product_id, lot_code, expires_on) VALUES ($1, $2, $3::date)"
       "   ON CONFLICT (product_id, lot_code) DO NOTHING RETURNING id)"
       " SELECT id FROM ins UNION ALL SELECT id FROM inventory.lots WHERE product_id = $1 AND lot_code = $2"
       " LIMIT 1"},
      // The lot another transaction committed while lot_upsert waited on it (its snapshot was older).
      {"lot_find", "SELECT id FROM inventory.lots WHERE product_id = $1 AND lot_code = $2"},
  };
}

// Adjustments and production batches.
PreparedStatements adjustment_and_batch_statements() {
  const std::string bump = ", updated_at = now(), version = version + 1 WHERE id = $1";
  return {
      {"adjustment_lock",
       "SELECT product_id, location_id, lot_code, expires_on::text, quantity_delta::text, requested_by, "
       "status"
       " FROM inventory.adjustments WHERE id = $1 FOR UPDATE"},
      {"adjustment_applied",
       "UPDATE inventory.adjustments SET status = 'applied', movement_id = $2, decided_at = now() WHERE id = "
       "$1"},
      {"adjustment_rejected",
       "UPDATE inventory.adjustments SET status = 'rejected', rejection_reason = $2, decided_at = now()"
       " WHERE id = $1"},
      {"ledger_bom",
       "SELECT b.material_id, b.quantity_per_unit::text, (m.cost * 100)::bigint, m.sku FROM "
       "catalog.bom_lines b"
       " JOIN catalog.products m ON m.id = b.material_id WHERE b.product_id = $1 ORDER BY b.material_id"},
      {"ledger_lot_produced",
       "INSERT INTO inventory.lots (product_id, lot_code, manufactured_on, expires_on)"
       " VALUES ($1, $2, current_date, $3::date) ON CONFLICT (product_id, lot_code) DO NOTHING RETURNING id"},
      {"batch_completion_failed",
       "UPDATE production.batches SET completion = 'failed', failure_reason = $2" + bump},
      {"batch_completed",
       "UPDATE production.batches SET status = 'completed', completion = NULL, failure_reason = NULL,"
       " lot_id = $2, cost_per_unit = $3::numeric, completed_at = now()" +
           bump},
  };
}

// Transfers and the holds of approval requests.
PreparedStatements transfer_and_hold_statements() {
  const std::string bump = ", updated_at = now(), version = version + 1 WHERE id = $1";
  return {
      {"transfer_dispatch_failed",
       "UPDATE inventory.transfers SET pending_step = NULL, failure_reason = $2" + bump},
      {"transfer_pick_insert",
       "INSERT INTO inventory.transfer_picks (transfer_line_id, lot_id, quantity) VALUES ($1, $2, "
       "$3::numeric)"},
      {"transfer_in_transit",
       "UPDATE inventory.transfers SET status = 'in_transit', pending_step = NULL, failure_reason = NULL,"
       " dispatched_at = now()" +
           bump},
      {"transfer_discrepancy_insert",
       "INSERT INTO inventory.transfer_discrepancies (transfer_line_id, quantity, movement_id)"
       " VALUES ($1, $2::numeric, $3)"},
      {"transfer_completed",
       "UPDATE inventory.transfers SET status = 'completed', pending_step = NULL, failure_reason = NULL,"
       " completed_at = now()" +
           bump},
      {"request_hold_place",
       "WITH h AS (INSERT INTO inventory.reservations (request_id, stock_id, product_id, location_id, lot_id,"
       "   quantity) VALUES ($1, $2, $3, $4, $5, $6::numeric) RETURNING 1),"
       " s AS (UPDATE inventory.stock SET reserved = reserved + $6::numeric, updated_at = now() WHERE id = "
       "$2),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) VALUES ($4)"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT count(*) FROM h"},
      {"request_hold_set", "UPDATE inventory.requests SET hold = $2, updated_at = now() WHERE id = $1"},
      {"request_hold_failed",
       "UPDATE inventory.requests SET status = 'failed', hold = 'none', failure_reason = $2" + bump},
      {"request_hold_release",
       "WITH r AS (UPDATE inventory.reservations SET state = 'released', updated_at = now()"
       "   WHERE request_id = $1 AND state = 'reserved' RETURNING stock_id, location_id, product_id, "
       "quantity),"
       " s AS (UPDATE inventory.stock s SET reserved = s.reserved - x.quantity, updated_at = now()"
       "   FROM (SELECT stock_id, sum(quantity) AS quantity FROM r GROUP BY stock_id) x WHERE s.id = "
       "x.stock_id),"
       " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT DISTINCT location_id FROM r"
       "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
       " SELECT DISTINCT product_id, location_id FROM r"},
      {"request_hold_released",
       "UPDATE inventory.requests SET hold = $2, updated_at = now() WHERE id = $1 AND hold IN ('held', "
       "'requested')"},
      {"transfer_held_requests",
       "SELECT id FROM inventory.requests WHERE transfer_id = $1 AND hold = 'held' ORDER BY id FOR UPDATE"},
  };
}

}  // namespace

PreparedStatements PgStockLedger::statements() {
  PreparedStatements out;
  for (auto group :
       {ledger_statements(), adjustment_and_batch_statements(), transfer_and_hold_statements()}) {
    out.insert(out.end(), std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
  }
  return out;
}

std::string PgStockLedger::today() {
  return unit_.txn().exec_prepared1("ledger_today")[0].as<std::string>();
}

std::int64_t PgStockLedger::ensure_stock_row(std::int64_t product_id, std::int64_t location_id,
                                             std::optional<std::int64_t> lot_id) {
  auto rows = unit_.txn().exec_prepared("stock_row_insert", product_id, location_id, lot_id);
  if (!rows.empty()) return rows[0][0].as<std::int64_t>();
  return unit_.txn().exec_prepared1("stock_row_lock", product_id, location_id, lot_id)[0].as<std::int64_t>();
}

std::vector<domain::StockSlot> PgStockLedger::lock_slots(std::int64_t product_id, std::int64_t location_id,
                                                         std::optional<std::int64_t> lot_id, bool only_lot) {
  std::vector<domain::StockSlot> slots;
  for (const auto& r :
       unit_.txn().exec_prepared("stock_slots_lock", product_id, location_id, lot_id, only_lot)) {
    slots.push_back({r[0].as<std::int64_t>(), nullable<std::int64_t>(r[1]), nullable<std::string>(r[2]),
                     quantity(r[3]), quantity(r[4])});
  }
  return slots;
}

std::int64_t PgStockLedger::book(const MovementEntry& m) {
  return unit_.txn()
      .exec_prepared1("movement_book", m.product_id, m.location_id, m.lot_id, m.quantity.to_string(),
                      m.reason, m.reference, m.actor_id, m.message_id, m.stock_id)[0]
      .as<std::int64_t>();
}

bool PgStockLedger::has_movement(const std::string& reference, const std::string& reason,
                                 std::optional<std::int64_t> location_id) {
  return !unit_.txn().exec_prepared("movement_exists", reference, reason, location_id).empty();
}

StockLevel PgStockLedger::announce_level(std::int64_t product_id, std::int64_t location_id,
                                         const std::string& event_id, const std::string& envelope) {
  const auto row = unit_.txn().exec_prepared1("stock_announce", product_id, location_id, event_id, envelope);
  StockLevel level{quantity(row[0]), quantity(row[1]), std::nullopt};
  if (!row[2].is_null())
    level.rule =
        ReorderState{row[2].as<std::int64_t>(), quantity(row[3]), quantity(row[4]), row[5].as<bool>()};
  return level;
}

void PgStockLedger::mark_low(std::int64_t rule_id, bool low) {
  unit_.txn().exec_prepared("reorder_rule_mark_low", rule_id, low);
}

std::int64_t PgStockLedger::upsert_lot(std::int64_t product_id, const std::string& lot_code,
                                       const std::optional<std::string>& expires_on) {
  auto rows = unit_.txn().exec_prepared("lot_upsert", product_id, lot_code, expires_on);
  if (rows.empty()) rows = unit_.txn().exec_prepared("lot_find", product_id, lot_code);
  return rows.at(0)[0].as<std::int64_t>();
}

std::optional<AdjustmentToApply> PgStockLedger::lock_adjustment(std::int64_t id) {
  auto rows = unit_.txn().exec_prepared("adjustment_lock", id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return AdjustmentToApply{id,
                           r[0].as<std::int64_t>(),
                           r[1].as<std::int64_t>(),
                           nullable<std::string>(r[2]),
                           nullable<std::string>(r[3]),
                           quantity(r[4]),
                           nullable<std::int64_t>(r[5]),
                           r[6].as<std::string>()};
}

void PgStockLedger::mark_adjustment_applied(std::int64_t id, std::int64_t first_movement_id) {
  unit_.txn().exec_prepared("adjustment_applied", id, first_movement_id);
}

void PgStockLedger::mark_adjustment_rejected(std::int64_t id, const std::string& reason) {
  unit_.txn().exec_prepared("adjustment_rejected", id, reason);
}

std::vector<BomEntry> PgStockLedger::bill_of_materials(std::int64_t product_id) {
  std::vector<BomEntry> out;
  for (const auto& r : unit_.txn().exec_prepared("ledger_bom", product_id)) {
    out.push_back({{r[0].as<std::int64_t>(), domain::parse_per_unit(r[1].as<std::string>()).value_or(0),
                    r[2].as<std::int64_t>()},
                   r[3].as<std::string>()});
  }
  return out;
}

std::optional<std::int64_t> PgStockLedger::insert_produced_lot(std::int64_t product_id,
                                                               const std::string& lot_code,
                                                               const std::optional<std::string>& expires_on) {
  auto rows = unit_.txn().exec_prepared("ledger_lot_produced", product_id, lot_code, expires_on);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void PgStockLedger::fail_batch_completion(std::int64_t batch_id, const std::string& reason) {
  unit_.txn().exec_prepared("batch_completion_failed", batch_id, reason);
}

void PgStockLedger::complete_batch(std::int64_t batch_id, std::int64_t lot_id,
                                   const std::string& cost_per_unit) {
  unit_.txn().exec_prepared("batch_completed", batch_id, lot_id, cost_per_unit);
}

void PgStockLedger::fail_dispatch(std::int64_t transfer_id, const std::string& reason) {
  unit_.txn().exec_prepared("transfer_dispatch_failed", transfer_id, reason);
}

void PgStockLedger::add_pick(std::int64_t transfer_line_id, std::optional<std::int64_t> lot_id, Quantity q) {
  unit_.txn().exec_prepared("transfer_pick_insert", transfer_line_id, lot_id, q.to_string());
}

void PgStockLedger::mark_in_transit(std::int64_t transfer_id) {
  unit_.txn().exec_prepared("transfer_in_transit", transfer_id);
}

void PgStockLedger::record_discrepancy(std::int64_t transfer_line_id, Quantity q, std::int64_t movement_id) {
  unit_.txn().exec_prepared("transfer_discrepancy_insert", transfer_line_id, q.to_string(), movement_id);
}

void PgStockLedger::mark_transfer_completed(std::int64_t transfer_id) {
  unit_.txn().exec_prepared("transfer_completed", transfer_id);
}

void PgStockLedger::hold(std::int64_t request_id, const domain::Take& take, std::int64_t product_id,
                         std::int64_t location_id) {
  unit_.txn().exec_prepared("request_hold_place", request_id, take.stock_id, product_id, location_id,
                            take.lot_id, take.quantity.to_string());
}

void PgStockLedger::set_hold(std::int64_t request_id, const std::string& hold) {
  unit_.txn().exec_prepared("request_hold_set", request_id, hold);
}

void PgStockLedger::fail_request(std::int64_t request_id, const std::string& reason) {
  unit_.txn().exec_prepared("request_hold_failed", request_id, reason);
}

std::vector<ProductAt> PgStockLedger::release_hold(std::int64_t request_id, const std::string& hold_becomes) {
  std::vector<ProductAt> changed;
  for (const auto& r : unit_.txn().exec_prepared("request_hold_release", request_id))
    changed.emplace_back(r[0].as<std::int64_t>(), r[1].as<std::int64_t>());
  unit_.txn().exec_prepared("request_hold_released", request_id, hold_becomes);
  return changed;
}

std::vector<std::int64_t> PgStockLedger::lock_held_requests_of(std::int64_t transfer_id) {
  std::vector<std::int64_t> ids;
  for (const auto& r : unit_.txn().exec_prepared("transfer_held_requests", transfer_id))
    ids.push_back(r[0].as<std::int64_t>());
  return ids;
}

}  // namespace ims::infra

namespace ims::infra {

void lock_stock_ledger(pqxx::work& txn) {
  constexpr long long stock_ledger_lock_key = 0x494D5301;  // "IMS" · 1; advisory locks are per database
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", stock_ledger_lock_key);
}

}  // namespace ims::infra
