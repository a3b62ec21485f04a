#include "ims/infra/customer_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

const std::string customer_columns =
    "id, location_id, name, phone, email, address, tax_id, notes, is_active, anonymized_at IS NOT NULL, "
    "version,"
    " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

CustomerRecord read_customer(const pqxx::row& r) {
  CustomerRecord c;
  c.id = r[0].as<std::int64_t>();
  c.location_id = r[1].as<std::int64_t>();
  c.name = r[2].as<std::string>();
  c.phone = nullable<std::string>(r[3]);
  c.email = nullable<std::string>(r[4]);
  c.address = nullable<std::string>(r[5]);
  c.tax_id = nullable<std::string>(r[6]);
  c.notes = nullable<std::string>(r[7]);
  c.is_active = r[8].as<bool>();
  c.anonymized = r[9].as<bool>();
  c.version = r[10].as<int>();
  c.created_at = r[11].as<std::string>();
  c.updated_at = r[12].as<std::string>();
  return c;
}

// LIKE pattern of a search text, its wildcards taken literally.
std::string contains_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

PreparedStatements PgCustomerStore::statements() {
  const std::string select = "SELECT " + customer_columns + " FROM sales.customers";
  return {
      {"customer_find", select + " WHERE id = $1"},
      {"customer_find_locked", select + " WHERE id = $1 FOR UPDATE"},
      {"customer_list", select + " WHERE ($1::bigint IS NULL OR id > $1)"
                                 "   AND ($2::bigint IS NULL OR location_id = $2)"
                                 "   AND ($3::boolean IS NULL OR is_active = $3)"
                                 "   AND ($4::text IS NULL OR name ILIKE $4"
                                 "        OR ($6 AND (phone LIKE $7 OR email ILIKE $4)))"
                                 " ORDER BY id LIMIT $5"},
      {"customer_insert",
       "INSERT INTO sales.customers (location_id, name, phone, email, address, tax_id, notes, created_by)"
       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id"},
      {"customer_phone_taken",
       "SELECT 1 FROM sales.customers o, sales.customers me"
       " WHERE me.id = $1 AND o.location_id = me.location_id AND o.phone = $2 AND o.id <> $1"},
      {"customer_update",
       "UPDATE sales.customers SET name = $2, phone = $3, email = $4, address = $5, tax_id = $6, notes = $7,"
       " version = version + 1, updated_at = now() WHERE id = $1"},
      {"customer_deactivate",
       "UPDATE sales.customers SET is_active = false, version = version + 1, updated_at = now() WHERE id = "
       "$1"},
      {"customer_anonymize",
       "UPDATE sales.customers SET name = 'Anonymized customer', phone = NULL, email = NULL, address = NULL,"
       " tax_id = NULL, notes = NULL, is_active = false, anonymized_at = coalesce(anonymized_at, now()),"
       " version = version + 1, updated_at = now() WHERE id = $1"},
      {"customer_anonymize_orders",
       "UPDATE sales.orders SET customer = NULL WHERE customer_id = $1 AND customer IS NOT NULL"},
      {"customer_anonymize_audit",
       "UPDATE audit.log SET"
       " before = CASE WHEN before ? 'name' THEN jsonb_set(before, '{name}', '\"Anonymized customer\"') ELSE "
       "before END,"
       " after = CASE WHEN after ? 'name' THEN jsonb_set(after, '{name}', '\"Anonymized customer\"') ELSE "
       "after END"
       " WHERE entity = 'customer' AND entity_id = $1::text"},
      {"customer_match",
       select + " WHERE location_id = $1 AND anonymized_at IS NULL"
                "   AND (phone = $2 OR (lower(email) = lower($3) AND (phone IS NULL OR $2::text IS NULL)))"
                " ORDER BY phone = $2 DESC NULLS LAST, id LIMIT 1 FOR UPDATE"},
  };
}

std::optional<CustomerRecord> PgCustomerStore::find(std::int64_t id) {
  auto rows = unit_.txn().exec_prepared("customer_find", id);
  if (rows.empty()) return std::nullopt;
  return read_customer(rows[0]);
}

std::optional<CustomerRecord> PgCustomerStore::find_locked(std::int64_t id) {
  auto rows = unit_.txn().exec_prepared("customer_find_locked", id);
  if (rows.empty()) return std::nullopt;
  return read_customer(rows[0]);
}

std::vector<CustomerRecord> PgCustomerStore::list(const CustomerFilter& f) {
  std::optional<std::string> pattern, phone_pattern;
  if (f.q) {
    pattern = contains_pattern(*f.q);
    // Phones are stored as digits: "+91 98200" finds "+919820012345".
    std::string digits;
    for (char c : *f.q) {
      if ((c >= '0' && c <= '9') || c == '+') digits += c;
    }
    phone_pattern = digits.empty() ? *pattern : contains_pattern(digits);
  }
  auto rows = unit_.txn().exec_prepared("customer_list", f.after_id, f.location_id, f.is_active, pattern,
                                        f.limit + 1, f.q_personal, phone_pattern);
  std::vector<CustomerRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(read_customer(r));
  return out;
}

std::optional<CustomerRecord> PgCustomerStore::match(std::int64_t location_id,
                                                     const std::optional<std::string>& phone,
                                                     const std::optional<std::string>& email) {
  if (!phone && !email) return std::nullopt;
  auto rows = unit_.txn().exec_prepared("customer_match", location_id, phone, email);
  if (rows.empty()) return std::nullopt;
  return read_customer(rows[0]);
}

std::optional<std::int64_t> PgCustomerStore::insert(std::int64_t location_id, const CustomerFields& c,
                                                    std::int64_t created_by) {
  auto rows = unit_.txn().exec_prepared("customer_insert", location_id, c.name, c.phone, c.email, c.address,
                                        c.tax_id, c.notes, created_by);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

bool PgCustomerStore::update(std::int64_t id, const CustomerFields& c) {
  // A taken phone is checked first so the unique index never aborts the transaction.
  if (!unit_.txn().exec_prepared("customer_phone_taken", id, c.phone).empty()) return false;
  unit_.txn().exec_prepared("customer_update", id, c.name, c.phone, c.email, c.address, c.tax_id, c.notes);
  return true;
}

void PgCustomerStore::deactivate(std::int64_t id) {
  unit_.txn().exec_prepared("customer_deactivate", id);
}

void PgCustomerStore::anonymize(std::int64_t id) {
  // The orders keep pointing at the customer; the walk-in names they may carry go too.
  unit_.txn().exec_prepared("customer_anonymize", id);
  unit_.txn().exec_prepared("customer_anonymize_orders", id);
  // The audit trail keeps that the customer existed and what was done, not who it was.
  unit_.txn().exec_prepared("customer_anonymize_audit", std::to_string(id));
}

}  // namespace ims::infra
