#include "ims/infra/user_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

constexpr const char* user_columns =
    "id, username, email, role, location_id, is_active, version, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), password_hash, status, "
    "email_verified_at IS NOT NULL OR status = 'active', requested_location_id, registration_note, pin_hash, "
    "pin_failures, pin_locked_at IS NOT NULL";

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
  u.status = r[10].as<std::string>();
  u.email_verified = r[11].as<bool>();
  u.requested_location_id = nullable<std::int64_t>(r[12]);
  u.registration_note = nullable<std::string>(r[13]);
  u.pin_hash = nullable<std::string>(r[14]);
  u.pin_failures = r[15].as<int>();
  u.pin_locked = r[16].as<bool>();
  return u;
}

std::optional<UserRecord> first_user(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_user(rows[0]);
}

std::optional<LocationSummary> first_location(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return LocationSummary{
      r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
      domain::parse_location_kind(r[3].as<std::string>()).value_or(domain::LocationKind::factory)};
}

std::string role_text(domain::Role role) {
  return std::string(domain::to_string(role));
}

}  // namespace

PreparedStatements PgUserStore::statements() {
  const std::string select = std::string("SELECT ") + user_columns + " FROM auth.users";
  return {
      {"users_find", select + " WHERE id = $1"},
      {"users_find_locked", select + " WHERE id = $1 FOR UPDATE"},
      {"users_find_by_username", select + " WHERE username = $1"},
      {"users_find_by_email", select + " WHERE lower(email) = lower($1)"},
      {"users_list", select + " WHERE ($1::bigint IS NULL OR id > $1)"
                              "   AND ($2::text IS NULL OR role = $2)"
                              "   AND ($3::bigint IS NULL OR location_id = $3)"
                              "   AND ($4::boolean IS NULL OR is_active = $4)"
                              "   AND ($5::text IS NULL OR username ILIKE $5 OR email ILIKE $5)"
                              "   AND ($7::text IS NULL OR status = $7)"
                              " ORDER BY id LIMIT $6"},
      {"users_insert",
       "INSERT INTO auth.users (username, email, password_hash, role, location_id)"
       " VALUES ($1, $2, $3, $4, $5) RETURNING id"},
      // ON CONFLICT DO NOTHING covers both unique keys (username, lower(email)) without an error that
      // would abort the transaction.
      {"users_insert_pending",
       "INSERT INTO auth.users (username, email, password_hash, role, location_id, is_active, status,"
       "                        requested_location_id, registration_note)"
       " VALUES ($1, $2, $3, $4, NULL, false, 'pending_activation', $5, $6)"
       " ON CONFLICT DO NOTHING RETURNING id"},
      {"users_update_profile",
       "UPDATE auth.users SET email = $2, role = $3, location_id = $4, version = version + 1,"
       " updated_at = now() WHERE id = $1"},
      {"users_set_active",
       "UPDATE auth.users SET is_active = $2, version = version + 1, updated_at = now() WHERE id = $1"},
      {"users_set_password",
       "UPDATE auth.users SET password_hash = $2, version = version + 1, updated_at = now() WHERE id = $1"},
      {"users_mark_email_verified",
       "UPDATE auth.users SET email_verified_at = coalesce(email_verified_at, now()), version = version + 1,"
       " updated_at = now() WHERE id = $1"},
      {"users_activate",
       "UPDATE auth.users SET status = 'active', is_active = true, role = $2, location_id = $3,"
       " version = version + 1, updated_at = now() WHERE id = $1 AND status = 'pending_activation'"},
      {"users_set_pin",
       "UPDATE auth.users SET pin_hash = $2, pin_failures = 0, pin_locked_at = NULL, version = version + 1,"
       " updated_at = now() WHERE id = $1"},
      {"users_delete", "DELETE FROM auth.users WHERE id = $1"},
      {"users_email_alerts", "SELECT email_alerts FROM auth.users WHERE id = $1"},
      {"users_set_email_alerts", "UPDATE auth.users SET email_alerts = $2, updated_at = now() WHERE id = $1"},
      {"users_record_pin_failure",
       "UPDATE auth.users SET pin_failures = pin_failures + 1,"
       " pin_locked_at = CASE WHEN $2 THEN coalesce(pin_locked_at, now()) ELSE pin_locked_at END"
       " WHERE id = $1 RETURNING pin_failures"},
      {"users_clear_pin_failures",
       "UPDATE auth.users SET pin_failures = 0 WHERE id = $1 AND pin_failures <> 0"},
  };
}

std::optional<UserRecord> PgUserStore::find(std::int64_t id, bool for_update) {
  return first_user(unit_.txn().exec_prepared(for_update ? "users_find_locked" : "users_find", id));
}

