#include "ims/api/use_cases/auth.hpp"

#include "ims/api/use_cases/users.hpp"
#include "ims/infra/crypto.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

constexpr const char* bad_credentials = "invalid username or password";

Error invalid_refresh_token() {
  return Error::of(ErrorCode::unauthenticated, "invalid or expired refresh token");
}

// An access token and a refresh token (in `family`, or a new family when it is empty).
Session issue_session(const infra::UserRecord& user, const std::string& family,
                      const SessionSettings& settings, infra::RefreshTokenStore& refresh_tokens,
                      Credentials& credentials) {
  infra::AccessClaims claims{user.id, user.role, user.location_id, {}, 0, 0};
  Session session{user, credentials.access_token(claims, 0), credentials.random_token(),
                  credentials.access_ttl_seconds()};
  refresh_tokens.issue(user.id, family, infra::sha256_hex(session.refresh_token),
                       settings.refresh_token_ttl_s);
  return session;
}

}  // namespace

json user_summary(const infra::UserRecord& u) {
  return json{{"id", u.id},
              {"username", u.username},
              {"role", std::string(domain::to_string(u.role))},
              {"location_id", u.location_id ? json(*u.location_id) : json(nullptr)}};
}

json session_json(const Session& s) {
  return json{{"access_token", s.access_token},
              {"refresh_token", s.refresh_token},
              {"token_type", "Bearer"},
              {"expires_in", s.expires_in},
              {"user", user_summary(s.user)}};
}

domain::Result<Session> log_in(const RequestFacts& from, const LoginCommand& command,
                               const SessionSettings& settings, infra::UserStore& users,
                               infra::RefreshTokenStore& refresh_tokens, infra::AuditTrail& audit,
                               Credentials& credentials) {
  auto user = users.find_by_username(command.username);
  bool valid = false;
  if (user) {
    valid = credentials.verify(user->password_hash, command.password) && user->is_active;
  } else {
    credentials.verify_dummy(command.password);  // the same cost as a real check
  }
  if (!valid) return Error::of(ErrorCode::unauthenticated, bad_credentials);
  audit.record({user->id, "auth.login", "user", std::to_string(user->id), std::nullopt, std::nullopt,
                from.request_id});
  return issue_session(*user, "", settings, refresh_tokens, credentials);
}

domain::Result<Refreshed> refresh_session(const std::string& refresh_token, const SessionSettings& settings,
                                          infra::UserStore& users, infra::RefreshTokenStore& refresh_tokens,
                                          Credentials& credentials) {
  auto row = refresh_tokens.find_for_update(infra::sha256_hex(refresh_token));
  if (!row || row->revoked || row->expired) return invalid_refresh_token();
  if (row->spent) {
    refresh_tokens.revoke_family(row->family_id);
    return Refreshed{Error::of(ErrorCode::unauthenticated,
                               "refresh token already used; every session of this login is revoked"),
                     {}};
  }
  auto user = users.find(row->user_id, false);
  if (!user || !user->is_active) return invalid_refresh_token();
  refresh_tokens.spend(row->id);
  return Refreshed{std::nullopt, issue_session(*user, row->family_id, settings, refresh_tokens, credentials)};
}

domain::Status log_out(const Caller& by, const LogOut& command, infra::RefreshTokenStore& refresh_tokens,
                       AccessRevocation& access) {
  access.deny_token(command.jti, command.expires_at);
  if (command.refresh_token) {
    auto row = refresh_tokens.find_for_update(infra::sha256_hex(*command.refresh_token));
    if (row && row->user_id == by.actor.user_id) refresh_tokens.revoke_family(row->family_id);
  }
  return domain::ok_status();
}

domain::Result<Me> who_am_i(const Caller& by, infra::UserStore& users, infra::LocationLookup& locations) {
  auto user = users.find(by.actor.user_id, false);
  if (!user || !user->is_active)
    return Error::of(ErrorCode::unauthenticated, "the account no longer exists or is inactive");
  Me me{*user, std::nullopt};
  if (user->location_id) me.location = locations.find(*user->location_id);
  return me;
}

json me_json(const Me& me, bool shop_floor) {
  auto j = user_json(me.user);
  j["shop_floor"] = shop_floor;
  j["location"] = nullptr;
  if (me.location) {
    j["location"] = {{"id", me.location->id},
                     {"code", me.location->code},
                     {"name", me.location->name},
                     {"kind", std::string(domain::to_string(me.location->kind))}};
  }
  return j;
}

}  // namespace ims::api
