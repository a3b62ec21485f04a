#include "ims/api/app.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/api/idempotency.hpp"
#include "ims/infra/errors.hpp"
#include "ims/infra/token_revocation.hpp"
#include "ims/infra/write_limiter.hpp"

namespace ims::api {

const char* const content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self';"
    " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

App::App(Services services)
    : services_(std::move(services)),
      http_metrics_(services_.metrics),
      write_limited_(prometheus::BuildCounter()
                         .Name("ims_write_rate_limited_total")
                         .Help("Writes refused with 429 because the user's write bucket was empty")
                         .Register(services_.metrics.registry())
                         .Add({})) {
  add_system_routes(router_);
  add_auth_routes(router_, services_.metrics);
  add_user_routes(router_);
  add_product_routes(router_);
  add_stock_routes(router_);
  add_supplier_routes(router_);
  add_location_routes(router_);
  add_reorder_rule_routes(router_);
  add_bom_and_audit_routes(router_);
  add_order_routes(router_, services_.metrics);
  add_event_routes(router_);
  add_production_routes(router_);
  add_transfer_routes(router_);
  add_request_routes(router_);
  add_alert_routes(router_);
  add_label_routes(router_);
  add_report_routes(router_);
  add_webhook_routes(router_);
  add_schedule_routes(router_);
  add_account_routes(router_, services_.metrics);
  add_customer_routes(router_);
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
  request.remote_address = client_address(request, services_.config.trusted_proxies);
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

namespace {

constexpr std::size_t max_target_bytes = 8192;
constexpr std::size_t max_header_fields = 100;
constexpr std::size_t max_header_value_bytes = 8192;

bool is_write(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// Text that would reach PostgreSQL must be UTF-8 without NUL: the path and every query parameter
// are checked once here, so no handler can pass such bytes on (a 500 before).
std::optional<Response> refuse_unstorable_text(const Request& request) {
  if (!is_storable_text(url_decode(request.path))) {
    return problem(domain::Error::of(domain::ErrorCode::bad_request, "the path is not valid UTF-8 text"));
  }
  std::vector<domain::FieldError> errors;
  for (const auto& [name, value] : request.query) {
    if (!is_storable_text(name)) {
      errors.push_back({"query", "a parameter name is not valid UTF-8 text"});
    } else if (!is_storable_text(value)) {
      errors.push_back({name, "is not valid UTF-8 text (or holds NUL)"});
    }
  }
  if (errors.empty()) return std::nullopt;
  return problem(domain::Error{domain::ErrorCode::bad_request, "a query parameter is not valid UTF-8 text",
                               std::move(errors), 0});
}

// "new row for relation \"adjustments\" violates check constraint \"adjustments_lot_code_check\"" → lot_code.
std::string field_of_constraint(const std::string& message) {
  const auto close = message.rfind('"');
  const auto open =
      close == std::string::npos || close == 0 ? std::string::npos : message.rfind('"', close - 1);
  if (open == std::string::npos) return "body";
  auto name = message.substr(open + 1, close - open - 1);
  if (name.ends_with("_check")) name.resize(name.size() - 6);
  if (const auto table = message.find("relation \""); table != std::string::npos) {
    const auto table_end = message.find('"', table + 10);
    const auto table_name = message.substr(table + 10, table_end - table - 10);
    if (name.rfind(table_name + "_", 0) == 0) name = name.substr(table_name.size() + 1);
  }
  return name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])) ? "body" : name;
}

}  // namespace

std::optional<infra::AccessClaims> App::signed_in_writer(const Request& request, Resources& resources) const {
  const auto token = request.header("authorization").value_or("");
  if (token.rfind("Bearer ", 0) != 0) return std::nullopt;
  auto claims = services_.tokens.verify(token.substr(7), services_.now());
  if (!claims) return std::nullopt;
  infra::TokenRevocation revocation(resources.redis, services_.config.access_token_ttl_s,
                                    services_.revocations);
  if (revocation.is_revoked(claims->jti, claims->user_id, claims->issued_at)) return std::nullopt;
  return *claims;
}

Response App::run_write(Context& ctx, const Handler& handler, std::int64_t writer) {
  auto& resources = ctx.resources;
  const auto& request = ctx.request;
  // Writes are rate limited per user, in Redis so that every replica draws from the same bucket.
  const auto& cfg = services_.config;
  if (int wait =
          infra::WriteLimiter(resources.redis, cfg.write_rate_per_minute, cfg.write_burst).take(writer);
      wait > 0) {
    write_limited_.Increment();
    auto err = domain::Error::of(domain::ErrorCode::rate_limited, "too many writes; slow down");
    err.retry_after_seconds = wait;
    return problem(err);
  }
  if (!idempotency_applies(request)) return handler(ctx);
  auto lookup = look_up_idempotency_key(resources, writer, request);
  if (lookup.kind != IdempotencyLookup::Kind::run) return lookup.response;
  try {
    IdempotencyRecorder recorder(resources, writer, request);
    Response response;
    try {
      response = handler(ctx);
    } catch (const IdempotencyRace&) {
      throw;
    } catch (const std::exception& e) {
      if (!recorder.recorded()) throw;  // nothing committed: the boundary answers, the retry runs
      // The effect committed and then the handler failed: the key's answer says so, for this
      // request and every retry, instead of "changed nothing".
      ctx.log.error("request failed after its effect committed", {{"error", e.what()}});
      response = answer_lost();
    }
    // A 5xx after the effect committed is not an answer about the request: store "answer lost".
    if (recorder.recorded() && response.status >= 500) response = answer_lost();
    recorder.settle(response);
    return response;
  } catch (const IdempotencyRace&) {
    // The same key committed first in a concurrent request; this one's effect rolled back.
    auto again = look_up_idempotency_key(resources, writer, request);
    if (again.kind != IdempotencyLookup::Kind::run) return again.response;
    return problem(
        domain::Error::of(domain::ErrorCode::conflict, "a request with this key is still being processed"));
  }
}

