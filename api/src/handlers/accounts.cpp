// Accounts people ask for and the shop floor's PINs (issue 13): /auth/register, /auth/verify,
// /auth/pin, /users/me/pin, /users/{id}/pin, /locations/{id}/terminals.
// Every email is a row written in the transaction of its cause; the alerts worker sends it.
#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/api/input.hpp"
#include "ims/domain/account_email.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/token_revocation.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

constexpr const char* registered_message =
    "Thank you. If the details are new, we sent an email with a link to confirm your address; an "
    "administrator "
    "then activates your account and you get another email.";
constexpr const char* bad_pin = "invalid location, username or PIN";

std::string location_label(const infra::LocationSummary& l) {
  return l.code + " (" + l.name + ")";
}

void queue_mail(pqxx::work& txn, std::optional<std::int64_t> user_id, const std::string& to,
                const char* event, const domain::RenderedEmail& mail) {
  infra::account_mail::queue(txn, {user_id, to, event, mail.subject, mail.text, mail.html});
}

void audit(Context& ctx, pqxx::work& txn, std::optional<std::int64_t> actor, const char* action,
           const char* entity, std::int64_t id, std::optional<std::string> before,
           std::optional<std::string> after) {
  infra::audit::record(txn, {actor, action, entity, std::to_string(id), std::move(before), std::move(after),
                             ctx.request.request_id});
}

// --- self-registration ---

struct Registration {
  infra::NewRegistration row;
  std::string password;
  std::optional<std::string> location_code;
};

std::optional<Response> read_registration(Context& ctx, Registration& out) {
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return failure;
  FieldReader in(body);
  out.row.username = in.required_string("username", 64);
  out.row.email = in.required_string("email", 254);
  out.password = in.required_string("password", domain::max_password_length);
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
    if (auto why = domain::check_password(out.password)) in.fail("password", *why);
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

// Someone asked again for a name or address that has an account: its owner hears of it, nothing else.
void tell_owners(Context& ctx, pqxx::work& txn, const std::vector<infra::UserRecord>& owners) {
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if (i == 1 && owners[1].id == owners[0].id) break;
    domain::AccountEmailFacts facts{owners[i].username, ctx.services.config.dashboard_url, "", 0, "", ""};
    queue_mail(txn, owners[i].id, owners[i].email, "taken", domain::render_taken_email(facts));
  }
  ctx.log.info("sign-up for an existing username or email; the owner was emailed");
}

void start_registration(Context& ctx, pqxx::work& txn, const Registration& r, std::int64_t id,
                        const std::optional<infra::LocationSummary>& location) {
  const auto token = infra::random_token(32);
  const auto& cfg = ctx.services.config;
  infra::email_verifications::create(txn, id, infra::sha256_hex(token), cfg.email_verification_ttl_s);
  std::string base = cfg.dashboard_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  domain::AccountEmailFacts facts{r.row.username,
                                  cfg.dashboard_url,
                                  base + "/api/v1/auth/verify?token=" + token,
                                  std::max(1, cfg.email_verification_ttl_s / 3600),
                                  "",
                                  ""};
  queue_mail(txn, id, r.row.email, "verify", domain::render_verification_email(facts));
  json data{{"user_id", id},
            {"username", r.row.username},
            {"requested_role", std::string(domain::to_string(r.row.requested_role))},
            {"requested_location_id", nullptr},
            {"requested_location", ""}};
  if (location) {
    data["requested_location_id"] = location->id;
    data["requested_location"] = location_label(*location);
  }
  infra::append_event(txn, {"account.registered", data, ctx.request.request_id, std::nullopt});
  auto user = infra::users::find_by_id(txn, id);
  audit(ctx, txn, std::nullopt, "user.register", "user", id, std::nullopt, infra::users::to_json(*user));
}

