// /users: accounts, roles, locations, activation (of sign-ups too) and passwords. Admin only; and
// the signed-in user's own notification settings. Decode → use case (api/src/use_cases/users.cpp)
// → encode.
#include <nlohmann/json.hpp>

#include "ims/api/account_services.hpp"
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/users.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::UnitOfWork;

constexpr const char* role_names = "must be one of admin, manufacturer, cfa, stockist, retailer";

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such user"));
}

Response encoded(int status, const domain::Result<infra::UserRecord>& user) {
  return user ? versioned(status, user_json(*user)) : problem(user.error());
}

// The stores of one unit of work, and the sessions a change ends.
struct UserStores {
  UserStores(UnitOfWork& u, AccessRevocation& access)
      : users(u), locations(u), refresh_tokens(u), audit(u), sessions{refresh_tokens, access} {}
  infra::PgUserStore users;
  infra::PgLocationLookup locations;
  infra::PgRefreshTokenStore refresh_tokens;
  infra::PgAuditTrail audit;
  UserSessions sessions;
};

// ?role, ?location_id, ?is_active, ?q and ?status, each checked (422), with the page.
domain::Result<infra::UserFilter> read_filter(const Request& request) {
  auto page = read_page(request);
  if (!page) return page.error();
  infra::UserFilter filter;
  filter.limit = page->limit;
  filter.after_id = page->after_id;
  std::vector<domain::FieldError> errors;
  if (auto role = request.query_param("role")) {
    filter.role = domain::parse_role(*role);
    if (!filter.role) errors.push_back({"role", role_names});
  }
  if (auto loc = request.query_param("location_id")) {
    filter.location_id = parse_id(*loc);
    if (!filter.location_id) errors.push_back({"location_id", "must be a positive integer id"});
  }
  if (auto active = request.query_param("is_active")) {
    if (*active == "true" || *active == "false") {
      filter.is_active = *active == "true";
    } else {
      errors.push_back({"is_active", "must be true or false"});
    }
  }
  if (auto q = request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  if (auto status = request.query_param("status")) {
    if (*status == "active" || *status == "pending_activation") {
      filter.status = *status;
    } else {
      errors.push_back({"status", "must be active or pending_activation"});
    }
  }
  if (!errors.empty()) return Error::validation(std::move(errors));
  return filter;
}

// The new user's fields, checked (422), with the password hashed.
domain::Result<infra::NewUserRow> read_new_user(Context& ctx, const nlohmann::json& body) {
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
    in.fail("role", role_names);
  if (in.has("username")) {
    if (auto why = domain::check_username(row.username)) in.fail("username", *why);
  }
  if (in.has("email")) {
    if (auto why = domain::check_email(row.email)) in.fail("email", *why);
  }
  if (in.has("password")) {
    if (auto why = domain::check_password(password)) in.fail("password", *why);
  }
  if (!in.ok() || !role) return in.error();
  row.role = *role;
  row.password_hash = ctx.services.passwords.hash(password);
  return row;
}

domain::Result<UserChange> read_change(const Request& request, std::int64_t id, const nlohmann::json& body) {
  FieldReader in(body);
  UserChange change{
      id, request.header("if-match"), in.optional_string("email", 254), std::nullopt, std::nullopt, false};
  const auto role_text = in.optional_string("role", 32);
  change.location_id = in.optional_id("location_id", &change.clear_location);
  if (role_text) {
    change.role = domain::parse_role(*role_text);
    if (!change.role) in.fail("role", role_names);
  }
  if (change.email) {
    if (auto why = domain::check_email(*change.email)) in.fail("email", *why);
  }
  if (!in.ok()) return in.error();
  return change;
}

// The role and location an admin gives a sign-up (422).
domain::Result<RegistrationDecision> read_decision(std::int64_t id, const nlohmann::json& body) {
  FieldReader in(body);
  const auto role_text = in.required_string("role", 32);
  const auto location_id = in.optional_id("location_id");
  const auto role = domain::parse_role(role_text);
  if (in.has("role") && body["role"].is_string() && !role) in.fail("role", role_names);
  if (!in.ok() || !role) return in.error();
  return RegistrationDecision{id, *role, location_id};
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto filter = read_filter(ctx.request);
  if (!filter) return problem(filter.error());
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    return list_users(*filter, users);
  });
  return json_response(200, page_of(*rows, filter->limit, user_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    return get_user(*id, users);
  }));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  auto row = read_new_user(ctx, body);
  if (!row) return problem(row.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgLocationLookup locations(u);
    infra::PgAuditTrail audit(u);
    return create_user(caller(ctx, *auth), *row, users, locations, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, created).header("Location", "/api/v1/users/" + std::to_string(created->id));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  auto change = read_change(ctx.request, *id, body);
  if (!change) return problem(change.error());
  RedisAccessRevocation access(ctx);
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    UserStores s(u, access);
    return update_user(caller(ctx, *auth), *change, s.users, s.locations, s.sessions, s.audit);
  }));
}

