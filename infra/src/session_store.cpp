#include "ims/infra/session_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {

PreparedStatements PgRefreshTokenStore::statements() {
  return {
      {"refresh_tokens_issue",
       "INSERT INTO auth.refresh_tokens (family_id, user_id, token_hash, expires_at)"
       " VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, now() + make_interval(secs => $4))"
       " RETURNING family_id::text"},
      {"refresh_tokens_find_locked",
       "SELECT id, family_id::text, user_id, expires_at <= now(), spent_at IS NOT NULL, revoked_at IS NOT "
       "NULL"
       " FROM auth.refresh_tokens WHERE token_hash = $1 FOR UPDATE"},
      {"refresh_tokens_spend", "UPDATE auth.refresh_tokens SET spent_at = now() WHERE id = $1"},
      {"refresh_tokens_revoke_family",
       "UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1::uuid AND revoked_at IS NULL"},
      {"refresh_tokens_revoke_user",
       "UPDATE auth.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL"},
  };
}

std::string PgRefreshTokenStore::issue(std::int64_t user_id, const std::string& family_id,
                                       const std::string& token_hash, int ttl_seconds) {
  std::optional<std::string> family;
  if (!family_id.empty()) family = family_id;
  return unit_.txn()
      .exec_prepared1("refresh_tokens_issue", family, user_id, token_hash, ttl_seconds)[0]
      .as<std::string>();
}

std::optional<RefreshTokenRecord> PgRefreshTokenStore::find_for_update(const std::string& token_hash) {
  auto rows = unit_.txn().exec_prepared("refresh_tokens_find_locked", token_hash);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return RefreshTokenRecord{r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::int64_t>(),
                            r[3].as<bool>(),         r[4].as<bool>(),        r[5].as<bool>()};
}

void PgRefreshTokenStore::spend(std::int64_t id) {
  unit_.txn().exec_prepared("refresh_tokens_spend", id);
}

void PgRefreshTokenStore::revoke_family(const std::string& family_id) {
  unit_.txn().exec_prepared("refresh_tokens_revoke_family", family_id);
}

void PgRefreshTokenStore::revoke_all_for_user(std::int64_t user_id) {
  unit_.txn().exec_prepared("refresh_tokens_revoke_user", user_id);
}

}  // namespace ims::infra