Response register_account(Context& ctx) {
  Registration r;
  if (auto refusal = read_registration(ctx, r)) return *refusal;
  const auto& cfg = ctx.services.config;
  infra::RequestThrottle throttle(ctx.resources.redis, "register", cfg.registration_max_per_address,
                                  cfg.login_window_s);
  if (auto wait = throttle.admit(ctx.request.remote_address); wait > 0) {
    auto err = Error::of(ErrorCode::rate_limited, "too many sign-ups from this address; try again later");
    err.retry_after_seconds = wait;
    return problem(err);
  }
  r.row.password_hash = ctx.services.passwords.hash(r.password);  // also when taken: the same time either way
  std::optional<Error> refusal;
  ctx.resources.db.transact([&](pqxx::work& txn) {
    std::optional<infra::LocationSummary> location;
    if (r.location_code) {
      location = infra::locations::find_by_code(txn, *r.location_code);
      if (!location) {
        refusal = Error::validation({{"location_code", "does not name an active location"}});
        return;
      }
      r.row.requested_location_id = location->id;
    }
    std::vector<infra::UserRecord> owners;
    if (auto u = infra::users::find_by_username(txn, r.row.username)) owners.push_back(*u);
    if (auto u = infra::users::find_by_email(txn, r.row.email)) owners.push_back(*u);
    if (!owners.empty()) return tell_owners(ctx, txn, owners);
    auto id = infra::users::insert_pending(txn, r.row);
    if (!id) return;  // a concurrent sign-up took it a moment ago: answered the same way
    start_registration(ctx, txn, r, *id, location);
  });
  if (refusal) return problem(*refusal);
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

Response verify_email(Context& ctx) {
  const auto token = ctx.request.query_param("token").value_or("");
  std::optional<std::int64_t> verified;
  if (!token.empty() && token.size() <= 200) {
    verified = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<std::int64_t> {
      auto id = infra::email_verifications::consume(txn, infra::sha256_hex(token));
      if (!id) return std::nullopt;
      infra::users::mark_email_verified(txn, *id);
      audit(ctx, txn, *id, "user.verify_email", "user", *id, std::nullopt, std::nullopt);
      return id;
    });
  }
  if (!verified) {
    // Refusals stay problem+json for every client, browsers included (the detail reads as a sentence).
    return problem(Error::validation({{"token", "the link is invalid, was used already or has expired"}}));
  }
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

prometheus::Family<prometheus::Counter>& pin_signins(Context& ctx) {
  static auto& family =
      prometheus::BuildCounter()
          .Name("ims_pin_signins_total")
          .Help("Shop-floor PIN sign-ins by outcome (success, wrong_pin, locked, refused, throttled)")
          .Register(ctx.services.metrics.registry());
  return family;
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

Response set_my_pin(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  if (auto refusal = refuse_shop_floor(*auth)) return *refusal;
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto password = in.required_string("password", domain::max_password_length);
  auto hash = read_pin(ctx, in);
  if (!hash) return problem(in.error());
  auto user = ctx.resources.db.transact(
      [&](pqxx::work& txn) { return infra::users::find_by_id(txn, auth->actor.user_id); });
  if (!user || !user->is_active)
    return problem(Error::of(ErrorCode::unauthenticated, "the account no longer exists or is inactive"));
  if (!ctx.services.passwords.verify(user->password_hash, password)) {
    return problem(Error::validation({{"password", "is not your current password"}}));
  }
  ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::users::set_pin(txn, user->id, *hash);
    audit(ctx, txn, user->id, "user.set_pin", "user", user->id, std::nullopt, std::nullopt);
  });
  return no_content();
}

Response remove_my_pin(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  if (auto refusal = refuse_shop_floor(*auth)) return *refusal;
  ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::users::set_pin(txn, auth->actor.user_id, std::nullopt);
    audit(ctx, txn, auth->actor.user_id, "user.remove_pin", "user", auth->actor.user_id, std::nullopt,
          std::nullopt);
  });
  return no_content();
}

Response reset_pin(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto hash = read_pin(ctx, in);
  if (!hash) return problem(in.error());
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    if (!infra::users::find_by_id(txn, *id, true)) return false;
    infra::users::set_pin(txn, *id, *hash);
    audit(ctx, txn, auth->actor.user_id, "user.reset_pin", "user", *id, std::nullopt, std::nullopt);
    return true;
  });
  return found ? no_content() : not_found();
}

struct PinAttempt {
  std::string location_code;
  std::string username;
  std::string pin;
  std::optional<std::string> terminal_secret;
};

