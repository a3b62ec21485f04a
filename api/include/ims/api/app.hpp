#pragma once
// The API application: routes, the request pipeline (request id, routing, metrics, logging) and the
// one place that translates failures into problem+json.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <prometheus/counter.h>

#include "ims/api/http.hpp"
#include "ims/api/router.hpp"
#include "ims/domain/policy.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/revocation_cache.hpp"
#include "ims/infra/crypto.hpp"
#include "ims/infra/jwt.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/redis.hpp"

namespace ims::api {

// Owned by one handler thread.
struct Resources {
  infra::PgSession db;
  infra::RedisClient redis;
  Resources(const std::string& database_url, const std::string& redis_url,
            infra::DbSessionMeters* db_meters = nullptr)
      : db(database_url, {}, db_meters),
        redis(redis_url) {}  // the stores' statements are prepared per connection
};

using Clock = std::function<std::int64_t()>;  // seconds since the epoch

// Shared by all threads; every member is thread-safe.
struct Services {
  const infra::Config& config;
  infra::TokenCodec& tokens;
  infra::PasswordHasher& passwords;
  infra::Metrics& metrics;
  infra::Log log;
  Clock now;
  std::string openapi_json;
  infra::RevocationCache* revocations = nullptr;  // the deny-list's answers kept a moment (optional)
};

struct Context {
  const Request& request;
  Resources& resources;
  const Services& services;
  infra::Log log;
  // Claims of a bearer token the boundary has verified and found unrevoked for this request
  // (signed-in writes), so the handler does not verify and ask Redis a second time.
  std::optional<infra::AccessClaims> verified_claims = std::nullopt;
};

using Handler = std::function<Response(Context&)>;

class App {
 public:
  explicit App(Services services);

  // Runs on a handler thread.
  Response handle(Request& request, Resources& resources);
  // Answers without touching a handler thread (used by the network layer when saturated, etc.).
  Response reject(const Request& request, const domain::Error& error);

  const Router<Handler>& router() const { return router_; }
  const Services& services() const { return services_; }
  infra::HttpMetrics& http_metrics() { return http_metrics_; }

 private:
  Response dispatch(Request& request, Resources& resources, std::string& route);
  // 413, 414 or 431 for a request too large to look at, 422 for text PostgreSQL cannot store.
  std::optional<Response> refuse_oversized(const Request& request) const;
  // The handler, with the HTTP boundary's one translating catch (a refused value → 4xx, never 500).
  Response call_handler(Context& ctx, const Handler& handler, const std::string& route);
  // The user of a valid, unrevoked bearer token, if the request has one.
  std::optional<infra::AccessClaims> signed_in_writer(const Request& request, Resources& resources) const;
  // A signed-in write: the rate limit, then the Idempotency-Key, then the handler.
  Response run_write(Context& ctx, const Handler& handler, std::int64_t writer);
  void finish(const Request& request, Response& response, const std::string& route,
              std::chrono::steady_clock::time_point started);

  Services services_;
  Router<Handler> router_;
  infra::HttpMetrics http_metrics_;
  prometheus::Counter& write_limited_;
};

// Sent with every HTML page: no inline script or style, no framing.
extern const char* const content_security_policy;

// Route registration, one function per resource (handlers/*.cpp).
void add_system_routes(Router<Handler>& router);
void add_auth_routes(Router<Handler>& router, infra::Metrics& metrics);
void add_user_routes(Router<Handler>& router);
void add_product_routes(Router<Handler>& router);
void add_stock_routes(Router<Handler>& router);
void add_supplier_routes(Router<Handler>& router);
void add_location_routes(Router<Handler>& router);
void add_reorder_rule_routes(Router<Handler>& router);
void add_bom_and_audit_routes(Router<Handler>& router);
void add_order_routes(Router<Handler>& router, infra::Metrics& metrics);
void add_event_routes(Router<Handler>& router);
void add_production_routes(Router<Handler>& router);
void add_transfer_routes(Router<Handler>& router);
void add_request_routes(Router<Handler>& router);
void add_alert_routes(Router<Handler>& router);
void add_label_routes(Router<Handler>& router);
void add_report_routes(Router<Handler>& router);
void add_webhook_routes(Router<Handler>& router);
void add_schedule_routes(Router<Handler>& router);
void add_account_routes(Router<Handler>& router, infra::Metrics& metrics);
void add_customer_routes(Router<Handler>& router);

// Accepts a client's X-Request-Id when it is sane, or makes one.
std::string request_id_for(const Request& request);

}  // namespace ims::api
