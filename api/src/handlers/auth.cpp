// /auth/login, /auth/refresh, /auth/logout, /auth/me. Decode → use case (api/src/use_cases/auth.cpp)
// → encode. The failed-login throttle (Redis) answers 429 before the use case runs.
#include <memory>

#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/api/account_services.hpp"
#include "ims/api/input.hpp"
#include "ims/api/use_cases/auth.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/token_revocation.hpp"

namespace ims::api {
namespace {

using infra::UnitOfWork;

// ims_login_throttled_total, registered once with the routes.
struct LoginMetrics {
  explicit LoginMetrics(infra::Metrics& metrics)
      : throttled(prometheus::BuildCounter()
                      .Name("ims_login_throttled_total")
                      .Help("Login attempts refused by the failed-login throttle, by what was throttled")
                      .Register(metrics.registry())) {}
  prometheus::Family<prometheus::Counter>& throttled;
};

SessionSettings session_settings(const Context& ctx) {
  return SessionSettings{ctx.services.config.refresh_token_ttl_s};
}

infra::LoginThrottle login_throttle(Context& ctx) {
  const auto& cfg = ctx.services.config;
  return infra::LoginThrottle(ctx.resources.redis, cfg.login_max_failures_per_user,
                              cfg.login_max_failures_per_address, cfg.login_window_s);
}

Response login(Context& ctx, LoginMetrics& metrics) {
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const LoginCommand command{in.required_string("username", 64), in.required_string("password", 1024)};
  if (!in.ok()) return problem(in.error());
  auto throttle = login_throttle(ctx);
  const auto& address = ctx.request.remote_address;
  if (auto block = throttle.check(command.username, address); block.retry_after_s > 0) {
    metrics.throttled.Add({{"scope", block.scope}}).Increment();
    auto err = domain::Error::of(domain::ErrorCode::rate_limited, "too many failed logins; try again later");
    err.retry_after_seconds = block.retry_after_s;
    return problem(err);
  }
  ServiceCredentials credentials(ctx.services);
  auto session = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgRefreshTokenStore refresh_tokens(u);
    infra::PgAuditTrail audit(u);
    return log_in({ctx.request.request_id}, command, session_settings(ctx), users, refresh_tokens, audit,
                  credentials);
  });
  if (!session) {
    throttle.record_failure(command.username, address);
    ctx.log.info("login failed", {{"username", command.username}});
    return problem(session.error());
  }
  throttle.record_success(command.username, address);
  return json_response(200, session_json(*session).dump());
}

Response refresh(Context& ctx) {
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto token = in.required_string("refresh_token", 200);
  if (!in.ok()) return problem(in.error());
  ServiceCredentials credentials(ctx.services);
  // A reused token's family revocation commits (the use case succeeds) though the answer is a 401.
  auto refreshed = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgRefreshTokenStore refresh_tokens(u);
    return refresh_session(token, session_settings(ctx), users, refresh_tokens, credentials);
  });
  if (!refreshed) return problem(refreshed.error());
  if (refreshed->refused) {
    ctx.log.warn("refresh token reused; family revoked");
    return problem(*refreshed->refused);
  }
  return json_response(200, session_json(refreshed->session).dump());
}

Response logout(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  LogOut command{auth->claims.jti, auth->claims.expires_at, std::nullopt};
  if (!ctx.request.body.empty()) {
    nlohmann::json body;
    if (auto failure = read_json_object(ctx.request, body)) return *failure;
    FieldReader in(body);
    command.refresh_token = in.optional_string("refresh_token", 200);
    if (!in.ok()) return problem(in.error());
  }
  RedisAccessRevocation access(ctx);
  const Caller by{auth->actor, ctx.request.request_id};
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgRefreshTokenStore refresh_tokens(u);
    return log_out(by, command, refresh_tokens, access);
  });
  return done ? no_content() : problem(done.error());
}

Response me(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  const Caller by{auth->actor, ctx.request.request_id};
  auto found = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgLocationLookup locations(u);
    return who_am_i(by, users, locations);
  });
  if (!found) return problem(found.error());
  return json_response(200, me_json(*found, auth->claims.shop_floor).dump());
}

}  // namespace

void add_auth_routes(Router<Handler>& router, infra::Metrics& metrics) {
  auto counts = std::make_shared<LoginMetrics>(metrics);
  router.add("POST", "/api/v1/auth/login", [counts](Context& ctx) { return login(ctx, *counts); });
  router.add("POST", "/api/v1/auth/refresh", refresh);
  router.add("POST", "/api/v1/auth/logout", logout);
  router.add("GET", "/api/v1/auth/me", me);
}

}  // namespace ims::api
