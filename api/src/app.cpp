#include "ims/api/app.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/pqxx>

#include "ims/api/idempotency.hpp"
#include "ims/infra/errors.hpp"

namespace ims::api {

App::App(Services services) : services_(std::move(services)), http_metrics_(services_.metrics) {
  add_system_routes(router_);
  add_auth_routes(router_);
  add_user_routes(router_);
  add_product_routes(router_);
  add_stock_routes(router_);
  add_supplier_routes(router_);
  add_location_routes(router_);
  add_reorder_rule_routes(router_);
  add_bom_and_audit_routes(router_);
  add_order_routes(router_);
  add_event_routes(router_);
  add_production_routes(router_);
  add_transfer_routes(router_);
  add_request_routes(router_);
  add_alert_routes(router_);
}

std::string request_id_for(const Request& request) {
  if (auto id = request.header("x-request-id"); id && !id->empty() && id->size() <= 128) {
    const bool sane = std::all_of(id->begin(), id->end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
    });
    if (sane) return *id;
  }
  return infra::random_hex(16);
}

Response App::handle(Request& request, Resources& resources) {
  const auto started = std::chrono::steady_clock::now();
  if (request.request_id.empty()) request.request_id = request_id_for(request);
  std::string route = "unmatched";
  Response response = dispatch(request, resources, route);
  finish(request, response, route, started);
  return response;
}

Response App::reject(const Request& request, const domain::Error& error) {
  Response response = problem(error);
  finish(request, response, "rejected", std::chrono::steady_clock::now());
  return response;
}

Response App::dispatch(Request& request, Resources& resources, std::string& route) {
  auto log = services_.log.with("request_id", request.request_id);
  if (request.body.size() > services_.config.max_body_bytes) {
    return problem_status(413, "payload_too_large",
                          "request body is larger than " + std::to_string(services_.config.max_body_bytes) + " bytes");
  }
  auto match = router_.match(request.method, request.path);
  if (match.kind == Router<Handler>::Match::Kind::not_found) {
    return problem(domain::Error::of(domain::ErrorCode::not_found, "no such resource: " + request.path));
  }
  if (match.kind == Router<Handler>::Match::Kind::method_not_allowed) {
    std::string allow;
    for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
    return problem_status(405, "method_not_allowed", request.method + " is not allowed here; allowed: " + allow)
        .header("Allow", allow);
  }
  route = match.route->pattern;
  request.path_params = std::move(match.params);
  Context ctx{request, resources, services_, log};
  // The one translating catch of the HTTP boundary.
  try {
    // Idempotency-Key: only for a caller with a valid token (anything else is the handler's 401).
    if (idempotency_applies(request)) {
      const auto token = request.header("authorization").value_or("");
      auto claims = token.rfind("Bearer ", 0) == 0 ? services_.tokens.verify(token.substr(7), services_.now())
                                                   : domain::Result<infra::AccessClaims>(domain::Error::of(
                                                         domain::ErrorCode::unauthenticated, "no token"));
      if (claims) {
        auto claim = claim_idempotency_key(resources, claims->user_id, request);
        if (claim.kind != IdempotencyClaim::Kind::first) return claim.response;
        Response response;
        try {
          response = match.route->handler(ctx);
        } catch (...) {
          try {  // the key is freed so the client's retry runs the request again
            settle_idempotency_key(resources, claims->user_id, request, problem_status(500, "internal", ""));
          } catch (...) {
          }
          throw;
        }
        settle_idempotency_key(resources, claims->user_id, request, response);
        return response;
      }
    }
    return match.route->handler(ctx);
  } catch (const infra::DependencyUnavailable& e) {
    log.warn("dependency unavailable", {{"dependency", e.dependency()}, {"error", e.what()}});
    auto err = domain::Error::of(domain::ErrorCode::unavailable, e.dependency() + " is unavailable, try again");
    err.retry_after_seconds = 2;
    return problem(err);
  } catch (const pqxx::unique_violation&) {
    return problem(domain::Error::of(domain::ErrorCode::conflict, "a record with the same key already exists"));
  } catch (const pqxx::foreign_key_violation&) {
    return problem(domain::Error::of(domain::ErrorCode::conflict, "the record is referenced by or refers to another"));
  } catch (const std::exception& e) {
    log.error("unhandled error", {{"error", e.what()}, {"route", route}});
    return problem_status(500, "internal", "internal error; the request id is in the server log");
  }
}

void App::finish(const Request& request, Response& response, const std::string& route,
                 std::chrono::steady_clock::time_point started) {
  response.header("X-Request-Id", request.request_id);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  http_metrics_.observe(request.method, route, response.status, elapsed);
  const double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  services_.log.with("request_id", request.request_id)
      .info("request", {{"method", request.method},
                        {"path", request.path},
                        {"route", route},
                        {"status", std::to_string(response.status)},
                        {"duration_ms", std::to_string(ms)}});
}

}  // namespace ims::api
