// /users: accounts, roles, locations, activation (of sign-ups too) and passwords. Admin only.
#include <nlohmann/json.hpp>

#include "ims/api/input.hpp"
#include "ims/api/resource.hpp"
#include "ims/domain/account_email.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/token_revocation.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such user"));
}

// A sign-up is decided through /users/{id}/activation, so an email nobody confirmed is never let in.
Response pending_refusal() {
  return problem(
      Error::of(ErrorCode::conflict,
                "the account waits for activation: activate it (PUT /users/{id}/activation) or reject it"));
}

Response user_response(int status, const infra::UserRecord& user) {
  return json_response(status, infra::users::to_json(user))
      .header("ETag", "\"" + std::to_string(user.version) + "\"");
}

// 412 when If-Match is given and names another version.
std::optional<Response> check_if_match(const Request& request, int version) {
  auto tag = request.header("if-match");
  if (!tag || *tag == "*") return std::nullopt;
  std::string v = *tag;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v != std::to_string(version)) {
    return problem(
        Error::of(ErrorCode::precondition_failed,
                  "the user has changed (version " + std::to_string(version) + "); fetch it again"));
  }
  return std::nullopt;
}

// Checks the role/location pairing against the database's locations.
void check_location(pqxx::work& txn, FieldReader& in, domain::Role role,
                    std::optional<std::int64_t> location_id) {
  std::optional<domain::LocationKind> kind;
  if (location_id) {
    if (auto loc = infra::locations::find(txn, *location_id)) kind = loc->kind;
  }
  if (auto why = domain::check_role_location(role, kind, location_id.has_value()))
    in.fail("location_id", *why);
}

// Ends every session of a user: access tokens via Redis, refresh tokens in the transaction.
void revoke_sessions(Context& ctx, pqxx::work& txn, std::int64_t user_id) {
  infra::TokenRevocation(ctx.resources.redis, ctx.services.config.access_token_ttl_s)
      .revoke_user(user_id, ctx.services.now());
  infra::refresh_tokens::revoke_all_for_user(txn, user_id);
}

void audit(Context& ctx, pqxx::work& txn, const Authenticated& auth, const char* action, std::int64_t id,
           std::optional<std::string> before, std::optional<std::string> after) {
  infra::audit::record(txn, {auth.actor.user_id, action, "user", std::to_string(id), std::move(before),
                             std::move(after), ctx.request.request_id});
}

Response list_users(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::UserFilter filter;
  filter.limit = page->limit;
  filter.after_id = page->after_id;
  std::vector<domain::FieldError> errors;
  if (auto role = ctx.request.query_param("role")) {
    filter.role = domain::parse_role(*role);
    if (!filter.role)
      errors.push_back({"role", "must be one of admin, manufacturer, cfa, stockist, retailer"});
  }
  if (auto loc = ctx.request.query_param("location_id")) {
    filter.location_id = parse_id(*loc);
    if (!filter.location_id) errors.push_back({"location_id", "must be a positive integer id"});
  }
  if (auto active = ctx.request.query_param("is_active")) {
    if (*active == "true" || *active == "false") {
      filter.is_active = *active == "true";
    } else {
      errors.push_back({"is_active", "must be true or false"});
    }
  }
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  if (auto status = ctx.request.query_param("status")) {
    if (*status == "active" || *status == "pending_activation") {
      filter.status = *status;
    } else {
      errors.push_back({"status", "must be active or pending_activation"});
    }
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));

  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) { return infra::users::list(txn, filter); });
  auto user_json = [](const infra::UserRecord& u) { return nlohmann::json::parse(infra::users::to_json(u)); };
  return json_response(200, page_of(rows, filter.limit, user_json).dump());
}

Response get_user(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto user = ctx.resources.db.transact([&](pqxx::work& txn) { return infra::users::find_by_id(txn, *id); });
  if (!user) return not_found();
  return user_response(200, *user);
}

Response create_user(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  infra::NewUserRow row;
  row.username = in.required_string("username", 64);
  row.email = in.required_string("email", 254);
  const auto password = in.required_string("password", domain::max_password_length);
  const auto role_text = in.required_string("role", 32);
  row.location_id = in.optional_id("location_id");
  const auto role = domain::parse_role(role_text);
  // An empty or unknown role is refused (it once fell through to the first role of the enum).
  if (in.has("role") && !body["role"].is_null() && body["role"].is_string() && !role)
    in.fail("role", "must be one of admin, manufacturer, cfa, stockist, retailer");
  if (in.has("username")) {
    if (auto why = domain::check_username(row.username)) in.fail("username", *why);
  }
  if (in.has("email")) {
    if (auto why = domain::check_email(row.email)) in.fail("email", *why);
  }
  if (in.has("password")) {
    if (auto why = domain::check_password(password)) in.fail("password", *why);
  }
  if (!in.ok() || !role) return problem(in.error());
  row.role = *role;
  row.password_hash = ctx.services.passwords.hash(password);

  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::UserRecord> {
    check_location(txn, in, row.role, row.location_id);
    if (!in.ok()) return std::nullopt;
    if (infra::users::find_by_username(txn, row.username)) {
      in.fail("username", "is taken");
      return std::nullopt;
    }
    const auto id = infra::users::insert(txn, row);
    auto user = infra::users::find_by_id(txn, id);
    audit(ctx, txn, *auth, "user.create", id, std::nullopt, infra::users::to_json(*user));
    return user;
  });
  if (!created) {
    auto err = in.error();
    if (err.fields.size() == 1 && err.fields[0].message == "is taken") {
      return problem(Error{ErrorCode::conflict, "username is taken", err.fields, 0});
    }
    return problem(err);
  }
  return user_response(201, *created).header("Location", "/api/v1/users/" + std::to_string(created->id));
}

