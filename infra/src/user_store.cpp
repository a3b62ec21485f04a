#include "ims/infra/user_store.hpp"

#include <nlohmann/json.hpp>

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

std::string role_text(domain::Role role) {
  return std::string(domain::to_string(role));
}

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
                                  "   AND ($7::text IS NULL OR status = $7)"
                                  " ORDER BY id LIMIT $6",
                              f.after_id, role, f.location_id, f.is_active, pattern, f.limit + 1, f.status);
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
      "UPDATE auth.users SET email = $2, role = $3, location_id = $4, version = version + 1, updated_at = "
      "now()"
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

void remove(pqxx::work& txn, std::int64_t id) {
  txn.exec_params("DELETE FROM auth.users WHERE id = $1", id);
}

std::string to_json(const UserRecord& u) {
  nlohmann::json j{{"id", u.id},
                   {"username", u.username},
                   {"email", u.email},
                   {"role", role_text(u.role)},
                   {"location_id", nullptr},
                   {"is_active", u.is_active},
                   {"version", u.version},
                   {"created_at", u.created_at},
                   {"updated_at", u.updated_at},
                   {"status", u.status},
                   {"email_verified", u.email_verified},
                   {"requested_role", nullptr},
                   {"requested_location_id", nullptr},
                   {"registration_note", nullptr},
                   {"has_pin", u.pin_hash.has_value()},
                   {"pin_locked", u.pin_locked}};
  if (u.location_id) j["location_id"] = *u.location_id;
  if (u.status == "pending_activation") {
    j["requested_role"] = role_text(u.role);
    if (u.requested_location_id) j["requested_location_id"] = *u.requested_location_id;
    if (u.registration_note) j["registration_note"] = *u.registration_note;
  }
  return j.dump();
}

std::optional<UserRecord> find_by_email(pqxx::work& txn, const std::string& email) {
  auto rows = txn.exec_params(
      std::string("SELECT ") + user_columns + " FROM auth.users WHERE lower(email) = lower($1)", email);
  if (rows.empty()) return std::nullopt;
  return read_user(rows[0]);
}

std::optional<std::int64_t> insert_pending(pqxx::work& txn, const NewRegistration& row) {
  // ON CONFLICT DO NOTHING covers both unique keys (username, lower(email)) without an error that
  // would abort the transaction.
  auto rows = txn.exec_params(
      "INSERT INTO auth.users (username, email, password_hash, role, location_id, is_active, status,"
      "                        requested_location_id, registration_note)"
      " VALUES ($1, $2, $3, $4, NULL, false, 'pending_activation', $5, $6)"
      " ON CONFLICT DO NOTHING RETURNING id",
      row.username, row.email, row.password_hash, role_text(row.requested_role), row.requested_location_id,
      row.note);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void mark_email_verified(pqxx::work& txn, std::int64_t id) {
  txn.exec_params(
      "UPDATE auth.users SET email_verified_at = coalesce(email_verified_at, now()), version = version + 1,"
      " updated_at = now() WHERE id = $1",
      id);
}

void activate(pqxx::work& txn, std::int64_t id, domain::Role role, std::optional<std::int64_t> location_id) {
  txn.exec_params(
      "UPDATE auth.users SET status = 'active', is_active = true, role = $2, location_id = $3,"
      " version = version + 1, updated_at = now() WHERE id = $1 AND status = 'pending_activation'",
      id, role_text(role), location_id);
}

void set_pin(pqxx::work& txn, std::int64_t id, const std::optional<std::string>& pin_hash) {
  txn.exec_params(
      "UPDATE auth.users SET pin_hash = $2, pin_failures = 0, pin_locked_at = NULL, version = version + 1,"
      " updated_at = now() WHERE id = $1",
      id, pin_hash);
}

int record_pin_failure(pqxx::work& txn, std::int64_t id, bool lock) {
  return txn
      .exec_params1(
          "UPDATE auth.users SET pin_failures = pin_failures + 1,"
          " pin_locked_at = CASE WHEN $2 THEN coalesce(pin_locked_at, now()) ELSE pin_locked_at END"
          " WHERE id = $1 RETURNING pin_failures",
          id, lock)[0]
      .as<int>();
}

void clear_pin_failures(pqxx::work& txn, std::int64_t id) {
  txn.exec_params("UPDATE auth.users SET pin_failures = 0 WHERE id = $1 AND pin_failures <> 0", id);
}

}  // namespace users