std::optional<Response> App::refuse_oversized(const Request& request) const {
  if (request.body.size() > services_.config.max_body_bytes) {
    return problem_status(
        413, "payload_too_large",
        "request body is larger than " + std::to_string(services_.config.max_body_bytes) + " bytes");
  }
  if (request.target_size > max_target_bytes) {
    return problem_status(414, "uri_too_long",
                          "the request target is longer than " + std::to_string(max_target_bytes) + " bytes");
  }
  const bool long_value = std::any_of(request.headers.begin(), request.headers.end(),
                                      [](const auto& h) { return h.second.size() > max_header_value_bytes; });
  if (request.header_count > max_header_fields || long_value) {
    return problem_status(431, "request_header_fields_too_large",
                          "the request has more than " + std::to_string(max_header_fields) +
                              " header fields or one longer than " + std::to_string(max_header_value_bytes) +
                              " bytes");
  }
  return refuse_unstorable_text(request);
}

Response App::dispatch(Request& request, Resources& resources, std::string& route) {
  auto log = services_.log.with("request_id", request.request_id);
  if (auto refusal = refuse_oversized(request)) return *refusal;
  auto match = router_.match(request.method, request.path);
  if (match.kind == Router<Handler>::Match::Kind::not_found) {
    return problem(domain::Error::of(domain::ErrorCode::not_found, "no such resource: " + request.path));
  }
  if (match.kind == Router<Handler>::Match::Kind::method_not_allowed) {
    std::string allow;
    for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
    return problem_status(405, "method_not_allowed",
                          request.method + " is not allowed here; allowed: " + allow)
        .header("Allow", allow);
  }
  route = match.route->pattern;
  request.path_params = std::move(match.params);
  Context ctx{request, resources, services_, log};
  return call_handler(ctx, match.route->handler, route);
}

Response App::call_handler(Context& ctx, const Handler& handler, const std::string& route) {
  const auto& request = ctx.request;
  const auto& log = ctx.log;
  // The one translating catch of the HTTP boundary. Whatever a refused value did inside a
  // transaction was rolled back with it, so a 4xx here has changed nothing.
  try {
    // Signed-in writes (sign-in itself has its own throttle); anything else gets the handler's 401.
    if (is_write(request.method) && request.path.rfind("/api/v1/auth/", 0) != 0) {
      if (auto writer = signed_in_writer(request, ctx.resources)) {
        ctx.verified_claims = *writer;
        return run_write(ctx, handler, writer->user_id);
      }
    }
    return handler(ctx);
  } catch (const infra::DependencyUnavailable& e) {
    log.warn("dependency unavailable", {{"dependency", e.dependency()}, {"error", e.what()}});
    auto err =
        domain::Error::of(domain::ErrorCode::unavailable, e.dependency() + " is unavailable, try again");
    err.retry_after_seconds = 2;
    return problem(err);
  } catch (const pqxx::unique_violation&) {
    return problem(
        domain::Error::of(domain::ErrorCode::conflict, "a record with the same key already exists"));
  } catch (const pqxx::foreign_key_violation&) {
    return problem(
        domain::Error::of(domain::ErrorCode::conflict, "the record is referenced by or refers to another"));
  } catch (const pqxx::integrity_constraint_violation& e) {
    // A value the handler's own checks let through and the schema refused: a gap in validation.
    log.error("value refused by a database constraint", {{"error", e.what()}, {"route", route}});
    const auto field = field_of_constraint(e.what());
    return problem(domain::Error::validation({{field, "is not an allowed value"}}));
  } catch (const pqxx::data_exception& e) {
    log.error("value refused by the database", {{"error", e.what()}, {"route", route}});
    return problem(domain::Error::validation({{"body", "holds a value out of range or malformed"}}));
  } catch (const nlohmann::json::exception& e) {
    log.error("request field of an unexpected type", {{"error", e.what()}, {"route", route}});
    return problem(
        domain::Error::validation({{"body", "a field has a type this operation does not accept"}}));
  } catch (const std::exception& e) {
    log.error("unhandled error", {{"error", e.what()}, {"route", route}});
    return problem_status(500, "internal", "internal error; the request id is in the server log");
  }
}

void App::finish(const Request& request, Response& response, const std::string& route,
                 std::chrono::steady_clock::time_point started) {
  response.header("X-Request-Id", request.request_id);
  // Security headers on every response; pages get a policy that allows no inline script or style.
  response.header("X-Content-Type-Options", "nosniff");
  response.header("Referrer-Policy", "no-referrer");
  response.header("Cross-Origin-Opener-Policy", "same-origin");
  if (response.content_type.rfind("text/html", 0) == 0) {
    response.header("Content-Security-Policy", content_security_policy);
    response.header("X-Frame-Options", "DENY");
  }
  const bool has_cache_control = std::any_of(response.headers.begin(), response.headers.end(),
                                             [](const auto& h) { return h.first == "Cache-Control"; });
  // API answers carry tokens and people's data: never stored by a browser or a proxy.
  if (!has_cache_control && request.path.rfind("/api/v1/", 0) == 0)
    response.header("Cache-Control", "no-store");
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
