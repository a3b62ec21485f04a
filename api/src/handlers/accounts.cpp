// Accounts people ask for and the shop floor's PINs (issue 13): /auth/register, /auth/verify,
// /auth/pin, /users/me/pin, /users/{id}/pin, /locations/{id}/terminals.
// Decode → use case (api/src/use_cases/accounts.cpp) → encode. The sign-up and PIN throttles
// (Redis) answer 429 before any use case runs.
#include <memory>

#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/api/account_services.hpp"
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/accounts.hpp"
#include "ims/domain/account_email.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::UnitOfWork;
using nlohmann::json;

constexpr const char* registered_message =
    "Thank you. If the details are new, we sent an email with a link to confirm your address; an "
    "administrator "
    "then activates your account and you get another email.";

// ims_pin_signins_total, registered once with the routes.
struct PinMetrics {
  explicit PinMetrics(infra::Metrics& metrics)
      : signins(
            prometheus::BuildCounter()
                .Name("ims_pin_signins_total")
                .Help("Shop-floor PIN sign-ins by outcome (success, wrong_pin, locked, refused, throttled)")
                .Register(metrics.registry())) {}
  void count(const char* outcome) { signins.Add({{"outcome", outcome}}).Increment(); }
  prometheus::Family<prometheus::Counter>& signins;
};

Response rate_limited(const char* message, int retry_after_seconds) {
  auto err = Error::of(ErrorCode::rate_limited, message);
  err.retry_after_seconds = retry_after_seconds;
  return problem(err);
}

// --- self-registration ---

// The sign-up's fields, checked (422); the password is hashed once the throttle lets it in.
std::optional<Response> read_registration(const Request& request, Registration& out, std::string& password) {
  json body;
  if (auto failure = read_json_object(request, body)) return failure;
  FieldReader in(body);
  out.row.username = in.required_string("username", 64);
  out.row.email = in.required_string("email", 254);
  password = in.required_string("password", domain::max_password_length);
  const auto role_text = in.required_string("requested_role", 32);
  out.location_code = in.optional_string("location_code", 32);
  out.row.note = in.optional_string("note", 500);
  if (out.row.note && out.row.note->empty()) out.row.note.reset();
  if (in.has("username")) {
    if (auto why = domain::check_username(out.row.username)) in.fail("username", *why);
  }
  if (in.has("email")) {
    if (auto why = domain::check_email(out.row.email)) in.fail("email", *why);
  }
  if (in.has("password")) {
    if (auto why = domain::check_password(password)) in.fail("password", *why);
  }
  if (in.has("requested_role") && body["requested_role"].is_string()) {
    auto role = domain::parse_role(role_text);
    if (!role || !domain::is_requestable_role(*role)) {
      in.fail("requested_role",
              "must be cfa, stockist or retailer (other roles are given by an administrator)");
    } else {
      out.row.requested_role = *role;
    }
  }
  if (!in.ok()) return problem(in.error());
  return std::nullopt;
}

// Sign-ups per client address in the login window: the 429 once they are used up.
std::optional<Response> throttle_sign_ups(Context& ctx) {
  const auto& cfg = ctx.services.config;
  infra::RequestThrottle throttle(ctx.resources.redis, "register", cfg.registration_max_per_address,
                                  cfg.login_window_s);
  if (auto wait = throttle.admit(ctx.request.remote_address); wait > 0)
    return rate_limited("too many sign-ups from this address; try again later", wait);
  return std::nullopt;
}

Response sign_up(Context& ctx) {
  Registration r;
  std::string password;
  if (auto refusal = read_registration(ctx.request, r, password)) return *refusal;
  if (auto refusal = throttle_sign_ups(ctx)) return *refusal;
  r.row.password_hash = ctx.services.passwords.hash(password);  // also when taken: the same time either way
  const RegistrationSettings settings{ctx.services.config.dashboard_url,
                                      ctx.services.config.email_verification_ttl_s};
  ServiceCredentials credentials(ctx.services);
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgLocationLookup locations(u);
    infra::PgEmailVerificationStore verifications(u);
    infra::PgAccountMailbox mailbox(u);
    infra::PgOutbox outbox(u);
    infra::PgAuditTrail audit(u);
    return register_account({ctx.request.request_id}, r, settings, users, locations, verifications, mailbox,
                            outbox, audit, credentials);
  });
  if (!done) return problem(done.error());
  if (done->owners_told) ctx.log.info("sign-up for an existing username or email; the owner was emailed");
  return json_response(202, json{{"status", "pending_activation"}, {"message", registered_message}}.dump());
}

