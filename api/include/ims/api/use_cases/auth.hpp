#pragma once
// Signing in with a password, refreshing, signing out and who the caller is (/auth/login,
// /auth/refresh, /auth/logout, /auth/me), one use case each. Refresh tokens come in families, one
// per login: a refresh spends its token for the next, and a spent token shown again revokes its
// family.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/api/use_cases/credentials.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/session_store.hpp"
#include "ims/infra/user_records.hpp"

namespace ims::api {

struct LoginCommand {
  std::string username;
  std::string password;
};

struct SessionSettings {
  int refresh_token_ttl_s = 7 * 24 * 3600;
};

// A signed-in session: the user, an access token and a refresh token.
struct Session {
  infra::UserRecord user;
  std::string access_token;
  std::string refresh_token;
  int expires_in = 0;  // the access token's lifetime
};

// {id, username, role, location_id}: who a token is for.
nlohmann::json user_summary(const infra::UserRecord& user);
// {access_token, refresh_token, token_type, expires_in, user}
nlohmann::json session_json(const Session& session);

// 401 for an unknown user, a wrong password or an inactive account, alike and at the same cost;
// else the session in a new family, audited as auth.login.
domain::Result<Session> log_in(const RequestFacts& from, const LoginCommand& command,
                               const SessionSettings& settings, infra::UserStore& users,
                               infra::RefreshTokenStore& refresh_tokens, infra::AuditTrail& audit,
                               Credentials& credentials);

struct Refreshed {
  // A spent token shown again: its family is revoked, which must commit, and this 401 answered.
  std::optional<domain::Error> refused;
  Session session;
};

// 401 for a token that is unknown, revoked or expired, or whose user is gone or inactive; else the
// token is spent and the next session issued in its family.
domain::Result<Refreshed> refresh_session(const std::string& refresh_token, const SessionSettings& settings,
                                          infra::UserStore& users, infra::RefreshTokenStore& refresh_tokens,
                                          Credentials& credentials);

struct LogOut {
  std::string jti;  // the access token of the request
  std::int64_t expires_at = 0;
  std::optional<std::string> refresh_token;  // its family is revoked too when it is the caller's
};

domain::Status log_out(const Caller& by, const LogOut& command, infra::RefreshTokenStore& refresh_tokens,
                       AccessRevocation& access);

struct Me {
  infra::UserRecord user;
  std::optional<infra::LocationSummary> location;
};

// 401 when the account is gone or inactive.
domain::Result<Me> who_am_i(const Caller& by, infra::UserStore& users, infra::LocationLookup& locations);
// The user's public fields, whether the session is a shop-floor one, and the location.
nlohmann::json me_json(const Me& me, bool shop_floor);

}  // namespace ims::api