std::optional<UserRecord> PgUserStore::find_by_username(const std::string& username) {
  return first_user(unit_.txn().exec_prepared("users_find_by_username", username));
}

std::optional<UserRecord> PgUserStore::find_by_email(const std::string& email) {
  return first_user(unit_.txn().exec_prepared("users_find_by_email", email));
}

std::vector<UserRecord> PgUserStore::list(const UserFilter& f) {
  std::optional<std::string> role;
  if (f.role) role = role_text(*f.role);
  std::optional<std::string> pattern;
  if (f.q) pattern = "%" + *f.q + "%";
  auto rows = unit_.txn().exec_prepared("users_list", f.after_id, role, f.location_id, f.is_active, pattern,
                                        f.limit + 1, f.status);
  std::vector<UserRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(read_user(r));
  return out;
}

std::int64_t PgUserStore::insert(const NewUserRow& row) {
  return unit_.txn()
      .exec_prepared1("users_insert", row.username, row.email, row.password_hash, role_text(row.role),
                      row.location_id)[0]
      .as<std::int64_t>();
}

std::optional<std::int64_t> PgUserStore::insert_pending(const NewRegistration& row) {
  auto rows = unit_.txn().exec_prepared("users_insert_pending", row.username, row.email, row.password_hash,
                                        role_text(row.requested_role), row.requested_location_id, row.note);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void PgUserStore::update_profile(std::int64_t id, const std::string& email, domain::Role role,
                                 std::optional<std::int64_t> location_id) {
  unit_.txn().exec_prepared("users_update_profile", id, email, role_text(role), location_id);
}

void PgUserStore::set_active(std::int64_t id, bool active) {
  unit_.txn().exec_prepared("users_set_active", id, active);
}

void PgUserStore::set_password(std::int64_t id, const std::string& password_hash) {
  unit_.txn().exec_prepared("users_set_password", id, password_hash);
}

void PgUserStore::mark_email_verified(std::int64_t id) {
  unit_.txn().exec_prepared("users_mark_email_verified", id);
}

void PgUserStore::activate(std::int64_t id, domain::Role role, std::optional<std::int64_t> location_id) {
  unit_.txn().exec_prepared("users_activate", id, role_text(role), location_id);
}

void PgUserStore::set_pin(std::int64_t id, const std::optional<std::string>& pin_hash) {
  unit_.txn().exec_prepared("users_set_pin", id, pin_hash);
}

void PgUserStore::remove(std::int64_t id) {
  unit_.txn().exec_prepared("users_delete", id);
}

std::optional<bool> PgUserStore::email_alerts(std::int64_t id) {
  auto rows = unit_.txn().exec_prepared("users_email_alerts", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<bool>();
}

void PgUserStore::set_email_alerts(std::int64_t id, bool enabled) {
  unit_.txn().exec_prepared("users_set_email_alerts", id, enabled);
}

int PgUserStore::record_pin_failure(std::int64_t id, bool lock) {
  return unit_.txn().exec_prepared1("users_record_pin_failure", id, lock)[0].as<int>();
}

void PgUserStore::clear_pin_failures(std::int64_t id) {
  unit_.txn().exec_prepared("users_clear_pin_failures", id);
}

PreparedStatements PgLocationLookup::statements() {
  return {
      {"user_locations_find", "SELECT id, code, name, kind FROM inventory.locations WHERE id = $1"},
      {"user_locations_find_active_by_code",
       "SELECT id, code, name, kind FROM inventory.locations WHERE code = $1 AND is_active"},
  };
}

std::optional<LocationSummary> PgLocationLookup::find(std::int64_t id) {
  return first_location(unit_.txn().exec_prepared("user_locations_find", id));
}

std::optional<LocationSummary> PgLocationLookup::find_active_by_code(const std::string& code) {
  return first_location(unit_.txn().exec_prepared("user_locations_find_active_by_code", code));
}

namespace users {

std::optional<UserRecord> find_by_username(pqxx::work& txn, const std::string& username) {
  UnitOfWork unit(txn);
  return PgUserStore(unit).find_by_username(username);
}

std::int64_t insert(pqxx::work& txn, const NewUserRow& row) {
  UnitOfWork unit(txn);
  return PgUserStore(unit).insert(row);
}

}  // namespace users

namespace locations {

std::optional<LocationSummary> find(pqxx::work& txn, std::int64_t id) {
  UnitOfWork unit(txn);
  return PgLocationLookup(unit).find(id);
}

std::optional<LocationSummary> find_by_code(pqxx::work& txn, const std::string& code) {
  UnitOfWork unit(txn);
  return PgLocationLookup(unit).find_active_by_code(code);
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

void PgAuditTrail::record(const AuditEntry& entry) {
  audit::record(unit_.txn(), entry);
}

}  // namespace ims::infra
