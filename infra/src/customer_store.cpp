#include "ims/infra/customer_store.hpp"

#include <nlohmann/json.hpp>

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

namespace customers {

std::optional<CustomerRecord> find(pqxx::work& txn, std::int64_t id, bool for_update) {
  auto rows = txn.exec_params("SELECT " + customer_columns + " FROM sales.customers WHERE id = $1" +
                                  (for_update ? " FOR UPDATE" : ""),
                              id);
  if (rows.empty()) return std::nullopt;
  return read_customer(rows[0]);
}

std::vector<CustomerRecord> list(pqxx::work& txn, const CustomerFilter& f) {
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
  auto rows = txn.exec_params("SELECT " + customer_columns +
                                  " FROM sales.customers"
                                  " WHERE ($1::bigint IS NULL OR id > $1)"
                                  "   AND ($2::bigint IS NULL OR location_id = $2)"
                                  "   AND ($3::boolean IS NULL OR is_active = $3)"
                                  "   AND ($4::text IS NULL OR name ILIKE $4"
                                  "        OR ($6 AND (phone LIKE $7 OR email ILIKE $4)))"
                                  " ORDER BY id LIMIT $5",
                              f.after_id, f.location_id, f.is_active, pattern, f.limit + 1, f.q_personal,
                              phone_pattern);
  std::vector<CustomerRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(read_customer(r));
  return out;
}

std::optional<std::int64_t> insert(pqxx::work& txn, std::int64_t location_id, const CustomerFields& c,
                                   std::int64_t created_by) {
  auto rows = txn.exec_params(
      "INSERT INTO sales.customers (location_id, name, phone, email, address, tax_id, notes, created_by)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id",
      location_id, c.name, c.phone, c.email, c.address, c.tax_id, c.notes, created_by);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

bool update(pqxx::work& txn, std::int64_t id, const CustomerFields& c) {
  // A taken phone is checked first so the unique index never aborts the transaction.
  auto taken = txn.exec_params(
      "SELECT 1 FROM sales.customers o, sales.customers me"
      " WHERE me.id = $1 AND o.location_id = me.location_id AND o.phone = $2 AND o.id <> $1",
      id, c.phone);
  if (!taken.empty()) return false;
  txn.exec_params(
      "UPDATE sales.customers SET name = $2, phone = $3, email = $4, address = $5, tax_id = $6, notes = $7,"
      " version = version + 1, updated_at = now() WHERE id = $1",
      id, c.name, c.phone, c.email, c.address, c.tax_id, c.notes);
  return true;
}

void deactivate(pqxx::work& txn, std::int64_t id) {
  txn.exec_params(
      "UPDATE sales.customers SET is_active = false, version = version + 1, updated_at = now() WHERE id = $1",
      id);
}

void anonymize(pqxx::work& txn, std::int64_t id) {
  // The orders keep pointing at the customer; the walk-in names they may carry go too.
  txn.exec_params(
      "UPDATE sales.customers SET name = 'Anonymized customer', phone = NULL, email = NULL, address = NULL,"
      " tax_id = NULL, notes = NULL, is_active = false, anonymized_at = coalesce(anonymized_at, now()),"
      " version = version + 1, updated_at = now() WHERE id = $1",
      id);
  txn.exec_params("UPDATE sales.orders SET customer = NULL WHERE customer_id = $1 AND customer IS NOT NULL",
                  id);
  // The audit trail keeps that the customer existed and what was done, not who it was.
  txn.exec_params(
      "UPDATE audit.log SET"
      " before = CASE WHEN before ? 'name' THEN jsonb_set(before, '{name}', '\"Anonymized customer\"') ELSE "
      "before END,"
      " after = CASE WHEN after ? 'name' THEN jsonb_set(after, '{name}', '\"Anonymized customer\"') ELSE "
      "after END"
      " WHERE entity = 'customer' AND entity_id = $1::text",
      std::to_string(id));
}

std::optional<CustomerRecord> match(pqxx::work& txn, std::int64_t location_id,
                                    const std::optional<std::string>& phone,
                                    const std::optional<std::string>& email) {
  if (!phone && !email) return std::nullopt;
  auto rows = txn.exec_params(
      "SELECT " + customer_columns +
          " FROM sales.customers WHERE location_id = $1 AND anonymized_at IS NULL"
          "   AND (phone = $2 OR (lower(email) = lower($3) AND (phone IS NULL OR $2::text IS NULL)))"
          " ORDER BY phone = $2 DESC NULLS LAST, id LIMIT 1 FOR UPDATE",
      location_id, phone, email);
  if (rows.empty()) return std::nullopt;
  return read_customer(rows[0]);
}

std::string to_json(const CustomerRecord& c, bool personal) {
  auto opt = [&](const std::optional<std::string>& v) {
    return personal && v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return nlohmann::json{{"id", c.id},
                        {"location_id", c.location_id},
                        {"name", c.name},
                        {"phone", opt(c.phone)},
                        {"email", opt(c.email)},
                        {"address", opt(c.address)},
                        {"tax_id", opt(c.tax_id)},
                        {"notes", personal && c.notes ? nlohmann::json(*c.notes) : nlohmann::json(nullptr)},
                        {"is_active", c.is_active},
                        {"anonymized", c.anonymized},
                        {"version", c.version},
                        {"created_at", c.created_at},
                        {"updated_at", c.updated_at}}
      .dump();
}

}  // namespace customers

std::optional<CustomerRecord> PgCustomerStore::find(std::int64_t id) {
  return customers::find(unit_.txn(), id);
}

std::optional<CustomerRecord> PgCustomerStore::match(std::int64_t location_id,
                                                     const std::optional<std::string>& phone,
                                                     const std::optional<std::string>& email) {
  return customers::match(unit_.txn(), location_id, phone, email);
}

std::optional<std::int64_t> PgCustomerStore::insert(std::int64_t location_id, const CustomerFields& fields,
                                                    std::int64_t created_by) {
  return customers::insert(unit_.txn(), location_id, fields, created_by);
}

}  // namespace ims::infra
