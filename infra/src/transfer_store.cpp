#include "ims/infra/transfer_store.hpp"

#include <nlohmann/json.hpp>

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

std::string transfer_columns() {
  return "t.id, t.number, t.from_location_id, t.to_location_id, t.status, t.pending_step, t.failure_reason,"
         " t.version, " +
         utc_text("t.created_at") + ", " + utc_text("t.updated_at") + ", t.created_by";
}

TransferRecord read_transfer(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(),      r[1].as<std::string>(),
          r[2].as<std::int64_t>(),      r[3].as<std::int64_t>(),
          r[4].as<std::string>(),       nullable<std::string>(r[5]),
          nullable<std::string>(r[6]),  r[7].as<int>(),
          r[8].as<std::string>(),       r[9].as<std::string>(),
          nullable<std::int64_t>(r[10])};
}

// [{lot_id, lot_code, quantity}] as the transfer_lines statement aggregates them.
std::vector<TransferPickRecord> read_picks(const std::string& json_text) {
  std::vector<TransferPickRecord> out;
  for (const auto& p : nlohmann::json::parse(json_text)) {
    TransferPickRecord pick;
    if (!p["lot_id"].is_null()) pick.lot_id = p["lot_id"].get<std::int64_t>();
    if (!p["lot_code"].is_null()) pick.lot_code = p["lot_code"].get<std::string>();
    pick.quantity = p["quantity"].get<std::string>();
    out.push_back(std::move(pick));
  }
  return out;
}

TransferLineRecord read_line(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(),
          r[1].as<int>(),
          r[2].as<std::int64_t>(),
          r[3].as<std::string>(),
          nullable<std::int64_t>(r[4]),
          nullable<std::string>(r[5]),
          r[6].as<std::string>(),
          nullable<std::string>(r[7]),
          read_picks(r[8].as<std::string>()),
          nullable<std::string>(r[9])};
}

// "[{line_no, product_id, lot_id, quantity}]" for jsonb_to_recordset.
std::string lines_json(const std::vector<NewTransferLine>& lines) {
  auto out = nlohmann::json::array();
  for (const auto& l : lines) {
    out.push_back({{"line_no", l.line_no},
                   {"product_id", l.product_id},
                   {"lot_id", l.lot_id ? nlohmann::json(*l.lot_id) : nlohmann::json(nullptr)},
                   {"quantity", l.quantity}});
  }
  return out.dump();
}

}  // namespace

