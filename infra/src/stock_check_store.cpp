#include "ims/infra/stock_check_store.hpp"

#include "ims/domain/catalog.hpp"
#include "ims/infra/pg.hpp"

namespace ims::infra {

using domain::Quantity;

std::string PgStockCheckStore::checked_at() {
  return txn_.exec("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")[0][0]
      .as<std::string>();
}

std::vector<LowStockRecord> PgStockCheckStore::low_stock() {
  auto rows = txn_.exec(
      "WITH level AS ("
      "   SELECT s.product_id, s.location_id,"
      "          sum(s.on_hand - s.reserved) FILTER (WHERE l.expires_on IS NULL OR l.expires_on >= "
      "current_date) AS available"
      "   FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id GROUP BY 1, 2),"
      " rule AS ("
      "   SELECT r.id, r.product_id, r.location_id, r.min_quantity, r.max_quantity, r.low_since,"
      "          coalesce(level.available, 0) AS available"
      "   FROM inventory.reorder_rules r"
      "   JOIN catalog.products p ON p.id = r.product_id AND p.is_active"
      "   JOIN inventory.locations loc ON loc.id = r.location_id AND loc.is_active"
      "   LEFT JOIN level ON level.product_id = r.product_id AND level.location_id = r.location_id),"
      // low_since marks a rule that went low (so movements announce a crossing only once)
      " marked AS ("
      "   UPDATE inventory.reorder_rules r SET low_since = CASE WHEN rule.available <= rule.min_quantity "
      "THEN now() END"
      "   FROM rule WHERE r.id = rule.id AND (r.low_since IS NULL) = (rule.available <= rule.min_quantity) "
      "RETURNING r.id)"
      " SELECT rule.id, rule.product_id, rule.location_id, rule.available::text, rule.min_quantity::text,"
      "        rule.max_quantity::text, loc.kind, up.id, sup.id, p.kind = 'finished_good', p.price::text, "
      "p.cost::text,"
      "        EXISTS (SELECT 1 FROM sales.orders o JOIN sales.order_lines ol ON ol.order_id = o.id"
      "                WHERE o.buyer_location_id = rule.location_id AND ol.product_id = rule.product_id"
      "                  AND o.kind IN ('replenishment', 'purchase')"
      "                  AND o.status IN ('draft', 'pending', 'confirmed', 'processing', 'shipped', "
      "'ordered')),"
      "        (SELECT count(*) FROM marked)"
      " FROM rule JOIN catalog.products p ON p.id = rule.product_id JOIN inventory.locations loc ON loc.id = "
      "rule.location_id"
      " LEFT JOIN inventory.locations up ON up.id = loc.upstream_location_id AND up.is_active"
      " LEFT JOIN procurement.suppliers sup ON sup.id = p.supplier_id AND sup.is_active"
      " WHERE rule.available <= rule.min_quantity ORDER BY rule.id");
  std::vector<LowStockRecord> out;
  for (const auto& r : rows) {
    LowStockRecord rec;
    rec.rule_id = r[0].as<std::int64_t>();
    rec.product_id = r[1].as<std::int64_t>();
    rec.location_id = r[2].as<std::int64_t>();
    auto& f = rec.facts;
    f.available = Quantity::parse(r[3].as<std::string>()).value_or(Quantity());
    f.min = Quantity::parse(r[4].as<std::string>()).value_or(Quantity());
    f.max = Quantity::parse(r[5].as<std::string>()).value_or(Quantity());
    f.location_kind =
        domain::parse_location_kind(r[6].as<std::string>()).value_or(domain::LocationKind::retail);
    f.upstream_location_id = nullable<std::int64_t>(r[7]);
    f.supplier_id = nullable<std::int64_t>(r[8]);
    f.finished_good = r[9].as<bool>();
    f.price_cents = domain::parse_money(r[10].as<std::string>()).value_or(0);
    f.cost_cents = domain::parse_money(r[11].as<std::string>()).value_or(0);
    f.on_order = r[12].as<bool>();
    out.push_back(rec);
  }
  return out;
}

std::optional<DraftOrderRecord> PgStockCheckStore::insert_draft(const LowStockRecord& rule,
                                                                const domain::RestockPlan& plan) {
  const std::string kind(domain::to_string(plan.kind));
  auto rows = txn_.exec_params(
      "WITH o AS (INSERT INTO sales.orders (number, kind, status, seller_location_id, buyer_location_id, "
      "supplier_id, total,"
      "             reorder_rule_id)"
      "           VALUES (sales.next_order_number($1), $1, 'draft', $2, $3, $4, round($5::numeric * "
      "$6::numeric, 2), $7)"
      "           ON CONFLICT (reorder_rule_id) WHERE status = 'draft' DO NOTHING RETURNING id, number),"
      " line AS (INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price)"
      "          SELECT id, 1, $8, $5::numeric, $6::numeric FROM o),"
      " history AS (INSERT INTO sales.order_events (order_id, to_status, note)"
      "             SELECT id, 'draft', 'proposed by the inventory check: at or below the reorder minimum' "
      "FROM o)"
      " SELECT id, number FROM o",
      kind, plan.seller_location_id, rule.location_id, plan.supplier_id, plan.quantity.to_string(),
      domain::format_money(plan.unit_price_cents), rule.rule_id, rule.product_id);
  if (rows.empty()) return std::nullopt;
  return DraftOrderRecord{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>()};
}

std::vector<ExpiringLotRecord> PgStockCheckStore::expiring_lots(int within_days) {
  auto rows = txn_.exec_params(
      "SELECT l.id, l.product_id, s.location_id, l.lot_code, l.expires_on::text, sum(s.on_hand)::text, "
      "l.expires_on < current_date"
      " FROM inventory.stock s JOIN inventory.lots l ON l.id = s.lot_id"
      " WHERE s.on_hand > 0 AND l.expires_on IS NOT NULL AND l.expires_on <= current_date + $1::int"
      " GROUP BY l.id, s.location_id ORDER BY l.expires_on, l.id, s.location_id",
      within_days);
  std::vector<ExpiringLotRecord> out;
  for (const auto& r : rows) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<bool>()});
  }
  return out;
}

