#include "ims/infra/reorder_rule_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

constexpr const char* columns =
    "r.id, r.product_id, r.location_id, r.min_quantity::text, r.max_quantity::text, r.version,"
    " to_char(r.low_since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

// numeric(14,3) as text always parses; value() throws if the schema ever says otherwise.
domain::Quantity quantity(const pqxx::field& f) {
  return domain::Quantity::parse(f.as<std::string>()).value();
}

ReorderRuleRecord read_rule(const pqxx::row& r) {
  ReorderRuleRecord rule;
  rule.id = r[0].as<std::int64_t>();
  rule.product_id = r[1].as<std::int64_t>();
  rule.location_id = r[2].as<std::int64_t>();
  rule.min = quantity(r[3]);
  rule.max = quantity(r[4]);
  rule.version = r[5].as<int>();
  rule.low_since = nullable<std::string>(r[6]);
  return rule;
}

}  // namespace

PreparedStatements PgReorderRuleStore::statements() {
  const std::string select = std::string("SELECT ") + columns + " FROM inventory.reorder_rules r";
  return {
      {"reorder_rule_find", select + " WHERE r.id = $1"},
      {"reorder_rule_find_locked", select + " WHERE r.id = $1 FOR UPDATE"},
      {"reorder_rule_list",
       select +
           " WHERE ($1::bigint IS NULL OR r.id > $1)"
           " AND ($2::bigint IS NULL OR r.product_id = $2) AND ($3::bigint IS NULL OR r.location_id = $3)"
           " ORDER BY r.id LIMIT $4"},
      {"reorder_rule_product_exists", "SELECT 1 FROM catalog.products WHERE id = $1"},
      {"reorder_rule_location_exists", "SELECT 1 FROM inventory.locations WHERE id = $1"},
      {"reorder_rule_exists",
       "SELECT 1 FROM inventory.reorder_rules WHERE product_id = $1 AND location_id = $2"},
      {"reorder_rule_insert",
       "INSERT INTO inventory.reorder_rules (product_id, location_id, min_quantity, max_quantity)"
       " VALUES ($1, $2, $3::numeric, $4::numeric) RETURNING id"},
      {"reorder_rule_update",
       "UPDATE inventory.reorder_rules SET min_quantity = $2::numeric, max_quantity = $3::numeric,"
       " version = version + 1 WHERE id = $1"},
      {"reorder_rule_delete", "DELETE FROM inventory.reorder_rules WHERE id = $1"},
  };
}

std::optional<ReorderRuleRecord> PgReorderRuleStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "reorder_rule_find_locked" : "reorder_rule_find", id);
  if (rows.empty()) return std::nullopt;
  return read_rule(rows[0]);
}

std::vector<ReorderRuleRecord> PgReorderRuleStore::list(const ReorderRuleFilter& f) {
  std::vector<ReorderRuleRecord> out;
  for (const auto& r :
       unit_.txn().exec_prepared("reorder_rule_list", f.after_id, f.product_id, f.location_id, f.limit + 1)) {
    out.push_back(read_rule(r));
  }
  return out;
}

bool PgReorderRuleStore::product_exists(std::int64_t product_id) {
  return !unit_.txn().exec_prepared("reorder_rule_product_exists", product_id).empty();
}

bool PgReorderRuleStore::location_exists(std::int64_t location_id) {
  return !unit_.txn().exec_prepared("reorder_rule_location_exists", location_id).empty();
}

bool PgReorderRuleStore::rule_exists(std::int64_t product_id, std::int64_t location_id) {
  return !unit_.txn().exec_prepared("reorder_rule_exists", product_id, location_id).empty();
}

std::int64_t PgReorderRuleStore::insert(std::int64_t product_id, std::int64_t location_id,
                                        domain::Quantity min, domain::Quantity max) {
  return unit_.txn()
      .exec_prepared1("reorder_rule_insert", product_id, location_id, min.to_string(), max.to_string())[0]
      .as<std::int64_t>();
}

void PgReorderRuleStore::update(std::int64_t id, domain::Quantity min, domain::Quantity max) {
  unit_.txn().exec_prepared("reorder_rule_update", id, min.to_string(), max.to_string());
}

void PgReorderRuleStore::remove(std::int64_t id) {
  unit_.txn().exec_prepared("reorder_rule_delete", id);
}

}  // namespace ims::infra
