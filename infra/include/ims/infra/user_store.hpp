#pragma once
// SQL for auth.users, auth.refresh_tokens, the location lookups users need, and audit.log.
// Every function works inside the caller's transaction, so a use case commits all or nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "ims/domain/role.hpp"
#include "ims/infra/audit_store.hpp"

namespace ims::infra {

struct UserRecord {
  std::int64_t id = 0;
  std::string username;
  std::string email;
  domain::Role role = domain::Role::retailer;
  std::optional<std::int64_t> location_id;
  bool is_active = true;
  int version = 1;
  std::string created_at;
  std::string updated_at;
  std::string password_hash;
  // Issue 13: self-registration and the shop-floor PIN.
  std::string status = "active";  // active | pending_activation
  bool email_verified = true;     // accounts an admin created count as verified
  std::optional<std::int64_t> requested_location_id;
  std::optional<std::string> registration_note;
  std::optional<std::string> pin_hash;
  int pin_failures = 0;
  bool pin_locked = false;
};

// A sign-up: pending, inactive, with the role it asked for and no location yet.
struct NewRegistration {
  std::string username;
  std::string email;
  std::string password_hash;
  domain::Role requested_role = domain::Role::retailer;
  std::optional<std::int64_t> requested_location_id;
  std::optional<std::string> note;
};

struct NewUserRow {
  std::string username;
  std::string email;
  std::string password_hash;
  domain::Role role;
  std::optional<std::int64_t> location_id;
};

struct UserFilter {
  std::optional<domain::Role> role;
  std::optional<std::int64_t> location_id;
  std::optional<bool> is_active;
  std::optional<std::string> q;       // matches username or email
  std::optional<std::string> status;  // active | pending_activation
  std::optional<std::int64_t> after_id;
  int limit = 50;
};

namespace users {
std::optional<UserRecord> find_by_username(pqxx::work& txn, const std::string& username);
std::optional<UserRecord> find_by_id(pqxx::work& txn, std::int64_t id, bool for_update = false);
std::vector<UserRecord> list(pqxx::work& txn, const UserFilter& filter);  // returns up to limit + 1
std::int64_t insert(pqxx::work& txn, const NewUserRow& row);
void update_profile(pqxx::work& txn, std::int64_t id, const std::string& email, domain::Role role,
                    std::optional<std::int64_t> location_id);
void set_active(pqxx::work& txn, std::int64_t id, bool active);
void set_password(pqxx::work& txn, std::int64_t id, const std::string& password_hash);
void remove(pqxx::work& txn, std::int64_t id);
// Whether the user is emailed about alerts (their opt-out); nullopt for no such user.
std::optional<bool> email_alerts(pqxx::work& txn, std::int64_t id);
void set_email_alerts(pqxx::work& txn, std::int64_t id, bool enabled);
std::string to_json(const UserRecord& user);  // public fields, for audit and responses

// Self-registration.
std::optional<UserRecord> find_by_email(pqxx::work& txn, const std::string& email);  // case-insensitive
// nullopt when the username or the email was taken by a concurrent sign-up (unique violation).
std::optional<std::int64_t> insert_pending(pqxx::work& txn, const NewRegistration& row);
void mark_email_verified(pqxx::work& txn, std::int64_t id);
// Activates a pending account with the role and location the admin chose.
void activate(pqxx::work& txn, std::int64_t id, domain::Role role, std::optional<std::int64_t> location_id);

// The shop-floor PIN. set_pin (nullopt removes it) also clears the failures and the lock.
void set_pin(pqxx::work& txn, std::int64_t id, const std::optional<std::string>& pin_hash);
// One more wrong PIN; locks the PIN when `lock`. Returns the failures so far.
int record_pin_failure(pqxx::work& txn, std::int64_t id, bool lock);
void clear_pin_failures(pqxx::work& txn, std::int64_t id);
}  // namespace users

namespace email_verifications {
void create(pqxx::work& txn, std::int64_t user_id, const std::string& token_hash, int ttl_seconds);
// Spends an unused, unexpired token: the user it verifies, or nullopt.
std::optional<std::int64_t> consume(pqxx::work& txn, const std::string& token_hash);
}  // namespace email_verifications

struct TerminalRecord {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  std::string name;
  std::string created_at;
  std::optional<std::string> last_used_at;
};

namespace terminals {
std::int64_t create(pqxx::work& txn, std::int64_t location_id, const std::string& name,
                    const std::string& secret_hash, std::int64_t created_by);
std::vector<TerminalRecord> list(pqxx::work& txn, std::int64_t location_id);
std::optional<TerminalRecord> find(pqxx::work& txn, std::int64_t location_id, std::int64_t id);
bool revoke(pqxx::work& txn, std::int64_t location_id, std::int64_t id);
// The live terminal of the location with this secret (marked used), or nullopt.
std::optional<TerminalRecord> use(pqxx::work& txn, std::int64_t location_id, const std::string& secret_hash);
std::string to_json(const TerminalRecord& terminal);
}  // namespace terminals

// An email about an account (verify | taken | activated | rejected), sent by the alerts worker's
// sender after the transaction commits.
struct AccountEmail {
  std::optional<std::int64_t> user_id;
  std::string recipient;
  std::string event;
  std::string subject;
  std::string text;
  std::string html;
};
namespace account_mail {
void queue(pqxx::work& txn, const AccountEmail& email);
}

struct RefreshTokenRow {
  std::int64_t id = 0;
  std::string family_id;
  std::int64_t user_id = 0;
  bool expired = false;
  bool spent = false;
  bool revoked = false;
};

namespace refresh_tokens {
// A new family when family_id is empty. Returns the family id.
std::string issue(pqxx::work& txn, std::int64_t user_id, const std::string& family_id,
                  const std::string& token_hash, int ttl_seconds);
std::optional<RefreshTokenRow> find_for_update(pqxx::work& txn, const std::string& token_hash);
void spend(pqxx::work& txn, std::int64_t id);
void revoke_family(pqxx::work& txn, const std::string& family_id);
void revoke_all_for_user(pqxx::work& txn, std::int64_t user_id);
}  // namespace refresh_tokens

struct LocationSummary {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  domain::LocationKind kind = domain::LocationKind::factory;
};

namespace locations {
std::optional<LocationSummary> find(pqxx::work& txn, std::int64_t id);
std::optional<LocationSummary> find_by_code(pqxx::work& txn, const std::string& code);  // active ones only
}  // namespace locations

namespace audit {
void record(pqxx::work& txn, const AuditEntry& entry);
}

}  // namespace ims::infra
