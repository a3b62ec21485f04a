#include "ims/infra/user_store.hpp"

#include <nlohmann/json.hpp>

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

constexpr const char* user_columns =
    "id, username, email, role, location_id, is_active, version, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), password_hash";

UserRecord read_user(const pqxx::row& r) {
  UserRecord u;
  u.id = r[0].as<std::int64_t>();
  u.username = r[1].as<std::string>();
  u.email = r[2].as<std::string>();
  u.role = domain::parse_role(r[3].as<std::string>()).value_or(domain::Role::retailer);
  if (!r[4].is_null()) u.location_id = r[4].as<std::int64_t>();
  u.is_active = r[5].as<bool>();
  u.version = r[6].as<int>();
  u.created_at = r[7].as<std::string>();
  u.updated_at = r[8].as<std::string>();
  u.password_hash = r[9].as<std::string>();
  return u;
}

std::string role_text(domain::Role role) { return std::string(domain::to_string(role)); }

}  // namespace

namespace users {

std::optional<bool> email_alerts(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_params("SELECT email_alerts FROM auth.users WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<bool>();
}

void set_email_alerts(pqxx::work& txn, std::int64_t id, bool enabled) {
  txn.exec_params("UPDATE auth.users SET email_alerts = $2, updated_at = now() WHERE id = $1", id, enabled);
}

std::optional<UserRecord> find_by_username(pqxx::work& txn, const std::string& username) {
  auto rows = txn.exec_params(std::string("SELECT ") + user_columns + " FROM auth.users WHERE username = $1",
                              username);
  if (rows.empty()) return std::nullopt;
  return read_user(rows[0]);
}

std::optional<UserRecord> find_by_id(pqxx::work& txn, std::int64_t id, bool for_update) {
  auto rows = txn.exec_params(std::string("SELECT ") + user_columns + " FROM auth.users WHERE id = $1" +
                                  (for_update ? " FOR UPDATE" : ""),
                              id);
  if (rows.empty()) return std::nullopt;
  return read_user(rows[0]);
}

std::vector<UserRecord> list(pqxx::work& txn, const UserFilter& f) {
  std::optional<std::string> role;
  if (f.role) role = role_text(*f.role);
  std::optional<std::string> pattern;
  if (f.q) pattern = "%" + *f.q + "%";
  auto rows = txn.exec_params(std::string("SELECT ") + user_columns +
                                  " FROM auth.users"
                                  " WHERE ($1::bigint IS NULL OR id > $1)"
                                  "   AND ($2::text IS NULL OR role = $2)"
                                  "   AND ($3::bigint IS NULL OR location_id = $3)"
                                  "   AND ($4::boolean IS NULL OR is_active = $4)"
                                  "   AND ($5::text IS NULL OR username ILIKE $5 OR email ILIKE $5)"
                                  " ORDER BY id LIMIT $6",
                              f.after_id, role, f.location_id, f.is_active, pattern, f.limit + 1);
  std::vector<UserRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(read_user(r));
  return out;
}

std::int64_t insert(pqxx::work& txn, const NewUserRow& row) {
  return txn
      .exec_params1(
          "INSERT INTO auth.users (username, email, password_hash, role, location_id)"
          " VALUES ($1, $2, $3, $4, $5) RETURNING id",
          row.username, row.email, row.password_hash, role_text(row.role), row.location_id)[0]
      .as<std::int64_t>();
}

void update_profile(pqxx::work& txn, std::int64_t id, const std::string& email, domain::Role role,
                    std::optional<std::int64_t> location_id) {
  txn.exec_params(
      "UPDATE auth.users SET email = $2, role = $3, location_id = $4, version = version + 1, updated_at = now()"
      " WHERE id = $1",
      id, email, role_text(role), location_id);
}

void set_active(pqxx::work& txn, std::int64_t id, bool active) {
  txn.exec_params(
      "UPDATE auth.users SET is_active = $2, version = version + 1, updated_at = now() WHERE id = $1", id,
      active);
}

void set_password(pqxx::work& txn, std::int64_t id, const std::string& password_hash) {
  txn.exec_params(
      "UPDATE auth.users SET password_hash = $2, version = version + 1, updated_at = now() WHERE id = $1", id,
      password_hash);
}

void remove(pqxx::work& txn, std::int64_t id) { txn.exec_params("DELETE FROM auth.users WHERE id = $1", id); }

std::string to_json(const UserRecord& u) {
  nlohmann::json j{{"id", u.id},
                   {"username", u.username},
                   {"email", u.email},
                   {"role", role_text(u.role)},
                   {"location_id", nullptr},
                   {"is_active", u.is_active},
                   {"version", u.version},
                   {"created_at", u.created_at},
                   {"updated_at", u.updated_at}};
  if (u.location_id) j["location_id"] = *u.location_id;
  return j.dump();
}

}  // namespace users

namespace refresh_tokens {

std::string issue(pqxx::work& txn, std::int64_t user_id, const std::string& family_id,
                  const std::string& token_hash, int ttl_seconds) {
  std::optional<std::string> family;
  if (!family_id.empty()) family = family_id;
  return txn
      .exec_params1(
          "INSERT INTO auth.refresh_tokens (family_id, user_id, token_hash, expires_at)"
          " VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, now() + make_interval(secs => $4))"
          " RETURNING family_id::text",
          family, user_id, token_hash, ttl_seconds)[0]
      .as<std::string>();
}

std::optional<RefreshTokenRow> find_for_update(pqxx::work& txn, const std::string& token_hash) {
  auto rows = txn.exec_params(
      "SELECT id, family_id::text, user_id, expires_at <= now(), spent_at IS NOT NULL, revoked_at IS NOT NULL"
      " FROM auth.refresh_tokens WHERE token_hash = $1 FOR UPDATE",
      token_hash);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return RefreshTokenRow{r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::int64_t>(),
                         r[3].as<bool>(),         r[4].as<bool>(),        r[5].as<bool>()};
}

void spend(pqxx::work& txn, std::int64_t id) {
  txn.exec_params("UPDATE auth.refresh_tokens SET spent_at = now() WHERE id = $1", id);
}

void revoke_family(pqxx::work& txn, const std::string& family_id) {
  txn.exec_params(
      "UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1::uuid AND revoked_at IS NULL",
      family_id);
}

void revoke_all_for_user(pqxx::work& txn, std::int64_t user_id) {
  txn.exec_params(
      "UPDATE auth.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", user_id);
}

}  // namespace refresh_tokens

namespace locations {

std::optional<LocationSummary> find(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_params("SELECT id, code, name, kind FROM inventory.locations WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return LocationSummary{r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                         domain::parse_location_kind(r[3].as<std::string>()).value_or(domain::LocationKind::factory)};
}

}  // namespace locations

namespace audit {

void record(pqxx::work& txn, const AuditEntry& e) {
  std::optional<std::string> request_id;
  if (!e.request_id.empty()) request_id = e.request_id;
  txn.exec_params(
      "INSERT INTO audit.log (actor_id, action, entity, entity_id, before, after, request_id)"
      " VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)",
      e.actor_id, e.action, e.entity, e.entity_id, e.before, e.after, request_id);
}

}  // namespace audit

}  // namespace ims::infra