PreparedStatements PgTransferStore::statements() {
  const auto select = "SELECT " + transfer_columns() + " FROM inventory.transfers t";
  const std::string bump = ", updated_at = now(), version = version + 1 WHERE id = $1";
  return {
      {"transfer_locations_active",
       "SELECT count(*) FROM inventory.locations WHERE id IN ($1, $2) AND is_active"},
      {"transfer_product_active", "SELECT 1 FROM catalog.products WHERE id = $1 AND is_active"},
      {"transfer_lot_of_product", "SELECT 1 FROM inventory.lots WHERE id = $1 AND product_id = $2"},
      {"transfer_insert",
       "WITH t AS (INSERT INTO inventory.transfers (from_location_id, to_location_id, created_by, request_id)"
       "   VALUES ($1, $2, $3, $4) RETURNING id),"
       " l AS (INSERT INTO inventory.transfer_lines (transfer_id, line_no, product_id, lot_id, quantity)"
       "   SELECT t.id, x.line_no, x.product_id, x.lot_id, x.quantity::numeric FROM t,"
       "   jsonb_to_recordset($5::jsonb) AS x(line_no int, product_id bigint, lot_id bigint, quantity text))"
       " SELECT id FROM t"},
      {"transfer_find", select + " WHERE t.id = $1"},
      {"transfer_find_locked", select + " WHERE t.id = $1 FOR UPDATE"},
      {"transfer_page", select +
                            " WHERE ($1::bigint IS NULL OR t.id < $1) AND ($2::text IS NULL OR t.status = $2)"
                            " AND ($3::bigint IS NULL OR t.from_location_id = $3 OR t.to_location_id = $3)"
                            " ORDER BY t.id DESC LIMIT $4"},
      {"transfer_lines",
       "SELECT l.id, l.line_no, l.product_id, p.sku, l.lot_id, lt.lot_code, l.quantity::text,"
       "       l.received_quantity::text,"
       "       coalesce((SELECT json_agg(json_build_object('lot_id', k.lot_id, 'lot_code', kl.lot_code,"
       "                                                   'quantity', k.quantity::text) ORDER BY k.id)"
       "                 FROM inventory.transfer_picks k LEFT JOIN inventory.lots kl ON kl.id = k.lot_id"
       "                 WHERE k.transfer_line_id = l.id), '[]')::text,"
       "       (SELECT sum(d.quantity) FROM inventory.transfer_discrepancies d"
       "         WHERE d.transfer_line_id = l.id)::text"
       " FROM inventory.transfer_lines l JOIN catalog.products p ON p.id = l.product_id"
       " LEFT JOIN inventory.lots lt ON lt.id = l.lot_id WHERE l.transfer_id = $1 ORDER BY l.line_no"},
      {"transfer_request_step",
       "UPDATE inventory.transfers SET pending_step = $2, failure_reason = NULL" + bump},
      {"transfer_arrived", "UPDATE inventory.transfers SET status = 'arrived', arrived_at = now()" + bump},
      {"transfer_canceled", "UPDATE inventory.transfers SET status = 'canceled'" + bump},
      {"transfer_line_received",
       "UPDATE inventory.transfer_lines SET received_quantity = $2::numeric WHERE id = $1"},
  };
}

bool PgTransferStore::locations_active(std::int64_t from, std::int64_t to) {
  return unit_.txn().exec_prepared1("transfer_locations_active", from, to)[0].as<int>() == 2;
}

bool PgTransferStore::product_active(std::int64_t product_id) {
  return !unit_.txn().exec_prepared("transfer_product_active", product_id).empty();
}

bool PgTransferStore::lot_of_product(std::int64_t lot_id, std::int64_t product_id) {
  return !unit_.txn().exec_prepared("transfer_lot_of_product", lot_id, product_id).empty();
}

std::int64_t PgTransferStore::insert(const NewTransfer& t) {
  return unit_.txn()
      .exec_prepared1("transfer_insert", t.from_location_id, t.to_location_id, t.actor_id, t.request_id,
                      lines_json(t.lines))[0]
      .as<std::int64_t>();
}

std::optional<TransferRecord> PgTransferStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "transfer_find_locked" : "transfer_find", id);
  if (rows.empty()) return std::nullopt;
  return read_transfer(rows[0]);
}

std::vector<TransferRecord> PgTransferStore::page(const TransferFilter& f) {
  std::vector<TransferRecord> out;
  for (const auto& r :
       unit_.txn().exec_prepared("transfer_page", f.after_id, f.status, f.location, f.limit + 1)) {
    out.push_back(read_transfer(r));
  }
  return out;
}

std::vector<TransferLineRecord> PgTransferStore::lines(std::int64_t transfer_id) {
  std::vector<TransferLineRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("transfer_lines", transfer_id)) out.push_back(read_line(r));
  return out;
}

void PgTransferStore::request_step(std::int64_t id, const std::string& step) {
  unit_.txn().exec_prepared("transfer_request_step", id, step);
}

void PgTransferStore::mark_arrived(std::int64_t id) {
  unit_.txn().exec_prepared("transfer_arrived", id);
}

void PgTransferStore::mark_canceled(std::int64_t id) {
  unit_.txn().exec_prepared("transfer_canceled", id);
}

void PgTransferStore::record_received(std::int64_t line_id, const std::string& quantity) {
  unit_.txn().exec_prepared("transfer_line_received", line_id, quantity);
}

}  // namespace ims::infra