enum class PinOutcome { success, wrong_pin, locked, refused };

// Decides one PIN sign-in inside txn; failures and the lock are committed with it.
PinOutcome decide_pin(Context& ctx, pqxx::work& txn, const PinAttempt& a, infra::UserRecord& user,
                      std::optional<infra::TerminalRecord>& terminal) {
  const auto& cfg = ctx.services.config;
  auto location = infra::locations::find_by_code(txn, a.location_code);
  if (!location) return PinOutcome::refused;
  if (a.terminal_secret || cfg.pin_require_terminal) {
    if (a.terminal_secret)
      terminal = infra::terminals::use(txn, location->id, infra::sha256_hex(*a.terminal_secret));
    if (!terminal) return PinOutcome::refused;
  }
  auto found = infra::users::find_by_username(txn, a.username);
  if (found) found = infra::users::find_by_id(txn, found->id, true);
  if (!found || !found->is_active || found->status != "active" || found->location_id != location->id ||
      !found->pin_hash) {
    return PinOutcome::refused;
  }
  user = *found;
  if (user.pin_locked) return PinOutcome::locked;
  if (!ctx.services.passwords.verify(*user.pin_hash, a.pin)) {
    const bool lock = domain::pin_locks_after(user.pin_failures, cfg.pin_max_failures);
    infra::users::record_pin_failure(txn, user.id, lock);
    audit(ctx, txn, user.id, lock ? "auth.pin_locked" : "auth.pin_failed", "user", user.id, std::nullopt,
          json{{"location_id", location->id}, {"failures", user.pin_failures + 1}}.dump());
    return lock ? PinOutcome::locked : PinOutcome::wrong_pin;
  }
  infra::users::clear_pin_failures(txn, user.id);
  audit(ctx, txn, user.id, "auth.pin_login", "user", user.id, std::nullopt,
        json{{"location_id", location->id}, {"terminal_id", terminal ? json(terminal->id) : json(nullptr)}}
            .dump());
  return PinOutcome::success;
}

Response pin_sign_in(Context& ctx) {
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  PinAttempt a;
  a.location_code = in.required_string("location_code", 32);
  a.username = in.required_string("username", 64);
  a.pin = in.required_string("pin", 16);
  if (!in.ok()) return problem(in.error());
  if (auto t = ctx.request.header("x-ims-terminal"); t && !t->empty()) a.terminal_secret = t->substr(0, 200);
  const auto& cfg = ctx.services.config;
  auto& metric = pin_signins(ctx);
  infra::LoginThrottle throttle(ctx.resources.redis, cfg.login_max_failures_per_user,
                                cfg.login_max_failures_per_address, cfg.login_window_s, "pin");
  const auto throttle_key = a.location_code + ":" + a.username;
  if (auto block = throttle.check(throttle_key, ctx.request.remote_address); block.retry_after_s > 0) {
    metric.Add({{"outcome", "throttled"}}).Increment();
    auto err = Error::of(ErrorCode::rate_limited, "too many failed sign-ins; try again later");
    err.retry_after_seconds = block.retry_after_s;
    return problem(err);
  }
  infra::UserRecord user;
  std::optional<infra::TerminalRecord> terminal;
  const bool well_formed = !domain::check_pin(a.pin).has_value();
  auto outcome = well_formed ? ctx.resources.db.transact(
                                   [&](pqxx::work& txn) { return decide_pin(ctx, txn, a, user, terminal); })
                             : PinOutcome::refused;
  if (outcome == PinOutcome::refused)
    ctx.services.passwords.verify_dummy(a.pin);  // the same cost as a real check
  static const char* names[] = {"success", "wrong_pin", "locked", "refused"};
  metric.Add({{"outcome", names[static_cast<int>(outcome)]}}).Increment();
  if (outcome == PinOutcome::locked) {
    throttle.record_failure(throttle_key, ctx.request.remote_address);
    ctx.log.warn("PIN sign-in refused: the PIN is locked", {{"user_id", std::to_string(user.id)}});
    return problem(
        Error::of(ErrorCode::unauthenticated,
                  "the PIN is locked after too many wrong attempts; set a new one after signing in with "
                  "your password, or ask an administrator"));
  }
  if (outcome != PinOutcome::success) {
    throttle.record_failure(throttle_key, ctx.request.remote_address);
    return problem(Error::of(ErrorCode::unauthenticated, bad_pin));
  }
  throttle.record_success(throttle_key, ctx.request.remote_address);
  infra::AccessClaims claims{user.id, user.role, user.location_id, {}, 0, 0, true};
  const auto token = ctx.services.tokens.issue(claims, ctx.services.now(), cfg.pin_token_ttl_s);
  json summary{{"id", user.id},
               {"username", user.username},
               {"role", std::string(domain::to_string(user.role))},
               {"location_id", *user.location_id}};
  return json_response(200, json{{"access_token", token},
                                 {"token_type", "Bearer"},
                                 {"expires_in", cfg.pin_token_ttl_s},
                                 {"scope", "shop_floor"},
                                 {"user", summary}}
                                .dump());
}