Response set_status(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const UserStatusChange change{*id, ctx.request.header("if-match"), in.required_bool("is_active")};
  if (!in.ok()) return problem(in.error());
  RedisAccessRevocation access(ctx);
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    UserStores s(u, access);
    return set_user_status(caller(ctx, *auth), change, s.users, s.sessions, s.audit);
  }));
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
  const PasswordChange change{*id, ctx.services.passwords.hash(password)};
  RedisAccessRevocation access(ctx);
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    UserStores s(u, access);
    return set_user_password(caller(ctx, *auth), change, s.users, s.sessions, s.audit);
  });
  return done ? no_content() : problem(done.error());
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  RedisAccessRevocation access(ctx);
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    UserStores s(u, access);
    return delete_user(caller(ctx, *auth), {*id}, s.users, s.sessions, s.audit);
  });
  return done ? no_content() : problem(done.error());
}

Response notifications_response(const domain::Result<bool>& enabled) {
  if (!enabled) return problem(enabled.error());
  return json_response(200, nlohmann::json{{"email_alerts", *enabled}}.dump());
}

// The signed-in user's own notification settings: alert email on or off (in-app alerts stay).
Response get_my_notifications(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  return notifications_response(ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    return get_email_alerts(caller(ctx, *auth), users);
  }));
}

Response set_my_notifications(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto enabled = in.required_bool("email_alerts");
  if (!in.ok()) return problem(in.error());
  return notifications_response(ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgAuditTrail audit(u);
    return set_email_alerts(caller(ctx, *auth), enabled, users, audit);
  }));
}

// --- sign-ups waiting for activation (issue 13) ---

// Activates a sign-up whose address is confirmed, with the role and location the admin decides.
Response activate(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  auto decision = read_decision(*id, body);
  if (!decision) return problem(decision.error());
  const AccountLinks links{ctx.services.config.dashboard_url};
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgLocationLookup locations(u);
    infra::PgAccountMailbox mailbox(u);
    infra::PgOutbox outbox(u);
    infra::PgAuditTrail audit(u);
    return activate_registration(caller(ctx, *auth), *decision, links, users, locations, mailbox, outbox,
                                 audit);
  }));
}

// Rejects a sign-up: the account is removed, the person told.
Response reject(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_users);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  const AccountLinks links{ctx.services.config.dashboard_url};
  auto done = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgUserStore users(u);
    infra::PgAccountMailbox mailbox(u);
    infra::PgOutbox outbox(u);
    infra::PgAuditTrail audit(u);
    return reject_registration(caller(ctx, *auth), {*id}, links, users, mailbox, outbox, audit);
  });
  return done ? no_content() : problem(done.error());
}

}  // namespace

void add_user_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/users/me/notifications", get_my_notifications);
  router.add("PATCH", "/api/v1/users/me/notifications", set_my_notifications);
  router.add("GET", "/api/v1/users", list);
  router.add("POST", "/api/v1/users", create);
  router.add("GET", "/api/v1/users/{id}", get);
  router.add("PATCH", "/api/v1/users/{id}", update);
  router.add("DELETE", "/api/v1/users/{id}", remove);
  router.add("PATCH", "/api/v1/users/{id}/status", set_status);
  router.add("PUT", "/api/v1/users/{id}/password", set_password);
  router.add("PUT", "/api/v1/users/{id}/activation", activate);
  router.add("DELETE", "/api/v1/users/{id}/activation", reject);
}

}  // namespace ims::api