bool wants_html(const Request& request) {
  auto accept = request.header("accept");
  return accept && accept->rfind("text/html", 0) == 0;
}

Response html_page(int status, const std::string& title, const std::string& text) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" "
      "href=\"data:,\"><title>" +
      domain::html_escape(title) + " · IMS</title></head>\n<body><main><h1>" + domain::html_escape(title) +
      "</h1><p>" + domain::html_escape(text) +
      "</p><p><a href=\"/\">Go to sign in</a></p></main></body></html>\n";
  return r;
}

Response confirm_email(Context& ctx) {
  const auto token = ctx.request.query_param("token").value_or("");
  auto verified = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgEmailVerificationStore verifications(u);
    infra::PgAuditTrail audit(u);
    return verify_email({ctx.request.request_id}, token, users, verifications, audit);
  });
  // Refusals stay problem+json for every client, browsers included (the detail reads as a sentence).
  if (!verified) return problem(verified.error());
  if (wants_html(ctx.request)) {
    return html_page(
        200, "Email address confirmed",
        "Thank you. An administrator will now activate your account; you will get an email when it is.");
  }
  return json_response(200, json{{"email_verified", true}}.dump());
}

// --- PINs ---

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such user"));
}

std::optional<Response> refuse_shop_floor(const Authenticated& auth) {
  if (!auth.claims.shop_floor) return std::nullopt;
  return problem(
      Error::of(ErrorCode::forbidden,
                "a shop-floor (PIN) session may not change PINs or passwords; sign in with your password"));
}

std::optional<std::string> read_pin(Context& ctx, FieldReader& in) {
  const auto pin = in.required_string("pin", 16);
  // Found by the HTTP fuzzer: {"pin": ""} once set an empty PIN.
  if (in.ok()) {
    if (auto why = domain::check_pin(pin)) in.fail("pin", *why);
  }
  if (!in.ok()) return std::nullopt;
  return ctx.services.passwords.hash(pin);
}

Response put_my_pin(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  if (auto refusal = refuse_shop_floor(*auth)) return *refusal;
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto password = in.required_string("password", domain::max_password_length);
  auto hash = read_pin(ctx, in);
  if (!hash) return problem(in.error());
  ServiceCredentials credentials(ctx.services);
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgAuditTrail audit(u);
    return set_my_pin(caller(ctx, *auth), {password, *hash}, users, audit, credentials);
  });
  return done ? no_content() : problem(done.error());
}

Response delete_my_pin(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  if (auto refusal = refuse_shop_floor(*auth)) return *refusal;
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgAuditTrail audit(u);
    return remove_my_pin(caller(ctx, *auth), users, audit);
  });
  return done ? no_content() : problem(done.error());
}

Response put_user_pin(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto hash = read_pin(ctx, in);
  if (!hash) return problem(in.error());
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgAuditTrail audit(u);
    return reset_pin(caller(ctx, *auth), {*id, *hash}, users, audit);
  });
  return done ? no_content() : problem(done.error());
}

// The failed-PIN counters of one attempt (Redis): per location, username and address, and per
// address; kept apart from the password sign-in's.
class PinThrottle {
 public:
  PinThrottle(Context& ctx, const PinAttempt& a)
      : throttle_(ctx.resources.redis, ctx.services.config.login_max_failures_per_user,
                  ctx.services.config.login_max_failures_per_address, ctx.services.config.login_window_s,
                  "pin"),
        key_(a.location_code + ":" + a.username),
        address_(ctx.request.remote_address) {}
  int retry_after() { return throttle_.check(key_, address_).retry_after_s; }
  void failed() { throttle_.record_failure(key_, address_); }
  void succeeded() { throttle_.record_success(key_, address_); }

 private:
  infra::LoginThrottle throttle_;
  std::string key_;
  std::string address_;
};

// A refused PIN sign-in counts against the attempt's throttle; a locked PIN is logged.
Response refused_pin(Context& ctx, PinThrottle& throttle, const PinSignIn& signed_in) {
  throttle.failed();
  if (signed_in.outcome == PinOutcome::locked)
    ctx.log.warn("PIN sign-in refused: the PIN is locked", {{"user_id", std::to_string(signed_in.user.id)}});
  return problem(*signed_in.refused);
}