Response update_user(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto email = in.optional_string("email", 254);
  const auto role_text = in.optional_string("role", 32);
  bool clear_location = false;
  const auto location_id = in.optional_id("location_id", &clear_location);
  std::optional<domain::Role> role;
  if (role_text) {
    role = domain::parse_role(*role_text);
    if (!role) in.fail("role", "must be one of admin, manufacturer, cfa, stockist, retailer");
  }
  if (email) {
    if (auto why = domain::check_email(*email)) in.fail("email", *why);
  }
  if (!in.ok()) return problem(in.error());

  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::UserRecord> {
    auto user = infra::users::find_by_id(txn, *id, true);
    if (!user) {
      refusal = not_found();
      return std::nullopt;
    }
    if ((refusal = check_if_match(ctx.request, user->version))) return std::nullopt;
    if (user->status == "pending_activation") {
      refusal = pending_refusal();
      return std::nullopt;
    }
    const auto new_role = role.value_or(user->role);
    const auto new_location = clear_location ? std::nullopt : (location_id ? location_id : user->location_id);
    check_location(txn, in, new_role, new_location);
    if (!in.ok()) {
      refusal = problem(in.error());
      return std::nullopt;
    }
    if (new_role == domain::Role::admin || user->role == domain::Role::admin) {
      if (user->id == auth->actor.user_id && new_role != domain::Role::admin) {
        refusal = problem(Error::of(ErrorCode::conflict, "you cannot remove your own admin role"));
        return std::nullopt;
      }
    }
    infra::users::update_profile(txn, *id, email.value_or(user->email), new_role, new_location);
    // Tokens carry role and location: a change of either ends the user's sessions.
    if (new_role != user->role || new_location != user->location_id) revoke_sessions(ctx, txn, *id);
    auto after = infra::users::find_by_id(txn, *id);
    audit(ctx, txn, *auth, "user.update", *id, infra::users::to_json(*user), infra::users::to_json(*after));
    return after;
  });
  if (refusal) return *refusal;
  return user_response(200, *updated);
}

Response set_status(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const bool active = in.required_bool("is_active");
  if (!in.ok()) return problem(in.error());
  if (*id == auth->actor.user_id && !active) {
    return problem(Error::of(ErrorCode::conflict, "you cannot deactivate your own account"));
  }
  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::UserRecord> {
    auto user = infra::users::find_by_id(txn, *id, true);
    if (!user) {
      refusal = not_found();
      return std::nullopt;
    }
    if ((refusal = check_if_match(ctx.request, user->version))) return std::nullopt;
    if (user->status == "pending_activation") {
      refusal = pending_refusal();
      return std::nullopt;
    }
    infra::users::set_active(txn, *id, active);
    if (!active) revoke_sessions(ctx, txn, *id);
    auto after = infra::users::find_by_id(txn, *id);
    audit(ctx, txn, *auth, active ? "user.activate" : "user.deactivate", *id, infra::users::to_json(*user),
          infra::users::to_json(*after));
    return after;
  });
  if (refusal) return *refusal;
  return user_response(200, *updated);
}

Response set_password(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto password = in.required_string("password", domain::max_password_length);
  if (in.has("password")) {
    if (auto why = domain::check_password(password)) in.fail("password", *why);
  }
  if (!in.ok()) return problem(in.error());
  const auto hash = ctx.services.passwords.hash(password);
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto user = infra::users::find_by_id(txn, *id, true);
    if (!user) return false;
    infra::users::set_password(txn, *id, hash);
    revoke_sessions(ctx, txn, *id);
    audit(ctx, txn, *auth, "user.set_password", *id, std::nullopt, std::nullopt);
    return true;
  });
  return found ? no_content() : not_found();
}

Response delete_user(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  if (*id == auth->actor.user_id)
    return problem(Error::of(ErrorCode::conflict, "you cannot delete your own account"));
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto user = infra::users::find_by_id(txn, *id, true);
    if (!user) return false;
    revoke_sessions(ctx, txn, *id);
    infra::users::remove(txn, *id);
    audit(ctx, txn, *auth, "user.delete", *id, infra::users::to_json(*user), std::nullopt);
    return true;
  });
  return found ? no_content() : not_found();
}

// The signed-in user's own notification settings: alert email on or off (in-app alerts stay).
Response get_my_notifications(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto enabled = ctx.resources.db.transact(
      [&](pqxx::work& txn) { return infra::users::email_alerts(txn, auth->actor.user_id); });
  if (!enabled) return problem(Error::of(ErrorCode::unauthenticated, "the account no longer exists"));
  return json_response(200, nlohmann::json{{"email_alerts", *enabled}}.dump());
}