namespace email_verifications {

void create(pqxx::work& txn, std::int64_t user_id, const std::string& token_hash, int ttl_seconds) {
  txn.exec_params(
      "INSERT INTO auth.email_verifications (user_id, token_hash, expires_at)"
      " VALUES ($1, $2, now() + make_interval(secs => $3))",
      user_id, token_hash, ttl_seconds);
}

std::optional<std::int64_t> consume(pqxx::work& txn, const std::string& token_hash) {
  auto rows = txn.exec_params(
      "UPDATE auth.email_verifications SET used_at = now()"
      " WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id",
      token_hash);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

}  // namespace email_verifications

namespace terminals {
namespace {
const std::string terminal_columns =
    "id, location_id, name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
TerminalRecord read_terminal(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::string>(), r[3].as<std::string>(),
          nullable<std::string>(r[4])};
}
}  // namespace

std::int64_t create(pqxx::work& txn, std::int64_t location_id, const std::string& name,
                    const std::string& secret_hash, std::int64_t created_by) {
  return txn
      .exec_params1(
          "INSERT INTO auth.terminals (location_id, name, secret_hash, created_by) VALUES ($1, $2, $3, $4) "
          "RETURNING id",
          location_id, name, secret_hash, created_by)[0]
      .as<std::int64_t>();
}

std::vector<TerminalRecord> list(pqxx::work& txn, std::int64_t location_id) {
  auto rows =
      txn.exec_params("SELECT " + terminal_columns +
                          " FROM auth.terminals WHERE location_id = $1 AND revoked_at IS NULL ORDER BY id",
                      location_id);
  std::vector<TerminalRecord> out;
  for (const auto& r : rows) out.push_back(read_terminal(r));
  return out;
}

std::optional<TerminalRecord> find(pqxx::work& txn, std::int64_t location_id, std::int64_t id) {
  auto rows =
      txn.exec_params("SELECT " + terminal_columns +
                          " FROM auth.terminals WHERE location_id = $1 AND id = $2 AND revoked_at IS NULL",
                      location_id, id);
  if (rows.empty()) return std::nullopt;
  return read_terminal(rows[0]);
}

bool revoke(pqxx::work& txn, std::int64_t location_id, std::int64_t id) {
  return txn.exec_params(
                "UPDATE auth.terminals SET revoked_at = now()"
                " WHERE location_id = $1 AND id = $2 AND revoked_at IS NULL",
                location_id, id)
             .affected_rows() > 0;
}

std::optional<TerminalRecord> use(pqxx::work& txn, std::int64_t location_id, const std::string& secret_hash) {
  auto rows = txn.exec_params(
      "UPDATE auth.terminals SET last_used_at = now()"
      " WHERE location_id = $1 AND secret_hash = $2 AND revoked_at IS NULL RETURNING " +
          terminal_columns,
      location_id, secret_hash);
  if (rows.empty()) return std::nullopt;
  return read_terminal(rows[0]);
}

std::string to_json(const TerminalRecord& t) {
  nlohmann::json j{{"id", t.id},
                   {"location_id", t.location_id},
                   {"name", t.name},
                   {"created_at", t.created_at},
                   {"last_used_at", nullptr}};
  if (t.last_used_at) j["last_used_at"] = *t.last_used_at;
  return j.dump();
}

}  // namespace terminals

namespace account_mail {

void queue(pqxx::work& txn, const AccountEmail& e) {
  txn.exec_params(
      "INSERT INTO reporting.email_deliveries (account_event, user_id, recipient, subject, body_text, "
      "body_html,"
      " message_id)"
      " VALUES ($1, $2, $3, $4, $5, $6, '<account-' || $1 || '-' || gen_random_uuid() || '@ims>')",
      e.event, e.user_id, e.recipient, e.subject, e.text, e.html);
  txn.exec("SELECT pg_notify('ims_email', '')");  // wakes the sender at commit
}

}  // namespace account_mail

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

std::optional<LocationSummary> find_by_code(pqxx::work& txn, const std::string& code) {
  auto rows = txn.exec_params(
      "SELECT id, code, name, kind FROM inventory.locations WHERE code = $1 AND is_active", code);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return LocationSummary{
      r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
      domain::parse_location_kind(r[3].as<std::string>()).value_or(domain::LocationKind::factory)};
}

std::optional<LocationSummary> find(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_params("SELECT id, code, name, kind FROM inventory.locations WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return LocationSummary{
      r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
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

void PgAuditTrail::record(const AuditEntry& entry) {
  audit::record(unit_.txn(), entry);
}

}  // namespace ims::infra
