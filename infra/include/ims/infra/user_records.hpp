#pragma once
// auth.users as the use cases see them: the records, the UserStore interface, the small location
// lookups users need, and their PostgreSQL implementations on a unit of work (prepared statements,
// typed records). No libpqxx here (the SQL is infra/src/user_store.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/role.hpp"
#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

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
  domain::Role role = domain::Role::retailer;
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

class UserStore {
 public:
  virtual ~UserStore() = default;
  virtual std::optional<UserRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::optional<UserRecord> find_by_username(const std::string& username) = 0;
  virtual std::optional<UserRecord> find_by_email(const std::string& email) = 0;  // case-insensitive
  virtual std::vector<UserRecord> list(const UserFilter& filter) = 0;             // up to limit + 1, by id
  virtual std::int64_t insert(const NewUserRow& row) = 0;
  // nullopt when the username or the email was taken by a concurrent sign-up (nothing is written).
  virtual std::optional<std::int64_t> insert_pending(const NewRegistration& row) = 0;
  // Each of these bumps the version.
  virtual void update_profile(std::int64_t id, const std::string& email, domain::Role role,
                              std::optional<std::int64_t> location_id) = 0;
  virtual void set_active(std::int64_t id, bool active) = 0;
  virtual void set_password(std::int64_t id, const std::string& password_hash) = 0;
  virtual void mark_email_verified(std::int64_t id) = 0;
  // Activates a pending account with the role and location the admin chose.
  virtual void activate(std::int64_t id, domain::Role role, std::optional<std::int64_t> location_id) = 0;
  // The shop-floor PIN (nullopt removes it); also clears the failures and the lock.
  virtual void set_pin(std::int64_t id, const std::optional<std::string>& pin_hash) = 0;
  virtual void remove(std::int64_t id) = 0;
  // Whether the user is emailed about alerts (their opt-out); nullopt for no such user.
  virtual std::optional<bool> email_alerts(std::int64_t id) = 0;
  virtual void set_email_alerts(std::int64_t id, bool enabled) = 0;
  // One more wrong PIN; locks the PIN when `lock`. Returns the failures so far.
  virtual int record_pin_failure(std::int64_t id, bool lock) = 0;
  virtual void clear_pin_failures(std::int64_t id) = 0;
};

class PgUserStore final : public UserStore {
 public:
  explicit PgUserStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<UserRecord> find(std::int64_t id, bool for_update) override;
  std::optional<UserRecord> find_by_username(const std::string& username) override;
  std::optional<UserRecord> find_by_email(const std::string& email) override;
  std::vector<UserRecord> list(const UserFilter& filter) override;
  std::int64_t insert(const NewUserRow& row) override;
  std::optional<std::int64_t> insert_pending(const NewRegistration& row) override;
  void update_profile(std::int64_t id, const std::string& email, domain::Role role,
                      std::optional<std::int64_t> location_id) override;
  void set_active(std::int64_t id, bool active) override;
  void set_password(std::int64_t id, const std::string& password_hash) override;
  void mark_email_verified(std::int64_t id) override;
  void activate(std::int64_t id, domain::Role role, std::optional<std::int64_t> location_id) override;
  void set_pin(std::int64_t id, const std::optional<std::string>& pin_hash) override;
  void remove(std::int64_t id) override;
  std::optional<bool> email_alerts(std::int64_t id) override;
  void set_email_alerts(std::int64_t id, bool enabled) override;
  int record_pin_failure(std::int64_t id, bool lock) override;
  void clear_pin_failures(std::int64_t id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

struct LocationSummary {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  domain::LocationKind kind = domain::LocationKind::factory;
};

// The locations a user is bound to or a sign-up names (inventory.locations, read only).
class LocationLookup {
 public:
  virtual ~LocationLookup() = default;
  virtual std::optional<LocationSummary> find(std::int64_t id) = 0;
  virtual std::optional<LocationSummary> find_active_by_code(const std::string& code) = 0;
};

class PgLocationLookup final : public LocationLookup {
 public:
  explicit PgLocationLookup(UnitOfWork& unit) : unit_(unit) {}
  std::optional<LocationSummary> find(std::int64_t id) override;
  std::optional<LocationSummary> find_active_by_code(const std::string& code) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
