#pragma once
// What accounts need besides auth.users (issue 13): the email-verification tokens of sign-ups, the
// shop-floor terminals of a location, and the emails about an account (reporting.email_deliveries,
// sent by the alerts worker's sender after the transaction commits). The interfaces the use cases
// take, and their PostgreSQL implementations on a unit of work. No libpqxx here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

class EmailVerificationStore {
 public:
  virtual ~EmailVerificationStore() = default;
  virtual void create(std::int64_t user_id, const std::string& token_hash, int ttl_seconds) = 0;
  // Spends an unused, unexpired token: the user it verifies, or nullopt.
  virtual std::optional<std::int64_t> consume(const std::string& token_hash) = 0;
};

class PgEmailVerificationStore final : public EmailVerificationStore {
 public:
  explicit PgEmailVerificationStore(UnitOfWork& unit) : unit_(unit) {}
  void create(std::int64_t user_id, const std::string& token_hash, int ttl_seconds) override;
  std::optional<std::int64_t> consume(const std::string& token_hash) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

struct TerminalRecord {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  std::string name;
  std::string created_at;
  std::optional<std::string> last_used_at;
};

// The live (unrevoked) terminals of a location.
class TerminalStore {
 public:
  virtual ~TerminalStore() = default;
  virtual std::int64_t create(std::int64_t location_id, const std::string& name,
                              const std::string& secret_hash, std::int64_t created_by) = 0;
  virtual std::vector<TerminalRecord> list(std::int64_t location_id) = 0;  // by id
  virtual std::optional<TerminalRecord> find(std::int64_t location_id, std::int64_t id) = 0;
  virtual bool revoke(std::int64_t location_id, std::int64_t id) = 0;  // false: no such live terminal
  // The live terminal of the location with this secret (marked used), or nullopt.
  virtual std::optional<TerminalRecord> use(std::int64_t location_id, const std::string& secret_hash) = 0;
};

class PgTerminalStore final : public TerminalStore {
 public:
  explicit PgTerminalStore(UnitOfWork& unit) : unit_(unit) {}
  std::int64_t create(std::int64_t location_id, const std::string& name, const std::string& secret_hash,
                      std::int64_t created_by) override;
  std::vector<TerminalRecord> list(std::int64_t location_id) override;
  std::optional<TerminalRecord> find(std::int64_t location_id, std::int64_t id) override;
  bool revoke(std::int64_t location_id, std::int64_t id) override;
  std::optional<TerminalRecord> use(std::int64_t location_id, const std::string& secret_hash) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

// An email about an account (verify | taken | activated | rejected).
struct AccountEmail {
  std::optional<std::int64_t> user_id;
  std::string recipient;
  std::string event;
  std::string subject;
  std::string text;
  std::string html;
};

class AccountMailbox {
 public:
  virtual ~AccountMailbox() = default;
  virtual void queue(const AccountEmail& email) = 0;  // sent once the unit of work commits
};

class PgAccountMailbox final : public AccountMailbox {
 public:
  explicit PgAccountMailbox(UnitOfWork& unit) : unit_(unit) {}
  void queue(const AccountEmail& email) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