Response set_my_notifications(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto enabled = in.required_bool("email_alerts");
  if (!in.ok()) return problem(in.error());
  auto done = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto before = infra::users::email_alerts(txn, auth->actor.user_id);
    if (!before) return false;
    infra::users::set_email_alerts(txn, auth->actor.user_id, enabled);
    audit(ctx, txn, *auth, "user.notifications", auth->actor.user_id,
          nlohmann::json{{"email_alerts", *before}}.dump(), nlohmann::json{{"email_alerts", enabled}}.dump());
    return true;
  });
  if (!done) return problem(Error::of(ErrorCode::unauthenticated, "the account no longer exists"));
  return json_response(200, nlohmann::json{{"email_alerts", enabled}}.dump());
}

// --- sign-ups waiting for activation (issue 13) ---

// The pending account, locked; or the refusal (404, 409).
std::optional<Response> lock_pending(pqxx::work& txn, std::int64_t id, infra::UserRecord& out) {
  auto user = infra::users::find_by_id(txn, id, true);
  if (!user) return not_found();
  if (user->status != "pending_activation") {
    return problem(Error::of(ErrorCode::conflict, "the account is not waiting for activation"));
  }
  out = *user;
  return std::nullopt;
}

void queue_account_mail(pqxx::work& txn, const infra::UserRecord& user, const char* event,
                        const domain::RenderedEmail& mail) {
  infra::account_mail::queue(txn, {user.id, user.email, event, mail.subject, mail.text, mail.html});
}

// Activates a sign-up whose address is confirmed, with the role and location the admin decides.
Response activate_account(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto role_text = in.required_string("role", 32);
  const auto location_id = in.optional_id("location_id");
  const auto role = domain::parse_role(role_text);
  if (in.has("role") && body["role"].is_string() && !role)
    in.fail("role", "must be one of admin, manufacturer, cfa, stockist, retailer");
  if (!in.ok() || !role) return problem(in.error());

  std::optional<Response> refusal;
  auto activated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::UserRecord> {
    infra::UserRecord user;
    if ((refusal = lock_pending(txn, *id, user))) return std::nullopt;
    if (!user.email_verified) {
      refusal = problem(Error::of(ErrorCode::conflict, "the account's email address is not confirmed yet"));
      return std::nullopt;
    }
    check_location(txn, in, *role, location_id);
    if (!in.ok()) {
      refusal = problem(in.error());
      return std::nullopt;
    }
    infra::users::activate(txn, *id, *role, location_id);
    auto after = infra::users::find_by_id(txn, *id);
    std::string place;
    if (auto l = location_id ? infra::locations::find(txn, *location_id) : std::nullopt)
      place = l->code + " (" + l->name + ")";
    queue_account_mail(txn, *after, "activated",
                       domain::render_activated_email(
                           {after->username, ctx.services.config.dashboard_url, "", 0, role_text, place}));
    infra::append_event(
        txn, {"account.activated",
              {{"user_id", *id},
               {"role", role_text},
               {"location_id", location_id ? nlohmann::json(*location_id) : nlohmann::json(nullptr)}},
              ctx.request.request_id,
              auth->actor.user_id});
    audit(ctx, txn, *auth, "user.activate_registration", *id, infra::users::to_json(user),
          infra::users::to_json(*after));
    return after;
  });
  if (refusal) return *refusal;
  return user_response(200, *activated);
}

// Rejects a sign-up: the account is removed, the person told.
Response reject_account(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  std::optional<Response> refusal;
  ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::UserRecord user;
    if ((refusal = lock_pending(txn, *id, user))) return;
    queue_account_mail(
        txn, user, "rejected",
        domain::render_rejected_email({user.username, ctx.services.config.dashboard_url, "", 0, "", ""}));
    infra::append_event(
        txn, {"account.rejected", {{"user_id", *id}}, ctx.request.request_id, auth->actor.user_id});
    audit(ctx, txn, *auth, "user.reject_registration", *id, infra::users::to_json(user), std::nullopt);
    infra::users::remove(txn, *id);
  });
  if (refusal) return *refusal;
  return no_content();
}

}  // namespace

void add_user_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/users/me/notifications", get_my_notifications);
  router.add("PATCH", "/api/v1/users/me/notifications", set_my_notifications);
  router.add("GET", "/api/v1/users", list_users);
  router.add("POST", "/api/v1/users", create_user);
  router.add("GET", "/api/v1/users/{id}", get_user);
  router.add("PATCH", "/api/v1/users/{id}", update_user);
  router.add("DELETE", "/api/v1/users/{id}", delete_user);
  router.add("PATCH", "/api/v1/users/{id}/status", set_status);
  router.add("PUT", "/api/v1/users/{id}/password", set_password);
  router.add("PUT", "/api/v1/users/{id}/activation", activate_account);
  router.add("DELETE", "/api/v1/users/{id}/activation", reject_account);
}

}  // namespace ims::api