std::vector<DriftRecord> PgStockCheckStore::drift() {
  // One pass over each table: the ledger summed per (product, location, lot), joined both ways.
  auto rows = txn_.exec(
      "WITH ledger AS (SELECT product_id, location_id, coalesce(lot_id, 0) AS lot, sum(quantity) AS total"
      "                FROM inventory.movements GROUP BY 1, 2, 3)"
      " SELECT coalesce(s.product_id, m.product_id), coalesce(s.location_id, m.location_id),"
      "        nullif(coalesce(s.lot_id, m.lot), 0), coalesce(s.on_hand, 0)::text, coalesce(m.total, 0)::text"
      " FROM inventory.stock s FULL JOIN ledger m"
      "   ON m.product_id = s.product_id AND m.location_id = s.location_id AND m.lot = coalesce(s.lot_id, 0)"
      " WHERE coalesce(s.on_hand, 0) <> coalesce(m.total, 0) ORDER BY 1, 2, 3 NULLS FIRST");
  std::vector<DriftRecord> out;
  for (const auto& r : rows) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), nullable<std::int64_t>(r[2]),
                   r[3].as<std::string>(), r[4].as<std::string>()});
  }
  return out;
}

std::vector<OverdueRequestRecord> PgStockCheckStore::mark_overdue_requests() {
  auto rows = txn_.exec(
      "UPDATE inventory.requests SET overdue_at = now()"
      " WHERE status = 'pending' AND overdue_at IS NULL AND now() >= created_at + (expires_at - created_at) "
      "/ 2"
      "   AND expires_at > now()"  // past its SLA it is expiring, not overdue: nobody is chased about it
      " RETURNING id, number, action, product_id, from_location_id, to_location_id, requested_by,"
      "           to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
  std::vector<OverdueRequestRecord> out;
  for (const auto& r : rows) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::int64_t>(), r[4].as<std::int64_t>(), nullable<std::int64_t>(r[5]),
                   r[6].as<std::int64_t>(), r[7].as<std::string>()});
  }
  return out;
}

}  // namespace ims::infra