// --- terminals ---

Response location_not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such location"));
}

Response create_terminal(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto location_id = parse_id(ctx.request.path_params.at("id"));
  if (!location_id) return location_not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto name = in.required_string("name", 100);
  if (in.has("name") && name.empty()) in.fail("name", "must not be empty");
  if (!in.ok()) return problem(in.error());
  const auto secret = infra::random_token(32);
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::TerminalRecord> {
    if (!infra::locations::find(txn, *location_id)) return std::nullopt;
    const auto id =
        infra::terminals::create(txn, *location_id, name, infra::sha256_hex(secret), auth->actor.user_id);
    auto t = infra::terminals::find(txn, *location_id, id);
    audit(ctx, txn, auth->actor.user_id, "terminal.create", "terminal", id, std::nullopt,
          infra::terminals::to_json(*t));
    return t;
  });
  if (!created) return location_not_found();
  auto j = json::parse(infra::terminals::to_json(*created));
  j["secret"] = secret;
  return json_response(201, j.dump())
      .header("Location", "/api/v1/locations/" + std::to_string(*location_id) + "/terminals/" +
                              std::to_string(created->id));
}

Response list_terminals(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto location_id = parse_id(ctx.request.path_params.at("id"));
  if (!location_id) return location_not_found();
  auto found =
      ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<std::vector<infra::TerminalRecord>> {
        if (!infra::locations::find(txn, *location_id)) return std::nullopt;
        return infra::terminals::list(txn, *location_id);
      });
  if (!found) return location_not_found();
  json out{{"items", json::array()}};
  for (const auto& t : *found) out["items"].push_back(json::parse(infra::terminals::to_json(t)));
  return json_response(200, out.dump());
}

Response revoke_terminal(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto location_id = parse_id(ctx.request.path_params.at("id"));
  auto terminal_id = parse_id(ctx.request.path_params.at("terminal_id"));
  if (!location_id || !terminal_id) return problem(Error::of(ErrorCode::not_found, "no such terminal"));
  bool revoked = ctx.resources.db.transact([&](pqxx::work& txn) {
    if (!infra::terminals::revoke(txn, *location_id, *terminal_id)) return false;
    audit(ctx, txn, auth->actor.user_id, "terminal.revoke", "terminal", *terminal_id, std::nullopt,
          std::nullopt);
    return true;
  });
  return revoked ? no_content() : problem(Error::of(ErrorCode::not_found, "no such terminal"));
}

}  // namespace

void add_account_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/auth/register", register_account);
  router.add("GET", "/api/v1/auth/verify", verify_email);
  router.add("POST", "/api/v1/auth/pin", pin_sign_in);
  router.add("PUT", "/api/v1/users/me/pin", set_my_pin);
  router.add("DELETE", "/api/v1/users/me/pin", remove_my_pin);
  router.add("PUT", "/api/v1/users/{id}/pin", reset_pin);
  router.add("POST", "/api/v1/locations/{id}/terminals", create_terminal);
  router.add("GET", "/api/v1/locations/{id}/terminals", list_terminals);
  router.add("DELETE", "/api/v1/locations/{id}/terminals/{terminal_id}", revoke_terminal);
}

}  // namespace ims::api
