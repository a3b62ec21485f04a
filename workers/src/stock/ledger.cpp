#include "stock/handlers.hpp"

namespace ims::workers::stock {

using domain::Quantity;

std::map<std::string, MessageHandler> handlers(const infra::Config& config, const OrderDecisions& decisions) {
  const int expiry_warning_days = config.expiry_warning_days;
  return {
      {"inventory.check.requested",
       [expiry_warning_days](MessageContext& ctx) { inventory_check_requested(ctx, expiry_warning_days); }},
      {"stock.adjustment.requested", adjustment_requested},
      {"order.created", [&decisions](MessageContext& ctx) { handle_order_created(ctx, decisions); }},
      {"order.status_changed", order_status_changed},
      {"production.completion_requested", production_completion_requested},
      {"production.qc_failed", production_qc_failed},
      {"transfer.dispatch_requested", transfer_dispatch_requested},
      {"transfer.completion_requested", transfer_completion_requested},
      {"transfer.canceled", transfer_canceled},
      {"request.created", request_created},
      {"request.denied", request_closed},
      {"request.canceled", request_closed},
      {"request.expired", request_closed}};
}

infra::PreparedStatements prepared_statements() {
  auto statements = order_statements();
  statements.insert(
      statements.end(),
      {
          {"adjustment_lock",
           "SELECT product_id, location_id, lot_code, expires_on::text, quantity_delta::text, requested_by, "
           "status"
           " FROM inventory.adjustments WHERE id = $1 FOR UPDATE"},
          {"adjustment_applied",
           "UPDATE inventory.adjustments SET status = 'applied', movement_id = $2, decided_at = now() WHERE "
           "id = $1"},
          {"stock_row_insert",
           "INSERT INTO inventory.stock (product_id, location_id, lot_id) VALUES ($1, $2, $3)"
           " ON CONFLICT (product_id, location_id, (coalesce(lot_id, 0))) DO NOTHING RETURNING id"},
          {"stock_row_lock",
           "SELECT id FROM inventory.stock WHERE product_id = $1 AND location_id = $2 AND coalesce(lot_id, "
           "0) = coalesce($3, 0)"
           " FOR UPDATE"},
          {"stock_slots_lock",
           "SELECT s.id, s.lot_id, l.expires_on::text, s.on_hand::text, s.reserved::text"
           " FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
           " WHERE s.product_id = $1 AND s.location_id = $2 AND (NOT $4 OR coalesce(s.lot_id, 0) = "
           "coalesce($3, 0))"
           " ORDER BY s.id FOR UPDATE OF s"},
          // The movement, the stock it changes and the location's stock version (which invalidates
          // cached reads) in one statement.
          {"movement_book",
           "WITH moved AS (INSERT INTO inventory.movements (product_id, location_id, lot_id, quantity, "
           "reason,"
           "   reference, actor_id, message_id) VALUES ($1, $2, $3, $4::numeric, $5, $6, $7, $8) RETURNING "
           "id),"
           " stocked AS (UPDATE inventory.stock SET on_hand = on_hand + $4::numeric, updated_at = now() "
           "WHERE id = $9),"
           " versioned AS (INSERT INTO inventory.stock_versions (location_id) VALUES ($2)"
           "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
           " SELECT id FROM moved"},
          // Sellable stock (on hand, less reserved, in lots that have not expired), announced as
          // stock.changed with it, and the reorder rule locked for the low-stock decision: one round trip.
          {"stock_announce",
           "WITH lvl AS (SELECT coalesce(sum(s.on_hand), 0) AS on_hand,"
           "       coalesce(sum(s.on_hand - s.reserved) FILTER (WHERE l.expires_on IS NULL OR l.expires_on "
           ">= current_date), 0)"
           "         AS available"
           "     FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
           "     WHERE s.product_id = $1 AND s.location_id = $2),"
           " ev AS (INSERT INTO messaging.outbox (id, type, envelope)"
           "     SELECT $3::uuid, 'stock.changed', jsonb_set(jsonb_set($4::jsonb, '{data,on_hand}', "
           "to_jsonb(lvl.on_hand::float8)),"
           "                                                  '{data,available}', "
           "to_jsonb(lvl.available::float8)) FROM lvl"
           "     RETURNING 1),"
           " rule AS (SELECT id, min_quantity, max_quantity, low_since IS NOT NULL AS was_low FROM "
           "inventory.reorder_rules"
           "     WHERE product_id = $1 AND location_id = $2 FOR UPDATE)"
           " SELECT lvl.on_hand::text, lvl.available::text, rule.id, rule.min_quantity::text, "
           "rule.max_quantity::text, rule.was_low,"
           "        (SELECT pg_notify('ims_outbox', '') FROM ev)"
           " FROM lvl LEFT JOIN rule ON true"},
      });
  return statements;
}

std::string text_array(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string today(pqxx::work& txn) {
  return txn.exec("SELECT current_date::text")[0][0].as<std::string>();
}

std::int64_t ensure_stock_row(pqxx::work& txn, std::int64_t product_id, std::int64_t location_id,
                              std::optional<std::int64_t> lot_id) {
  auto rows = txn.exec_prepared("stock_row_insert", product_id, location_id, lot_id);
  if (!rows.empty()) return rows[0][0].as<std::int64_t>();
  return txn.exec_prepared1("stock_row_lock", product_id, location_id, lot_id)[0].as<std::int64_t>();
}

std::vector<domain::StockSlot> lock_slots(pqxx::work& txn, std::int64_t product_id, std::int64_t location_id,
                                          std::optional<std::int64_t> lot_id, bool only_lot) {
  auto rows = txn.exec_prepared("stock_slots_lock", product_id, location_id, lot_id, only_lot);
  std::vector<domain::StockSlot> slots;
  for (const auto& r : rows) {
    slots.push_back({r[0].as<std::int64_t>(), infra::nullable<std::int64_t>(r[1]),
                     infra::nullable<std::string>(r[2]), *Quantity::parse(r[3].as<std::string>()),
                     *Quantity::parse(r[4].as<std::string>())});
  }
  return slots;
}

std::int64_t book_movements(MessageContext& ctx, const std::vector<domain::Take>& takes,
                            std::int64_t product_id, std::int64_t location_id, const std::string& reason,
                            const std::string& reference, std::optional<std::int64_t> actor_id) {
  std::optional<std::int64_t> first;
  for (const auto& t : takes) {
    auto id = ctx.txn
                  .exec_prepared1("movement_book", product_id, location_id, t.lot_id, t.quantity.to_string(),
                                  reason, reference, actor_id, ctx.message_id, t.stock_id)[0]
                  .as<std::int64_t>();
    if (!first) first = id;
  }
  return first.value_or(0);
}

void announce_stock_change(MessageContext& ctx, std::int64_t product_id, std::int64_t location_id,
                           std::optional<std::int64_t> actor_id, nlohmann::json cause) {
  auto event = infra::prepare_event(
      {"stock.changed",
       {{"product_id", product_id}, {"location_id", location_id}, {"cause", std::move(cause)}},
       ctx.event.correlation_id,
       actor_id});
  auto row =
      ctx.txn.exec_prepared1("stock_announce", product_id, location_id, event.id, event.envelope.dump());
  if (row[2].is_null()) return;  // no reorder rule here
  const auto available = *Quantity::parse(row[1].as<std::string>());
  const auto rule_id = row[2].as<std::int64_t>();
  const auto min = *Quantity::parse(row[3].as<std::string>());
  const auto max = *Quantity::parse(row[4].as<std::string>());
  const bool was_low = row[5].as<bool>();
  const bool is_low = available <= min;
  if (is_low && !was_low) {
    ctx.txn.exec_params("UPDATE inventory.reorder_rules SET low_since = now() WHERE id = $1", rule_id);
    infra::append_event(ctx.txn, {"stock.low",
                                  {{"product_id", product_id},
                                   {"location_id", location_id},
                                   {"available", available.to_double()},
                                   {"min", min.to_double()},
                                   {"max", max.to_double()},
                                   {"suggested_quantity", (max - available).to_double()}},
                                  ctx.event.correlation_id,
                                  actor_id});
  } else if (!is_low && was_low) {
    ctx.txn.exec_params("UPDATE inventory.reorder_rules SET low_since = NULL WHERE id = $1", rule_id);
    // Back above min: the low-stock alert closes at once rather than at the next check.
    infra::append_event(ctx.txn, {"stock.recovered",
                                  {{"product_id", product_id},
                                   {"location_id", location_id},
                                   {"available", available.to_double()},
                                   {"min", min.to_double()},
                                   {"max", max.to_double()}},
                                  ctx.event.correlation_id,
                                  actor_id});
  }
}

}  // namespace ims::workers::stock
