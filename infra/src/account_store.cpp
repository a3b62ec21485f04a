#include "ims/infra/account_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

const std::string terminal_columns =
    "id, location_id, name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

TerminalRecord read_terminal(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::string>(), r[3].as<std::string>(),
          nullable<std::string>(r[4])};
}

std::optional<TerminalRecord> first_terminal(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_terminal(rows[0]);
}

}  // namespace

PreparedStatements PgEmailVerificationStore::statements() {
  return {
      {"email_verifications_create",
       "INSERT INTO auth.email_verifications (user_id, token_hash, expires_at)"
       " VALUES ($1, $2, now() + make_interval(secs => $3))"},
      {"email_verifications_consume",
       "UPDATE auth.email_verifications SET used_at = now()"
       " WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id"},
  };
}

void PgEmailVerificationStore::create(std::int64_t user_id, const std::string& token_hash, int ttl_seconds) {
  unit_.txn().exec_prepared("email_verifications_create", user_id, token_hash, ttl_seconds);
}

std::optional<std::int64_t> PgEmailVerificationStore::consume(const std::string& token_hash) {
  auto rows = unit_.txn().exec_prepared("email_verifications_consume", token_hash);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

PreparedStatements PgTerminalStore::statements() {
  const std::string select = "SELECT " + terminal_columns + " FROM auth.terminals";
  return {
      {"terminals_create",
       "INSERT INTO auth.terminals (location_id, name, secret_hash, created_by) VALUES ($1, $2, $3, $4)"
       " RETURNING id"},
      {"terminals_list", select + " WHERE location_id = $1 AND revoked_at IS NULL ORDER BY id"},
      {"terminals_find", select + " WHERE location_id = $1 AND id = $2 AND revoked_at IS NULL"},
      {"terminals_revoke",
       "UPDATE auth.terminals SET revoked_at = now()"
       " WHERE location_id = $1 AND id = $2 AND revoked_at IS NULL"},
      {"terminals_use",
       "UPDATE auth.terminals SET last_used_at = now()"
       " WHERE location_id = $1 AND secret_hash = $2 AND revoked_at IS NULL RETURNING " +
           terminal_columns},
  };
}

std::int64_t PgTerminalStore::create(std::int64_t location_id, const std::string& name,
                                     const std::string& secret_hash, std::int64_t created_by) {
  return unit_.txn()
      .exec_prepared1("terminals_create", location_id, name, secret_hash, created_by)[0]
      .as<std::int64_t>();
}

std::vector<TerminalRecord> PgTerminalStore::list(std::int64_t location_id) {
  std::vector<TerminalRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("terminals_list", location_id))
    out.push_back(read_terminal(r));
  return out;
}

std::optional<TerminalRecord> PgTerminalStore::find(std::int64_t location_id, std::int64_t id) {
  return first_terminal(unit_.txn().exec_prepared("terminals_find", location_id, id));
}

bool PgTerminalStore::revoke(std::int64_t location_id, std::int64_t id) {
  return unit_.txn().exec_prepared("terminals_revoke", location_id, id).affected_rows() > 0;
}

std::optional<TerminalRecord> PgTerminalStore::use(std::int64_t location_id, const std::string& secret_hash) {
  return first_terminal(unit_.txn().exec_prepared("terminals_use", location_id, secret_hash));
}

PreparedStatements PgAccountMailbox::statements() {
  return {
      {"account_mail_queue",
       "INSERT INTO reporting.email_deliveries (account_event, user_id, recipient, subject, body_text,"
       " body_html, message_id)"
       " VALUES ($1, $2, $3, $4, $5, $6, '<account-' || $1 || '-' || gen_random_uuid() || '@ims>')"},
      {"account_mail_notify", "SELECT pg_notify('ims_email', '')"},  // wakes the sender at commit
  };
}

void PgAccountMailbox::queue(const AccountEmail& e) {
  unit_.txn().exec_prepared("account_mail_queue", e.event, e.user_id, e.recipient, e.subject, e.text, e.html);
  unit_.txn().exec_prepared("account_mail_notify");
}

}  // namespace ims::infra