Response pin_sign_in(Context& ctx, PinMetrics& metrics) {
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  PinAttempt a{in.required_string("location_code", 32), in.required_string("username", 64),
               in.required_string("pin", 16), std::nullopt};
  if (!in.ok()) return problem(in.error());
  if (auto t = ctx.request.header("x-ims-terminal"); t && !t->empty()) a.terminal_secret = t->substr(0, 200);
  PinThrottle throttle(ctx, a);
  if (const auto wait = throttle.retry_after(); wait > 0) {
    metrics.count("throttled");
    return rate_limited("too many failed sign-ins; try again later", wait);
  }
  const auto& cfg = ctx.services.config;
  const PinRules rules{cfg.pin_require_terminal, cfg.pin_max_failures, cfg.pin_token_ttl_s};
  ServiceCredentials credentials(ctx.services);
  auto signed_in = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgLocationLookup locations(u);
    infra::PgTerminalStore terminals(u);
    infra::PgAuditTrail audit(u);
    return sign_in_with_pin({ctx.request.request_id}, a, rules, users, locations, terminals, audit,
                            credentials);
  });
  metrics.count(outcome_label(signed_in->outcome));
  if (signed_in->refused) return refused_pin(ctx, throttle, *signed_in);
  throttle.succeeded();
  return json_response(200, pin_session_json(*signed_in).dump());
}

// --- terminals ---

Response location_not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such location"));
}

Response post_terminal(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto location_id = parse_id(ctx.request.path_params.at("id"));
  if (!location_id) return location_not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const NewTerminal terminal{*location_id, in.required_string("name", 100)};
  if (in.has("name") && terminal.name.empty()) in.fail("name", "must not be empty");
  if (!in.ok()) return problem(in.error());
  ServiceCredentials credentials(ctx.services);
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgLocationLookup locations(u);
    infra::PgTerminalStore terminals(u);
    infra::PgAuditTrail audit(u);
    return create_terminal(caller(ctx, *auth), terminal, locations, terminals, audit, credentials);
  });
  if (!created) return problem(created.error());
  auto j = terminal_json(created->terminal);
  j["secret"] = created->secret;
  return json_response(201, j.dump())
      .header("Location", "/api/v1/locations/" + std::to_string(*location_id) + "/terminals/" +
                              std::to_string(created->terminal.id));
}

Response get_terminals(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto location_id = parse_id(ctx.request.path_params.at("id"));
  if (!location_id) return location_not_found();
  auto found = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgLocationLookup locations(u);
    infra::PgTerminalStore terminals(u);
    return list_terminals(*location_id, locations, terminals);
  });
  if (!found) return problem(found.error());
  json out{{"items", json::array()}};
  for (const auto& t : *found) out["items"].push_back(terminal_json(t));
  return json_response(200, out.dump());
}

Response delete_terminal(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto location_id = parse_id(ctx.request.path_params.at("id"));
  auto terminal_id = parse_id(ctx.request.path_params.at("terminal_id"));
  if (!location_id || !terminal_id) return problem(Error::of(ErrorCode::not_found, "no such terminal"));
  auto revoked = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgTerminalStore terminals(u);
    infra::PgAuditTrail audit(u);
    return revoke_terminal(caller(ctx, *auth), {*location_id, *terminal_id}, terminals, audit);
  });
  return revoked ? no_content() : problem(revoked.error());
}

}  // namespace

void add_account_routes(Router<Handler>& router, infra::Metrics& metrics) {
  auto pins = std::make_shared<PinMetrics>(metrics);
  router.add("POST", "/api/v1/auth/register", sign_up);
  router.add("GET", "/api/v1/auth/verify", confirm_email);
  router.add("POST", "/api/v1/auth/pin", [pins](Context& ctx) { return pin_sign_in(ctx, *pins); });
  router.add("PUT", "/api/v1/users/me/pin", put_my_pin);
  router.add("DELETE", "/api/v1/users/me/pin", delete_my_pin);
  router.add("PUT", "/api/v1/users/{id}/pin", put_user_pin);
  router.add("POST", "/api/v1/locations/{id}/terminals", post_terminal);
  router.add("GET", "/api/v1/locations/{id}/terminals", get_terminals);
  router.add("DELETE", "/api/v1/locations/{id}/terminals/{terminal_id}", delete_terminal);
}

}  // namespace ims::api
