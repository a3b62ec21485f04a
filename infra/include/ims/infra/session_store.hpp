#pragma once
// auth.refresh_tokens: the refresh tokens of signed-in sessions, in families (one per login; a
// refresh spends its token and issues the next in the same family). Only hashes are stored. The
// interface the use cases take, and its PostgreSQL implementation on a unit of work. No libpqxx here.
#include <cstdint>
#include <optional>
#include <string>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct RefreshTokenRecord {
  std::int64_t id = 0;
  std::string family_id;
  std::int64_t user_id = 0;
  bool expired = false;
  bool spent = false;
  bool revoked = false;
};

class RefreshTokenStore {
 public:
  virtual ~RefreshTokenStore() = default;
  // A new family when family_id is empty. Returns the family id.
  virtual std::string issue(std::int64_t user_id, const std::string& family_id, const std::string& token_hash,
                            int ttl_seconds) = 0;
  virtual std::optional<RefreshTokenRecord> find_for_update(const std::string& token_hash) = 0;
  virtual void spend(std::int64_t id) = 0;
  virtual void revoke_family(const std::string& family_id) = 0;
  virtual void revoke_all_for_user(std::int64_t user_id) = 0;
};

class PgRefreshTokenStore final : public RefreshTokenStore {
 public:
  explicit PgRefreshTokenStore(UnitOfWork& unit) : unit_(unit) {}
  std::string issue(std::int64_t user_id, const std::string& family_id, const std::string& token_hash,
                    int ttl_seconds) override;
  std::optional<RefreshTokenRecord> find_for_update(const std::string& token_hash) override;
  void spend(std::int64_t id) override;
  void revoke_family(const std::string& family_id) override;
  void revoke_all_for_user(std::int64_t user_id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
