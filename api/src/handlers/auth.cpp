// /auth/login, /auth/refresh, /auth/logout, /auth/me.
#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/api/input.hpp"
#include "ims/infra/token_revocation.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

constexpr const char* bad_credentials = "invalid username or password";

nlohmann::json user_summary(const infra::UserRecord& u) {
  nlohmann::json j{{"id", u.id},
                   {"username", u.username},
                   {"role", std::string(domain::to_string(u.role))},
                   {"location_id", nullptr}};
  if (u.location_id) j["location_id"] = *u.location_id;
  return j;
}

// Issues an access token and a refresh token (in `family`, or a new family) inside txn.
nlohmann::json issue_tokens(Context& ctx, pqxx::work& txn, const infra::UserRecord& user,
                            const std::string& family) {
  infra::AccessClaims claims{user.id, user.role, user.location_id, {}, 0, 0};
  const auto access = ctx.services.tokens.issue(claims, ctx.services.now());
  const auto refresh = infra::random_token(32);
  infra::refresh_tokens::issue(txn, user.id, family, infra::sha256_hex(refresh),
                               ctx.services.config.refresh_token_ttl_s);
  return nlohmann::json{{"access_token", access},
                        {"refresh_token", refresh},
                        {"token_type", "Bearer"},
                        {"expires_in", ctx.services.tokens.ttl_seconds()},
                        {"user", user_summary(user)}};
}

Response login(Context& ctx) {
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto username = in.required_string("username", 64);
  const auto password = in.required_string("password", 1024);
  if (!in.ok()) return problem(in.error());

  const auto& cfg = ctx.services.config;
  infra::LoginThrottle throttle(ctx.resources.redis, cfg.login_max_failures_per_user,
                                cfg.login_max_failures_per_address, cfg.login_window_s);
  static auto& throttled =
      prometheus::BuildCounter()
          .Name("ims_login_throttled_total")
          .Help("Login attempts refused by the failed-login throttle, by what was throttled")
          .Register(ctx.services.metrics.registry());
  if (auto block = throttle.check(username, ctx.request.remote_address); block.retry_after_s > 0) {
    throttled.Add({{"scope", block.scope}}).Increment();
    auto err = domain::Error::of(domain::ErrorCode::rate_limited, "too many failed logins; try again later");
    err.retry_after_seconds = block.retry_after_s;
    return problem(err);
  }
  auto user = ctx.resources.db.transact(
      [&](pqxx::work& txn) { return infra::users::find_by_username(txn, username); });
  bool valid = false;
  if (user) {
    valid = ctx.services.passwords.verify(user->password_hash, password) && user->is_active;
  } else {
    ctx.services.passwords.verify_dummy(password);  // same cost as a real check
  }
  if (!valid) {
    throttle.record_failure(username, ctx.request.remote_address);
    ctx.log.info("login failed", {{"username", username}});
    return problem(domain::Error::of(domain::ErrorCode::unauthenticated, bad_credentials));
  }
  throttle.record_success(username, ctx.request.remote_address);
  auto tokens = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::audit::record(txn, {user->id, "auth.login", "user", std::to_string(user->id), std::nullopt,
                               std::nullopt, ctx.request.request_id});
    return issue_tokens(ctx, txn, *user, "");
  });
  return json_response(200, tokens.dump());
}

Response refresh(Context& ctx) {
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto token = in.required_string("refresh_token", 200);
  if (!in.ok()) return problem(in.error());

  // Reuse of a spent token must revoke the family even though the request fails, so the outcome
  // is decided inside the transaction and the revocation committed either way.
  enum class Outcome { issued, invalid, reused };
  Outcome outcome = Outcome::invalid;
  auto tokens = ctx.resources.db.transact([&](pqxx::work& txn) -> nlohmann::json {
    auto row = infra::refresh_tokens::find_for_update(txn, infra::sha256_hex(token));
    if (!row || row->revoked || row->expired) {
      outcome = Outcome::invalid;
      return {};
    }
    if (row->spent) {
      infra::refresh_tokens::revoke_family(txn, row->family_id);
      outcome = Outcome::reused;
      return {};
    }
    auto user = infra::users::find_by_id(txn, row->user_id);
    if (!user || !user->is_active) {
      outcome = Outcome::invalid;
      return {};
    }
    infra::refresh_tokens::spend(txn, row->id);
    outcome = Outcome::issued;
    return issue_tokens(ctx, txn, *user, row->family_id);
  });
  if (outcome == Outcome::reused) {
    ctx.log.warn("refresh token reused; family revoked");
    return problem(domain::Error::of(domain::ErrorCode::unauthenticated,
                                     "refresh token already used; every session of this login is revoked"));
  }
  if (outcome == Outcome::invalid) {
    return problem(domain::Error::of(domain::ErrorCode::unauthenticated, "invalid or expired refresh token"));
  }
  return json_response(200, tokens.dump());
}

Response logout(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  std::optional<std::string> refresh_token;
  if (!ctx.request.body.empty()) {
    nlohmann::json body;
    if (auto failure = read_json_object(ctx.request, body)) return *failure;
    FieldReader in(body);
    refresh_token = in.optional_string("refresh_token", 200);
    if (!in.ok()) return problem(in.error());
  }
  infra::TokenRevocation revocation(ctx.resources.redis, ctx.services.config.access_token_ttl_s);
  revocation.deny_token(auth->claims.jti, auth->claims.expires_at, ctx.services.now());
  if (refresh_token) {
    ctx.resources.db.transact([&](pqxx::work& txn) {
      auto row = infra::refresh_tokens::find_for_update(txn, infra::sha256_hex(*refresh_token));
      if (row && row->user_id == auth->actor.user_id)
        infra::refresh_tokens::revoke_family(txn, row->family_id);
    });
  }
  return no_content();
}

Response me(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto user = infra::users::find_by_id(txn, auth->actor.user_id);
    std::optional<infra::LocationSummary> location;
    if (user && user->location_id) location = infra::locations::find(txn, *user->location_id);
    return std::make_pair(user, location);
  });
  auto& [user, location] = found;
  if (!user || !user->is_active) {
    return problem(
        domain::Error::of(domain::ErrorCode::unauthenticated, "the account no longer exists or is inactive"));
  }
  auto j = nlohmann::json::parse(infra::users::to_json(*user));
  j["shop_floor"] = auth->claims.shop_floor;
  j["location"] = nullptr;
  if (location) {
    j["location"] = {{"id", location->id},
                     {"code", location->code},
                     {"name", location->name},
                     {"kind", std::string(domain::to_string(location->kind))}};
  }
  return json_response(200, j.dump());
}

}  // namespace

void add_auth_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/auth/login", login);
  router.add("POST", "/api/v1/auth/refresh", refresh);
  router.add("POST", "/api/v1/auth/logout", logout);
  router.add("GET", "/api/v1/auth/me", me);
}

}  // namespace ims::api
